// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qtest protocol server: reads one command per line from a character
 * device and performs it on the machine (port I/O, memory, the manual
 * virtual clock, IRQ observation), answering with QEMU's exact reply
 * formats (docs/qtest-protocol.md).  Unlike QEMU, malformed
 * input (missing or bad numbers, ports above 0xffff, read of size 0, empty
 * words) gets "FAIL <reason>" instead of an abort, and the server carries on.
 * Leaves out: QOM paths other than the IOAPIC, named GPIOs, module loading,
 * the RTAS/sPAPR commands.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accel/cpu-dump.h"
#include "accel/qtest.h"
#include "core/chardev.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/timer.h"

/* Refuse transfers larger than this rather than exhausting host memory. */
#define QTEST_MAX_XFER (64u << 20)
#define QTEST_MAX_MEMSET (1ull << 30)
/* A line longer than this is dropped (with a FAIL) instead of buffered. */
#define QTEST_MAX_LINE (256u << 20)

enum qtest_intercept { INTERCEPT_NONE, INTERCEPT_IN, INTERCEPT_OUT };

struct qtest_state {
	struct machine *m;
	struct chardev *chr;
	struct chr_frontend fe;
	GString *inbuf;	    /* input not yet run: at most one read's lines + a partial one */
	bool lines_waiting; /* inbuf holds a complete line (no input read meanwhile) */
	bool discarding;    /* skipping the rest of an over-long line */
	FILE *log;	 /* NULL: no log */
	bool log_owned;
	GTimer *timer; /* time since the channel opened, for the log */
	enum qtest_intercept intercept;
	int irq_level[NUM_GSI];
};

struct qtest_cmd {
	const char *name;
	int nargs; /* required words after the command */
	void (*fn)(struct qtest_state *s, gchar **w);
};

/* ---- output ---- */

static void qtest_log_prefix(struct qtest_state *s, char kind)
{
	fprintf(s->log, "[%c +%.06f] ", kind, g_timer_elapsed(s->timer, NULL));
}

/* Send a complete line (must end in "\n"); logged as "[S +t] line". */
static void G_GNUC_PRINTF(2, 3) qtest_send(struct qtest_state *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (s->log) {
		qtest_log_prefix(s, 'S');
		fputs(line, s->log);
	}
	chardev_write_all(s->chr, (const uint8_t *)line, strlen(line));
	g_free(line);
}

/* QEMU sends "ERR" replies without logging a prefix; so do we. */
static void qtest_send_err(struct qtest_state *s, const char *msg)
{
	char *line = g_strdup_printf("ERR %s\n", msg);

	if (s->log)
		fputs(line, s->log);
	chardev_write_all(s->chr, (const uint8_t *)line, strlen(line));
	g_free(line);
}

static void qtest_ok(struct qtest_state *s)
{
	qtest_send(s, "OK\n");
}

void qtest_irq_changed(struct qtest_state *s, int gsi, int level)
{
	if (!s || s->intercept != INTERCEPT_IN || gsi < 0 || gsi >= NUM_GSI)
		return;
	level = !!level;
	if (s->irq_level[gsi] == level)
		return;
	s->irq_level[gsi] = level;
	qtest_send(s, "IRQ %s %d\n", level ? "raise" : "lower", gsi);
}

/* ---- argument parsing ---- */

/* Base 0 like strtoull ("-1" wraps); the whole word must be the number. */
static bool qtest_parse_u64(const char *str, uint64_t *out)
{
	char *end;

	if (!str || !*str)
		return false;
	errno = 0;
	*out = strtoull(str, &end, 0);
	return !errno && !*end;
}

static bool qtest_parse_i64(const char *str, int64_t *out)
{
	char *end;

	if (!str || !*str)
		return false;
	errno = 0;
	*out = strtoll(str, &end, 0);
	return !errno && !*end;
}

/* Parse word i into *v or answer FAIL and return false. */
static bool qtest_arg(struct qtest_state *s, gchar **w, int i, uint64_t *v)
{
	if (qtest_parse_u64(w[i], v))
		return true;
	qtest_send(s, "FAIL bad number '%s'\n", w[i]);
	return false;
}

static bool qtest_arg_size(struct qtest_state *s, gchar **w, int i, uint64_t *v)
{
	if (!qtest_arg(s, w, i, v))
		return false;
	if (*v <= QTEST_MAX_XFER)
		return true;
	qtest_send(s, "FAIL size %" PRIu64 " too large (limit %u)\n", *v, QTEST_MAX_XFER);
	return false;
}

