// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command-line parsing in QEMU's dialect for what kvmpc supports.  Each
 * option is validated here and stored in struct machine_config; anything
 * unknown, malformed or out of range is a one-line error.  Options that
 * QEMU has but kvmpc does not yet are refused by name, not ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "core/cmdline.h"
#include "core/cmdline-int.h"
#include "core/device.h"
#include "core/global.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/sandbox.h"

#define MAX_RAM (1ULL << 40)
#define MAX_CPUS MACHINE_MAX_CPUS

struct option_def {
	const char *name;
	bool has_arg;
	int (*handler)(struct machine_config *cfg, const char *arg, GError **err);
};

/* slots= and maxmem= are checked as QEMU 7.2 does; kvmpc has no memory hotplug. */
static int m_check_hotplug(struct opts *o, const char *arg, uint64_t size, GError **err)
{
	uint64_t slots, maxmem;

	if (opts_get_u64(o, "slots", 0, &slots, err) < 0 ||
	    opts_get_size(o, "maxmem", 0, &maxmem, err) < 0) {
		g_prefix_error(err, "-m %s: ", arg);
		return -1;
	}
	if (opts_check_unused(o, "-m", err) < 0)
		return -1;
	if (opts_has(o, "slots") && !opts_has(o, "maxmem")) {
		error_setg(err, "slots specified but no max-size");
		return -1;
	}
	if (opts_has(o, "maxmem") && maxmem < size) {
		error_setg(err, "invalid value of maxmem: maximum memory size (0x%llx) must be at "
			   "least the initial memory size (0x%llx)", (unsigned long long)maxmem,
			   (unsigned long long)size);
		return -1;
	}
	return 0;
}

static int opt_m(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "size", err);
	const char *size;
	uint64_t v;

	if (!o)
		return -1;
	size = opts_get(o, "size");
	if (!size || parse_size(size, true, &v) < 0) {
		error_setg(err, "-m %s: invalid RAM size", arg);
		opts_free(o);
		return -1;
	}
	if (m_check_hotplug(o, arg, v, err) < 0) {
		opts_free(o);
		return -1;
	}
	opts_free(o);
	if (v < (2ULL << 20)) {
		error_setg(err, "-m %s: RAM size too small (at least 2 MiB)", arg);
		return -1;
	}
	if (v > MAX_RAM) {
		error_setg(err, "-m %s: RAM size too large (at most 1 TiB)", arg);
		return -1;
	}
	cfg->ram_size = v & ~0xfffULL;
	return 0;
}

