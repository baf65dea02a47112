// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The human monitor: QEMU's "(qemu) " command line (docs/system/monitor.rst,
 * hmp-commands.hx and hmp-commands-info.hx in QEMU) for the commands kvmpc
 * has.  The prompt and banner are QEMU's own so that scripts written for
 * QEMU (expect, socat pipelines) work unchanged.  Most commands run the
 * QMP command of the same meaning and print its result the way QEMU's HMP
 * does; errors print as "Error: <QMP error text>".
 *
 * The line editor echoes what it receives, handles backspace and ignores
 * escape sequences; output lines end in "\r\n" as QEMU's do.  Left out:
 * history, completion, cursor movement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "ui/console.h"
#include "ui/monitor-int.h"
#include "core/device.h"
#include "core/machine.h"
#include "hw/pci/pci.h"
#include "hw/usb/usb.h"
#include "config.h"

#define HMP_LINE_MAX 4096
#define HMP_PROMPT "(qemu) "

struct hmp_session {
	struct mon_client *c;
	GString *line;
	bool last_cr;
	int esc;          /* 0 none, 1 after ESC, 2 inside ESC [ ... */
	bool banner_done;
};

/* ---- running commands ------------------------------------------------- */

static void hmp_print_error(GString *out, GError *err)
{
	g_string_append_printf(out, "Error: %s\n", err->message);
	g_error_free(err);
}

/* Run a QMP command; returns its result or NULL after printing the error. */
static JsonNode *hmp_qmp(struct machine *m, GString *out, const char *cmd, JsonObject *args)
{
	GError *err = NULL;
	JsonNode *ret = qmp_dispatch(m, cmd, args, &err);

	if (!ret)
		hmp_print_error(out, err);
	return ret;
}

static void hmp_simple(struct machine *m, GString *out, const char *cmd, JsonObject *args)
{
	JsonNode *ret = hmp_qmp(m, out, cmd, args);

	if (ret)
		json_node_unref(ret);
	if (args)
		json_object_unref(args);
}

static void info_migrate(struct machine *m, GString *out)
{
	JsonNode *r = hmp_qmp(m, out, "query-migrate", NULL);
	JsonObject *o, *ram;

	if (!r)
		return;
	o = json_node_get_object(r);
	if (json_object_has_member(o, "status")) {
		g_string_append_printf(out, "Migration status: %s\n",
				       json_object_get_string_member(o, "status"));
		g_string_append_printf(out, "total time: %" G_GINT64_FORMAT " ms\n",
				       json_object_get_int_member(o, "total-time"));
	}
	if (json_object_has_member(o, "error-desc"))
		g_string_append_printf(out, "error: %s\n",
				       json_object_get_string_member(o, "error-desc"));
	if (json_object_has_member(o, "ram")) {
		ram = json_object_get_object_member(o, "ram");
		g_string_append_printf(out, "transferred ram: %" G_GINT64_FORMAT " kbytes\n",
				       json_object_get_int_member(ram, "transferred") >> 10);
		g_string_append_printf(out, "total ram: %" G_GINT64_FORMAT " kbytes\n",
				       json_object_get_int_member(ram, "total") >> 10);
	}
	json_node_unref(r);
}

static void info_status(struct machine *m, GString *out)
{
	JsonNode *r = hmp_qmp(m, out, "query-status", NULL);
	const char *st;

	if (!r)
		return;
	st = json_object_get_string_member(json_node_get_object(r), "status");
	if (!strcmp(st, "running"))
		g_string_append(out, "VM status: running\n");
	else if (!strcmp(st, "paused"))
		g_string_append(out, "VM status: paused\n");
	else
		g_string_append_printf(out, "VM status: paused (%s)\n", st);
	json_node_unref(r);
}