static unsigned qtest_width(char c)
{
	switch (c) {
	case 'b':
		return 1;
	case 'w':
		return 2;
	case 'l':
		return 4;
	default:
		return 8;
	}
}

/* ---- port and memory commands ---- */

static void cmd_out(struct qtest_state *s, gchar **w)
{
	uint64_t port, val;

	if (!qtest_arg(s, w, 1, &port) || !qtest_arg(s, w, 2, &val))
		return;
	if (port > 0xffff) {
		qtest_send(s, "FAIL port 0x%" PRIx64 " out of range\n", port);
		return;
	}
	as_write(&s->m->io, port, val, qtest_width(w[0][3]));
	qtest_ok(s);
}

static void cmd_in(struct qtest_state *s, gchar **w)
{
	uint64_t port;

	if (!qtest_arg(s, w, 1, &port))
		return;
	if (port > 0xffff) {
		qtest_send(s, "FAIL port 0x%" PRIx64 " out of range\n", port);
		return;
	}
	qtest_send(s, "OK 0x%04" PRIx64 "\n", as_read(&s->m->io, port, qtest_width(w[0][2])));
}

static void cmd_writex(struct qtest_state *s, gchar **w)
{
	uint64_t addr, val;

	if (!qtest_arg(s, w, 1, &addr) || !qtest_arg(s, w, 2, &val))
		return;
	as_write(&s->m->mem, addr, val, qtest_width(w[0][5]));
	qtest_ok(s);
}

static void cmd_readx(struct qtest_state *s, gchar **w)
{
	uint64_t addr;

	if (!qtest_arg(s, w, 1, &addr))
		return;
	qtest_send(s, "OK 0x%016" PRIx64 "\n", as_read(&s->m->mem, addr, qtest_width(w[0][4])));
}

static void cmd_read(struct qtest_state *s, gchar **w)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t addr, size;
	uint8_t *buf;
	char *out;

	if (!qtest_arg(s, w, 1, &addr) || !qtest_arg_size(s, w, 2, &size))
		return;
	if (!size) {
		qtest_send(s, "FAIL read of size 0\n");
		return;
	}
	buf = g_malloc(size);
	as_read_buf(&s->m->mem, addr, buf, size);
	out = g_malloc(size * 2 + 1);
	for (uint64_t i = 0; i < size; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[size * 2] = 0;
	qtest_send(s, "OK 0x%s\n", out);
	g_free(out);
	g_free(buf);
}

static int qtest_hexval(char c)
{
	return g_ascii_xdigit_value(c);
}

static void cmd_write(struct qtest_state *s, gchar **w)
{
	uint64_t addr, size;
	size_t dlen = strlen(w[3]);
	uint8_t *buf;

	if (!qtest_arg(s, w, 1, &addr) || !qtest_arg_size(s, w, 2, &size))
		return;
	if (dlen < 3) {
		qtest_send_err(s, "invalid argument size");
		return;
	}
	/* The first two characters ("0x") are skipped; missing bytes are 0. */
	buf = g_malloc0(size ? size : 1);
	for (uint64_t i = 0; i < size && i * 2 + 4 <= dlen; i++) {
		int hi = qtest_hexval(w[3][i * 2 + 2]);
		int lo = qtest_hexval(w[3][i * 2 + 3]);

		if (hi < 0 || lo < 0) {
			qtest_send(s, "FAIL bad hex data\n");
			g_free(buf);
			return;
		}
		buf[i] = hi << 4 | lo;
	}
	as_write_buf(&s->m->mem, addr, buf, size);
	g_free(buf);
	qtest_ok(s);
}

static void cmd_b64read(struct qtest_state *s, gchar **w)
{
	uint64_t addr, size;
	uint8_t *buf;
	gchar *b64;

	if (!qtest_arg(s, w, 1, &addr) || !qtest_arg_size(s, w, 2, &size))
		return;
	buf = g_malloc(size ? size : 1);
	as_read_buf(&s->m->mem, addr, buf, size);
	b64 = g_base64_encode(buf, size);
	qtest_send(s, "OK %s\n", b64);
	g_free(b64);
	g_free(buf);
}

