// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000 (82540EM) through qtest, against kvmpc and QEMU 7.2: PCI ids and
 * BARs, reset values of the registers, the EEPROM through EERD and through
 * bit-banged EECD (MAC, checksum 0xBABA), the PHY behind MDIC, interrupt
 * causes on INTx, set_link from QMP, transmit descriptor write-back and
 * statistics that clear on read, TCP segmentation and checksum insertion
 * seen through the PHY loopback, and, on kvmpc (QEMU's stopped VM moves no
 * frames to the guest), an ARP request answered by slirp, a TFTP read
 * sent with IP and UDP checksum offload, and a migration that keeps a TSO
 * context.  Hostile guests: tests/qtest/e1000-hostile-test.c.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/migrate-helpers.h"
#include "tests/qtest/e1000-helpers.h"

/* ---- tests ---- */

static void test_pci(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);
	int d = n.devfn;

	g_assert_cmphex(qtest_pci_readl(q, d, 0x08), ==, 0x02000003); /* class, rev 3 */
	g_assert_cmphex(qtest_pci_readl(q, d, 0x2c), ==, 0x11001af4);
	g_assert_cmphex(qtest_pci_readb(q, d, 0x3d), ==, 1);
	g_assert_cmphex(qtest_pci_readb(q, d, 0x0c), ==, 0); /* cache line size */
	qtest_pci_writel(q, d, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, d, 0x10), ==, 0xfffe0000); /* 128 KiB memory */
	qtest_pci_writel(q, d, 0x14, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, d, 0x14), ==, 0xffffffc1); /* 64 ports */
	g_assert_cmphex(qtest_pci_readl(q, d, 0x30), ==, 0);           /* romfile= */
	qtest_quit(q);
}

static void test_regs(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);

	g_assert_cmphex(rd(&n, CTRL), ==, 0x00140240);
	g_assert_cmphex(rd(&n, STATUS), ==, 0x80080783);
	g_assert_cmphex(rd(&n, RAL0), ==, 0xab005452);
	g_assert_cmphex(rd(&n, RAH0), ==, 0x8000efcd);
	g_assert_cmphex(rd(&n, 0x1000), ==, 0x00100030);  /* PBA */
	g_assert_cmphex(rd(&n, 0x0038), ==, 0x8100);      /* VET */
	g_assert_cmphex(rd(&n, 0x5820), ==, 0x00222300);  /* MANC */
	g_assert_cmphex(rd(&n, RDLEN), ==, 0);
	wr(&n, RDLEN, 0xffffffff);
	g_assert_cmphex(rd(&n, RDLEN), ==, 0xfff80);
	wr(&n, RDH, 0x12345678);
	g_assert_cmphex(rd(&n, RDH), ==, 0x5678);
	wr(&n, STATUS, 0);
	g_assert_cmphex(rd(&n, STATUS), ==, 0x80080783);
	qtest_quit(q);
}

static void test_eeprom(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);
	uint16_t sum = 0, w[64];

	for (unsigned i = 0; i < 64; i++)
		sum += w[i] = eerd(&n, i);
	g_assert_cmphex(sum, ==, 0xbaba);
	g_assert_cmphex(w[0], ==, 0x5452);
	g_assert_cmphex(w[1], ==, 0xab00);
	g_assert_cmphex(w[2], ==, 0xefcd);
	g_assert_cmphex(w[11], ==, 0x100e);
	g_assert_cmphex(w[12], ==, 0x8086);
	wr(&n, EERD, 64 << 8 | 1);                        /* past the end */
	g_assert_cmphex(rd(&n, EERD), ==, 64 << 8 | 0x10);
	for (unsigned i = 0; i < 64; i += 7)
		g_assert_cmphex(eecd_read(&n, i), ==, w[i]);
	g_assert_cmphex(eecd_read(&n, 63), ==, w[63]);
	g_assert_cmphex(rd(&n, EECD) & 0x180, ==, 0x180); /* PRES, GNT */
	qtest_quit(q);
}

