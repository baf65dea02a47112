// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000 (82540EM) through qtest, against kvmpc and QEMU 7.2: PCI ids and
 * BARs, reset values of the registers, the EEPROM through EERD and through
 * bit-banged EECD (MAC, checksum 0xBABA), the PHY behind MDIC, interrupt
 * causes on INTx, set_link from QMP, transmit descriptor write-back and
 * statistics that clear on read, TCP segmentation and checksum insertion
 * seen through the PHY loopback, and, on kvmpc (QEMU's stopped VM moves no
 * frames to the guest), an ARP request answered by slirp and a TFTP read
 * sent with IP and UDP checksum offload; then a seeded storm of hostile
 * rings and descriptors after which the NIC still works.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/migrate-helpers.h"

#define BAR0 0xe0000000u
#define BAR1 0xc000
#define TX_RING 0x10000
#define RX_RING 0x11000
#define TX_BUF 0x20000
#define RX_BUF 0x40000
#define NTX 16
#define NRX 16

#define CTRL 0x0000
#define STATUS 0x0008
#define EECD 0x0010
#define EERD 0x0014
#define MDIC 0x0020
#define ICR 0x00c0
#define ICS 0x00c8
#define IMS 0x00d0
#define IMC 0x00d8
#define RCTL 0x0100
#define TCTL 0x0400
#define RDBAL 0x2800
#define RDBAH 0x2804
#define RDLEN 0x2808
#define RDH 0x2810
#define RDT 0x2818
#define TDBAL 0x3800
#define TDBAH 0x3804
#define TDLEN 0x3808
#define TDH 0x3810
#define TDT 0x3818
#define GPRC 0x4074
#define GPTC 0x4080
#define GOTCL 0x4090
#define GOTCH 0x4094
#define TPT 0x40d4
#define TSCTC 0x40f8
#define RAL0 0x5400
#define RAH0 0x5404

#define TXD_EOP 0x01000000u
#define TXD_IFCS 0x02000000u
#define TXD_TSE 0x04000000u
#define TXD_RS 0x08000000u
#define TXD_DEXT 0x20000000u
#define TXD_DATA 0x00100000u
#define TXC_TCP 0x01000000u
#define TXC_IP 0x02000000u

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

struct nic {
	struct qtest *q;
	int devfn;
	unsigned tdt, rx_next;
	unsigned fcs; /* 4 unless RCTL.SECRC strips the CRC */
};

static uint32_t rd(struct nic *n, unsigned off) { return qtest_readl(n->q, BAR0 + off); }
static void wr(struct nic *n, unsigned off, uint32_t v) { qtest_writel(n->q, BAR0 + off, v); }

static int find_e1000(struct qtest *q)
{
	for (int devfn = 0; devfn < 256; devfn += 8)
		if (qtest_pci_readl(q, devfn, 0) == 0x100e8086)
			return devfn;
	return -1;
}

static void nic_attach(struct nic *n, struct qtest *q)
{
	memset(n, 0, sizeof(*n));
	n->q = q;
	n->devfn = find_e1000(q);
	g_assert_cmpint(n->devfn, >=, 0);
	qtest_pci_writel(q, n->devfn, 0x10, BAR0);
	qtest_pci_writel(q, n->devfn, 0x14, BAR1);
	qtest_pci_writew(q, n->devfn, 0x04, 0x7);
}

static struct qtest *nic_start(struct nic *n, const char *extra)
{
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -netdev user,id=n0,restrict=on%s "
		"-device e1000,netdev=n0,mac=52:54:00:ab:cd:ef,romfile=", extra ? extra : "");
	struct qtest *q = qtest_start(args);

	nic_attach(n, q);
	return q;
}

static uint16_t eerd(struct nic *n, unsigned addr)
{
	uint32_t v;

	wr(n, EERD, addr << 8 | 1);
	v = rd(n, EERD);
	g_assert_cmphex(v & 0x10, ==, 0x10); /* DONE */
	return v >> 16;
}

/* Microwire read: CS, start bit and opcode 110, six address bits, 16 bits out. */
static uint16_t eecd_read(struct nic *n, unsigned addr)
{
	uint32_t cmd = 0x180 | addr, v = 0;

	wr(n, EECD, 0x40);                /* REQ */
	wr(n, EECD, 0x40 | 0x2);          /* CS */
	for (int i = 8; i >= 0; i--) {
		uint32_t di = (cmd >> i) & 1 ? 0x4 : 0;

		wr(n, EECD, 0x42 | di);
		wr(n, EECD, 0x42 | di | 0x1);
		wr(n, EECD, 0x42 | di);
	}
	for (int i = 0; i < 16; i++) {
		wr(n, EECD, 0x43);
		v = v << 1 | !!(rd(n, EECD) & 0x8);
		wr(n, EECD, 0x42);
	}
	wr(n, EECD, 0x40);
	wr(n, EECD, 0);
	return v;
}

