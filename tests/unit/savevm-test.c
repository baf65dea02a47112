// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/savevm.c on a machine from machine_new() with a UART, the RTC and
 * the i8042 (with its PS/2 keyboard and mouse) and 2 MiB of RAM
 * (docs/migration-stream.md): save -> reset -> load gives back what the
 * guest reads; a machine with other RAM or one device fewer refuses the
 * stream naming the difference; every truncation of the state part, 200
 * single-bit flips, and 200 payload mutations with the CRC fixed up are
 * refused or loaded without a crash, in process (run it under ASan to see
 * any stray access).
 */
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <zlib.h>
#include <glib.h>

#include "core/machine.h"
#include "core/savevm.h"
#include "hw/char/serial.h"
#include "hw/input/i8042.h"
#include "hw/rtc/mc146818.h"

#define RAM (2u << 20)

static void no_irq(struct machine *m, int n, int level)
{
}

static const struct accel_ops quiet_ops = { .name = "unit", .set_irq = no_irq };

static struct machine *build(uint64_t ram, bool with_i8042)
{
	struct machine *m = machine_new(NULL);
	struct rtc_config rc = RTC_CONFIG_DEFAULT;
	struct serial_config sc;

	machine_set_accel(m, &quiet_ops);
	m->cfg->ram_size = ram;
	m->ram = g_malloc0(ram);
	serial_isa_default(0, &sc);
	g_assert_nonnull(serial_isa_create(m, &sc, NULL));
	g_assert_nonnull(rtc_create(m, &rc, NULL));
	if (with_i8042)
		g_assert_nonnull(i8042_create(m, NULL));
	return m;
}

static void out8(struct machine *m, uint16_t port, uint8_t v)
{
	as_write(&m->io, port, v, 1);
}

static uint8_t in8(struct machine *m, uint16_t port)
{
	return as_read(&m->io, port, 1);
}

static void program(struct machine *m)
{
	out8(m, 0x3fb, 0x83);
	out8(m, 0x3f8, 0x01);
	out8(m, 0x3fb, 0x1b);
	out8(m, 0x3fc, 0x10);       /* loopback: bytes land in the RX FIFO */
	out8(m, 0x3f8, 'x');
	out8(m, 0x3f8, 'y');
	out8(m, 0x3ff, 0x5a);
	out8(m, 0x70, 0x30);
	out8(m, 0x71, 0x77);
	out8(m, 0x60, 0xf2);        /* keyboard identify: three bytes queued */
	memset(m->ram + 0x1000, 0xab, 0x1000);
}

static GString *probe(struct machine *m)
{
	GString *s = g_string_new(NULL);

	for (int r = 1; r < 8; r++)
		g_string_append_printf(s, "%02x ", in8(m, 0x3f8 + r));
	for (int i = 0; i < 3; i++)
		g_string_append_printf(s, "rx %02x ", in8(m, 0x3f8));
	out8(m, 0x70, 0x30);
	g_string_append_printf(s, "cmos %02x ", in8(m, 0x71));
	for (int i = 0; i < 4; i++)
		g_string_append_printf(s, "kbd %02x/%02x ", in8(m, 0x64), in8(m, 0x60));
	g_string_append_printf(s, "ram %02x", m->ram[0x1800]);
	return s;
}