static void info_cpus(struct machine *m, GString *out)
{
	JsonNode *r = hmp_qmp(m, out, "query-cpus-fast", NULL);
	JsonArray *a;

	if (!r)
		return;
	a = json_node_get_array(r);
	for (unsigned i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);

		g_string_append_printf(out, "%c CPU #%" G_GINT64_FORMAT ": thread_id=%" G_GINT64_FORMAT "\n",
				       i ? ' ' : '*', json_object_get_int_member(o, "cpu-index"),
				       json_object_get_int_member(o, "thread-id"));
	}
	json_node_unref(r);
}

static void info_block_one(GString *out, JsonObject *o, unsigned idx)
{
	const char *dev = json_object_get_string_member(o, "device");
	bool removable = json_object_get_boolean_member(o, "removable");

	if (json_object_has_member(o, "inserted")) {
		JsonObject *in = json_object_get_object_member(o, "inserted");
		JsonObject *cache = json_object_get_object_member(in, "cache");

		g_string_append_printf(out, "%s (#block%u): %s (%s%s)\n", dev, 100 + idx,
				       json_object_get_string_member(in, "file"),
				       json_object_get_string_member(in, "drv"),
				       json_object_get_boolean_member(in, "ro") ? ", read-only" : "");
		if (removable)
			g_string_append_printf(out, "    Removable device: %slocked, tray %s\n",
					       json_object_get_boolean_member(o, "locked") ? "" : "not ",
					       json_object_get_boolean_member(o, "tray_open") ?
					       "open" : "closed");
		g_string_append_printf(out, "    Cache mode:       %s%s%s\n",
				       json_object_get_boolean_member(cache, "writeback") ?
				       "writeback" : "writethrough",
				       json_object_get_boolean_member(cache, "direct") ? ", direct" : "",
				       json_object_get_boolean_member(cache, "no-flush") ?
				       ", ignore flushes" : "");
	} else {
		g_string_append_printf(out, "%s: [not inserted]\n", dev);
		if (removable)
			g_string_append_printf(out, "    Removable device: %slocked, tray %s\n",
					       json_object_get_boolean_member(o, "locked") ? "" : "not ",
					       json_object_get_boolean_member(o, "tray_open") ?
					       "open" : "closed");
	}
}

static void info_block(struct machine *m, GString *out)
{
	JsonNode *r = hmp_qmp(m, out, "query-block", NULL);
	JsonArray *a;

	if (!r)
		return;
	a = json_node_get_array(r);
	for (unsigned i = 0; i < json_array_get_length(a); i++) {
		if (i)
			g_string_append_c(out, '\n');
		info_block_one(out, json_array_get_object_element(a, i), i);
	}
	json_node_unref(r);
}

static void info_qtree(struct machine *m, GString *out)
{
	g_string_append(out, "bus: main-system-bus\n  type System\n");
	for (unsigned i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);
		const char *bus = d->cls->bus ? d->cls->bus : "System";

		g_string_append_printf(out, "  dev: %s, id \"%s\"\n", d->cls->name, d->id ? d->id : "");
		g_string_append_printf(out, "    bus %s\n", bus);
		if (d->cls->bus && !strcmp(d->cls->bus, "PCI")) {
			struct pci_device *p = container_of(d, struct pci_device, dev);

			g_string_append_printf(out, "    addr = %02x.%x\n", p->devfn >> 3, p->devfn & 7);
		}
	}
}

static void info_version(struct machine *m, GString *out)
{
	g_string_append_printf(out, "%d.%d.%d (kvmpc-%s)\n", QMP_VERSION_MAJOR,
			       QMP_VERSION_MINOR, QMP_VERSION_MICRO, KVMPC_VERSION);
}

static void info_name(struct machine *m, GString *out)
{
	if (m->cfg->name)
		g_string_append_printf(out, "%s\n", m->cfg->name);
}

static void info_kvm(struct machine *m, GString *out)
{
	g_string_append_printf(out, "kvm support: %s\n",
			       m->cfg->accel == ACCEL_KVM ? "enabled" : "disabled");
}