static void test_phy(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);

	g_assert_cmphex(phy_read(&n, 2), ==, 0x0141);
	g_assert_cmphex(phy_read(&n, 3), ==, 0x0c20);
	g_assert_cmphex(phy_read(&n, 0), ==, 0x1140);
	g_assert_cmphex(phy_read(&n, 1), ==, 0x794d);     /* link up, autoneg not yet run */
	g_assert_cmphex(phy_read(&n, 4), ==, 0x0de1);
	g_assert_cmphex(phy_read(&n, 10), ==, 0x3c00);
	wr(&n, MDIC, 0x08000000 | 2 << 21 | 1 << 16);     /* PHY address 2: error */
	g_assert_cmphex(rd(&n, MDIC) & 0x40000000, ==, 0x40000000);
	wr(&n, MDIC, 0x08000000 | 1 << 21 | 0x1f << 16); /* unknown register */
	g_assert_cmphex(rd(&n, MDIC) & 0x40000000, ==, 0x40000000);
	rd(&n, ICR);
	phy_write(&n, 0, 0x1140 | 0x0200);                /* restart autoneg */
	g_assert_cmphex(phy_read(&n, 0), ==, 0x1140);
	g_assert_cmphex(phy_read(&n, 1) & 0x24, ==, 0);   /* link down meanwhile */
	g_assert_cmphex(rd(&n, STATUS) & 2, ==, 0);
	if (qtest_has_clock(q)) {
		qtest_clock_step(q, 600000000);
		g_assert_cmphex(phy_read(&n, 1), ==, 0x796d); /* link, autoneg complete */
		g_assert_cmphex(phy_read(&n, 5) & 0x4000, ==, 0x4000);
		g_assert_cmphex(rd(&n, STATUS) & 2, ==, 2);
		g_assert_cmphex(rd(&n, ICR) & 0x4, ==, 0x4);  /* LSC */
	}
	qtest_quit(q);
}

/* INTx follows ICR & IMS through PIRQ routing; ICR clears on read; ITR spaces edges. */
static void test_irq(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);
	int slot = n.devfn >> 3, irq = ((slot - 1) & 3) < 2 ? 10 : 11;

	qtest_pci_writel(q, 0x08, 0x60, 0x0b0b0a0a); /* PIIX3 PIRQA..D -> 10,10,11,11 */
	qtest_irq_intercept_in(q, "ioapic");
	g_assert_false(qtest_get_irq(q, irq));
	wr(&n, ICS, 0x80);                           /* RXT0, masked */
	g_assert_false(qtest_get_irq(q, irq));
	g_assert_cmphex(rd(&n, ICS), ==, 0x80);
	wr(&n, IMS, 0x80);
	g_assert_true(qtest_get_irq(q, irq));
	g_assert_cmphex(rd(&n, IMS), ==, 0x80);
	wr(&n, IMC, 0x80);
	g_assert_false(qtest_get_irq(q, irq));
	if (qtest_is_qemu(q)) {
		/* QEMU holds later edges for its mitigation timer, which -S stops */
		qtest_quit(q);
		return;
	}
	wr(&n, IMS, 0x84);
	g_assert_true(qtest_get_irq(q, irq));
	g_assert_cmphex(rd(&n, ICR), ==, 0x80);      /* read clears */
	g_assert_false(qtest_get_irq(q, irq));
	g_assert_cmphex(rd(&n, ICR), ==, 0);
	wr(&n, ICS, 0x4);
	g_assert_true(qtest_get_irq(q, irq));
	wr(&n, ICR, 0x4);                            /* write 1 clears */
	g_assert_false(qtest_get_irq(q, irq));
	/* ITR: a rising edge within 1000 * 256 ns of the last one waits */
	wr(&n, 0x00c4, 1000);
	wr(&n, ICS, 0x4);
	g_assert_true(qtest_get_irq(q, irq));
	rd(&n, ICR);
	g_assert_false(qtest_get_irq(q, irq));
	wr(&n, ICS, 0x4);
	g_assert_false(qtest_get_irq(q, irq));
	qtest_clock_step(q, 256000);
	g_assert_true(qtest_get_irq(q, irq));
	qtest_quit(q);
}

