// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000 against hostile guests, on kvmpc (QEMU's reactions differ and its
 * stopped VM moves no frames): each bad ring or descriptor (a buffer
 * outside RAM, an oversized gather, TSO with absurd header length and MSS,
 * a checksum offset past the frame, TDT past the ring, RDLEN 0) costs its
 * frame and logs a guest error; then a seeded storm of random registers
 * and descriptors, after which a reset brings the NIC back to work.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/e1000-helpers.h"

/* ---- hostile guests ---- */

/* The guest-error log (-d guest_errors -D FILE) holds text. */
static bool log_has(const char *path, const char *text)
{
	g_autofree char *log = NULL;

	return g_file_get_contents(path, &log, NULL, NULL) && strstr(log, text);
}

/*
 * Each hostile ring or descriptor costs its frame and logs a guest error;
 * the rings move on, nothing reaches the loopback receiver, and a sane
 * frame afterwards still goes through.
 */
static void test_hostile(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-e1000-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "log", NULL);
	g_autofree char *extra = g_strdup_printf(" -d guest_errors -D %s", path);
	uint8_t f[2048];
	struct nic n;
	struct qtest *q = nic_start(&n, extra);

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("kvmpc's guest-error log");
		goto out;
	}
	rings_init(&n, 0x2 | 0x8 | 0x8000 | 0x04000000);
	phy_write(&n, 0, 0x1140 | 0x4000);                /* loopback */
	/* a data buffer outside guest RAM */
	tx_desc(&n, 0xfffffffffffff000ull, 100 | TXD_EOP | TXD_RS, 0);
	tx_kick(&n);
	g_assert_true(log_has(path, "e1000: DMA to 0xfffffffffffff000 outside RAM"));
	/* two 64 KiB buffers of one frame: more than the NIC gathers */
	tx_desc(&n, TX_BUF, 0xffff | TXD_RS, 0);
	tx_desc(&n, TX_BUF, 0xffff | TXD_EOP | TXD_RS, 0);
	tx_kick(&n);
	g_assert_true(log_has(path, "transmit packet over"));
	/* TSO with a 255-byte header and MSS 0 over a 100-byte packet */
	qtest_writeq(q, TX_RING + 16 * n.tdt, 14 | 24 << 8 | 33ull << 16 | 34ull << 32 |
		     50ull << 40);
	qtest_writel(q, TX_RING + 16 * n.tdt + 8, 100 | TXD_DEXT | TXD_TSE | TXC_IP | TXC_TCP);
	qtest_writel(q, TX_RING + 16 * n.tdt + 12, 255 << 8);
	n.tdt++;
	tx_desc(&n, TX_BUF, 100 | TXD_DEXT | TXD_DATA | TXD_TSE | TXD_EOP | TXD_RS, 0x3 << 8);
	tx_kick(&n);
	g_assert_true(log_has(path, "TSO context (hdr_len 255, mss 0"));
	/* a checksum offset past the frame */
	qtest_writeq(q, TX_RING + 16 * n.tdt, 14 | 250 << 8 | 33ull << 16 | 34ull << 32 |
		     240ull << 40);
	qtest_writel(q, TX_RING + 16 * n.tdt + 8, TXD_DEXT | TXC_IP);
	qtest_writel(q, TX_RING + 16 * n.tdt + 12, 0);
	n.tdt++;
	tx_desc(&n, TX_BUF, 60 | TXD_DEXT | TXD_DATA | TXD_EOP | TXD_RS, 0x3 << 8);
	tx_kick(&n);
	g_assert_true(log_has(path, "e1000: checksum at"));
	g_assert_cmpuint(rd(&n, GPRC), ==, 1);            /* only that last frame came back */
	/* TDT past the ring: refused, TDH stays */
	wr(&n, TDT, NTX + 3);
	g_assert_cmpuint(rd(&n, TDH), ==, n.tdt);
	g_assert_true(log_has(path, "outside a 16-descriptor ring"));
	/* no receive ring (RDLEN 0): slirp's reply waits until there is one */
	phy_write(&n, 0, 0x1140);
	n.rx_next = rd(&n, RDH);
	wr(&n, RDLEN, 0);
	wr(&n, TDT, n.tdt);
	tx_legacy(&n, f, arp_request(f));
	wr(&n, RDT, 3);
	g_assert_cmpuint(rd(&n, GPRC), ==, 0);
	wr(&n, RDLEN, NRX * 16);
	wr(&n, RDT, (n.rx_next + NRX - 1) % NRX);
	g_assert_cmpuint(rx_frame(&n, f), >=, 60);
	g_assert_cmphex(get16(f + 20), ==, 2);
	qtest_quit(q);
