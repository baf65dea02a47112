// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qtest wire protocol itself (docs/qtest-protocol.md): exact reply formats,
 * number parsing, memory commands, unknown commands, IRQ interception.
 * Runs against kvmpc and QEMU alike; malformed input and the virtual clock
 * are checked on kvmpc only (QEMU aborts on the former and, without a qtest
 * accelerator in Debian, lacks the latter).
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define ARGS "-nodefaults -m 128"

static void test_endianness(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmpstr(qtest_cmd(q, "endianness"), ==, "OK little");
	/* extra words are ignored */
	g_assert_cmpstr(qtest_cmd(q, "endianness x y"), ==, "OK little");
	qtest_quit(q);
}

static void test_port_formats(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmpstr(qtest_cmd(q, "outw 0x510 0x0"), ==, "OK");
	/* in* replies: at least four hex digits, never padded to the width */
	g_assert_cmpstr(qtest_cmd(q, "inb 0x511"), ==, "OK 0x0051");
	g_assert_cmpstr(qtest_cmd(q, "inl 0x514"), ==, "OK 0x554d4551");
	g_assert_cmpstr(qtest_cmd(q, "inw 0x518"), ==, "OK 0x4320");
	g_assert_cmpstr(qtest_cmd(q, "inb 0x51b"), ==, "OK 0x0047");
	/* unassigned ports read all ones (no UART with -nodefaults) */
	g_assert_cmpstr(qtest_cmd(q, "inb 0x3f8"), ==, "OK 0x00ff");
	g_assert_cmpstr(qtest_cmd(q, "inw 0x3f8"), ==, "OK 0xffff");
	/* a dword across fw_cfg data, two unassigned bytes, the DMA signature */
	g_assert_cmpstr(qtest_cmd(q, "outw 0x510 0x1"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "inl 0x511"), ==, "OK 0x51ffff03");
	/* numbers: octal with a leading 0, decimal, upper-case hex prefix */
	g_assert_cmpstr(qtest_cmd(q, "outw 0x510 0"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "inb 02421"), ==, "OK 0x0051");
	g_assert_cmpstr(qtest_cmd(q, "inb 1297"), ==, "OK 0x0045");
	g_assert_cmpstr(qtest_cmd(q, "inb 0X511"), ==, "OK 0x004d");
	/* outw's value is truncated to 16 bits: selects key 0 again */
	g_assert_cmpstr(qtest_cmd(q, "outw 0x510 0x10000"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "inb 0x511"), ==, "OK 0x0051");
	qtest_quit(q);
}