/* The devices on the USB ports, hubs' included, in QEMU's words. */
static void info_usb(struct machine *m, GString *out)
{
	if (!usb_bus_present(m)) {
		g_string_append(out, "Error: USB support not enabled\n");
		return;
	}
	for (guint i = 0; i < m->usb->ports->len; i++) {
		struct usb_port *p = m->usb->ports->pdata[i];
		struct usb_device *d = p->dev;

		if (!d)
			continue;
		g_string_append_printf(out, "  Device 0.%d, Port %s, Speed %s Mb/s, Product %s%s%s\n",
				       d->addr, p->name, d->speed == USB_SPEED_LOW ? "1.5" : "12",
				       d->product, d->dev.id ? ", ID: " : "",
				       d->dev.id ? d->dev.id : "");
	}
}

static void info_registers(struct machine *m, GString *out);

static const struct {
	const char *name;
	void (*fn)(struct machine *m, GString *out);
	const char *help;
} infos[] = {
	{ "block", info_block, "show info of one block device or all block devices" },
	{ "cpus", info_cpus, "show infos for each CPU" },
	{ "kvm", info_kvm, "show KVM information" },
	{ "migrate", info_migrate, "show migration status" },
	{ "mtree", hmp_info_mtree, "show memory tree" },
	{ "name", info_name, "show the current VM name" },
	{ "pci", hmp_info_pci, "show PCI info" },
	{ "qtree", info_qtree, "show device tree" },
	{ "registers", info_registers, "show the cpu registers (-a: all CPUs; or one vcpu)" },
	{ "status", info_status, "show the current VM status (running|paused)" },
	{ "usb", info_usb, "show guest USB devices" },
	{ "version", info_version, "show the version of QEMU" },
};

static void dump_one_cpu(struct machine *m, GString *out, int index)
{
	g_string_append_printf(out, "\nCPU#%d\n", index);
	if (machine_dump_cpu(m, index, out) < 0)
		g_string_append(out, "(registers not available)\n");
}

/* info registers [-a] [vcpu]: QEMU's CPU dump of the monitor's CPU (0). */
static void info_registers_args(struct machine *m, GString *out, char **args)
{
	int ncpus = (int)m->cfg->smp_cpus;
	char *end;
	long idx;

	if (m->cfg->machine_none || !m->accel || !m->accel->dump_cpu) {
		g_string_append(out, "No CPU available\n");
		return;
	}
	if (args[0] && !strcmp(args[0], "-a")) {
		for (int i = 0; i < ncpus; i++)
			dump_one_cpu(m, out, i);
		return;
	}
	if (!args[0]) {
		dump_one_cpu(m, out, 0);
		return;
	}
	idx = strtol(args[0], &end, 0);
	if (*end || idx < 0 || idx >= ncpus) {
		g_string_append_printf(out, "CPU#%s not available\n", args[0]);
		return;
	}
	dump_one_cpu(m, out, (int)idx);
}

static void info_registers(struct machine *m, GString *out)
{
	char *none[1] = { NULL };

	info_registers_args(m, out, none);
}

static void hmp_info(struct machine *m, GString *out, char **argv)
{
	if (!argv[1]) {
		for (unsigned i = 0; i < G_N_ELEMENTS(infos); i++)
			g_string_append_printf(out, "info %s  -- %s\n", infos[i].name, infos[i].help);
		return;
	}
	if (!strcmp(argv[1], "registers")) {
		info_registers_args(m, out, argv + 2);
		return;
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(infos); i++) {
		if (!strcmp(infos[i].name, argv[1])) {
			infos[i].fn(m, out);
			return;
		}
	}
	g_string_append_printf(out, "unknown command: 'info %s'\n", argv[1]);
}

/* ---- commands with arguments ------------------------------------------ */

static JsonObject *args_device(const char *dev)
{
	JsonObject *a = json_object_new();

	json_object_set_string_member(a, "device", dev);
	return a;
}

static void hmp_eject(struct machine *m, GString *out, char **argv)
{
	bool force = argv[1] && !strcmp(argv[1], "-f");
	const char *dev = argv[1 + force];
	JsonObject *a;

	if (!dev) {
		g_string_append(out, "eject: block device name expected\n");
		return;
	}
	a = args_device(dev);
	json_object_set_boolean_member(a, "force", force);
	hmp_simple(m, out, "eject", a);
}