/* set_link from QMP: STATUS.LU and the PHY link bit drop, LSC is raised. */
static void test_set_link(void)
{
	struct mig_vm *vm = mig_start("-nodefaults", "-netdev user,id=n0,restrict=on "
				      "-device e1000,netdev=n0,romfile=");
	struct nic n;
	g_autofree char *r1 = NULL, *r2 = NULL;

	nic_attach(&n, vm->q);
	rd(&n, ICR);
	r1 = mig_qmp(vm, "{\"execute\": \"set_link\", \"arguments\": "
			 "{\"name\": \"n0\", \"up\": false}}");
	if (!strstr(r1, "\"return\""))
		g_error("%s", r1);
	g_assert_cmphex(rd(&n, STATUS) & 2, ==, 0);
	g_assert_cmphex(phy_read(&n, 1) & 4, ==, 0);
	g_assert_cmphex(rd(&n, ICR) & 4, ==, 4);
	r2 = mig_qmp(vm, "{\"execute\": \"set_link\", \"arguments\": "
			 "{\"name\": \"n0\", \"up\": true}}");
	g_assert_nonnull(strstr(r2, "\"return\""));
	if (qtest_has_clock(vm->q))
		qtest_clock_step(vm->q, 600000000); /* autoneg runs again */
	if (qtest_has_clock(vm->q)) {
		g_assert_cmphex(rd(&n, STATUS) & 2, ==, 2);
		g_assert_cmphex(phy_read(&n, 1) & 0x24, ==, 0x24);
		g_assert_cmphex(rd(&n, ICR) & 4, ==, 4);
	}
	mig_stop(vm);
}

/* Transmit write-back, TDH, causes and statistics (read to clear). */
static void test_tx_stats(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);
	uint8_t f[60];
	size_t len = arp_request(f);

	rings_init(&n, 0x2 | 0x8000);
	rd(&n, ICR);
	tx_legacy(&n, f, len);
	tx_legacy(&n, f, len);
	g_assert_cmphex(rd(&n, ICR) & 3, ==, 3);      /* TXDW, TXQE */
	g_assert_cmpuint(rd(&n, GPTC), ==, 2);
	g_assert_cmpuint(rd(&n, GPTC), ==, 0);
	g_assert_cmpuint(rd(&n, TPT), ==, 2);
	g_assert_cmpuint(rd(&n, GOTCL), ==, 2 * (len + 4));
	g_assert_cmpuint(rd(&n, GOTCH), ==, 0);
	g_assert_cmpuint(rd(&n, GOTCL), ==, 0);       /* cleared with the high half */
	qtest_quit(q);
}

/* -nic without a model, -nic model=e1000 and legacy -net nic + -net user. */
static void check_cmdline(const char *args, const char *mac_words, bool traffic)
{
	struct qtest *q = qtest_start(args);
	struct nic n;
	uint8_t f[2048];
	g_autofree char *got = NULL;

	nic_attach(&n, q);
	got = g_strdup_printf("%04x:%04x:%04x", eerd(&n, 0), eerd(&n, 1), eerd(&n, 2));
	g_assert_cmpstr(got, ==, mac_words);
	if (traffic && !qtest_is_qemu(q)) {
		rings_init(&n, 0x2 | 0x8000);
		tx_legacy(&n, f, arp_request(f));
		rx_frame(&n, f);
		g_assert_cmphex(get16(f + 20), ==, 2);
	}
	qtest_quit(q);
}

static void test_cmdline(void)
{
	check_cmdline("-nodefaults -nic user,restrict=on,mac=52:54:00:ab:cd:ef",
		      "5452:ab00:efcd", true);
	check_cmdline("-nodefaults -nic user,model=e1000,restrict=on", "5452:1200:5634", false);
	check_cmdline("-nodefaults -net nic,model=e1000,macaddr=52:54:00:ab:cd:ef "
		      "-net user,restrict=on", "5452:ab00:efcd", true);
}

