// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile-guest storm through qtest: thousands of seeded random port and
 * MMIO accesses of every size, over the whole port space and over the
 * interesting parts of the memory map (low RAM, VGA window, BIOS shadow,
 * PCI hole, IOAPIC/LAPIC, top of 4 GiB, above 4 GiB), including random PCI
 * configuration writes that move BARs and change PAM and PIRQ routing.
 * The VMM must answer every command and stay alive; resets are allowed,
 * exits are not, so the storm keeps away from the PIIX4 PM function's
 * config space (enabling its I/O block could legally power off the VM).
 * Seeds: STORM_SEED (default: three fixed ones).  kvmpc only: QEMU's qtest
 * aborts on some of these inputs by design.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define STORM_OPS 20000

static const struct {
	uint64_t base, size;
} mem_areas[] = {
	{ 0x0, 0xa0000 },          { 0xa0000, 0x20000 },    { 0xc0000, 0x40000 },
	{ 0xfd000000, 0x1000000 }, { 0xfe000000, 0xc00000 }, { 0xfec00000, 0x1000 },
	{ 0xfee00000, 0x1000 },    { 0xfffc0000, 0x40000 }, { 0x100000000ULL, 0x100000 },
	{ 0x7ffff000, 0x2000 },
};

struct storm {
	struct qtest *q;
	GRand *r;
	uint32_t cf8;
};

static bool port_forbidden(struct storm *s, uint16_t port)
{
	/* 0xcfc..0xcff while 00:01.3 (PIIX4 PM) is selected */
	if (port >= 0xcfc && port <= 0xcff && (s->cf8 & 0x80ffff00) == 0x80000b00)
		return true;
	return false;
}

static void storm_port(struct storm *s)
{
	uint16_t port = g_rand_int_range(s->r, 0, 0x10000);
	uint32_t val = g_rand_int(s->r);
	int size = 1 << g_rand_int_range(s->r, 0, 3);

	if (g_rand_boolean(s->r)) {
		/* bias towards the ports devices decode */
		static const uint16_t hot[] = { 0x60, 0x64, 0x70, 0x71, 0x3f8, 0x3fd, 0x2f8, 0x402,
						0x510, 0x511, 0x514, 0x518, 0x1f0, 0x1f7, 0x3f6,
						0x170, 0x177, 0x376, 0x3c0, 0x3c4, 0x3ce, 0x3d4,
						0x3da, 0x1ce, 0x1cf, 0xc000, 0xb000, 0xafe0, 0xb2 };
		port = hot[g_rand_int_range(s->r, 0, G_N_ELEMENTS(hot))] + g_rand_int_range(s->r, 0, 4);
	}
	if (port == 0xcf8 && size == 4 && g_rand_boolean(s->r)) {
		/* a plausible config address on bus 0 */
		val = 0x80000000 | (g_rand_int_range(s->r, 0, 32) << 11) |
		      (g_rand_int_range(s->r, 0, 8) << 8) | (g_rand_int_range(s->r, 0, 64) << 2);
	}
	if (port_forbidden(s, port) || port > 0xffff - size + 1)
		return;
	if (g_rand_boolean(s->r)) {
		if (size == 1)
			qtest_outb(s->q, port, val);
		else if (size == 2)
			qtest_outw(s->q, port, val);
		else
			qtest_outl(s->q, port, val);
		if (port == 0xcf8 && size == 4)
			s->cf8 = val;
	} else {
		if (size == 1)
			qtest_inb(s->q, port);
		else if (size == 2)
			qtest_inw(s->q, port);
		else
			qtest_inl(s->q, port);
	}
}

static void storm_mem(struct storm *s)
{
	int a = g_rand_int_range(s->r, 0, G_N_ELEMENTS(mem_areas));
	uint64_t addr = mem_areas[a].base + g_rand_int_range(s->r, 0, mem_areas[a].size);
	uint64_t val = ((uint64_t)g_rand_int(s->r) << 32) | g_rand_int(s->r);
	uint8_t buf[64];

	switch (g_rand_int_range(s->r, 0, 6)) {
	case 0: qtest_writeb(s->q, addr, val); break;
	case 1: qtest_writel(s->q, addr, val); break;
	case 2: qtest_writeq(s->q, addr, val); break;
	case 3: qtest_readl(s->q, addr); break;
	case 4: qtest_memread(s->q, addr, buf, sizeof(buf)); break;
	default:
		memset(buf, val, sizeof(buf));
		qtest_memwrite(s->q, addr, buf, sizeof(buf));
		break;
	}
}

static void run_storm(gconstpointer data)
{
	guint32 seed = GPOINTER_TO_UINT(data);
	struct storm s = { 0 };

	s.q = qtest_start("-nodefaults -m 256 -vga std -serial null -hda /dev/null");
	if (qtest_is_qemu(s.q)) {
		qtest_quit(s.q);
		g_test_skip("QEMU's qtest aborts on hostile input by design");
		return;
	}
	s.r = g_rand_new_with_seed(seed);
	for (int i = 0; i < STORM_OPS; i++) {
		if (g_rand_int_range(s.r, 0, 3))
			storm_port(&s);
		else
			storm_mem(&s);
	}
	/* still alive and sane: RAM holds what we write, PCI answers */
	qtest_writel(s.q, 0x1000, 0xc0ffee11);
	g_assert_cmphex(qtest_readl(s.q, 0x1000), ==, 0xc0ffee11);
	g_assert_cmphex(qtest_pci_readl(s.q, 0, 0), ==, 0x12378086);
	g_rand_free(s.r);
	qtest_quit(s.q);
}

int main(int argc, char **argv)
{
	const char *env = getenv("STORM_SEED");
	static const guint32 seeds[] = { 1, 0xdecafbad, 20261127 };

	g_test_init(&argc, &argv, NULL);
	if (env) {
		guint32 seed = strtoul(env, NULL, 0);
		g_test_add_data_func(g_strdup_printf("/storm/seed-%u", seed), GUINT_TO_POINTER(seed),
				     run_storm);
	} else {
		for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++)
			g_test_add_data_func(g_strdup_printf("/storm/seed-%u", seeds[i]),
					     GUINT_TO_POINTER(seeds[i]), run_storm);
	}
	return g_test_run();
}