static void hmp_set_link(struct machine *m, GString *out, char **argv)
{
	JsonObject *a;

	if (!argv[1] || !argv[2]) {
		g_string_append(out, "set_link: usage: set_link name on|off\n");
		return;
	}
	if (strcmp(argv[2], "on") && strcmp(argv[2], "off")) {
		g_string_append(out, "Expected 'on' or 'off'\n"
				"Try \"help set_link\" for more information\n");
		return;
	}
	a = json_object_new();
	json_object_set_string_member(a, "name", argv[1]);
	json_object_set_boolean_member(a, "up", !strcmp(argv[2], "on"));
	hmp_simple(m, out, "set_link", a);
}

static void hmp_change(struct machine *m, GString *out, char **argv)
{
	JsonObject *a;

	if (!argv[1] || !argv[2]) {
		g_string_append(out, "change: usage: change device filename [format]\n");
		return;
	}
	a = args_device(argv[1]);
	json_object_set_string_member(a, "filename", argv[2]);
	if (argv[3])
		json_object_set_string_member(a, "format", argv[3]);
	hmp_simple(m, out, "blockdev-change-medium", a);
}

static void hmp_screendump(struct machine *m, GString *out, char **argv)
{
	JsonObject *a = json_object_new();
	const char *file = NULL;

	for (int i = 1; argv[i]; i++) {
		if (!strcmp(argv[i], "-f") && argv[i + 1])
			json_object_set_string_member(a, "format", argv[++i]);
		else if (!file)
			file = argv[i];
	}
	if (!file) {
		g_string_append(out, "screendump: filename expected\n");
		json_object_unref(a);
		return;
	}
	json_object_set_string_member(a, "filename", file);
	hmp_simple(m, out, "screendump", a);
}

/* set_password vnc PASSWORD [action-if-connected]: only the VNC protocol */
static void hmp_set_password(struct machine *m, GString *out, char **argv)
{
	JsonObject *a;

	if (!argv[1] || !argv[2]) {
		g_string_append(out, "set_password: usage: set_password vnc password\n");
		return;
	}
	if (strcmp(argv[1], "vnc")) {
		g_string_append_printf(out, "Unknown protocol '%s'\n", argv[1]);
		return;
	}
	a = json_object_new();
	json_object_set_string_member(a, "password", argv[2]);
	hmp_simple(m, out, "change-vnc-password", a);
}

static void hmp_send_keys(struct machine *m, GString *out, JsonObject *args)
{
	static const char bad[] = "does not accept value '";
	GError *err = NULL;
	JsonNode *r = qmp_dispatch(m, "send-key", args, &err);
	const char *p;

	if (r) {
		json_node_unref(r);
	} else if ((p = strstr(err->message, bad))) {
		/* QEMU's HMP wording for an unknown key name */
		p += strlen(bad);
		g_string_append_printf(out, "invalid parameter: %.*s\n", (int)strcspn(p, "'"), p);
		g_error_free(err);
	} else {
		hmp_print_error(out, err);
	}
}

static void hmp_sendkey(struct machine *m, GString *out, char **argv)
{
	JsonObject *a;
	JsonArray *keys;
	char **names;

	if (!argv[1]) {
		g_string_append(out, "sendkey: string expected\n");
		return;
	}
	keys = json_array_new();
	names = g_strsplit(argv[1], "-", -1);
	for (int i = 0; names[i]; i++) {
		JsonObject *k = json_object_new();
		char *end;
		unsigned long v = strtoul(names[i], &end, 16);

		/* like QEMU: "0x1d" is a key number, anything else a key name */
		if (g_str_has_prefix(names[i], "0x") && names[i][2] && !*end) {
			json_object_set_string_member(k, "type", "number");
			json_object_set_int_member(k, "data", MIN(v, 0xffffUL));
		} else {
			json_object_set_string_member(k, "type", "qcode");
			json_object_set_string_member(k, "data", names[i]);
		}
		json_array_add_object_element(keys, k);
	}
	g_strfreev(names);
	a = json_object_new();
	json_object_set_array_member(a, "keys", keys);
	hmp_send_keys(m, out, a);
	json_object_unref(a);
}