/* Without romfile=, QEMU's efi-e1000.rom (ipxe-qemu) sits in the ROM BAR. */
static void test_rom_default(void)
{
	const char *rom = "/usr/lib/ipxe/qemu/efi-e1000.rom"; /* Debian's QEMU looks there */
	struct qtest *q;
	struct nic n;
	GStatBuf st;
	uint32_t size = 0x800;

	if (g_stat(rom, &st) < 0) {
		g_test_skip("no /usr/lib/ipxe/qemu/efi-e1000.rom (apt-get install ipxe-qemu)");
		return;
	}
	while (size < st.st_size)
		size <<= 1;
	q = qtest_start("-nodefaults -device e1000");
	nic_attach(&n, q);
	qtest_pci_writel(q, n.devfn, 0x30, 0xfffff800);
	g_assert_cmphex(qtest_pci_readl(q, n.devfn, 0x30), ==, ~(size - 1));
	qtest_pci_writel(q, n.devfn, 0x30, 0xfe800000 | 1);
	g_assert_cmphex(qtest_readw(q, 0xfe800000), ==, 0xaa55);
	qtest_quit(q);
}

/* slirp answers an ARP request for the gateway. */
static void test_arp(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);
	uint8_t f[2048];
	size_t len;

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: no frames reach the guest while the VM is stopped");
		return;
	}
	rings_init(&n, 0x2 | 0x8000);                 /* EN, BAM; the FCS is counted */
	len = arp_request(f);
	tx_legacy(&n, f, len);
	len = rx_frame(&n, f);
	g_assert_cmpuint(len, >=, 60);
	g_assert_cmpmem(f, 6, mac, 6);
	g_assert_cmphex(get16(f + 12), ==, 0x0806);
	g_assert_cmphex(get16(f + 20), ==, 2);        /* reply */
	g_assert_cmphex(get32(f + 28), ==, 0x0a000202);
	g_assert_cmpuint(rd(&n, GPRC), ==, 1);
	qtest_quit(q);
}

/*
 * A TFTP read request to slirp with the IP and UDP checksums left to the
 * NIC (context + data descriptor): slirp drops a frame with a bad checksum,
 * so the DATA reply proves both.
 */
static void test_tftp_csum(void)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-e1000-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "hello.txt", NULL);
	g_autofree char *extra = g_strdup_printf(",tftp=%s", dir);
	uint8_t f[2048], gw[6];
	struct nic n;
	struct qtest *q;
	size_t len, l4;
	static const char rrq[] = "\0\1hello.txt\0octet";

	g_assert_true(g_file_set_contents(file, "e1000 says hi\n", -1, NULL));
	q = nic_start(&n, extra);
	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: no frames reach the guest while the VM is stopped");
		goto out;
	}
	rings_init(&n, 0x2 | 0x8000 | 0x04000000);
	tx_legacy(&n, f, arp_request(f));
	rx_frame(&n, f);
	memcpy(gw, f + 6, 6);
	l4 = 8 + sizeof(rrq);
	ip_header(f, gw, 17, l4, 0x1234);
	put16(f + 34, 40000);
	put16(f + 36, 69);
	put16(f + 38, l4);
	put16(f + 40, pseudo(f, 17, l4));
	memcpy(f + 42, rrq, sizeof(rrq));
	len = 42 + sizeof(rrq);
	qtest_memwrite(q, TX_BUF, f, len);
	/* context: IP header 14..33, sum at 24; UDP from 34, sum at 40 */
	qtest_writeq(q, TX_RING + 16 * n.tdt, 14 | 24 << 8 | 33ull << 16 | 34ull << 32 |
		     40ull << 40);
	qtest_writel(q, TX_RING + 16 * n.tdt + 8, TXD_DEXT | TXC_IP);
	qtest_writel(q, TX_RING + 16 * n.tdt + 12, 0);
	n.tdt++;
	tx_desc(&n, TX_BUF, len | TXD_DEXT | TXD_DATA | TXD_EOP | TXD_IFCS | TXD_RS, 0x3 << 8);
	tx_kick(&n);
	len = rx_frame(&n, f);
	g_assert_cmphex(get16(f + 12), ==, 0x0800);
	g_assert_cmpuint(f[23], ==, 17);
	g_assert_cmpuint(get16(f + 36), ==, 40000);
	g_assert_cmphex(get16(f + 42), ==, 3);       /* DATA */
	g_assert_cmpuint(get16(f + 44), ==, 1);
	g_assert_cmpmem(f + 46, len - 46, "e1000 says hi\n", 14);
	qtest_quit(q);