static int smp_get(struct opts *o, const char *key, unsigned *out, GError **err)
{
	uint64_t v;

	if (opts_get_u64(o, key, 0, &v, err) < 0)
		return -1;
	if (v > MAX_CPUS && (!strcmp(key, "cpus") || !strcmp(key, "maxcpus"))) {
		error_setg(err, "Invalid SMP CPUs %llu. The max CPUs supported by machine "
			   "'pc-i440fx-7.2' is %d", (unsigned long long)v, MAX_CPUS);
		return -1;
	} else if (v > MAX_CPUS) {
		error_setg(err, "-smp: %s=%llu exceeds the maximum of %d", key,
			   (unsigned long long)v, MAX_CPUS);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * Fill in what -smp left out as QEMU 7.2's pc machine does (cores are
 * preferred over sockets, threads come last), then check the product.
 */
static int smp_resolve(unsigned *cpus, unsigned *sockets, unsigned *cores, unsigned *threads,
		       unsigned *maxcpus, GError **err)
{
	if (!*cpus && !*maxcpus) {
		*sockets = *sockets ? *sockets : 1;
		*cores = *cores ? *cores : 1;
		*threads = *threads ? *threads : 1;
	} else {
		*maxcpus = *maxcpus ? *maxcpus : *cpus;
		if (!*cores) {
			*sockets = *sockets ? *sockets : 1;
			*threads = *threads ? *threads : 1;
			*cores = *maxcpus / (*sockets * *threads);
		} else if (!*sockets) {
			*threads = *threads ? *threads : 1;
			*sockets = *maxcpus / (*cores * *threads);
		}
		if (!*threads)
			*threads = *maxcpus / (*sockets * *cores);
	}
	if (!*maxcpus)
		*maxcpus = *sockets * *cores * *threads;
	if (!*cpus)
		*cpus = *maxcpus;
	if (*sockets * *cores * *threads != *maxcpus) {
		error_setg(err, "Invalid CPU topology: product of the hierarchy must match maxcpus: "
			   "sockets (%u) * dies (1) * cores (%u) * threads (%u) != maxcpus (%u)",
			   *sockets, *cores, *threads, *maxcpus);
		return -1;
	}
	if (*maxcpus < *cpus) {
		error_setg(err, "Invalid CPU topology: maxcpus must be equal to or greater than smp: "
			   "sockets (%u) * dies (1) * cores (%u) * threads (%u) == maxcpus (%u) "
			   "< smp_cpus (%u)", *sockets, *cores, *threads, *maxcpus, *cpus);
		return -1;
	}
	if (*maxcpus > MAX_CPUS) {
		error_setg(err, "Invalid SMP CPUs %u. The max CPUs supported by machine "
			   "'pc-i440fx-7.2' is %d", *maxcpus, MAX_CPUS);
		return -1;
	}
	return 0;
}

static int opt_smp(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "cpus", err);
	unsigned cpus, sockets, cores, threads, maxcpus, dies;
	int ret = -1;

	if (!o)
		return -1;
	if (smp_get(o, "cpus", &cpus, err) || smp_get(o, "sockets", &sockets, err) ||
	    smp_get(o, "dies", &dies, err) ||
	    smp_get(o, "cores", &cores, err) || smp_get(o, "threads", &threads, err) ||
	    smp_get(o, "maxcpus", &maxcpus, err) || opts_check_unused(o, "-smp", err))
		goto out;
	/* QEMU 7.2 warns and carries on; kvmpc keeps refusing an explicit 0 */
	if ((opts_has(o, "cpus") && !cpus) || (opts_has(o, "sockets") && !sockets) ||
	    (opts_has(o, "cores") && !cores) || (opts_has(o, "threads") && !threads) ||
	    (opts_has(o, "maxcpus") && !maxcpus) || (opts_has(o, "dies") && !dies)) {
		error_setg(err, "-smp %s: CPU topology parameters must be greater than zero", arg);
		goto out;
	}
	if (dies > 1) {
		error_setg(err, "-smp %s: kvmpc has one die per socket", arg);
		goto out;
	}
	if (smp_resolve(&cpus, &sockets, &cores, &threads, &maxcpus, err) < 0)
		goto out;
	cfg->smp_cpus = cpus;
	cfg->sockets = sockets;
	cfg->cores = cores;
	cfg->threads = threads;
	cfg->maxcpus = maxcpus;
	ret = 0;
out:
	opts_free(o);
	return ret;
}

static int opt_str(char **dst, const char *arg)
{
	g_free(*dst);
	*dst = g_strdup(arg);
	return 0;
}

static int opt_bios(struct machine_config *cfg, const char *arg, GError **err)
{
	return opt_str(&cfg->bios, arg);
}

static int opt_L(struct machine_config *cfg, const char *arg, GError **err)
{
	g_ptr_array_add(cfg->bios_dirs, g_strdup(arg));
	return 0;
}

static int set_accel(struct machine_config *cfg, const char *name, GError **err)
{
	if (!name) { /* "-accel x=y": no name at all (found by tests/fuzz/cmdline-fuzz.c) */
		error_setg(err, "-accel: no accelerator given (kvm, qtest)");
		return -1;
	}
	cfg->accel_set = true;
	if (!strcmp(name, "kvm") || g_str_has_prefix(name, "kvm:")) {
		/* "kvm:tcg" (libvirt's probe): KVM first; kvmpc has no fallback */
		cfg->accel = ACCEL_KVM;
	} else if (!strcmp(name, "qtest")) {
		cfg->accel = ACCEL_QTEST;
	} else {
		error_setg(err, "invalid accelerator %s (kvmpc supports kvm and qtest)", name);
		return -1;
	}
	return 0;
}

/* -machine KEY=on|off[|auto|split]: the index of the value in choices, or -1. */
static int machine_choice(struct opts *o, const char *key, const char *const *choices,
			  int def, GError **err)
{
	const char *v = opts_get(o, key);

	if (!v)
		return def;
	for (int i = 0; choices[i]; i++)
		if (!strcmp(v, choices[i]))
			return i;
	if (!strcmp(key, "kernel-irqchip")) /* QEMU sets it as a global of its accelerator */
		error_setg(err, "can't apply global kvm-accel.kernel-irqchip=%s: Parameter "
			   "'kernel-irqchip' does not accept value '%s'", v, v);
	else
		error_setg(err, "Parameter '%s' does not accept value '%s'", key, v);
	return -1;
}

/*
 * pit=, vmport=, kernel-irqchip= (hpet= is read with the HPET).  kvmpc runs
 * only with KVM's in-kernel PIC, IOAPIC and LAPIC and has no VMware port:
 * what it cannot do is refused by name, never accepted and ignored.
 */