out:
	g_unlink(path);
	g_rmdir(dir);
}

/* ---- hostile storm ---- */

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static uint64_t wild_addr(uint64_t *s)
{
	static const uint64_t a[] = { 0, 0x9fff0, 0xfffff000, BAR0, BAR0 + 0x3800,
				      0xfffffffffffff000ull, 0x7ffffff0, 0x100000000ull };

	return rnd(s) & 1 ? a[rnd(s) % G_N_ELEMENTS(a)] : TX_BUF + (rnd(s) & 0x1ffff);
}

static void storm_step(struct nic *n, uint64_t *s)
{
	static const unsigned regs[] = { TDBAL, TDBAH, TDLEN, TDH, TDT, RDBAL, RDBAH, RDLEN,
					 RDH, RDT, RCTL, TCTL, CTRL, IMS, ICS, EECD, MDIC };
	uint64_t d = TX_RING + 16 * (rnd(s) % NTX);

	switch (rnd(s) % 6) {
	case 0:
		wr(n, regs[rnd(s) % G_N_ELEMENTS(regs)], rnd(s) << (rnd(s) & 1 ? 0 : 1));
		break;
	case 1: /* context descriptor with wild offsets, maybe TSO */
		qtest_writeq(n->q, d, (uint64_t)rnd(s) << 32 | rnd(s));
		qtest_writel(n->q, d + 8, (rnd(s) & 0xcf0fffff) | TXD_DEXT);
		qtest_writel(n->q, d + 12, rnd(s));
		break;
	case 2: /* data or legacy descriptor with a wild address and length */
		qtest_writeq(n->q, d, wild_addr(s));
		qtest_writel(n->q, d + 8, (rnd(s) & 0xff1fffff) | (rnd(s) & 1 ? TXD_DATA : 0));
		qtest_writel(n->q, d + 12, rnd(s));
		break;
	case 3: /* receive descriptors pointing anywhere */
		qtest_writeq(n->q, RX_RING + 16 * (rnd(s) % NRX), wild_addr(s));
		break;
	case 4:
		wr(n, TDT, rnd(s) % (NTX + 2));
		break;
	default:
		wr(n, rnd(s) & 0x1fffc, rnd(s));
		break;
	}
}

static void test_storm(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);
	uint64_t seed = 0xe1000;
	uint8_t f[2048];

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("storm runs against kvmpc");
		return;
	}
	for (int round = 0; round < 4; round++) {
		rings_init(&n, 0x2 | 0x8 | 0x10 | 0x8000 | 0x20);
		phy_write(&n, 0, round & 1 ? 0x5140 : 0x1140);
		for (int i = 0; i < 1500; i++)
			storm_step(&n, &seed);
		g_assert_cmphex(rd(&n, STATUS) & 0x80000000, ==, 0x80000000);
	}
	/* a reset brings the NIC back to work */
	wr(&n, CTRL, 0x04000000);
	qtest_pci_writew(q, n.devfn, 0x04, 0x7);
	g_assert_cmphex(rd(&n, CTRL), ==, 0x00140240);
	rings_init(&n, 0x2 | 0x8000 | 0x04000000);
	tx_legacy(&n, f, arp_request(f));
	g_assert_cmpuint(rx_frame(&n, f), >=, 60);
	g_assert_cmphex(get16(f + 20), ==, 2);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/e1000/hostile", test_hostile);
	g_test_add_func("/e1000/storm", test_storm);
	return g_test_run();
}