out:
	g_unlink(file);
	g_rmdir(dir);
}

/*
 * TCP segmentation through the PHY loopback: a 54-byte header and 2500
 * bytes with MSS 1000 come back as three frames with their own IP length,
 * IP id, sequence number, flags and correct IP and TCP checksums.
 */
static void test_tso_loopback(void)
{
	struct nic n;
	struct qtest *q = nic_start(&n, NULL);

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: even loopback frames wait for the VM to run");
		return;
	}
	tso_setup(&n);
	tso_send_check(&n);
	qtest_quit(q);
}

/*
 * Migration to a file and back: registers, the PHY, the EEPROM's MAC and
 * the TSO context given before the migration all hold on the other side.
 */
static void test_migrate(void)
{
	const char *dev = "-netdev user,id=n0,restrict=on -device e1000,netdev=n0,romfile=,"
			  "mac=52:54:00:ab:cd:ef";
	g_autofree char *dir = g_dir_make_tmp("kvmpc-e1000-XXXXXX", NULL);
	g_autofree char *state = g_build_filename(dir, "state", NULL);
	g_autofree char *uri = g_strdup_printf("{\"execute\": \"migrate\", \"arguments\": "
					       "{\"uri\": \"file:%s\"}}", state);
	g_autofree char *inc = g_strdup_printf("%s -incoming file:%s", dev, state);
	g_autofree char *r = NULL;
	struct mig_vm *src = mig_start("-nodefaults", dev), *dst;
	struct nic a, b;

	if (qtest_is_qemu(src->q)) {
		mig_stop(src);
		g_test_skip("kvmpc's migration stream");
		goto out;
	}
	nic_attach(&a, src->q);
	tso_setup(&a);
	wr(&a, IMS, 0x84);
	wr(&a, 0x5200 + 4 * 7, 0x12345678);              /* MTA[7] */
	r = mig_qmp(src, uri);
	g_assert_cmpstr(r, ==, "{\"return\": {}}");
	dst = mig_start("-nodefaults", inc);
	nic_attach(&b, dst->q);
	b.tdt = a.tdt;
	b.fcs = a.fcs;
	g_assert_cmphex(rd(&b, IMS), ==, 0x84);
	g_assert_cmphex(rd(&b, 0x5200 + 4 * 7), ==, 0x12345678);
	g_assert_cmphex(rd(&b, RCTL), ==, rd(&a, RCTL));
	g_assert_cmphex(rd(&b, TDH), ==, a.tdt);
	g_assert_cmphex(phy_read(&b, 0), ==, 0x5140);
	g_assert_cmphex(eerd(&b, 2), ==, 0xefcd);
	tso_send_check(&b);
	mig_stop(dst);
	mig_stop(src);
out:
	g_unlink(state);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/e1000/pci", test_pci);
	g_test_add_func("/e1000/regs", test_regs);
	g_test_add_func("/e1000/eeprom", test_eeprom);
	g_test_add_func("/e1000/phy", test_phy);
	g_test_add_func("/e1000/irq", test_irq);
	g_test_add_func("/e1000/set-link", test_set_link);
	g_test_add_func("/e1000/tx-stats", test_tx_stats);
	g_test_add_func("/e1000/cmdline", test_cmdline);
	g_test_add_func("/e1000/rom-default", test_rom_default);
	g_test_add_func("/e1000/arp", test_arp);
	g_test_add_func("/e1000/tftp-csum", test_tftp_csum);
	g_test_add_func("/e1000/tso-loopback", test_tso_loopback);
	g_test_add_func("/e1000/migrate", test_migrate);
	return g_test_run();
}
