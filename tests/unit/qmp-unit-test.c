// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP server and the human monitor on a bare machine (a main context,
 * a lock and a manual clock; no KVM, no devices), through a real unix
 * socket made by monitor_init_all: message framing (bytes one at a time,
 * several messages per write, brackets and quotes inside strings, single
 * quotes), every envelope error, the size and depth limits, ids of every
 * JSON type echoed, events only after negotiation, stop/cont on the run
 * state, HMP output through human-monitor-command, and the upward paths
 * that spare the monitor and devices from naming each other: the power
 * button through the board's ops, device events as a machine notifier
 * list (core/notify.h), send-key through the console's input sink.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "core/machine.h"
#include "ui/console.h"
#include "ui/monitor.h"

static struct machine *m;
static char *sock_path;

static struct machine *test_machine(const char *spec)
{
	struct machine_config *cfg = machine_config_new();
	struct machine *fm;
	GError *err = NULL;

	cfg->accel = ACCEL_QTEST;
	cfg->name = g_strdup("unit");
	cfg->start_paused = true;
	g_ptr_array_add(cfg->monitors, g_strdup(spec));
	fm = machine_new(cfg); /* paused, as after -S */
	g_assert_cmpint(monitor_init_all(fm, &err), ==, 0);
	g_assert_no_error(err);
	return fm;
}

struct client {
	int fd;
	GString *in;
};

static struct client *client_new(void)
{
	struct client *c = g_new0(struct client, 1);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(c->fd, >=, 0);
	g_strlcpy(sa.sun_path, sock_path, sizeof(sa.sun_path));
	g_assert_cmpint(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	c->in = g_string_new(NULL);
	return c;
}

static void client_free(struct client *c)
{
	close(c->fd);
	g_string_free(c->in, TRUE);
	g_free(c);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(m->ctx, FALSE);
}

static void client_send(struct client *c, const char *text, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(c->fd, text + done, len - done, MSG_DONTWAIT);

		if (n > 0)
			done += n;
		g_main_context_iteration(m->ctx, FALSE);
	}
}

static void client_puts(struct client *c, const char *text)
{
	client_send(c, text, strlen(text));
}

/* The next "\r\n"-terminated line (without it); waits up to 5 s. */
static char *client_line(struct client *c)
{
	gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	char buf[4096];

	for (;;) {
		char *crlf = strstr(c->in->str, "\r\n");
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		ssize_t n;

		if (crlf) {
			char *line = g_strndup(c->in->str, crlf - c->in->str);

			g_string_erase(c->in, 0, crlf - c->in->str + 2);
			return line;
		}
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_main_context_iteration(m->ctx, FALSE);
		if (poll(&p, 1, 10) == 1) {
			n = recv(c->fd, buf, sizeof(buf), 0);
			g_assert_cmpint(n, >, 0);
			g_string_append_len(c->in, buf, n);
		}
	}
}

/* Nothing more arrives within 100 ms. */
static void client_quiet(struct client *c)
{
	char buf[16];

	for (int i = 0; i < 10; i++) {
		g_main_context_iteration(m->ctx, FALSE);
		g_usleep(10000);
	}
	g_assert_cmpstr(c->in->str, ==, "");
	g_assert_cmpint(recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT), <, 0);
}

static void expect(struct client *c, const char *want)
{
	g_autofree char *line = client_line(c);

	g_assert_cmpstr(line, ==, want);
}

static struct client *negotiated(void)
{
	struct client *c = client_new();
	g_autofree char *greeting = client_line(c);

	g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, "
					   "\"minor\": 2, \"major\": 7}, \"package\": \"kvmpc-"));
	g_assert_true(g_str_has_suffix(greeting, "\"}, \"capabilities\": [\"oob\"]}}"));
	client_puts(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}");
	expect(c, "{\"return\": {}}");
	return c;
}

#define ERR(cls, desc) "{\"error\": {\"class\": \"" cls "\", \"desc\": \"" desc "\"}}"
#define GENERIC(desc) ERR("GenericError", desc)

static void test_negotiation(void)
{
	struct client *c = client_new();

	g_free(client_line(c));
	client_puts(c, "{\"execute\": \"query-name\", \"id\": 7}");
	expect(c, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting capabilities "
		  "negotiation with 'qmp_capabilities'\"}, \"id\": 7}");
	client_puts(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"x\": 1}}");
	expect(c, GENERIC("Parameter 'x' is unexpected"));
	client_puts(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"y\"]}}");
	expect(c, GENERIC("Parameter 'enable' does not accept value 'y'"));
	client_puts(c, "{\"execute\": \"qmp_capabilities\"}");
	expect(c, "{\"return\": {}}");
	client_puts(c, "{\"execute\": \"qmp_capabilities\"}");
	expect(c, ERR("CommandNotFound", "Capabilities negotiation is already complete, command ignored"));
	client_free(c);
}