static uint16_t phy_read(struct nic *n, unsigned reg)
{
	uint32_t v;

	wr(n, MDIC, 0x08000000 | 1 << 21 | reg << 16);
	v = rd(n, MDIC);
	g_assert_cmphex(v & 0x50000000, ==, 0x10000000); /* READY, no ERROR */
	return v & 0xffff;
}

static void phy_write(struct nic *n, unsigned reg, uint16_t val)
{
	wr(n, MDIC, 0x04000000 | 1 << 21 | reg << 16 | val);
	g_assert_cmphex(rd(n, MDIC) & 0x50000000, ==, 0x10000000);
}

/* ---- rings ---- */

static void rings_init(struct nic *n, uint32_t rctl)
{
	qtest_memset(n->q, TX_RING, 0, NTX * 16);
	qtest_memset(n->q, RX_RING, 0, NRX * 16);
	for (unsigned i = 0; i < NRX; i++)
		qtest_writeq(n->q, RX_RING + 16 * i, RX_BUF + 2048 * i);
	wr(n, TDBAL, TX_RING);
	wr(n, TDBAH, 0);
	wr(n, TDLEN, NTX * 16);
	wr(n, TDH, 0);
	wr(n, TDT, 0);
	wr(n, RDBAL, RX_RING);
	wr(n, RDBAH, 0);
	wr(n, RDLEN, NRX * 16);
	wr(n, RDH, 0);
	wr(n, RDT, NRX - 1);
	wr(n, TCTL, 0x2 | 0x8); /* EN, PSP */
	wr(n, RCTL, rctl);
	n->tdt = n->rx_next = 0;
	n->fcs = rctl & 0x04000000 ? 0 : 4;
}

static void tx_desc(struct nic *n, uint64_t addr, uint32_t lower, uint32_t upper)
{
	uint64_t d = TX_RING + 16 * n->tdt;

	qtest_writeq(n->q, d, addr);
	qtest_writel(n->q, d + 8, lower);
	qtest_writel(n->q, d + 12, upper);
	n->tdt = (n->tdt + 1) % NTX;
}

static void tx_kick(struct nic *n)
{
	wr(n, TDT, n->tdt);
	g_assert_cmpuint(rd(n, TDH), ==, n->tdt);
}

/* Send a frame with one legacy descriptor; the descriptor is written back with DD. */
static void tx_legacy(struct nic *n, const uint8_t *f, size_t len)
{
	unsigned slot = n->tdt;

	qtest_memwrite(n->q, TX_BUF, f, len);
	tx_desc(n, TX_BUF, len | TXD_EOP | TXD_IFCS | TXD_RS, 0);
	tx_kick(n);
	g_assert_cmphex(qtest_readb(n->q, TX_RING + 16 * slot + 12) & 1, ==, 1);
}

/* Next received frame into buf, without the FCS; waits up to 10 s. */
static size_t rx_frame(struct nic *n, uint8_t *buf)
{
	uint64_t d = RX_RING + 16 * n->rx_next;
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	uint8_t st;
	uint16_t len;

	while (!((st = qtest_readb(n->q, d + 12)) & 1)) {
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(500);
	}
	g_assert_cmphex(st & 0x02, ==, 0x02); /* EOP */
	len = qtest_readw(n->q, d + 8);
	g_assert_cmpuint(len, >=, 60 + n->fcs);
	g_assert_cmpuint(len, <=, 2048);
	qtest_memread(n->q, RX_BUF + 2048 * n->rx_next, buf, len - n->fcs);
	qtest_writeb(n->q, d + 12, 0);
	wr(n, RDT, n->rx_next); /* give the buffer back */
	n->rx_next = (n->rx_next + 1) % NRX;
	return len - n->fcs;
}

/* ---- frames ---- */

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += p[i] << 8 | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static uint16_t get16(const uint8_t *p) { return p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static size_t arp_request(uint8_t *f)
{
	static const uint8_t ip[4] = { 10, 0, 2, 15 }, gw[4] = { 10, 0, 2, 2 };

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, ip, 4);
	memcpy(f + 38, gw, 4);
	return 42;
}