static void cmd_b64write(struct qtest_state *s, gchar **w)
{
	uint64_t addr, size;
	gsize got;
	uint8_t *data, *buf;

	if (!qtest_arg(s, w, 1, &addr) || !qtest_arg_size(s, w, 2, &size))
		return;
	if (strlen(w[3]) < 3) {
		qtest_send_err(s, "invalid argument size");
		return;
	}
	data = g_base64_decode(w[3], &got);
	if (got != size && s->log)
		fprintf(s->log, "b64write: data length mismatch (told %" PRIu64 ", found %zu)\n",
			size, (size_t)got);
	buf = g_malloc0(size ? size : 1);
	memcpy(buf, data, MIN(size, (uint64_t)got));
	as_write_buf(&s->m->mem, addr, buf, size);
	g_free(buf);
	g_free(data);
	qtest_ok(s);
}

static void cmd_memset(struct qtest_state *s, gchar **w)
{
	const size_t chunk = 65536;
	uint64_t addr, size, byte;
	uint8_t *buf;

	if (!qtest_arg(s, w, 1, &addr) || !qtest_arg(s, w, 2, &size) || !qtest_arg(s, w, 3, &byte))
		return;
	if (size > QTEST_MAX_MEMSET) {
		qtest_send(s, "FAIL size %" PRIu64 " too large\n", size);
		return;
	}
	buf = g_malloc(chunk);
	memset(buf, (uint8_t)byte, chunk);
	while (size) {
		size_t n = MIN(size, chunk);

		as_write_buf(&s->m->mem, addr, buf, n);
		addr += n;
		size -= n;
	}
	g_free(buf);
	qtest_ok(s);
}

/* ---- clock ---- */

static bool qtest_clock_ok(struct qtest_state *s, gchar **w)
{
	if (s->m->clock.manual)
		return true;
	/* As QEMU with a real accelerator: the commands do not exist. */
	qtest_send(s, "FAIL Unknown command '%s'\n", w[0]);
	return false;
}

static void cmd_clock_step(struct qtest_state *s, gchar **w)
{
	struct vclock *c = &s->m->clock;
	int64_t ns, now;

	if (!qtest_clock_ok(s, w))
		return;
	if (!w[1]) {
		qtest_send(s, "OK %" PRIi64 "\n", vclock_step_next(c));
		return;
	}
	if (!qtest_parse_i64(w[1], &ns)) {
		qtest_send(s, "FAIL bad number '%s'\n", w[1]);
		return;
	}
	now = vclock_ns(c);
	if (ns > 0 && now > INT64_MAX - ns)
		ns = INT64_MAX - now;
	qtest_send(s, "OK %" PRIi64 "\n", vclock_warp(c, now + ns));
}

static void cmd_clock_set(struct qtest_state *s, gchar **w)
{
	int64_t ns;

	if (!qtest_clock_ok(s, w))
		return;
	if (!qtest_parse_i64(w[1], &ns)) {
		qtest_send(s, "FAIL bad number '%s'\n", w[1]);
		return;
	}
	qtest_send(s, "OK %" PRIi64 "\n", vclock_warp(&s->m->clock, ns));
}

/* ---- IRQs ---- */

/* The IOAPIC is the only device with a QOM-like path: "ioapic" or ".../ioapic". */
static bool qtest_is_ioapic(const char *path)
{
	return g_str_equal(path, "ioapic") || g_str_has_suffix(path, "/ioapic");
}

static void cmd_irq_intercept(struct qtest_state *s, gchar **w)
{
	if (!qtest_is_ioapic(w[1])) {
		qtest_send(s, "FAIL Unknown device\n");
		return;
	}
	/* Like QEMU: once a device is intercepted, asking again is a no-op. */
	if (s->intercept == INTERCEPT_NONE) {
		s->intercept = g_str_equal(w[0], "irq_intercept_in") ? INTERCEPT_IN : INTERCEPT_OUT;
		memset(s->irq_level, 0, sizeof(s->irq_level));
	}
	qtest_ok(s);
}

static void cmd_set_irq_in(struct qtest_state *s, gchar **w)
{
	uint64_t num;
	int64_t level;

	if (!qtest_is_ioapic(w[1])) {
		qtest_send(s, "FAIL Unknown device\n");
		return;
	}
	if (!g_str_equal(w[2], "unnamed-gpio-in")) {
		qtest_send(s, "FAIL Unknown GPIO list '%s'\n", w[2]);
		return;
	}
	if (!qtest_arg(s, w, 3, &num))
		return;
	if (!qtest_parse_i64(w[4], &level)) {
		qtest_send(s, "FAIL bad number '%s'\n", w[4]);
		return;
	}
	if (num >= NUM_GSI) {
		qtest_send(s, "FAIL no input %" PRIu64 "\n", num);
		return;
	}
	irq_set(machine_gsi(s->m, num), level);
	qtest_ok(s);
}