static void test_framing(void)
{
	struct client *c = negotiated();
	const char *one = "{\"execute\": \"query-name\"}";

	/* a byte at a time */
	for (const char *p = one; *p; p++)
		client_send(c, p, 1);
	expect(c, "{\"return\": {\"name\": \"unit\"}}");
	/* three at once, with blanks and newlines between */
	client_puts(c, "{\"execute\":\"query-name\",\"id\":1}\n \t{\"execute\":\n\"query-name\","
		       "\"id\":2}{\"execute\":\"query-name\",\"id\":3}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": 1}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": 2}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": 3}");
	/* brackets and escaped quotes inside strings */
	client_puts(c, "{\"execute\": \"query-name\", \"id\": \"}{][\\\"'\"}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": \"}{][\\\"'\"}");
	/* QEMU's single-quoted strings, with " and \' inside */
	client_puts(c, "{'execute': 'query-name', 'id': 'a\"b\\'c'}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": \"a\\\"b'c\"}");
	/* ids of every type come back as they were */
	client_puts(c, "{\"execute\": \"query-name\", \"id\": [1, {\"x\": null}, true, -2.5]}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": [1, {\"x\": null}, true, -2.5]}");
	/* non-ASCII and control characters are escaped on output */
	client_puts(c, "{\"execute\": \"query-name\", \"id\": \"\\u00e9\\n\\u0001\"}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": \"\\u00E9\\n\\u0001\"}");
	client_quiet(c);
	client_free(c);
}

static void test_envelope_errors(void)
{
	struct client *c = negotiated();

	client_puts(c, "[1, 2]");
	expect(c, GENERIC("QMP input must be a JSON object"));
	client_puts(c, "42 ");
	expect(c, GENERIC("QMP input must be a JSON object"));
	client_puts(c, "{\"arguments\": {}}");
	expect(c, GENERIC("QMP input lacks member 'execute'"));
	client_puts(c, "{\"execute\": [\"x\"]}");
	expect(c, GENERIC("QMP input member 'execute' must be a string"));
	client_puts(c, "{\"execute\": \"stop\", \"arguments\": [1]}");
	expect(c, GENERIC("QMP input member 'arguments' must be an object"));
	client_puts(c, "{\"execute\": \"stop\", \"extra\": 1}");
	expect(c, GENERIC("QMP input member 'extra' is unexpected"));
	client_puts(c, "{\"exec-oob\": \"stop\"}");
	expect(c, GENERIC("The command stop does not support OOB"));
	client_puts(c, "{\"execute\": \"nope\", \"id\": \"n\"}");
	expect(c, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nope has "
		  "not been found\"}, \"id\": \"n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": 1}}");
	expect(c, GENERIC("Invalid parameter type for 'command-line', expected: string"));
	client_puts(c, "{\"execute\": \"human-monitor-command\"}");
	expect(c, GENERIC("Parameter 'command-line' is missing"));
	client_puts(c, "{\"execute\": \"send-key\", \"arguments\": {\"keys\": [{\"type\": \"qcode\", "
		       "\"data\": \"nokey\"}]}}");
	expect(c, GENERIC("Parameter 'data' does not accept value 'nokey'"));
	client_puts(c, "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"/x\"}}");
	expect(c, GENERIC("There is no console to take a screendump from"));
	client_puts(c, "{\"execute\": \"eject\", \"arguments\": {\"id\": \"cd\"}}");
	expect(c, ERR("DeviceNotFound", "Device 'cd' not found"));
	client_puts(c, "{\"execute\": \"balloon\", \"arguments\": {\"value\": 1}}");
	expect(c, ERR("DeviceNotActive", "No balloon device has been activated"));
	client_quiet(c);
	client_free(c);
}