/* Ethernet + IPv4 header (protocol proto, l4 bytes after it), checksum left 0. */
static void ip_header(uint8_t *f, const uint8_t *dst, uint8_t proto, size_t l4, uint16_t id)
{
	static const uint8_t src_ip[4] = { 10, 0, 2, 15 }, dst_ip[4] = { 10, 0, 2, 2 };

	memcpy(f, dst, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	memset(f + 14, 0, 20);
	f[14] = 0x45;
	put16(f + 16, 20 + l4);
	put16(f + 18, id);
	f[22] = 64;
	f[23] = proto;
	memcpy(f + 26, src_ip, 4);
	memcpy(f + 30, dst_ip, 4);
}

/* Pseudo-header sum (not complemented) for protocol proto and l4 length. */
static uint16_t pseudo(const uint8_t *f, uint8_t proto, size_t l4)
{
	return fold(sum16(proto + l4, f + 26, 8));
}

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

#define TSO_PAYLOAD 2500
#define TSO_MSS 1000
static uint8_t tso_pkt[54 + TSO_PAYLOAD];

/* Loopback on, and the TSO context descriptor (header 54 bytes, MSS 1000). */
static void tso_setup(struct nic *n)
{
	struct qtest *q = n->q;

	rings_init(n, 0x2 | 0x8 | 0x8000 | 0x04000000); /* EN, UPE, BAM, SECRC */
	phy_write(n, 0, 0x1140 | 0x4000);               /* loopback */
	qtest_writeq(q, TX_RING + 16 * n->tdt, 14 | 24 << 8 | 33ull << 16 | 34ull << 32 |
		     50ull << 40);
	qtest_writel(q, TX_RING + 16 * n->tdt + 8,
		     TSO_PAYLOAD | TXD_DEXT | TXD_TSE | TXC_IP | TXC_TCP);
	qtest_writel(q, TX_RING + 16 * n->tdt + 12, 54 << 8 | TSO_MSS << 16);
	n->tdt++;
	tx_kick(n);
}

/* The data descriptors of one TSO packet; three segments come back. */
static void tso_send_check(struct nic *n)
{
	uint8_t *pkt = tso_pkt, f[2048];

	ip_header(pkt, mac, 6, 20 + TSO_PAYLOAD, 0x100);
	put16(pkt + 16, 0);                              /* as drivers leave it */
	put16(pkt + 34, 1234);
	put16(pkt + 36, 80);
	put16(pkt + 38, 0x1111);
	put16(pkt + 40, 0x2222);                         /* seq 0x11112222 */
	pkt[46] = 0x50;
	pkt[47] = 0x18 | 0x01;                           /* ACK PSH FIN */
	put16(pkt + 48, 8192);
	put16(pkt + 50, pseudo(pkt, 6, 0));
	for (unsigned i = 0; i < TSO_PAYLOAD; i++)
		pkt[54 + i] = i * 7;
	qtest_memwrite(n->q, TX_BUF, pkt, sizeof(tso_pkt));
	tx_desc(n, TX_BUF, 54 | TXD_DEXT | TXD_DATA | TXD_TSE, 0x3 << 8);
	tx_desc(n, TX_BUF + 54, TSO_PAYLOAD | TXD_DEXT | TXD_DATA | TXD_TSE | TXD_EOP | TXD_RS, 0);
	tx_kick(n);
	for (unsigned k = 0; k < 3; k++) {
		unsigned seg = MIN(TSO_MSS, TSO_PAYLOAD - k * TSO_MSS), len = rx_frame(n, f);
		bool last = k == 2;

		g_assert_cmpuint(len, ==, 54 + seg);
		g_assert_cmpuint(get16(f + 16), ==, 40 + seg);
		g_assert_cmphex(get16(f + 18), ==, 0x100 + k);
		g_assert_cmphex(fold(sum16(0, f + 14, 20)), ==, 0xffff);
		g_assert_cmphex(get32(f + 38), ==, 0x11112222 + k * TSO_MSS);
		g_assert_cmphex(f[47], ==, last ? 0x19 : 0x10);
		g_assert_cmphex(fold(sum16(pseudo(f, 6, 20 + seg), f + 34, 20 + seg)), ==, 0xffff);
		g_assert_cmpmem(f + 54, seg, pkt + 54 + k * TSO_MSS, seg);
	}
	g_assert_cmpuint(rd(n, GPTC), ==, 3);
	g_assert_cmpuint(rd(n, GPRC), ==, 3);
	g_assert_cmpuint(rd(n, TSCTC), ==, 1);
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
	g_test_add_func("/e1000/hostile", test_hostile);
	g_test_add_func("/e1000/storm", test_storm);
	return g_test_run();
}
