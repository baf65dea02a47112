/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine: its typed configuration (filled from the command line), its
 * address spaces, clock, interrupt wiring, devices and run state.  There is
 * no global machine: everything hangs off struct machine.
 *
 * Locking: one machine lock.  vCPU threads take it around every I/O exit;
 * the I/O thread takes it around timers and fd callbacks.  Device callbacks
 * therefore always run with it held.
 */
#ifndef CORE_MACHINE_H
#define CORE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/memory.h"
#include "core/timer.h"
#include "core/irq.h"
#include "core/opts.h"
#include "core/notify.h"

enum accel_type { ACCEL_KVM, ACCEL_QTEST };

#define MAX_SERIAL 4
#define NUM_GSI 24

/* -smp's limit (also query-machines' cpu-max) */
#define MACHINE_MAX_CPUS 255

struct machine_config {
	uint64_t ram_size;
	unsigned smp_cpus, sockets, cores, threads, maxcpus;
	char *bios;             /* path after -L lookup */
	GPtrArray *bios_dirs;   /* -L, then the default */
	enum accel_type accel;
	bool accel_set;         /* -accel, -machine accel= or -enable-kvm given */
	char *cpu_spec;         /* -cpu as given, parsed by the accelerator */
	char *cpu_model;        /* host, max, qemu64 */
	GPtrArray *cpu_feats;   /* "+avx", "-sse4.2" */
	char *serial[MAX_SERIAL]; /* legacy chardev specs or NULL */
	int nserial;
	GPtrArray *chardevs;    /* -chardev option strings */
	GPtrArray *devices;     /* -device option strings */
	char *debugcon;         /* -debugcon spec */
	bool nographic, display_none, nodefaults, no_reboot, no_shutdown;
	bool start_paused;      /* -S */
	bool no_hpet;           /* -no-hpet, -machine hpet=off */
	char *name;
	char *qtest;            /* -qtest spec */
	char *qtest_log;
	char *kernel, *initrd, *append;
	char *boot_order;       /* "cdn" */
	char *boot_once;
	bool boot_menu, boot_strict;
	int boot_splash_time;   /* ms, -1 unset */
	int boot_reboot_timeout; /* ms, -1 = never retry (QEMU default) */
	char *vga;              /* -vga: std (default) or none */
	char *rtc;              /* -rtc base=,clock=,driftfix= */
	char *display;          /* -display: sdl, none, ... */
	char *vnc;              /* -vnc argument */
	GPtrArray *drive_opts;  /* -drive option strings */
	GPtrArray *drive_legacy; /* "hda=FILE", "cdrom=FILE" ... */
	bool snapshot;          /* -snapshot */
	GPtrArray *monitors;    /* "mode=readline|control,spec" strings */
	GPtrArray *netdevs;     /* -netdev option strings */
	GPtrArray *nics;        /* -nic option strings */
	GPtrArray *nets;        /* legacy -net option strings */
	bool device_help;       /* -device help: list the classes and exit */
	char *incoming;         /* -incoming URI or "defer" */
	bool machine_none;      /* -machine none: no board, no vCPU, QMP only */
	bool daemonize;         /* -daemonize (core/daemon.h) */
	char *pidfile;          /* -pidfile PATH */
	GPtrArray *globals;     /* struct global_prop * (core/global.h), or NULL */
	bool no_pit;            /* -machine pit=off */
	bool usb;               /* -usb, -machine usb=on: PIIX3 UHCI at 00:01.2 */
	char *uuid;             /* -uuid, lower case, or NULL */
	GHashTable *secrets;    /* -object secret: id -> GBytes */
	GPtrArray *blockdevs;   /* -blockdev nodes, struct opts * */
	bool mem_lock;          /* -overcommit mem-lock=on */
	bool dump_guest_core;   /* -machine dump-guest-core (default on) */
};

enum run_state { RUN_STATE_RUNNING, RUN_STATE_PAUSED, RUN_STATE_SHUTDOWN };

struct machine;
struct mem_region;
struct kvm_accel;
struct fw_cfg;
struct pci_bus;
struct device;
struct device_class;
struct qtest_state;
struct pc_machine;
struct usb_bus;
struct net_state;
struct mon_root;

/*
 * What the accelerator does for the layers below it, registered once with
 * machine_set_accel() (accel/kvm.c, accel/qtest.c, or a unit test's
 * recorder).  Devices and core call these only through the machine_*()
 * wrappers below, never the accelerator by name.  Any hook may be NULL.
 * All are called with the machine lock held.
 */