static int machine_pc_opts(struct machine_config *cfg, struct opts *o, GError **err)
{
	static const char *const onoff[] = { "off", "on", NULL };
	static const char *const onoffauto[] = { "off", "on", "auto", NULL };
	static const char *const irqchip[] = { "off", "on", "split", NULL };
	int pit = machine_choice(o, "pit", onoff, 1, err);
	int vmport = pit < 0 ? -1 : machine_choice(o, "vmport", onoffauto, 2, err);
	int chip = vmport < 0 ? -1 : machine_choice(o, "kernel-irqchip", irqchip, 1, err);

	if (chip < 0)
		return -1;
	if (chip != 1) {
		error_setg(err, "-machine kernel-irqchip=%s: not supported by kvmpc (it needs KVM's "
			   "in-kernel PIC, IOAPIC and LAPIC: kernel-irqchip=on)", irqchip[chip]);
		return -1;
	}
	if (vmport == 1) {
		error_setg(err, "-machine vmport=on: kvmpc has no VMware I/O port device "
			   "(vmport=off or auto)");
		return -1;
	}
	cfg->no_pit = !pit;
	return 0;
}

/* hpet=, smm= are on/off (smm also auto) in QEMU; checked, not used here */
static int machine_bool_opts(struct opts *o, GError **err)
{
	static const char *const keys[] = { "hpet", "smm" };
	bool b;

	for (unsigned i = 0; i < G_N_ELEMENTS(keys); i++) {
		const char *v = opts_get(o, keys[i]);
		if (!v || parse_bool(v, &b) == 0 || (i == 1 && !strcmp(v, "auto")))
			continue;
		if (i == 1)
			error_setg(err, "Parameter 'smm' does not accept value '%s'", v);
		else
			error_setg(err, "Parameter '%s' expects 'on' or 'off'", keys[i]);
		return -1;
	}
	return 0;
}

/* -machine usb=on|off */
static int opt_usb_value(struct machine_config *cfg, const char *v, GError **err)
{
	if (!v)
		return 0;
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
		cfg->usb = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
		cfg->usb = false;
	else {
		error_setg(err, "Parameter 'usb' expects 'on' or 'off'");
		return -1;
	}
	return 0;
}

/* -machine hpet=on|off (checked by machine_bool_opts); -no-hpet is off. */
static int opt_machine_hpet(struct machine_config *cfg, const char *v, GError **err)
{
	bool on;

	if (!v)
		return 0;
	if (parse_bool(v, &on) < 0) {
		error_setg(err, "Parameter 'hpet' expects 'on' or 'off'");
		return -1;
	}
	cfg->no_hpet = !on;
	return 0;
}

static int opt_machine(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "type", err);
	const char *type, *accel;
	int ret = -1;

	if (!o)
		return -1;
	type = opts_get(o, "type");
	if (type && !strcmp(type, "help")) {
		printf("Supported machines are:\n"
		       "pc                   Standard PC (i440FX + PIIX, 1996)\n"
		       "none                 empty machine\n");
		exit(0);
	}
	cfg->machine_none = type && !strcmp(type, "none");
	if (type && strcmp(type, "pc") && !g_str_has_prefix(type, "pc-i440fx") &&
	    !cfg->machine_none) {
		error_setg(err, "unsupported machine type '%s' (use -machine help)", type);
		goto out;
	}
	accel = opts_get(o, "accel");
	if (accel && set_accel(cfg, accel, err) < 0)
		goto out;
	if (machine_pc_opts(cfg, o, err) < 0)
		goto out;
	if (opt_usb_value(cfg, opts_get(o, "usb"), err) < 0)
		goto out;
	if (machine_bool_opts(o, err) < 0 || opt_machine_hpet(cfg, opts_get(o, "hpet"), err) < 0)
		goto out;
	if (opts_get_bool(o, "dump-guest-core", true, &cfg->dump_guest_core, err) < 0)
		goto out;
	ret = opts_check_unused(o, "-machine", err);
out:
	opts_free(o);
	return ret;
}

static int opt_accel(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "accel", err);
	int ret;

	if (!o)
		return -1;
	ret = set_accel(cfg, opts_get(o, "accel"), err);
	/* kernel-irqchip= is a property of QEMU's kvm accelerator: only "on" here */
	if (ret == 0 && opts_has(o, "kernel-irqchip")) {
		static const char *const irqchip[] = { "off", "on", "split", NULL };
		int chip = machine_choice(o, "kernel-irqchip", irqchip, 1, err);
		if (chip == 0 || chip == 2)
			error_setg(err, "-accel %s: not supported by kvmpc (it needs KVM's "
				   "in-kernel PIC, IOAPIC and LAPIC: kernel-irqchip=on)", arg);
		if (chip != 1)
			ret = -1;
	}
	for (unsigned i = 0; ret == 0 && i < o->keys->len; i++) {
		if (GPOINTER_TO_INT(g_ptr_array_index(o->used, i)))
			continue;
		error_setg(err, "-accel %s: Property '%s-accel.%s' not found", arg,
			   opts_get(o, "accel"), (char *)g_ptr_array_index(o->keys, i));
		ret = -1;
	}
	opts_free(o);
	return ret;
}