/* ---- misc ---- */

static void cmd_endianness(struct qtest_state *s, gchar **w)
{
	qtest_send(s, "OK little\n");
}

static void cmd_module_load(struct qtest_state *s, gchar **w)
{
	qtest_send(s, "FAIL\n"); /* kvmpc has no loadable modules */
}

static const struct qtest_cmd qtest_cmds[] = {
    {"outb", 2, cmd_out},
    {"outw", 2, cmd_out},
    {"outl", 2, cmd_out},
    {"inb", 1, cmd_in},
    {"inw", 1, cmd_in},
    {"inl", 1, cmd_in},
    {"writeb", 2, cmd_writex},
    {"writew", 2, cmd_writex},
    {"writel", 2, cmd_writex},
    {"writeq", 2, cmd_writex},
    {"readb", 1, cmd_readx},
    {"readw", 1, cmd_readx},
    {"readl", 1, cmd_readx},
    {"readq", 1, cmd_readx},
    {"read", 2, cmd_read},
    {"write", 3, cmd_write},
    {"b64read", 2, cmd_b64read},
    {"b64write", 3, cmd_b64write},
    {"memset", 3, cmd_memset},
    {"endianness", 0, cmd_endianness},
    {"clock_step", 0, cmd_clock_step},
    {"clock_set", 1, cmd_clock_set},
    {"irq_intercept_in", 1, cmd_irq_intercept},
    {"irq_intercept_out", 1, cmd_irq_intercept},
    {"set_irq_in", 4, cmd_set_irq_in},
    {"module_load", 2, cmd_module_load},
};

static void qtest_process_line(struct qtest_state *s, const char *line)
{
	gchar **w = g_strsplit(line, " ", -1);
	const struct qtest_cmd *cmd = NULL;
	int n = g_strv_length(w);

	if (s->log) {
		fprintf(s->log, "[R +%.06f]", g_timer_elapsed(s->timer, NULL));
		for (int i = 0; w[i]; i++)
			fprintf(s->log, " %s", w[i]);
		fputc('\n', s->log);
	}
	for (size_t i = 0; n && i < G_N_ELEMENTS(qtest_cmds); i++)
		if (g_str_equal(w[0], qtest_cmds[i].name))
			cmd = &qtest_cmds[i];
	if (!cmd)
		qtest_send(s, "FAIL Unknown command '%s'\n", n ? w[0] : "");
	else if (n - 1 < cmd->nargs)
		qtest_send(s, "FAIL %s needs %d argument%s\n", cmd->name, cmd->nargs,
			   cmd->nargs == 1 ? "" : "s");
	else
		cmd->fn(s, w);
	g_strfreev(w);
}

/* ---- chardev frontend ---- */

/*
 * One reply at a time, as a client waiting for each reply sees it: input
 * is read only when every earlier reply has gone out, so the output queue
 * holds at most one reply (a 64 MiB read is a 128 MiB line) and a client
 * sending many commands unread gets them run as it reads the replies.
 */
static int qtest_can_read(void *opaque)
{
	struct qtest_state *s = opaque;

	return s->lines_waiting || chardev_write_pending(s->chr) ? 0 : 65536;
}

/* Run the complete lines in inbuf until a reply has to wait for the client. */
static void qtest_run_lines(struct qtest_state *s)
{
	size_t pos = 0;
	char *nl;

	while ((nl = memchr(s->inbuf->str + pos, '\n', s->inbuf->len - pos))) {
		if (chardev_write_pending(s->chr))
			break;
		*nl = 0;
		qtest_process_line(s, s->inbuf->str + pos);
		pos = nl + 1 - s->inbuf->str;
	}
	s->lines_waiting = nl != NULL;
	g_string_erase(s->inbuf, 0, pos);
}