struct accel_ops {
	const char *name;
	/* the PIC/IOAPIC/PIT live in the accelerator (no ELCR ports for us) */
	bool irqchip_in_kernel;
	/* stop every vCPU outside guest code and wait for it; resume them */
	void (*pause)(struct machine *m);
	void (*resume)(struct machine *m);
	/* vCPUs paused: put CPUs and in-kernel chips back to power-on state */
	void (*reset)(struct machine *m);
	/* GSI 0..23 changed level (already filtered: only real changes) */
	void (*set_irq)(struct machine *m, int gsi, int level);
	/* deliver an MSI; 0 or -errno */
	int (*signal_msi)(struct machine *m, uint64_t addr, uint32_t data);
	/* see machine_ioeventfd() */
	int (*ioeventfd)(struct machine *m, int fd, uint64_t addr, unsigned len, bool pio,
			 bool datamatch, uint64_t data, bool assign);
	/* see machine_get_dirty_log() */
	int (*get_dirty_log)(struct machine *m, struct mem_region *r, unsigned long *bitmap);
	/* host thread id of vCPU index, or 0 if unknown */
	int (*vcpu_thread_id)(struct machine *m, int index);
	/* see machine_pit_set_hpet_legacy() */
	int (*pit_hpet_legacy)(struct machine *m, bool legacy);
	/* see machine_coalesce_mmio() and machine_flush_coalesced() */
	int (*coalesce_mmio)(struct machine *m, uint64_t addr, uint64_t size);
	void (*flush_coalesced)(struct machine *m);
	/* create and start vCPU index (its APIC id) while the machine runs */
	int (*cpu_hotplug)(struct machine *m, int index, GError **err);
	/* append vCPU index's registers as QEMU's "info registers"; 0 or -errno */
	int (*dump_cpu)(struct machine *m, int index, GString *out);
};

/*
 * What the board (hw/i386/pc.c) adds to a machine reset and to power
 * requests, registered with machine_set_board().  Any hook may be NULL.
 */
struct board_ops {
	/* after every device's reset hook, before the accelerator's */
	void (*reset)(struct machine *m);
	/* the ACPI power button (QMP system_powerdown); 0 or -errno */
	int (*power_button)(struct machine *m);
	/*
	 * A device_add'ed device is realized: tell the guest (ACPI GPE).  On
	 * failure the caller destroys it.  unplug_request: device_del; the
	 * device goes when the guest ejects it (device_destroy_later).
	 */
	int (*hotplug)(struct machine *m, struct device *dev, GError **err);
	int (*unplug_request)(struct machine *m, struct device *dev, GError **err);
	/* ACPI S3: entered (vCPUs stopped); woken (after the reset, before the
	 * vCPUs run again), why: MACHINE_WAKE_* */
	void (*suspend)(struct machine *m);
	void (*wakeup)(struct machine *m, unsigned why);
};
struct savevm_registry;
struct migration_state;

struct machine {
	struct machine_config *cfg;
	GMutex lock;
	GMainContext *ctx;
	GMainLoop *loop;

	struct address_space mem, io;
	struct vclock clock;

	/* RAM: one anonymous mapping; below_4g at 0, above_4g at 4 GiB */
	uint8_t *ram;
	uint64_t ram_below_4g, ram_above_4g;
	uint8_t *bios;   /* BIOS image copy */
	uint64_t bios_size;

	/* Interrupt sinks: GSI 0..23 as seen by the PIC/IOAPIC */
	struct irq_line gsi[NUM_GSI];
	int gsi_level[NUM_GSI];

	const struct accel_ops *accel;
	const struct board_ops *board;
	/* accelerator-private state, owned and used by accel/ only */
	struct kvm_accel *kvm;
	struct qtest_state *qtest;
	/* the -device class table (system/device-list.c), NULL-terminated */
	const struct device_class *const *device_classes;
	struct fw_cfg *fw_cfg;
	struct pci_bus *pci;
	GPtrArray *devices;      /* struct device *, in creation order */
	/*
	 * CPUs by index (= APIC id): present (the ACPI bitmap at 0xaf00), the
	 * device_add'ed device of each (NULL: a -smp CPU), in plug order.
	 */
	uint8_t cpu_present[(MACHINE_MAX_CPUS + 7) / 8];
	struct device *cpu_dev[MACHINE_MAX_CPUS];
	GArray *cpu_order;       /* int index, as query-cpus-fast lists them */
	unsigned anon_devices;   /* -device/device_add devices without an id */
	GHashTable *chardevs;    /* id -> struct chardev * */
	GPtrArray *anon_chardevs;
	/*
	 * Devices report upward through events (core/notify.h; data: const
	 * struct machine_event *) without naming who listens: the monitor
	 * turns them into QMP events.
	 */
	struct notifier_list events;