static void test_bad_json(void)
{
	struct client *c = negotiated();
	GString *big = g_string_new("{\"execute\": \"query-name\", \"id\": \"");

	client_puts(c, "{\"execute\" @ }");
	expect(c, GENERIC("JSON parse error, stray '@'"));
	expect(c, GENERIC("JSON parse error, expecting value"));
	client_puts(c, "{\"foo\x01\"}");
	expect(c, GENERIC("JSON parse error, stray '\\\"foo\\u0001'"));
	expect(c, GENERIC("JSON parse error, expecting value"));
	/* QEMU's parser wording, first error only */
	client_puts(c, "{\"execute\": }");
	expect(c, GENERIC("JSON parse error, expecting value"));
	client_puts(c, "{1: 2}");
	expect(c, GENERIC("JSON parse error, key is not a string in object"));
	client_puts(c, "{\"a\" 1}");
	expect(c, GENERIC("JSON parse error, missing : in object pair"));
	client_puts(c, "{\"a\": 1 \"b\": 2}");
	expect(c, GENERIC("JSON parse error, expected separator in dict"));
	client_puts(c, "[1 2]");
	expect(c, GENERIC("JSON parse error, expected separator in list"));
	client_puts(c, "{\"a\": 1, \"a\": 2}");
	expect(c, GENERIC("JSON parse error, duplicate key"));
	client_puts(c, "{\"a\": nul}");
	expect(c, GENERIC("JSON parse error, invalid keyword 'nul'"));
	client_puts(c, "{\"a\": \"\\q\"}");
	expect(c, GENERIC("JSON parse error, invalid escape sequence in string"));
	client_puts(c, "{\"a\": \"\\ud800\"}");
	expect(c, GENERIC("JSON parse error, \\\\ud800 is not a valid Unicode character"));
	client_puts(c, "{\"a\": \"\xc3\x28\"}");
	expect(c, GENERIC("JSON parse error, invalid UTF-8 sequence in string"));
	/* numbers: a bad one is one stray token, the byte that spoilt it included */
	client_puts(c, "{\"a\": 1.}");
	expect(c, GENERIC("JSON parse error, stray '1.}'"));
	client_puts(c, "{\"a\": 01}\n");
	expect(c, GENERIC("JSON parse error, stray '01'"));
	expect(c, GENERIC("JSON parse error, expecting value"));
	client_puts(c, "{\"execute\": \"query-name\", \"id\": [-0.5e+2, 10, \"\\u0000\"]}");
	expect(c, "{\"return\": {\"name\": \"unit\"}, \"id\": [-50, 10, \"\\u0000\"]}");
	/* over 1 MiB: one error, the rest of the message skipped */
	while (big->len < (1u << 20) + 10)
		g_string_append(big, "{[}]'\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	g_string_append(big, "\"} {\"execute\": \"query-name\"}");
	client_send(c, big->str, big->len);
	expect(c, GENERIC("JSON token size limit exceeded"));
	expect(c, "{\"return\": {\"name\": \"unit\"}}");
	/* deeper than 1024: one error, skipped to its end */
	g_string_truncate(big, 0);
	for (int i = 0; i < 1500; i++)
		g_string_append(big, "[{\"a\":");
	for (int i = 0; i < 1500; i++)
		g_string_append(big, "1}]");
	client_send(c, big->str, big->len);
	expect(c, GENERIC("JSON nesting depth limit exceeded"));
	client_puts(c, "{\"execute\": \"query-name\"}");
	expect(c, "{\"return\": {\"name\": \"unit\"}}");
	/* exactly 1024 deep is fine (and not an object: one ordinary error) */
	g_string_truncate(big, 0);
	for (int i = 0; i < 1024; i++)
		g_string_append_c(big, '[');
	for (int i = 0; i < 1024; i++)
		g_string_append_c(big, ']');
	client_send(c, big->str, big->len);
	expect(c, GENERIC("QMP input must be a JSON object"));
	g_string_free(big, TRUE);
	client_quiet(c);
	client_free(c);
}

static void test_run_state_events(void)
{
	struct client *c = negotiated(), *late = client_new();
	g_autofree char *greeting = client_line(late);

	client_puts(c, "{\"execute\": \"query-status\"}");
	expect(c, "{\"return\": {\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}}");
	client_puts(c, "{\"execute\": \"stop\"}");
	expect(c, "{\"return\": {}}"); /* already stopped: no event */
	client_puts(c, "{\"execute\": \"cont\"}");
	{
		g_autofree char *ev = client_line(c);

		g_assert_true(g_str_has_prefix(ev, "{\"timestamp\": {\"seconds\": "));
		g_assert_true(g_str_has_suffix(ev, "}, \"event\": \"RESUME\"}"));
	}
	expect(c, "{\"return\": {}}");
	g_assert_cmpint(m->state, ==, RUN_STATE_RUNNING);
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"info status\"}}");
	expect(c, "{\"return\": \"VM status: running\\r\\n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"stop\"}}");
	{
		g_autofree char *ev = client_line(c);

		g_assert_true(g_str_has_suffix(ev, "}, \"event\": \"STOP\"}"));
	}
	expect(c, "{\"return\": \"\"}");
	g_assert_cmpint(m->state, ==, RUN_STATE_PAUSED);
	client_puts(c, "{\"execute\": \"query-status\"}");
	expect(c, "{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}}");
	/* the client that never negotiated saw no event */
	client_quiet(late);
	client_free(late);
	client_free(c);
}