/*
 * mouse_move dx dy [dz]: relative motion (to the PS/2 mouse or a usb-mouse),
 * a positive dz is a wheel notch up, as in QEMU.
 */
static void hmp_mouse_move(struct machine *m, GString *out, char **argv)
{
	long dx, dy, dz = 0;

	if (!argv[1] || !argv[2]) {
		g_string_append(out, "mouse_move: dx and dy expected\n");
		return;
	}
	dx = strtol(argv[1], NULL, 0);
	dy = strtol(argv[2], NULL, 0);
	if (argv[3])
		dz = strtol(argv[3], NULL, 0);
	if (dz)
		console_button_event(dz > 0 ? -1 : 1, console_buttons());
	console_mouse_event(CLAMP(dx, -0xffff, 0xffff), CLAMP(dy, -0xffff, 0xffff), 0,
			    console_buttons());
}

/* mouse_button state: bit 0 left, bit 1 right, bit 2 middle (QEMU's values). */
static void hmp_mouse_button(struct machine *m, GString *out, char **argv)
{
	if (!argv[1]) {
		g_string_append(out, "mouse_button: button state expected\n");
		return;
	}
	console_button_event(0, strtoul(argv[1], NULL, 0) & 7);
}

static void hmp_balloon(struct machine *m, GString *out, char **argv)
{
	JsonObject *a = json_object_new();

	if (!argv[1]) {
		g_string_append(out, "balloon: integer expected\n");
		json_object_unref(a);
		return;
	}
	json_object_set_int_member(a, "value",
				   (gint64)MIN(g_ascii_strtoull(argv[1], NULL, 0), 1ULL << 40) << 20);
	hmp_simple(m, out, "balloon", a);
}

static void hmp_help(struct machine *m, GString *out, char **argv);

/* migrate [-d] URI, migrate_incoming URI: QEMU's flags are taken and ignored. */
static void hmp_uri_cmd(struct machine *m, GString *out, char **argv, const char *qmp)
{
	char **a = argv + 1;
	JsonObject *o;

	while (*a && **a == '-')
		a++;
	if (!*a) {
		g_string_append_printf(out, "%s: URI expected\n", argv[0]);
		return;
	}
	o = json_object_new();
	json_object_set_string_member(o, "uri", *a);
	hmp_simple(m, out, qmp, o);
}

static void hmp_migrate(struct machine *m, GString *o, char **v)
{
	hmp_uri_cmd(m, o, v, "migrate");
}

static void hmp_migrate_incoming(struct machine *m, GString *o, char **v)
{
	hmp_uri_cmd(m, o, v, "migrate-incoming");
}

static void hmp_noarg(struct machine *m, GString *out, const char *qmp)
{
	hmp_simple(m, out, qmp, NULL);
}

static void hmp_stop(struct machine *m, GString *o, char **v) { hmp_noarg(m, o, "stop"); }
static void hmp_cont(struct machine *m, GString *o, char **v) { hmp_noarg(m, o, "cont"); }
static void hmp_reset(struct machine *m, GString *o, char **v) { hmp_noarg(m, o, "system_reset"); }
static void hmp_powerdown(struct machine *m, GString *o, char **v)
{
	hmp_noarg(m, o, "system_powerdown");
}
static void hmp_quit(struct machine *m, GString *o, char **v) { hmp_noarg(m, o, "quit"); }
static void hmp_wakeup(struct machine *m, GString *o, char **v)
{
	hmp_noarg(m, o, "system_wakeup");
}

/*
 * noarg: QEMU's table name of a command that takes no arguments; any given
 * are refused with QEMU's message, which quotes that name.
 */