	/* Requests from device callbacks, served by the I/O thread */
	bool reset_requested;
	bool shutdown_requested;
	bool poweroff_requested;
	bool internal_error_requested;
	bool suspend_requested;  /* ACPI S3 (machine_request_suspend) */
	unsigned wakeup_requested; /* MACHINE_WAKE_* bits */
	unsigned wakeup_enabled;   /* MACHINE_WAKE_* the guest enabled (OTHER always) */
	bool suspended;          /* in S3: vCPUs stopped, clocks and devices run */
	bool s3_waking;          /* during the reset that ends S3 */
	bool internal_error;   /* paused by a vCPU error until a reset (QEMU's internal-error) */
	int exit_code;
	enum run_state state;

	struct pc_machine *pc; /* hw/i386/pc.c */
	struct usb_bus *usb;   /* hw/usb/core.c, NULL without a USB controller */
	struct net_state *net; /* net/net.c */
	GPtrArray *drives; /* struct drive_info * (block/drive.c) */
	struct savevm_registry *savevm;     /* core/savevm.c */
	struct migration_state *migration;  /* core/migration.c */

	/*
	 * Monitor (ui/monitor.c).  request_reason is the QMP reason of the
	 * pending reset/shutdown request ("host-signal", ...); NULL means the
	 * guest asked.  request_hook, when set, is told (lock held) as each
	 * request is served, before the main loop quits on a shutdown.
	 */
	struct mon_root *monitor;
	const char *request_reason;
	void (*request_hook)(struct machine *m, bool shutdown, const char *reason);
};

/*
 * A machine with nothing in it yet: empty memory and I/O address spaces,
 * 24 GSIs with no sink, no devices, a paused virtual clock (manual when
 * cfg->accel is qtest) on the default glib context.  The machine owns cfg;
 * NULL means machine_config_new() set for the qtest accelerator, as the
 * unit tests want.  main (system/main.c) and every unit test start here.
 */
struct machine *machine_new(struct machine_config *cfg);
/* A config with the command line's defaults (128 MiB, 1 CPU, KVM). */
struct machine_config *machine_config_new(void);
/* Free a configuration and everything the command line put in it. */
void machine_config_free(struct machine_config *cfg);

/* Install the accelerator's and the board's hooks (once, at set-up). */
void machine_set_accel(struct machine *m, const struct accel_ops *ops);
void machine_set_board(struct machine *m, const struct board_ops *ops);

/* Accelerator services for devices: -ENOTSUP when the accelerator lacks one. */
bool machine_irqchip_in_kernel(struct machine *m);
int machine_signal_msi(struct machine *m, uint64_t addr, uint32_t data);
/*
 * Have the accelerator signal fd on a guest write of len bytes (1, 2, 4, 8)
 * at addr in the port (pio) or memory space; with datamatch only when the
 * value equals data.  assign=false removes the same registration.
 */
int machine_ioeventfd(struct machine *m, int fd, uint64_t addr, unsigned len, bool pio,
		      bool datamatch, uint64_t data, bool assign);
bool machine_has_ioeventfd(struct machine *m);
/*
 * OR into bitmap (one bit per 4 KiB page of r) the pages the guest wrote
 * since the last call; r must be a RAM region mapped with dirty logging.
 */
int machine_get_dirty_log(struct machine *m, struct mem_region *r, unsigned long *bitmap);

/*
 * Let the accelerator buffer guest writes to [addr, addr+size) of the
 * memory space and deliver them later, in order, before any other exit
 * is handled (reads are never buffered).  For write-mostly MMIO whose
 * writes have no side effect the guest could observe without a read.
 * 0, or -ENOTSUP (then every write is delivered at once, as before).
 */