static void test_hmp_text(void)
{
	struct client *c = negotiated();

	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"info name\"}}");
	expect(c, "{\"return\": \"unit\\r\\n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"  info   'kvm'  \"}}");
	expect(c, "{\"return\": \"kvm support: disabled\\r\\n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"info cpus\"}}");
	{
		g_autofree char *l = client_line(c);

		g_assert_true(g_str_has_prefix(l, "{\"return\": \"* CPU #0: thread_id="));
	}
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"eject\"}}");
	expect(c, "{\"return\": \"eject: block device name expected\\r\\n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"\"}}");
	expect(c, "{\"return\": \"\"}");
	/* QEMU 7.2 refuses arguments to commands that take none, quit included */
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"q x\"}}");
	expect(c, "{\"return\": \"quit|q: extraneous characters at the end of line\\r\\n"
		  "Try \\\"help q\\\" for more information\\r\\n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"quit now\"}}");
	expect(c, "{\"return\": \"quit|q: extraneous characters at the end of line\\r\\n"
		  "Try \\\"help quit\\\" for more information\\r\\n\"}");
	client_puts(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		       "{\"command-line\": \"info name\"}}");
	expect(c, "{\"return\": \"unit\\r\\n\"}");
	g_assert_false(m->shutdown_requested);
	client_free(c);
}

static GString *keys_seen;
static int presses;

static int press_button(struct machine *pm)
{
	presses++;
	return 0;
}

static void record_key(void *opaque, unsigned key, bool down)
{
	g_string_append_printf(keys_seen, "%s%x ", down ? "+" : "-", key);
}

/* The event line that must come next: its name and data, timestamp aside. */
static void expect_event(struct client *c, const char *tail)
{
	g_autofree char *ev = client_line(c);

	g_assert_true(g_str_has_prefix(ev, "{\"timestamp\": {\"seconds\": "));
	g_assert_true(g_str_has_suffix(ev, tail));
}

static void test_upward_paths(void)
{
	struct client *c = negotiated();
	static const struct board_ops board = { .power_button = press_button };

	client_puts(c, "{\"execute\": \"system_powerdown\"}");
	expect(c, GENERIC("This machine has no power button"));
	machine_set_board(m, &board);
	client_puts(c, "{\"execute\": \"system_powerdown\"}");
	expect_event(c, "}, \"event\": \"POWERDOWN\"}");
	expect(c, "{\"return\": {}}");
	g_assert_cmpint(presses, ==, 1);
	machine_set_board(m, NULL);

	/* a device reports a tray move; the monitor makes it a QMP event */
	machine_event(m, &(struct machine_event){ .kind = MACHINE_EVENT_TRAY_MOVED,
						  .id = "ide1-cd0", .tray_open = true });
	expect_event(c, "}, \"event\": \"DEVICE_TRAY_MOVED\", \"data\": {\"device\": "
		     "\"ide1-cd0\", \"tray-open\": true, \"id\": \"\"}}");

	client_puts(c, "{\"execute\": \"send-key\", \"arguments\": {\"keys\": "
		       "[{\"type\": \"qcode\", \"data\": \"a\"}]}}");
	expect(c, ERR("DeviceNotFound", "No keyboard device"));
	keys_seen = g_string_new(NULL);
	console_set_input(&(struct console_input){ .key = record_key });
	client_puts(c, "{\"execute\": \"send-key\", \"arguments\": {\"keys\": "
		       "[{\"type\": \"qcode\", \"data\": \"ctrl\"}, "
		       "{\"type\": \"qcode\", \"data\": \"up\"}]}}");
	expect(c, "{\"return\": {}}");
	g_assert_cmpstr(keys_seen->str, ==, "+1d +148 -148 -1d ");
	console_set_input(NULL);
	g_string_free(keys_seen, TRUE);
	client_quiet(c);
	client_free(c);
}

int main(int argc, char **argv)
{
	g_autofree char *dir = g_dir_make_tmp("qmp-unit-XXXXXX", NULL);
	g_autofree char *spec = NULL;
	int ret;

	g_test_init(&argc, &argv, NULL);
	sock_path = g_build_filename(dir, "qmp.sock", NULL);
	spec = g_strdup_printf("control,unix:%s,server=on,wait=off", sock_path);
	m = test_machine(spec);
	g_test_add_func("/qmp/negotiation", test_negotiation);
	g_test_add_func("/qmp/framing", test_framing);
	g_test_add_func("/qmp/envelope-errors", test_envelope_errors);
	g_test_add_func("/qmp/bad-json", test_bad_json);
	g_test_add_func("/qmp/run-state-events", test_run_state_events);
	g_test_add_func("/qmp/hmp-text", test_hmp_text);
	g_test_add_func("/qmp/upward-paths", test_upward_paths);
	ret = g_test_run();
	unlink(sock_path);
	rmdir(dir);
	return ret;
}