static int opt_enable_kvm(struct machine_config *cfg, const char *arg, GError **err)
{
	cfg->accel = ACCEL_KVM;
	cfg->accel_set = true;
	return 0;
}

static int opt_cpu(struct machine_config *cfg, const char *arg, GError **err)
{
	if (!strcmp(arg, "help")) {
		printf("Available CPUs:\n  host\n  max\n  qemu64\n  kvm64\n");
		exit(0);
	}
	/* the accelerator validates it (accel/cpu-model.c), called from main */
	return opt_str(&cfg->cpu_spec, arg);
}

static int opt_serial(struct machine_config *cfg, const char *arg, GError **err)
{
	if (cfg->nserial >= MAX_SERIAL) {
		error_setg(err, "-serial: at most %d serial ports", MAX_SERIAL);
		return -1;
	}
	cfg->serial[cfg->nserial++] = g_strdup(arg);
	return 0;
}

static int opt_chardev(struct machine_config *cfg, const char *arg, GError **err)
{
	g_ptr_array_add(cfg->chardevs, g_strdup(arg));
	return 0;
}

static int opt_nographic(struct machine_config *cfg, const char *arg, GError **err)
{
	cfg->nographic = true;
	return 0;
}

static int opt_display(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "type", err);
	const char *t;

	if (!o)
		return -1;
	t = opts_get(o, "type");
	if (!t || (strcmp(t, "none") && strcmp(t, "sdl") && strcmp(t, "default"))) {
		/* "-display x=y" names no type at all (found by tests/fuzz/cmdline-fuzz.c) */
		error_setg(err, "-display %s: unsupported display (none, sdl)", t ? t : arg);
		opts_free(o);
		return -1;
	}
	/* sdl reads its own sub-options (ui/sdl.c); the others take only the common ones */
	if (strcmp(t, "sdl")) {
		static const char *const common[] = { "full-screen", "window-close", "show-cursor",
						      "gl" };
		for (unsigned i = 0; i < G_N_ELEMENTS(common); i++)
			opts_get(o, common[i]);
		for (unsigned i = 0; i < o->keys->len; i++) {
			if (GPOINTER_TO_INT(g_ptr_array_index(o->used, i)))
				continue;
			error_setg(err, "-display %s: Parameter '%s' is unexpected", arg,
				   (char *)g_ptr_array_index(o->keys, i));
			opts_free(o);
			return -1;
		}
	}
	opts_free(o);
	return opt_str(&cfg->display, arg);
}

static int opt_vga(struct machine_config *cfg, const char *arg, GError **err)
{
	if (strcmp(arg, "std") && strcmp(arg, "none")) {
		error_setg(err, "-vga %s: unsupported (std, none)", arg);
		return -1;
	}
	return opt_str(&cfg->vga, arg);
}

static int opt_flag(bool *b)
{
	*b = true;
	return 0;
}

static int opt_nodefaults(struct machine_config *c, const char *a, GError **e)
{
	return opt_flag(&c->nodefaults);
}

static int opt_no_reboot(struct machine_config *c, const char *a, GError **e)
{
	return opt_flag(&c->no_reboot);
}

static int opt_no_hpet(struct machine_config *c, const char *a, GError **e)
{
	return opt_flag(&c->no_hpet);
}

static int opt_no_shutdown(struct machine_config *c, const char *a, GError **e)
{
	return opt_flag(&c->no_shutdown);
}

static int opt_S(struct machine_config *c, const char *a, GError **e)
{
	return opt_flag(&c->start_paused);
}

static int opt_snapshot(struct machine_config *c, const char *a, GError **e)
{
	return opt_flag(&c->snapshot);
}

/* -incoming URI|defer (core/migration.c checks the URI when it is used). */
static int opt_incoming(struct machine_config *cfg, const char *arg, GError **err)
{
	return opt_str(&cfg->incoming, arg);
}

static int opt_name(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "guest", err);

	if (!o)
		return -1;
	opt_str(&cfg->name, opts_get(o, "guest"));
	opts_free(o);
	return 0;
}