static void test_memory_formats(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmpstr(qtest_cmd(q, "write 0x1000 4 0xdeadbeef"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "readl 0x1000"), ==, "OK 0x00000000efbeadde");
	g_assert_cmpstr(qtest_cmd(q, "readb 0x1000"), ==, "OK 0x00000000000000de");
	g_assert_cmpstr(qtest_cmd(q, "readw 0x1002"), ==, "OK 0x000000000000efbe");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 4"), ==, "OK 0xdeadbeef");
	g_assert_cmpstr(qtest_cmd(q, "memset 0x1000 2 0x5a"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 4"), ==, "OK 0x5a5abeef");
	g_assert_cmpstr(qtest_cmd(q, "memset 0x1000 0 0x11"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "b64read 0x1000 4"), ==, "OK Wlq+7w==");
	g_assert_cmpstr(qtest_cmd(q, "b64write 0x1000 4 AQIDBA=="), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 4"), ==, "OK 0x01020304");
	/* values are truncated to the width and stored little-endian */
	g_assert_cmpstr(qtest_cmd(q, "writew 0x1000 0x12345"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 4"), ==, "OK 0x45230304");
	g_assert_cmpstr(qtest_cmd(q, "writeq 0x1000 0x0123456789abcdef"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "readq 0x1000"), ==, "OK 0x0123456789abcdef");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 8"), ==, "OK 0xefcdab8967452301");
	/* -1 wraps to all ones, truncated to the width */
	g_assert_cmpstr(qtest_cmd(q, "writeb 0x1000 -1"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "readb 0x1000"), ==, "OK 0x00000000000000ff");
	/* short hex data: missing bytes are written as zero */
	g_assert_cmpstr(qtest_cmd(q, "write 0x1000 4 0xaabb"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 4"), ==, "OK 0xaabb0000");
	g_assert_cmpstr(qtest_cmd(q, "write 0x1000 4 0x"), ==, "ERR invalid argument size");
	g_assert_cmpstr(qtest_cmd(q, "b64write 0x1000 4 AQ"), ==, "ERR invalid argument size");
	g_assert_cmpstr(qtest_cmd(q, "read 0x1000 4"), ==, "OK 0xaabb0000");
	/* unassigned memory reads 0 and swallows writes */
	g_assert_cmpstr(qtest_cmd(q, "writel 0x100000000 0x12345678"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "readl 0x100000000"), ==, "OK 0x0000000000000000");
	qtest_quit(q);
}

static void test_memory_bulk(void)
{
	struct qtest *q = qtest_start(ARGS);
	uint8_t out[4096], in[4096];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = i * 7 + (i >> 8);
	qtest_memwrite(q, 0x10000, out, sizeof(out));
	qtest_memread(q, 0x10000, in, sizeof(in));
	g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
	qtest_memset(q, 0x10000 + 100, 0xc3, 1000);
	qtest_memread(q, 0x10000, in, sizeof(in));
	for (size_t i = 0; i < sizeof(in); i++)
		g_assert_cmpuint(in[i], ==, i >= 100 && i < 1100 ? 0xc3 : out[i]);
	/* RAM at the top of -m 128 and the BIOS reset vector */
	qtest_writel(q, (128u << 20) - 4, 0xcafef00d);
	g_assert_cmphex(qtest_readl(q, (128u << 20) - 4), ==, 0xcafef00d);
	g_assert_cmpstr(qtest_cmd(q, "read 0xffff0 5"), ==, "OK 0xea5be000f0");
	g_assert_cmpstr(qtest_cmd(q, "b64read 0xfffffff0 5"), ==, "OK 6lvgAPA=");
	qtest_quit(q);
}

/*
 * Replies far beyond a socket buffer: a 16 MiB read is a 32 MiB line, its
 * b64read 22 MiB.  Both arrive whole and in order, and the next command
 * still gets its own reply.
 */
static void test_memory_large(void)
{
	const size_t len = 16u << 20;
	const uint64_t addr = 16u << 20;
	struct qtest *q = qtest_start(ARGS);
	uint8_t *out = g_malloc(len), *in = g_malloc0(len);
	const char *r;
	guchar *dec;
	gsize declen;

	for (size_t i = 0; i < len; i++)
		out[i] = (i * 2654435761u) >> 13;
	qtest_memwrite(q, addr, out, len);
	qtest_memread(q, addr, in, len);
	g_assert_true(memcmp(in, out, len) == 0);
	r = qtest_cmd(q, "b64read 0x%" PRIx64 " 0x%zx", addr, len);
	g_assert_true(g_str_has_prefix(r, "OK "));
	dec = g_base64_decode(r + 3, &declen);
	g_assert_cmpuint(declen, ==, len);
	g_assert_true(memcmp(dec, out, len) == 0);
	g_free(dec);
	g_assert_cmphex(qtest_readl(q, addr + len - 4), ==,
			out[len - 4] | out[len - 3] << 8 | out[len - 2] << 16 |
			(uint32_t)out[len - 1] << 24);
	g_free(out);
	g_free(in);
	qtest_quit(q);
}

static void test_unknown_commands(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmpstr(qtest_cmd(q, "foo"), ==, "FAIL Unknown command 'foo'");
	g_assert_cmpstr(qtest_cmd(q, "foo\r"), ==, "FAIL Unknown command 'foo\r'");
	g_assert_cmpstr(qtest_cmd(q, "INB 0x80"), ==, "FAIL Unknown command 'INB'");
	g_assert_cmpstr(qtest_cmd(q, "irq_intercept_in /no/such/device"), ==,
			"FAIL Unknown device");
	g_assert_cmpstr(qtest_cmd(q, "endianness"), ==, "OK little");
	qtest_quit(q);
}

/* kvmpc answers FAIL where QEMU would abort, and keeps serving. */
static void test_malformed(void)
{
	static const char *const lines[] = {
	    "",
	    "inb",
	    "inb  0x511",
	    "inb 0x10000",
	    "inb zz",
	    "inb 12abc",
	    "outb 0x80",
	    "outl 0x1ffff 0",
	    "readq",
	    "writeq 0x1000",
	    "read 0x1000",
	    "read 0x1000 0",
	    "read 0 0xffffffffffffffff",
	    "write 0x1000 4",
	    "b64read 0x1000",
	    "memset 0x1000 4",
	    "memset 0 0x100000000000 0",
	    "clock_set",
	    "clock_step 1x",
	    "irq_intercept_in",
	    "set_irq_in ioapic unnamed-gpio-in 99 1",
	    "set_irq_in ioapic",
	    "write 0x1000 2 0xzzzz",
	};
	struct qtest *q;

	if (qtest_is_qemu(q = qtest_start(ARGS))) {
		qtest_quit(q);
		g_test_skip("QEMU aborts on malformed input");
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(lines); i++) {
		const char *r = qtest_cmd(q, "%s", lines[i]);

		if (!g_str_has_prefix(r, "FAIL "))
			g_error("'%s' answered '%s', expected FAIL", lines[i], r);
		g_assert_cmpstr(qtest_cmd(q, "endianness"), ==, "OK little");
	}
	/* the refused write really did nothing */
	g_assert_cmpstr(qtest_cmd(q, "writel 0x1000 0x11223344"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "write 0x1000 2 0xzzzz"), !=, "OK");
	g_assert_cmpstr(qtest_cmd(q, "readl 0x1000"), ==, "OK 0x0000000011223344");
	qtest_quit(q);
}

static void test_clock(void)
{
	struct qtest *q = qtest_start(ARGS);
	int64_t t;

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("no qtest accelerator: no virtual clock commands");
		return;
	}
	g_assert_cmpstr(qtest_cmd(q, "clock_set 0"), ==, "OK 0");
	g_assert_cmpint(qtest_clock_step(q, 100), ==, 100);
	g_assert_cmpstr(qtest_cmd(q, "clock_step 0x10"), ==, "OK 116");
	g_assert_cmpint(qtest_clock_set(q, 5000), ==, 5000);
	/* the clock never goes backwards */
	g_assert_cmpint(qtest_clock_set(q, 10), ==, 5000);
	g_assert_cmpint(qtest_clock_step(q, 0), ==, 5000);
	g_assert_cmpstr(qtest_cmd(q, "clock_step -5"), ==, "OK 5000");
	/* no argument: up to the next timer deadline, if there is one */
	t = qtest_clock_step(q, -1);
	g_assert_cmpint(t, >=, 5000);
	g_assert_cmpint(qtest_clock_set(q, 3 * 1000000000ll), ==, 3 * 1000000000ll);
	qtest_quit(q);
}

/* Timers fire inside clock_step and their IRQ lines come before the reply. */
static void test_clock_rtc_irq(void)
{
	struct qtest *q = qtest_start(ARGS);

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("no qtest accelerator: no virtual clock commands");
		return;
	}
	qtest_irq_intercept_in(q, "ioapic");
	/* RTC periodic interrupt at 1024 Hz: register A rate 6, register B PIE */
	qtest_outb(q, 0x70, 0x0a);
	qtest_outb(q, 0x71, 0x26);
	qtest_outb(q, 0x70, 0x0c);
	qtest_inb(q, 0x71);
	qtest_outb(q, 0x70, 0x0b);
	qtest_outb(q, 0x71, 0x42);
	g_assert_false(qtest_get_irq(q, 8));
	qtest_clock_step(q, 2 * 1000000);
	g_assert_true(qtest_get_irq(q, 8));
	/* reading register C acknowledges */
	qtest_outb(q, 0x70, 0x0c);
	g_assert_cmphex(qtest_inb(q, 0x71) & 0xc0, ==, 0xc0);
	g_assert_false(qtest_get_irq(q, 8));
	qtest_quit(q);
}

static void test_irq_set_irq_in(void)
{
	struct qtest *q = qtest_start(ARGS);

	g_assert_cmpstr(qtest_cmd(q, "irq_intercept_in ioapic"), ==, "OK");
	/* the same device again is fine, by full path too */
	g_assert_cmpstr(qtest_cmd(q, "irq_intercept_in ioapic"), ==, "OK");
	g_assert_cmpstr(qtest_cmd(q, "irq_intercept_in /machine/i440fx/ioapic"), ==, "OK");
	g_assert_false(qtest_get_irq(q, 5));
	g_assert_cmpstr(qtest_cmd(q, "set_irq_in ioapic unnamed-gpio-in 5 1"), ==, "OK");
	g_assert_true(qtest_get_irq(q, 5));
	g_assert_false(qtest_get_irq(q, 6));
	g_assert_cmpstr(qtest_cmd(q, "set_irq_in ioapic unnamed-gpio-in 5 0"), ==, "OK");
	g_assert_false(qtest_get_irq(q, 5));
	qtest_quit(q);
}

/* The i8042 "echo" command raises IRQ 1 until the byte is read. */
static void test_irq_i8042(void)
{
	struct qtest *q = qtest_start(ARGS);

	qtest_irq_intercept_in(q, "ioapic");
	qtest_outb(q, 0x60, 0xee);
	g_assert_true(qtest_get_irq(q, 1));
	g_assert_cmphex(qtest_inb(q, 0x60), ==, 0xee);
	g_assert_false(qtest_get_irq(q, 1));
	qtest_quit(q);
}

/* -qtest-log FILE (the last one wins over libqtest's /dev/null) */
static void test_log(void)
{
	static const char *const want[] = {
	    "^\\[I [0-9]+\\.[0-9]{6}\\] OPENED$",
	    "^\\[R \\+[0-9]+\\.[0-9]{6}\\] endianness$",
	    "^\\[S \\+[0-9]+\\.[0-9]{6}\\] OK little$",
	    "^\\[R \\+[0-9]+\\.[0-9]{6}\\] foo  bar$",
	    "^\\[S \\+[0-9]+\\.[0-9]{6}\\] FAIL Unknown command 'foo'$",
	    "^\\[R \\+[0-9]+\\.[0-9]{6}\\] write 0x1000 4 0x$",
	    "^ERR invalid argument size$",
	};
	g_autofree char *dir = g_dir_make_tmp("qtest-log-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "log", NULL);
	g_autofree char *args = g_strdup_printf("%s -qtest-log %s", ARGS, path);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	struct qtest *q = qtest_start(args);

	qtest_cmd(q, "foo  bar");
	qtest_cmd(q, "write 0x1000 4 0x");
	qtest_quit(q);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), >=, G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		if (!g_regex_match_simple(want[i], lines[i], 0, 0))
			g_error("log line %zu '%s' does not match %s", i, lines[i], want[i]);
	unlink(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qtest/endianness", test_endianness);
	g_test_add_func("/qtest/port-formats", test_port_formats);
	g_test_add_func("/qtest/memory-formats", test_memory_formats);
	g_test_add_func("/qtest/memory-bulk", test_memory_bulk);
	g_test_add_func("/qtest/memory-large", test_memory_large);
	g_test_add_func("/qtest/unknown-commands", test_unknown_commands);
	g_test_add_func("/qtest/malformed", test_malformed);
	g_test_add_func("/qtest/log", test_log);
	g_test_add_func("/qtest/clock/step-set", test_clock);
	g_test_add_func("/qtest/clock/rtc-irq", test_clock_rtc_irq);
	g_test_add_func("/qtest/irq/set_irq_in", test_irq_set_irq_in);
	g_test_add_func("/qtest/irq/i8042-echo", test_irq_i8042);
	return g_test_run();
}