/* Called only when inbuf holds no complete line (qtest_can_read). */
static void qtest_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct qtest_state *s = opaque;
	const uint8_t *nl;

	if (s->discarding) {
		nl = memchr(buf, '\n', len);
		if (!nl)
			return;
		s->discarding = false;
		qtest_send(s, "FAIL line too long\n");
		len -= nl + 1 - buf;
		buf = nl + 1;
	}
	g_string_append_len(s->inbuf, (const char *)buf, len);
	if (s->inbuf->len > QTEST_MAX_LINE && !memchr(buf, '\n', len)) {
		g_string_truncate(s->inbuf, 0);
		s->discarding = true;
		return;
	}
	qtest_run_lines(s);
}

static void qtest_event(void *opaque, enum chr_event ev)
{
	struct qtest_state *s = opaque;

	switch (ev) {
	case CHR_EVENT_OPENED:
		memset(s->irq_level, 0, sizeof(s->irq_level));
		g_string_truncate(s->inbuf, 0);
		s->lines_waiting = false;
		s->discarding = false;
		g_timer_start(s->timer);
		if (s->log)
			fprintf(s->log, "[I %.06f] OPENED\n", g_timer_elapsed(s->timer, NULL));
		break;
	case CHR_EVENT_CLOSED:
		/* The VMM keeps running when the test goes away, as QEMU does. */
		if (s->log)
			fprintf(s->log, "[I +%.06f] CLOSED\n", g_timer_elapsed(s->timer, NULL));
		break;
	case CHR_EVENT_DRAINED:
		qtest_run_lines(s);
		break;
	default:
		break;
	}
}

static int qtest_open_log(struct qtest_state *s, const char *path, GError **err)
{
	if (!path) {
		s->log = stderr;
		return 0;
	}
	if (g_str_equal(path, "none"))
		return 0;
	s->log = fopen(path, "w");
	if (!s->log) {
		int e = errno;

		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e), "-qtest-log %s: %s",
			    path, g_strerror(e));
		return -e;
	}
	setvbuf(s->log, NULL, _IOLBF, 0);
	s->log_owned = true;
	return 0;
}

static void qtest_ops_set_irq(struct machine *m, int gsi, int level)
{
	qtest_irq_changed(m->qtest, gsi, level);
}

/* The qtest accelerator: no vCPUs to pause, interrupts go to the test. */
/* No vCPU ever runs under qtest: "info registers" shows the power-on
 * state, as QEMU does for its never-started CPU (APs halted). */
static int qtest_ops_dump_cpu(struct machine *m, int index, GString *out)
{
	struct x86_dump d;

	if (index < 0 || index >= (int)m->cfg->smp_cpus)
		return -ENOENT;
	x86_cpu_reset_state(&d);
	d.halted = index > 0;
	x86_cpu_dump(out, &d, X86_DUMP_FPU);
	return 0;
}

static const struct accel_ops qtest_accel_ops = {
	.name = "qtest",
	.set_irq = qtest_ops_set_irq,
	.dump_cpu = qtest_ops_dump_cpu,
};

int qtest_server_start(struct machine *m, const char *spec, const char *log_path, GError **err)
{
	struct qtest_state *s = g_new0(struct qtest_state, 1);
	int ret;

	s->m = m;
	s->inbuf = g_string_new(NULL);
	s->timer = g_timer_new();
	ret = qtest_open_log(s, log_path, err);
	if (ret < 0)
		goto fail;
	s->chr = chardev_new_legacy(m, spec, NULL, err);
	if (!s->chr && err && !*err) /* "none": no chardev, no error */
		error_setg(err, "'%s' is not a valid char driver", spec);
	if (!s->chr) {
		ret = -EINVAL;
		goto fail;
	}
	if (chardev_beyond_loopback(s->chr))
		warn_report("qtest socket '%s' has no authentication and listens beyond "
			    "loopback: anyone who can reach it controls the VM", spec);
	m->qtest = s;
	machine_set_accel(m, &qtest_accel_ops);
	s->fe.can_read = qtest_can_read;
	s->fe.read = qtest_read;
	s->fe.event = qtest_event;
	s->fe.opaque = s;
	chardev_set_frontend(s->chr, &s->fe);
	return 0;
fail:
	if (s->log_owned)
		fclose(s->log);
	g_timer_destroy(s->timer);
	g_string_free(s->inbuf, TRUE);
	g_free(s);
	return ret;
}

void qtest_server_free(struct machine *m)
{
	struct qtest_state *s = m->qtest;

	if (!s)
		return;
	m->qtest = NULL;
	if (s->log_owned)
		fclose(s->log);
	g_timer_destroy(s->timer);
	g_string_free(s->inbuf, TRUE);
	g_free(s);
}