static int opt_d(struct machine_config *cfg, const char *arg, GError **err)
{
	char *bad = NULL;

	if (!strcmp(arg, "help")) {
		printf("Log items: guest_errors unimp ioport int cpu\n");
		exit(0);
	}
	if (!log_parse_mask(arg, &bad)) {
		error_setg(err, "-d: unknown log item '%s' (try -d help)", bad);
		g_free(bad);
		return -1;
	}
	return 0;
}

static int opt_D(struct machine_config *cfg, const char *arg, GError **err)
{
	int ret = log_set_file(arg);

	if (ret < 0)
		error_setg(err, "-D %s: %s", arg, strerror(-ret));
	return ret < 0 ? -1 : 0;
}

static int opt_debugcon(struct machine_config *cfg, const char *arg, GError **err)
{
	return opt_str(&cfg->debugcon, arg);
}

static int opt_global(struct machine_config *cfg, const char *arg, GError **err)
{
	return global_parse(cfg, arg, err);
}

static char *device_opts_id(const char *arg)
{
	struct opts *o = opts_parse(arg, "driver", NULL);
	char *id = NULL;

	if (o && opts_has(o, "id"))
		id = g_strdup(opts_get(o, "id"));
	opts_free(o);
	return id;
}

/* A -device id is an identifier and unique among -device ids, checked as QEMU parses. */
static int device_check_id(struct machine_config *cfg, const char *arg, GError **err)
{
	char *id = device_opts_id(arg);
	int ret = 0;

	if (!id)
		return 0;
	if (!opts_id_wellformed(id)) {
		error_setg(err, "Parameter 'id' expects an identifier");
		ret = -1;
	}
	for (unsigned i = 0; !ret && i < cfg->devices->len; i++) {
		char *other = device_opts_id(g_ptr_array_index(cfg->devices, i));
		if (other && !strcmp(other, id)) {
			error_setg(err, "Duplicate ID '%s' for device", id);
			ret = -1;
		}
		g_free(other);
	}
	g_free(id);
	return ret;
}

static int opt_device(struct machine_config *cfg, const char *arg, GError **err)
{
	if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
		cfg->device_help = true; /* main prints its class table */
		return 1;
	}
	if (device_check_id(cfg, arg, err) < 0) {
		g_prefix_error(err, "-device %s: ", arg); /* QEMU names the option */
		return -1;
	}
	g_ptr_array_add(cfg->devices, g_strdup(arg));
	return 0;
}

static int opt_usb(struct machine_config *cfg, const char *arg, GError **err)
{
	cfg->usb = true;
	return 0;
}

/* -usbdevice NAME: a USB HID device on the board's controller (usb=on). */
static int opt_usbdevice(struct machine_config *cfg, const char *arg, GError **err)
{
	static const char *const names[][2] = {
		{ "tablet", "usb-tablet" }, { "mouse", "usb-mouse" }, { "keyboard", "usb-kbd" },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
		if (!strcmp(arg, names[i][0])) {
			cfg->usb = true;
			g_ptr_array_add(cfg->devices, g_strdup(names[i][1]));
			return 0;
		}
	}
	error_setg(err, "-usbdevice %s: could not add USB device '%s'", arg, arg);
	return -1;
}

static int opt_qtest(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->qtest, a);
}

static int opt_qtest_log(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->qtest_log, a);
}

static int opt_kernel(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->kernel, a);
}

static int opt_initrd(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->initrd, a);
}

static int opt_append(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->append, a);
}

static int check_boot_letters(const char *s, GError **err)
{
	for (const char *p = s; *p; p++) {
		if (!strchr("abcdnop", *p)) {
			error_setg(err, "-boot: invalid boot device '%c' in '%s'", *p, s);
			return -1;
		}
	}
	return 0;
}

static int opt_boot(struct machine_config *cfg, const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "order", err);
	const char *v;
	uint64_t n;
	int ret = -1;

	if (!o)
		return -1;
	if ((v = opts_get(o, "order")) && (check_boot_letters(v, err) || opt_str(&cfg->boot_order, v)))
		goto out;
	if ((v = opts_get(o, "once")) && (check_boot_letters(v, err) || opt_str(&cfg->boot_once, v)))
		goto out;
	if (opts_get_bool(o, "menu", false, &cfg->boot_menu, err) ||
	    opts_get_bool(o, "strict", false, &cfg->boot_strict, err))
		goto out;
	if (opts_has(o, "splash-time")) {
		if (opts_get_u64(o, "splash-time", 0, &n, err) || n > 0xffff) {
			if (!*err)
				error_setg(err, "-boot: splash-time out of range");
			goto out;
		}
		cfg->boot_splash_time = n;
	}
	if (opts_has(o, "reboot-timeout")) {
		if (opts_get_u64(o, "reboot-timeout", 0, &n, err) || n > 0xffff) {
			if (!*err)
				error_setg(err, "-boot: reboot-timeout out of range");
			goto out;
		}
		cfg->boot_reboot_timeout = n;
	}
	opts_get(o, "splash");
	ret = opts_check_unused(o, "-boot", err);