static const struct {
	const char *name;
	void (*fn)(struct machine *m, GString *out, char **argv);
	const char *usage;
	const char *noarg;
} cmds[] = {
	{ "balloon", hmp_balloon, "balloon target -- request VM to change its memory allocation (in MB)" },
	{ "c", hmp_cont, NULL, "cont|c" },
	{ "change", hmp_change, "change device filename [format] -- change a removable medium" },
	{ "cont", hmp_cont, "cont|c  -- resume emulation", "cont|c" },
	{ "device_add", hmp_device_add, "device_add driver[,prop=value][,...] -- add device, like -device on the command line" },
	{ "device_del", hmp_device_del, "device_del device -- remove device" },
	{ "drive_add", hmp_drive_add, "drive_add [-n] [[<domain>:]<bus>:]<slot> [file=file][,if=type][,bus=n][,unit=m][,media=d][,index=i][,snapshot=on|off][,cache=on|off][,readonly=on|off][,copy-on-read=on|off] -- add drive to PCI storage controller" },
	{ "eject", hmp_eject, "eject [-f] device -- eject a removable medium (use -f to force it)" },
	{ "help", hmp_help, "help|? [cmd] -- show the help" },
	{ "migrate", hmp_migrate, "migrate [-d] uri -- migrate to URI (file:PATH, exec:CMD)" },
	{ "migrate_incoming", hmp_migrate_incoming, "migrate_incoming uri -- load an -incoming defer machine from URI" },
	{ "info", hmp_info, "info [subcommand] -- show various information about the system state" },
	{ "mouse_button", hmp_mouse_button, "mouse_button state -- change mouse button state (1=L, 2=R, 4=M)" },
	{ "mouse_move", hmp_mouse_move, "mouse_move dx dy [dz] -- send mouse move events" },
	{ "netdev_add", hmp_netdev_add, "netdev_add [user|tap|socket|vde|bridge|hubport|netmap|vhost-user],id=str[,prop=value][,...] -- add host network device" },
	{ "netdev_del", hmp_netdev_del, "netdev_del id -- remove host network device" },
	{ "q", hmp_quit, NULL, "quit|q" },
	{ "quit", hmp_quit, "quit|q  -- quit the emulator", "quit|q" },
	{ "screendump", hmp_screendump, "screendump filename [-f format] -- save screen to a file (ppm or png)" },
	{ "set_password", hmp_set_password, "set_password [ vnc ] password [ action-if-connected ] -- set VNC password" },
	{ "sendkey", hmp_sendkey, "sendkey keys [hold_ms] -- send keys to the VM (e.g. 'sendkey ctrl-alt-f1')" },
	{ "set_link", hmp_set_link, "set_link name on|off -- change the link status of a network adapter" },
	{ "stop", hmp_stop, "stop  -- stop emulation", "stop|s" },
	{ "system_powerdown", hmp_powerdown, "system_powerdown  -- send system power down event", "system_powerdown" },
	{ "system_reset", hmp_reset, "system_reset  -- reset the system", "system_reset" },
	{ "system_wakeup", hmp_wakeup, "system_wakeup  -- wakeup guest from suspend", "system_wakeup" },
	{ "xp", hmp_xp, "xp /fmt addr -- physical memory dump starting at 'addr'" },
	{ "?", hmp_help, NULL },
};

static void hmp_help(struct machine *m, GString *out, char **argv)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(cmds); i++)
		if (cmds[i].usage && (!argv[1] || !strcmp(argv[1], cmds[i].name)))
			g_string_append_printf(out, "%s\n", cmds[i].usage);
}

/* Split on blanks; "..." and '...' group words. */
static char **hmp_split(const char *line)
{
	GPtrArray *words = g_ptr_array_new();
	const char *p = line;

	for (;;) {
		GString *w;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w = g_string_new(NULL);
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '"' || *p == '\'') {
				char q = *p++;

				while (*p && *p != q)
					g_string_append_c(w, *p++);
				if (*p)
					p++;
			} else {
				g_string_append_c(w, *p++);
			}
		}
		g_ptr_array_add(words, g_string_free(w, FALSE));
	}
	g_ptr_array_add(words, NULL);
	return (char **)g_ptr_array_free(words, FALSE);
}