int machine_coalesce_mmio(struct machine *m, uint64_t addr, uint64_t size);
/* Lock held: deliver the buffered writes now (before reading the state they change). */
void machine_flush_coalesced(struct machine *m);
bool machine_has_dirty_log(struct machine *m);
/* Host thread id of vCPU index (the process id when there is none). */
int machine_vcpu_thread_id(struct machine *m, int index);
/*
 * The HPET's legacy replacement route took IRQ 0 (legacy) or gave it back:
 * the accelerator's PIT stops or resumes driving its output.  -ENOTSUP
 * when the accelerator has no PIT (qtest, unit tests).
 */
int machine_pit_set_hpet_legacy(struct machine *m, bool legacy);
/* Make vCPU index run (KVM); 0 without an accelerator hook (qtest). */
int machine_cpu_hotplug(struct machine *m, int index, GError **err);
bool machine_cpu_present(struct machine *m, unsigned index);
/* Mark index present and list it last in cpu_order. */
void machine_cpu_set_present(struct machine *m, unsigned index);
/* vCPU index's registers in QEMU's layout into out; -ENOTSUP without a hook. */
int machine_dump_cpu(struct machine *m, int index, GString *out);
/* Press the board's power button; -ENOTSUP without one. */
int machine_power_button(struct machine *m);

static inline void machine_lock(struct machine *m) { g_mutex_lock(&m->lock); }
static inline void machine_unlock(struct machine *m) { g_mutex_unlock(&m->lock); }

/* Ask the I/O thread to reset the system (or exit, with -no-reboot). */
void machine_request_reset(struct machine *m);
/* The guest powered off (ACPI S5): exit 0, or pause with -no-shutdown. */
/*
 * ACPI S3 suspend to RAM: the vCPUs stop, the virtual clock and devices
 * run on (an RTC alarm can fire).  A wakeup (QMP system_wakeup, the power
 * button, a key, the RTC alarm when the guest enabled RTC_EN) resets the
 * machine, RAM kept, and runs it: the firmware finds its resume mark in
 * CMOS and jumps to the OS's waking vector, as after a real S3.
 */
#define MACHINE_WAKE_OTHER 1u
#define MACHINE_WAKE_RTC 2u
#define MACHINE_WAKE_PWRBTN 4u
void machine_request_suspend(struct machine *m);
/* -EINVAL when not suspended (QMP system_wakeup's error); else 0 */
int machine_request_wakeup(struct machine *m, unsigned why);
void machine_request_poweroff(struct machine *m);
/* A vCPU cannot go on: pause the VM in QEMU's "internal-error" state. */
void machine_request_internal_error(struct machine *m);
/* Ask the I/O thread to end kvmpc with this status (debug-exit, host quit). */
void machine_request_shutdown(struct machine *m, int exit_code);
/* Pause / resume all vCPUs and the virtual clock (lock held). */
void machine_pause(struct machine *m);
void machine_resume(struct machine *m);
/* Reset all devices and CPUs; vCPUs must be paused (lock held). */
void machine_reset(struct machine *m);

/* ISA interrupt line n (0..15) and GSI n (0..23). */
struct irq_line *machine_gsi(struct machine *m, int n);

/* Point every GSI at the machine's sink (the accelerator's set_irq). */
void machine_init_gsi(struct machine *m);

/* Register a device for reset and save/restore; forget it again. */
void machine_add_device(struct machine *m, struct device *d);
void machine_del_device(struct machine *m, struct device *d);

enum machine_event_kind {
	MACHINE_EVENT_TRAY_MOVED, /* id: the drive; tray_open: its new state */
	MACHINE_EVENT_DEVICE_DELETED, /* id: the device's (or NULL); path: QOM */
	MACHINE_EVENT_INTERNAL_ERROR, /* the VM paused on a vCPU error */
	/* an incoming socket migration ended: id: "completed" or "failed";
	 * resumed: the machine runs now */
	MACHINE_EVENT_MIGRATION,
	MACHINE_EVENT_SUSPEND,  /* the guest entered S3 */
	MACHINE_EVENT_SUSPEND_DISK, /* the guest entered S4 (then powers off) */
	MACHINE_EVENT_WAKEUP,   /* it left S3 */
};

struct machine_event {
	enum machine_event_kind kind;
	const char *id;
	bool tray_open;
	const char *path;
	bool resumed;
};

/* Tell every events listener (lock held). */
void machine_event(struct machine *m, const struct machine_event *ev);

#endif