out:
	opts_free(o);
	return ret;
}

static int opt_drive(struct machine_config *cfg, const char *arg, GError **err)
{
	g_ptr_array_add(cfg->drive_opts, g_strdup(arg));
	return 0;
}

static int add_legacy_drive(struct machine_config *cfg, const char *which, const char *arg)
{
	g_ptr_array_add(cfg->drive_legacy, g_strdup_printf("%s=%s", which, arg));
	return 0;
}

static int opt_hda(struct machine_config *c, const char *a, GError **e)
{
	return add_legacy_drive(c, "hda", a);
}

static int opt_hdb(struct machine_config *c, const char *a, GError **e)
{
	return add_legacy_drive(c, "hdb", a);
}

static int opt_hdc(struct machine_config *c, const char *a, GError **e)
{
	return add_legacy_drive(c, "hdc", a);
}

static int opt_hdd(struct machine_config *c, const char *a, GError **e)
{
	return add_legacy_drive(c, "hdd", a);
}

static int opt_cdrom(struct machine_config *c, const char *a, GError **e)
{
	return add_legacy_drive(c, "cdrom", a);
}

static int opt_monitor(struct machine_config *c, const char *a, GError **e)
{
	g_ptr_array_add(c->monitors, g_strdup_printf("readline,%s", a));
	return 0;
}

static int opt_qmp(struct machine_config *c, const char *a, GError **e)
{
	g_ptr_array_add(c->monitors, g_strdup_printf("control,%s", a));
	return 0;
}

static int opt_mon(struct machine_config *c, const char *a, GError **e)
{
	g_ptr_array_add(c->monitors, g_strdup_printf("mon,%s", a));
	return 0;
}

static int opt_rtc(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->rtc, a);
}

static int opt_vnc(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->vnc, a);
}

static int opt_netdev(struct machine_config *c, const char *a, GError **e)
{
	g_ptr_array_add(c->netdevs, g_strdup(a));
	return 0;
}

static int opt_nic(struct machine_config *c, const char *a, GError **e)
{
	g_ptr_array_add(c->nics, g_strdup(a));
	return 0;
}

static int opt_net(struct machine_config *c, const char *a, GError **e)
{
	g_ptr_array_add(c->nets, g_strdup(a));
	return 0;
}

static int opt_help(struct machine_config *c, const char *a, GError **e);
static int opt_dump_options(struct machine_config *c, const char *a, GError **e);

static int opt_version(struct machine_config *c, const char *a, GError **e)
{
	printf("kvmpc version %s (QEMU-compatible command line; KVM only)\n", KVMPC_VERSION);
	exit(0);
}

/* core/sandbox.c keeps these: they apply to the process, not the machine. */
static int opt_sandbox(struct machine_config *c, const char *a, GError **e)
{
	return sandbox_parse_option(a, e);
}

static int opt_runas(struct machine_config *c, const char *a, GError **e)
{
	return sandbox_parse_runas(a, e);
}

static int opt_chroot(struct machine_config *c, const char *a, GError **e)
{
	return sandbox_parse_chroot(a, e);
}

/* kvmpc reads no default configuration files: nothing to turn off. */
static int opt_no_user_config(struct machine_config *c, const char *a, GError **e)
{
	return 0;
}

static int opt_daemonize(struct machine_config *c, const char *a, GError **e)
{
	c->daemonize = true;
	return 0;
}

static int opt_pidfile(struct machine_config *c, const char *a, GError **e)
{
	return opt_str(&c->pidfile, a);
}

