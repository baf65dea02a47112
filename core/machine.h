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

enum accel_type { ACCEL_KVM, ACCEL_QTEST };

#define MAX_SERIAL 4
#define NUM_GSI 24

struct machine_config {
	uint64_t ram_size;
	unsigned smp_cpus, sockets, cores, threads, maxcpus;
	char *bios;             /* path after -L lookup */
	GPtrArray *bios_dirs;   /* -L, then the default */
	enum accel_type accel;
	char *cpu_model;        /* host, max, qemu64 */
	GPtrArray *cpu_feats;   /* "+avx", "-sse4.2" */
	char *serial[MAX_SERIAL]; /* legacy chardev specs or NULL */
	int nserial;
	GPtrArray *chardevs;    /* -chardev option strings */
	GPtrArray *devices;     /* -device option strings */
	char *debugcon;         /* -debugcon spec */
	bool nographic, display_none, nodefaults, no_reboot, no_shutdown;
	bool start_paused;      /* -S */
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
};

enum run_state { RUN_STATE_RUNNING, RUN_STATE_PAUSED, RUN_STATE_SHUTDOWN };

struct kvm_accel;
struct kvm_vcpu;
struct fw_cfg;
struct pci_bus;
struct device;
struct qtest_state;

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

	struct kvm_accel *kvm;
	struct qtest_state *qtest;
	struct fw_cfg *fw_cfg;
	struct pci_bus *pci;
	GPtrArray *devices;      /* struct device *, in creation order */
	GHashTable *chardevs;    /* id -> struct chardev * */
	GPtrArray *anon_chardevs;

	/* Requests from device callbacks, served by the I/O thread */
	bool reset_requested;
	bool shutdown_requested;
	bool poweroff_requested;
	int exit_code;
	enum run_state state;

	void *pc; /* struct pc_machine * (hw/i386/pc.c) */
	void *net; /* struct net_state * (net/net.c) */
	GPtrArray *drives; /* struct drive_info * (block/drive.c) */

	/*
	 * Monitor (ui/monitor.c).  request_reason is the QMP reason of the
	 * pending reset/shutdown request ("host-signal", ...); NULL means the
	 * guest asked.  request_hook, when set, is told (lock held) as each
	 * request is served, before the main loop quits on a shutdown.
	 */
	void *monitor;
	const char *request_reason;
	void (*request_hook)(struct machine *m, bool shutdown, const char *reason);
};

static inline void machine_lock(struct machine *m) { g_mutex_lock(&m->lock); }
static inline void machine_unlock(struct machine *m) { g_mutex_unlock(&m->lock); }

/* Ask the I/O thread to reset the system (or exit, with -no-reboot). */
void machine_request_reset(struct machine *m);
/* The guest powered off (ACPI S5): exit 0, or pause with -no-shutdown. */
void machine_request_poweroff(struct machine *m);
/* Ask the I/O thread to end kvmpc with this status (debug-exit, host quit). */
void machine_request_shutdown(struct machine *m, int exit_code);
/* Pause / resume all vCPUs and the virtual clock (lock held). */
void machine_pause(struct machine *m);
void machine_resume(struct machine *m);
/* Reset all devices and CPUs; vCPUs must be paused (lock held). */
void machine_reset(struct machine *m);

/* ISA interrupt line n (0..15) and GSI n (0..23). */
struct irq_line *machine_gsi(struct machine *m, int n);

/* Point every GSI at the machine's sink (KVM and/or qtest). */
void machine_init_gsi(struct machine *m);

/* Register a device for reset and save/restore. */
void machine_add_device(struct machine *m, struct device *d);

#endif