char *hmp_run(struct machine *m, const char *line)
{
	GString *out = g_string_new(NULL);
	char **argv = hmp_split(line ? line : "");

	if (argv[0]) {
		unsigned i;

		for (i = 0; i < G_N_ELEMENTS(cmds); i++)
			if (!strcmp(cmds[i].name, argv[0]))
				break;
		if (i < G_N_ELEMENTS(cmds) && cmds[i].noarg && argv[1])
			g_string_append_printf(out, "%s: extraneous characters at the end of line\n"
					       "Try \"help %s\" for more information\n",
					       cmds[i].noarg, argv[0]);
		else if (i < G_N_ELEMENTS(cmds))
			cmds[i].fn(m, out, argv);
		else
			g_string_append_printf(out, "unknown command: '%s'\n", argv[0]);
	}
	g_strfreev(argv);
	return g_string_free(out, FALSE);
}

/* ---- the line editor -------------------------------------------------- */

static void hmp_put_crlf(struct hmp_session *s, const char *text)
{
	GString *o = g_string_new(NULL);

	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			g_string_append_c(o, '\r');
		g_string_append_c(o, *p);
	}
	mon_client_write(s->c, o->str, o->len);
	g_string_free(o, TRUE);
}

static void hmp_banner(struct hmp_session *s)
{
	char *b = g_strdup_printf("QEMU %d.%d.%d monitor - type 'help' for more information\r\n",
				  QMP_VERSION_MAJOR, QMP_VERSION_MINOR, QMP_VERSION_MICRO);

	mon_client_puts(s->c, b);
	g_free(b);
	s->banner_done = true;
}

static void hmp_execute(struct hmp_session *s)
{
	struct machine *m = s->c->mon->root->m;
	char *line = g_strdup(s->line->str);
	char *out;

	g_string_truncate(s->line, 0);
	mon_client_write(s->c, "\r\n", 2);
	out = hmp_run(m, line);
	hmp_put_crlf(s, out);
	g_free(out);
	g_free(line);
	if (!m->shutdown_requested)
		mon_client_puts(s->c, HMP_PROMPT);
}

static void hmp_key(struct hmp_session *s, unsigned char ch)
{
	bool was_cr = s->last_cr;

	s->last_cr = ch == '\r';
	if (s->esc == 1) {
		s->esc = ch == '[' || ch == 'O' ? 2 : 0;
		return;
	}
	if (s->esc == 2) {
		if (ch >= 0x40 && ch <= 0x7e)
			s->esc = 0;
		return;
	}
	if (ch == 0x1b) {
		s->esc = 1;
	} else if (ch == '\r' || (ch == '\n' && !was_cr)) {
		hmp_execute(s);
	} else if (ch == 0x7f || ch == 0x08) {
		if (s->line->len) {
			g_string_truncate(s->line, s->line->len - 1);
			mon_client_puts(s->c, "\b \b");
		}
	} else if (ch >= 0x20 && ch != 0x7f && s->line->len < HMP_LINE_MAX) {
		g_string_append_c(s->line, ch);
		mon_client_write(s->c, (const char *)&ch, 1);
	}
}

void hmp_session_input(struct hmp_session *s, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && !s->c->dead; i++)
		hmp_key(s, buf[i]);
}

struct hmp_session *hmp_session_new(struct mon_client *c)
{
	struct hmp_session *s = g_new0(struct hmp_session, 1);

	s->c = c;
	s->line = g_string_new(NULL);
	return s;
}

void hmp_session_free(struct hmp_session *s)
{
	g_string_free(s->line, TRUE);
	g_free(s);
}

void hmp_session_opened(struct hmp_session *s)
{
	hmp_banner(s);
	mon_client_puts(s->c, HMP_PROMPT);
}

void hmp_session_focus(struct hmp_session *s)
{
	mon_client_write(s->c, "\r\n", 2);
	if (!s->banner_done)
		hmp_banner(s);
	mon_client_puts(s->c, HMP_PROMPT);
	mon_client_puts(s->c, s->line->str);
}