static const struct option_def option_defs[] = {
	{ "m", true, opt_m }, { "smp", true, opt_smp }, { "bios", true, opt_bios },
	{ "L", true, opt_L }, { "machine", true, opt_machine }, { "M", true, opt_machine },
	{ "accel", true, opt_accel }, { "enable-kvm", false, opt_enable_kvm },
	{ "cpu", true, opt_cpu }, { "serial", true, opt_serial },
	{ "chardev", true, opt_chardev }, { "nographic", false, opt_nographic },
	{ "display", true, opt_display }, { "vga", true, opt_vga },
	{ "nodefaults", false, opt_nodefaults }, { "no-reboot", false, opt_no_reboot },
	{ "no-shutdown", false, opt_no_shutdown }, { "S", false, opt_S },
	{ "name", true, opt_name }, { "d", true, opt_d }, { "D", true, opt_D },
	{ "debugcon", true, opt_debugcon }, { "device", true, opt_device },
	{ "qtest", true, opt_qtest }, { "qtest-log", true, opt_qtest_log },
	{ "kernel", true, opt_kernel }, { "initrd", true, opt_initrd },
	{ "append", true, opt_append }, { "boot", true, opt_boot },
	{ "drive", true, opt_drive }, { "hda", true, opt_hda }, { "hdb", true, opt_hdb },
	{ "hdc", true, opt_hdc }, { "hdd", true, opt_hdd }, { "cdrom", true, opt_cdrom },
	{ "snapshot", false, opt_snapshot }, { "monitor", true, opt_monitor },
	{ "qmp", true, opt_qmp }, { "mon", true, opt_mon }, { "vnc", true, opt_vnc },
	{ "netdev", true, opt_netdev }, { "nic", true, opt_nic }, { "net", true, opt_net },
	{ "rtc", true, opt_rtc },
	{ "help", false, opt_help }, { "h", false, opt_help },
	{ "version", false, opt_version }, { "incoming", true, opt_incoming },
	{ "sandbox", true, opt_sandbox }, { "runas", true, opt_runas },
	{ "chroot", true, opt_chroot }, { "no-user-config", false, opt_no_user_config },
	{ "daemonize", false, opt_daemonize }, { "pidfile", true, opt_pidfile },
	{ "global", true, opt_global },
	{ "usb", false, opt_usb }, { "usbdevice", true, opt_usbdevice },
	{ "object", true, opt_object }, { "uuid", true, opt_uuid },
	{ "audiodev", true, opt_audiodev }, { "overcommit", true, opt_overcommit },
	{ "msg", true, opt_msg }, { "blockdev", true, opt_blockdev },
	{ "no-hpet", false, opt_no_hpet },
	{ "dump-options", false, opt_dump_options },
};

/*
 * Hidden: one line per entry of option_defs, "NAME ARG|- [FIRST]" where
 * FIRST is the earlier name with the same handler (-M and -machine), for
 * scripts/gen-man.sh, so the manual page lists exactly what is accepted.
 */
static int opt_dump_options(struct machine_config *c, const char *a, GError **e)
{
	for (size_t i = 0; i < G_N_ELEMENTS(option_defs); i++) {
		const struct option_def *d = &option_defs[i];
		size_t j = 0;

		if (d->handler == opt_dump_options)
			continue;
		while (option_defs[j].handler != d->handler)
			j++;
		printf("%s %s%s%s\n", d->name, d->has_arg ? "ARG" : "-", j < i ? " " : "",
		       j < i ? option_defs[j].name : "");
	}
	exit(0);
}

static int opt_help(struct machine_config *c, const char *a, GError **e)
{
	printf("usage: kvmpc [options] [disk_image]\n\n"
	       "A PC (i440FX/PIIX) virtual machine on KVM, with QEMU's command line.\n\n"
	       "-m SIZE             RAM size (default 128M; suffixes K, M, G, T)\n"
	       "-smp N[,sockets=S,cores=C,threads=T,maxcpus=M]\n"
	       "-cpu host|max|qemu64[,+feat,-feat]\n"
	       "-machine pc|none[,accel=kvm|qtest][,pit=on|off][,vmport=off|auto][,hpet=on|off]\n"
	       "            [,kernel-irqchip=on]   -enable-kvm   -accel kvm|qtest\n"
	       "-no-hpet            no HPET (the default machine has one at 0xfed00000)\n"
	       "-bios FILE  -L DIR  BIOS image (default bios-256k.bin from /usr/share/seabios)\n"
	       "-hda/-hdb/-hdc/-hdd FILE  -cdrom FILE  -drive file=...,if=ide|virtio,...\n"
	       "-snapshot  -boot [order=cdn][,once=d][,menu=on][,splash-time=MS][,strict=on]\n"
	       "-kernel FILE -initrd FILE -append CMDLINE   direct kernel boot\n"
	       "-serial DEV  -chardev BACKEND,id=ID,...  -debugcon DEV\n"
	       "-device TYPE[,prop=value...]   (-device help lists the types)\n"
	       "-global DRIVER.PROP=VALUE   default for every DRIVER device (QEMU names)\n"
	       "-nographic  -display none|sdl  -vga std|none  -vnc DISPLAY\n"
	       "-monitor DEV  -qmp DEV  -mon chardev=ID,mode=control\n"
	       "-rtc base=utc|localtime|DATE[,clock=host|vm]\n"
	       "-nodefaults  -no-reboot  -no-shutdown  -S  -name NAME\n"
	       "-d ITEM[,...]  -D LOGFILE  -qtest DEV  -qtest-log FILE\n"
	       "-sandbox on|off[,obsolete=,elevateprivileges=,spawn=,resourcecontrol=]\n"
	       "            seccomp filters (default on; sub-options allow|deny, default deny)\n"
	       "-runas USER|UID:GID  -chroot DIR   drop privileges once set up\n"
	       "-daemonize  -pidfile FILE  -no-user-config  -uuid UUID\n"
	       "-object secret,id=ID,data=|file=[,format=raw|base64]  -audiodev none,id=ID\n"
	       "-overcommit mem-lock=on|off  -msg timestamp=on|off\n"
	       "-h, --help  -version, --version\n");
	exit(0);
}