/* Save m into a new anonymous file; returns its fd (at offset 0). */
static int save(struct machine *m, uint64_t *len)
{
	int fd = memfd_create("savevm-test", 0);
	GError *err = NULL;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(savevm_save(m, fd, len, &err), ==, 0);
	g_assert_no_error(err);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static int fd_of(const uint8_t *p, size_t len)
{
	int fd = memfd_create("savevm-mutant", 0);

	g_assert_cmpint(write(fd, p, len), ==, (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Load p[0..len) into m: 0 or -errno; a refusal must say why. */
static int load(struct machine *m, const uint8_t *p, size_t len)
{
	int fd = fd_of(p, len);
	GError *err = NULL;
	int ret = savevm_load(m, fd, &err);

	close(fd);
	if (ret < 0) {
		g_assert_nonnull(err);
		g_assert_nonnull(strstr(err->message, "incoming migration: "));
		g_assert_null(strchr(err->message, '\n'));
		g_error_free(err);
	}
	return ret;
}

static GByteArray *saved_stream(struct machine *m)
{
	uint64_t len;
	int fd = save(m, &len);
	GByteArray *b = g_byte_array_sized_new(len);

	g_byte_array_set_size(b, len);
	g_assert_cmpint(read(fd, b->data, len), ==, (ssize_t)len);
	close(fd);
	return b;
}

static void test_roundtrip(void)
{
	struct machine *a = build(RAM, true), *b = build(RAM, true);
	GByteArray *s;
	GString *pa, *pb;

	program(a);
	s = saved_stream(a);
	g_assert_cmpint(load(b, s->data, s->len), ==, 0);
	pa = probe(a);
	pb = probe(b);
	g_assert_cmpstr(pa->str, ==, pb->str);
	g_test_message("%s", pa->str);
	/* FIFO off: 'y' overran 'x' (LSR 0x63 says so) */
	g_assert_true(strstr(pa->str, "rx 79") && strstr(pa->str, "cmos 77") &&
		      strstr(pa->str, "kbd 11/fa kbd 11/ab"));
	g_string_free(pa, TRUE);
	g_string_free(pb, TRUE);
	g_byte_array_free(s, TRUE);
}

static void test_mismatch(void)
{
	struct machine *a = build(RAM, true), *more = build(2 * RAM, true);
	struct machine *fewer = build(RAM, false);
	GByteArray *s = saved_stream(a);
	GError *err = NULL;
	int fd = fd_of(s->data, s->len);

	g_assert_cmpint(savevm_load(more, fd, &err), <, 0);
	g_assert_nonnull(strstr(err->message, "RAM size"));
	g_clear_error(&err);
	close(fd);
	fd = fd_of(s->data, s->len);
	g_assert_cmpint(savevm_load(fewer, fd, &err), <, 0);
	g_assert_nonnull(strstr(err->message, "number of devices"));
	g_clear_error(&err);
	close(fd);
	g_byte_array_free(s, TRUE);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Where RAM starts: the first section header of kind 3. */
static size_t state_part(const GByteArray *s)
{
	size_t pos = 20 + le(s->data + 12, 4);

	while (pos + 32 <= s->len && s->data[pos + 4] != 3)
		pos += 32 + le(s->data + pos + 20, 4) +
		       le(s->data + pos + 24, 8);
	return pos;
}

static void test_hostile(void)
{
	struct machine *a = build(RAM, true), *b = build(RAM, true);
	GByteArray *s;
	size_t end;

	program(a);
	s = saved_stream(a);
	end = state_part(s);
	for (size_t cut = 0; cut < end + 64; cut++)
		g_assert_cmpint(load(b, s->data, cut), <, 0);
	g_assert_cmpint(load(b, s->data, s->len - 1), <, 0);
	for (int i = 0; i < 200; i++) {
		size_t at = i % 4 ? g_test_rand_int_range(0, end) : g_test_rand_int_range(0, s->len);
		uint8_t bit = 1 << g_test_rand_int_range(0, 8);

		s->data[at] ^= bit;
		g_assert_cmpint(load(b, s->data, s->len), <, 0);
		s->data[at] ^= bit;
	}
	g_assert_cmpint(load(b, s->data, s->len), ==, 0);
	g_byte_array_free(s, TRUE);
}

/* Payload mutations that pass the CRC: the devices must cope. */
static void test_crc_fixed(void)
{
	struct machine *a = build(RAM, true), *b = build(RAM, true);
	GByteArray *s;
	unsigned loaded = 0;
	size_t end;

	program(a);
	s = saved_stream(a);
	end = state_part(s);
	for (int i = 0; i < 200; i++) {
		GByteArray *m = g_byte_array_new();
		size_t sec = 20 + le(s->data + 12, 4), len;
		int skip = g_test_rand_int_range(0, 8);

		g_byte_array_append(m, s->data, s->len);
		for (;;) {
			len = le(m->data + sec + 24, 8);
			if (skip-- <= 0 && len)
				break;
			sec += 32 + len;
			if (sec >= end)
				sec = 20 + le(s->data + 12, 4);
		}
		for (int k = g_test_rand_int_range(1, 6); k > 0; k--)
			m->data[sec + 32 + g_test_rand_int_range(0, len)] = g_test_rand_int_range(0, 256);
		uint32_t crc = crc32(0, m->data + sec + 32, len);
		for (int k = 0; k < 4; k++)
			m->data[sec + 16 + k] = crc >> (8 * k);
		if (load(b, m->data, m->len) == 0) {
			loaded++;
			g_string_free(probe(b), TRUE);
		}
		g_byte_array_free(m, TRUE);
	}
	g_test_message("%u of 200 loaded and probed", loaded);
	g_byte_array_free(s, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/savevm/roundtrip", test_roundtrip);
	g_test_add_func("/savevm/mismatch", test_mismatch);
	g_test_add_func("/savevm/hostile", test_hostile);
	g_test_add_func("/savevm/crc-fixed", test_crc_fixed);
	return g_test_run();
}