static const struct option_def *find_option(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(option_defs); i++)
		if (!strcmp(option_defs[i].name, name))
			return &option_defs[i];
	return NULL;
}

/* Find the BIOS: a path with '/' as given, else -L dirs then the defaults. */
static int resolve_bios(struct machine_config *cfg, GError **err)
{
	const char *name = cfg->bios ? cfg->bios : "bios-256k.bin";
	static const char *const defaults[] = { "/usr/share/seabios", "/usr/share/qemu" };

	if (strchr(name, '/')) {
		if (access(name, R_OK) == 0)
			return 0;
		error_setg(err, "could not load BIOS '%s': %s", name, strerror(errno));
		return -1;
	}
	for (unsigned i = 0; i < cfg->bios_dirs->len + G_N_ELEMENTS(defaults); i++) {
		const char *dir = i < cfg->bios_dirs->len ? g_ptr_array_index(cfg->bios_dirs, i) :
			defaults[i - cfg->bios_dirs->len];
		char *p = g_build_filename(dir, name, NULL);
		if (access(p, R_OK) == 0) {
			g_free(cfg->bios);
			cfg->bios = p;
			return 0;
		}
		g_free(p);
	}
	error_setg(err, "could not load BIOS '%s' (install the seabios package or use -L/-bios)",
		   name);
	return -1;
}

static int finish_config(struct machine_config *cfg, GError **err)
{
	if (blockdev_finish(cfg, err) < 0)
		return -1;
	/* as in QEMU, -qtest alone selects the qtest accelerator */
	if (cfg->qtest && !cfg->accel_set)
		cfg->accel = ACCEL_QTEST;
	if (cfg->qtest && cfg->accel != ACCEL_QTEST) {
		error_setg(err, "-qtest %s: kvmpc serves qtest only with -accel qtest", cfg->qtest);
		return -1;
	}
	if (cfg->accel == ACCEL_QTEST && !cfg->qtest) {
		error_setg(err, "-accel qtest needs -qtest DEV");
		return -1;
	}
	if ((cfg->initrd || cfg->append) && !cfg->kernel) {
		error_setg(err, "%s only allowed with -kernel option", cfg->initrd ? "-initrd" : "-append");
		return -1;
	}
	if (cfg->daemonize && cfg->nographic && !cfg->nodefaults && cfg->nserial == 0) {
		error_setg(err, "-nographic cannot be used with -daemonize");
		return -1;
	}
	if (cfg->nographic && !cfg->display)
		cfg->display = g_strdup("none");
	if (!cfg->nodefaults && cfg->nserial == 0)
		cfg->serial[cfg->nserial++] = g_strdup(cfg->nographic ? "mon:stdio" : "null");
	if (!cfg->vga)
		cfg->vga = g_strdup(cfg->nodefaults ? "none" : "std");
	if (cfg->machine_none)
		return 0; /* no board, no firmware */
	return resolve_bios(cfg, err);
}

int cmdline_parse(struct machine_config *cfg, int argc, char **argv, GError **err)
{
	int ret;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option_def *d;

		if (a[0] != '-') {
			add_legacy_drive(cfg, "hda", a);
			continue;
		}
		d = find_option(a + 1 + (a[1] == '-'));
		if (!d) {
			error_setg(err, "%s: invalid option", a);
			return -1;
		}
		if (d->has_arg && i + 1 >= argc) {
			error_setg(err, "%s: requires an argument", a);
			return -1;
		}
		ret = d->handler(cfg, d->has_arg ? argv[++i] : NULL, err);
		if (ret)
			return ret < 0 ? -1 : 1;
	}
	return finish_config(cfg, err) < 0 ? -1 : 0;
}

int cmdline_create_devices(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;

	for (unsigned i = 0; i < cfg->devices->len; i++) {
		const char *s = g_ptr_array_index(cfg->devices, i);
		struct opts *o = opts_parse(s, "driver", err);

		if (!o || !device_create_from_opts(m, o, err)) {
			g_prefix_error(err, "-device %s: ", s); /* QEMU names the option */
			return -1;
		}
	}
	return 0;
}
