// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtl8139 (C mode) through qtest, against kvmpc and QEMU 7.2: PCI ids and
 * BARs, register reset values, the 93C46 EEPROM bit-banged through 9346CR,
 * the config-register lock, ISR/IMR on INTx, a transmit slot's TOK/OWN and
 * the TSAD summary, set_link from QMP; on kvmpc (QEMU's stopped VM moves no
 * frames to the guest) slirp's ARP replies in the receive ring, enough of
 * them to wrap it, each with its header, length and CRC-32; multicast
 * filtering through MAR in TCR loopback; in C+ mode slirp's ARP replies in
 * receive descriptors, the tally dump, and (loopback) IP/UDP checksums,
 * large send and VLAN tags; a seeded storm of hostile registers,
 * descriptors and addresses after which the NIC still works.
 */
#include <string.h>
#include <zlib.h>
#include <glib.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/migrate-helpers.h"

#define IO 0xc000
#define MMIO 0xe0000000u
#define RXBUF 0x100000
#define TXBUF 0x200000
#define RING (8192 + 16)

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

struct rtl {
	struct qtest *q;
	int devfn;
	unsigned slot;  /* next transmit slot */
	unsigned rd;    /* read offset in the ring */
};

static int find_rtl(struct qtest *q)
{
	for (int devfn = 0; devfn < 256; devfn += 8)
		if (qtest_pci_readl(q, devfn, 0) == 0x813910ec)
			return devfn;
	return -1;
}

static void rtl_attach(struct rtl *r, struct qtest *q)
{
	memset(r, 0, sizeof(*r));
	r->q = q;
	r->devfn = find_rtl(q);
	g_assert_cmpint(r->devfn, >=, 0);
	qtest_pci_writel(q, r->devfn, 0x10, IO);
	qtest_pci_writel(q, r->devfn, 0x14, MMIO);
	qtest_pci_writew(q, r->devfn, 0x04, 0x7);
}

static struct qtest *rtl_start(struct rtl *r, const char *extra)
{
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -netdev user,id=n0,restrict=on%s "
		"-device rtl8139,netdev=n0,mac=52:54:00:ab:cd:ef,romfile=", extra ? extra : "");
	struct qtest *q = qtest_start(args);

	rtl_attach(r, q);
	return q;
}

static uint8_t rb(struct rtl *r, unsigned a) { return qtest_inb(r->q, IO + a); }
static uint16_t rw(struct rtl *r, unsigned a) { return qtest_inw(r->q, IO + a); }
static uint32_t rl(struct rtl *r, unsigned a) { return qtest_inl(r->q, IO + a); }
static void wb(struct rtl *r, unsigned a, uint8_t v) { qtest_outb(r->q, IO + a, v); }
static void ww(struct rtl *r, unsigned a, uint16_t v) { qtest_outw(r->q, IO + a, v); }
static void wl(struct rtl *r, unsigned a, uint32_t v) { qtest_outl(r->q, IO + a, v); }

/* 93C46 read as Linux's 8139too does it: 0110 + 6 address bits, then 16 bits out. */
static uint16_t ee_read(struct rtl *r, unsigned addr)
{
	uint32_t cmd = (6u << 6) | addr;
	uint16_t v = 0;

	wb(r, 0x50, 0x80);
	wb(r, 0x50, 0x88);
	for (int i = 10; i >= 0; i--) {
		uint8_t di = (cmd >> i) & 1 ? 0x02 : 0;

		wb(r, 0x50, 0x88 | di);
		wb(r, 0x50, 0x8c | di);
	}
	wb(r, 0x50, 0x88);
	for (int i = 0; i < 16; i++) {
		wb(r, 0x50, 0x8c);
		v = v << 1 | (rb(r, 0x50) & 1);
		wb(r, 0x50, 0x88);
	}
	wb(r, 0x50, 0x00);
	return v;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }

static size_t arp_request(uint8_t *f, const uint8_t *dst)
{
	memset(f, 0, 60);
	memcpy(f, dst, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
	memcpy(f + 38, "\x0a\x00\x02\x02", 4);
	return 60;
}

/* Send through the next slot; it must come back OWN and TOK. */
static void tx(struct rtl *r, const uint8_t *f, size_t len)
{
	unsigned n = r->slot;

	qtest_memwrite(r->q, TXBUF + 0x800 * n, f, len);
	wl(r, 0x20 + 4 * n, TXBUF + 0x800 * n);
	wl(r, 0x10 + 4 * n, len);
	g_assert_cmphex(rl(r, 0x10 + 4 * n) & 0xa000, ==, 0xa000);
	r->slot = (n + 1) & 3;
}

static void rx_init(struct rtl *r, uint8_t rcr)
{
	wb(r, 0x37, 0x0c);       /* RE, TE */
	wl(r, 0x30, RXBUF);
	wl(r, 0x44, rcr);        /* 8 KiB ring */
	r->rd = 0;
}

/* Next frame from the ring (without its CRC, which is checked); waits up to 10 s. */
static size_t rx(struct rtl *r, uint8_t *buf, uint16_t *status)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	uint8_t hdr[4], crc[4];
	uint32_t len, sum;

	while (rb(r, 0x37) & 0x01) { /* BUFE */
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(500);
	}
	for (int i = 0; i < 4; i++)
		hdr[i] = qtest_readb(r->q, RXBUF + (r->rd + i) % 8192);
	*status = hdr[0] | hdr[1] << 8;
	len = hdr[2] | hdr[3] << 8;
	g_assert_cmpuint(len, >=, 64);
	g_assert_cmpuint(len, <=, 1518);
	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = qtest_readb(r->q, RXBUF + (r->rd + 4 + i) % 8192);

		if (i < len - 4)
			buf[i] = b;
		else
			crc[i - (len - 4)] = b;
	}
	sum = crc32(0, buf, len - 4);
	g_assert_cmphex(crc[0] | crc[1] << 8 | crc[2] << 16 | (uint32_t)crc[3] << 24, ==, sum);
	r->rd = (r->rd + 4 + len + 3) & ~3u;
	r->rd %= 8192;
	ww(r, 0x38, r->rd - 16);
	g_assert_cmphex(rw(r, 0x38), ==, (uint16_t)(r->rd - 16));
	return len - 4;
}

/* ---- tests ---- */

static void test_pci(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	int d = r.devfn;

	g_assert_cmphex(qtest_pci_readl(q, d, 0x08), ==, 0x02000020);
	g_assert_cmphex(qtest_pci_readl(q, d, 0x2c), ==, 0x11001af4);
	g_assert_cmphex(qtest_pci_readb(q, d, 0x3d), ==, 1);
	g_assert_cmphex(qtest_pci_readb(q, d, 0x34), ==, 0xdc);
	qtest_pci_writel(q, d, 0x10, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, d, 0x10), ==, 0xffffff01);
	qtest_pci_writel(q, d, 0x14, 0xffffffff);
	g_assert_cmphex(qtest_pci_readl(q, d, 0x14), ==, 0xffffff00);
	g_assert_cmphex(qtest_pci_readl(q, d, 0x30), ==, 0);
	qtest_quit(q);
}

static void test_regs(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);

	for (int i = 0; i < 6; i++)
		g_assert_cmphex(rb(&r, i), ==, mac[i]);
	g_assert_cmphex(rb(&r, 0x37), ==, 0x11);      /* reset pending, buffer empty */
	g_assert_cmphex(rl(&r, 0x40), ==, 0x74800000); /* RTL8139C+ */
	g_assert_cmphex(rl(&r, 0x44), ==, 0);
	g_assert_cmphex(rw(&r, 0x62), ==, 0x1000);
	g_assert_cmphex(rw(&r, 0x64), ==, 0x782d);
	g_assert_cmphex(rw(&r, 0x66), ==, 0x05e1);
	g_assert_cmphex(rw(&r, 0x68), ==, 0x05e1);
	g_assert_cmphex(rw(&r, 0x6a), ==, 0x0001);
	g_assert_cmphex(rw(&r, 0x74), ==, 0x0340);
	g_assert_cmphex(rb(&r, 0x58), ==, 0xd0);
	g_assert_cmphex(rb(&r, 0x52), ==, 0x0c);
	g_assert_cmphex(rb(&r, 0x59), ==, 0x01);
	g_assert_cmphex(rb(&r, 0x5b), ==, 1);
	g_assert_cmphex(rb(&r, 0x5e), ==, 0x20);
	g_assert_cmphex(rw(&r, 0x60), ==, 0x000f);    /* all four slots owned by the host */
	g_assert_cmphex(rl(&r, 0x10), ==, 0x2000);
	g_assert_cmphex(rw(&r, 0x38), ==, 0xfff0);
	g_assert_cmphex(rb(&r, 0x43), ==, 0x74);
	/* the same registers through the memory BAR */
	g_assert_cmphex(qtest_readl(q, MMIO + 0x40), ==, 0x74800000);
	g_assert_cmphex(qtest_readw(q, MMIO + 0x64), ==, 0x782d);
	wb(&r, 0x37, 0x10);                           /* reset */
	g_assert_cmphex(rb(&r, 0x37), ==, 0x01);
	qtest_quit(q);
}

static void test_eeprom(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);

	g_assert_cmphex(ee_read(&r, 0), ==, 0x8129);
	g_assert_cmphex(ee_read(&r, 1), ==, 0x10ec);
	g_assert_cmphex(ee_read(&r, 2), ==, 0x8139);
	g_assert_cmphex(ee_read(&r, 7), ==, 0x5452);
	g_assert_cmphex(ee_read(&r, 8), ==, 0xab00);
	g_assert_cmphex(ee_read(&r, 9), ==, 0xefcd);
	qtest_quit(q);
}

static void test_config_lock(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);

	wb(&r, 0x52, 0x0c | 0x20);                    /* locked: ignored */
	g_assert_cmphex(rb(&r, 0x52), ==, 0x0c);
	wb(&r, 0x50, 0xc0);                           /* config write enable */
	wb(&r, 0x52, 0x20);
	g_assert_cmphex(rb(&r, 0x52), ==, 0x2c);      /* PIO/MMIO bits stay */
	wb(&r, 0x50, 0x00);
	wb(&r, 0x52, 0x00);
	g_assert_cmphex(rb(&r, 0x52), ==, 0x2c);
	wl(&r, 0x40, 0x03000700);                     /* TCR: TE off, ignored */
	g_assert_cmphex(rl(&r, 0x40), ==, 0x74800000);
	wb(&r, 0x37, 0x04);
	wl(&r, 0x40, 0xffffffff);
	g_assert_cmphex(rl(&r, 0x40), ==, 0x778f07f0);
	qtest_quit(q);
}

static void test_irq(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	int slot = r.devfn >> 3, irq = ((slot - 1) & 3) < 2 ? 10 : 11;
	uint8_t f[60];

	qtest_pci_writel(q, 0x08, 0x60, 0x0b0b0a0a);
	qtest_irq_intercept_in(q, "ioapic");
	wb(&r, 0x37, 0x04);
	tx(&r, f, arp_request(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff"));
	g_assert_cmphex(rw(&r, 0x3e), ==, 0x0004);    /* TOK */
	g_assert_false(qtest_get_irq(q, irq));
	ww(&r, 0x3c, 0x0004);
	g_assert_true(qtest_get_irq(q, irq));
	ww(&r, 0x3e, 0x0004);                          /* write 1 clears */
	g_assert_false(qtest_get_irq(q, irq));
	g_assert_cmphex(rw(&r, 0x60), ==, 0x100f);    /* slot 0 TOK, all owned */
	qtest_quit(q);
}

static void test_set_link(void)
{
	struct mig_vm *vm = mig_start("-nodefaults", "-netdev user,id=n0,restrict=on "
				      "-device rtl8139,netdev=n0,romfile=");
	struct rtl r;
	g_autofree char *r1 = NULL, *r2 = NULL;

	rtl_attach(&r, vm->q);
	r1 = mig_qmp(vm, "{\"execute\": \"set_link\", \"arguments\": "
			 "{\"name\": \"n0\", \"up\": false}}");
	g_assert_cmpstr(r1, ==, "{\"return\": {}}");
	g_assert_cmphex(rb(&r, 0x58), ==, 0xd4);      /* LINKB: link down */
	g_assert_cmphex(rw(&r, 0x64) & 4, ==, 0);
	g_assert_cmphex(rw(&r, 0x3e) & 0x20, ==, 0x20);
	r2 = mig_qmp(vm, "{\"execute\": \"set_link\", \"arguments\": "
			 "{\"name\": \"n0\", \"up\": true}}");
	g_assert_cmpstr(r2, ==, "{\"return\": {}}");
	g_assert_cmphex(rb(&r, 0x58), ==, 0xd0);
	g_assert_cmphex(rw(&r, 0x64) & 4, ==, 4);
	mig_stop(vm);
}

/* slirp's ARP replies fill the 8 KiB ring past its end: headers, lengths, CRCs. */
static void test_arp_wrap(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	uint8_t f[1600];
	uint16_t st;
	size_t len;

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: no frames reach the guest while the VM is stopped");
		return;
	}
	rx_init(&r, 0x0a);                             /* APM, AB */
	g_assert_cmphex(rb(&r, 0x37), ==, 0x0d);
	for (int i = 0; i < 150; i++) {
		tx(&r, f, arp_request(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff"));
		len = rx(&r, f, &st);
		g_assert_cmphex(st, ==, 0x4001);          /* ROK, physical match */
		g_assert_cmpuint(len, >=, 60);
		g_assert_cmpmem(f, 6, mac, 6);
		g_assert_cmphex(f[21], ==, 2);
	}
	g_assert_cmpuint(rw(&r, 0x3a), ==, 150 * 72 % 8192); /* CBR went round */
	g_assert_cmphex(rw(&r, 0x3e) & 0x0005, ==, 0x0005);
	qtest_quit(q);
}

/* TCR loopback: a multicast frame passes only when its MAR hash bit is set. */
static void test_multicast_loopback(void)
{
	static const uint8_t grp[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	uint8_t f[1600];
	uint32_t h;
	uint16_t st;
	size_t len = arp_request(f, grp);

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: even loopback frames wait for the VM to run");
		return;
	}
	rx_init(&r, 0x0e);                             /* APM, AM, AB */
	wl(&r, 0x40, 0x00060000);                      /* loopback */
	tx(&r, f, len);
	g_assert_cmphex(rb(&r, 0x37) & 1, ==, 1);      /* filtered: nothing */
	h = 0xffffffff;
	for (int i = 0; i < 6; i++) {
		uint8_t b = grp[i];

		for (int k = 0; k < 8; k++, b >>= 1)
			h = (h << 1) ^ (((h >> 31) ^ (b & 1)) ? 0x04c11db7u : 0);
	}
	h >>= 26;
	wb(&r, 0x08 + (h >> 3), 1 << (h & 7));
	tx(&r, f, len);
	g_assert_cmpuint(rx(&r, f, &st), ==, 60);
	g_assert_cmphex(st, ==, 0x8001);               /* ROK, multicast */
	g_assert_cmpmem(f, 6, grp, 6);
	qtest_quit(q);
}

static void test_cmdline(void)
{
	const char *lines[] = { "-nodefaults -nic user,model=rtl8139,restrict=on,mac=52:54:00:ab:cd:ef",
				"-nodefaults -net nic,model=rtl8139,macaddr=52:54:00:ab:cd:ef "
				"-net user,restrict=on" };

	for (unsigned i = 0; i < G_N_ELEMENTS(lines); i++) {
		struct qtest *q = qtest_start(lines[i]);
		struct rtl r;
		uint8_t f[1600];
		uint16_t st;

		rtl_attach(&r, q);
		for (int k = 0; k < 6; k++)
			g_assert_cmphex(rb(&r, k), ==, mac[k]);
		if (!qtest_is_qemu(q)) {
			rx_init(&r, 0x0a);
			tx(&r, f, arp_request(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff"));
			rx(&r, f, &st);
			g_assert_cmphex(f[21], ==, 2);
		}
		qtest_quit(q);
	}
}

/* ---- C+ mode ---- */

#define CP_RX 0x300000
#define CP_TX 0x301000
#define CP_RXBUF 0x310000
#define CP_OWN 0x80000000u
#define CP_EOR 0x40000000u
#define CP_FS 0x20000000u
#define CP_LS 0x10000000u

struct cp {
	struct rtl r;
	unsigned tx, rx;
};

static void cp_start(struct cp *c, struct qtest *q, uint32_t rcr, uint16_t cpcmd)
{
	memset(c, 0, sizeof(*c));
	rtl_attach(&c->r, q);
	for (unsigned i = 0; i < 4; i++) {
		qtest_writel(q, CP_RX + 16 * i, CP_OWN | (i == 3 ? CP_EOR : 0) | 2048);
		qtest_writel(q, CP_RX + 16 * i + 4, 0);
		qtest_writeq(q, CP_RX + 16 * i + 8, CP_RXBUF + 2048 * i);
		qtest_writel(q, CP_TX + 16 * i, 0);
	}
	ww(&c->r, 0xe0, cpcmd);
	wl(&c->r, 0xe4, CP_RX);
	wl(&c->r, 0xe8, 0);
	wl(&c->r, 0x20, CP_TX);
	wl(&c->r, 0x24, 0);
	wb(&c->r, 0x37, 0x0c);
	wl(&c->r, 0x44, rcr);
}

/* One frame in one descriptor with the given offload bits; TxPoll; handed back. */
static void cp_tx(struct cp *c, const uint8_t *f, size_t len, uint32_t flags, uint32_t dw1)
{
	uint64_t d = CP_TX + 16 * c->tx;

	qtest_memwrite(c->r.q, TXBUF, f, len);
	qtest_writel(c->r.q, d + 4, dw1);
	qtest_writeq(c->r.q, d + 8, TXBUF);
	qtest_writel(c->r.q, d, CP_OWN | CP_FS | CP_LS | (c->tx == 3 ? CP_EOR : 0) | flags | len);
	wb(&c->r, 0xd9, 0x40);
	g_assert_cmphex(qtest_readl(c->r.q, d) & CP_OWN, ==, 0);
	c->tx = (c->tx + 1) & 3;
}

/* Next received frame (CRC checked and stripped); its dw0/dw1 in *dw. */
static size_t cp_rx(struct cp *c, uint8_t *buf, uint32_t *dw)
{
	uint64_t d = CP_RX + 16 * c->rx;
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	uint32_t len, crc;

	while ((dw[0] = qtest_readl(c->r.q, d)) & CP_OWN) {
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(500);
	}
	dw[1] = qtest_readl(c->r.q, d + 4);
	g_assert_cmphex(dw[0] & (CP_FS | CP_LS), ==, CP_FS | CP_LS);
	len = (dw[0] & 0x1fff) - 4;
	g_assert_cmpuint(len, <=, 1600);
	qtest_memread(c->r.q, CP_RXBUF + 2048 * c->rx, buf, len);
	crc = qtest_readl(c->r.q, CP_RXBUF + 2048 * c->rx + len);
	g_assert_cmphex(crc, ==, crc32(0, buf, len));
	qtest_writel(c->r.q, d, CP_OWN | (c->rx == 3 ? CP_EOR : 0) | 2048);
	c->rx = (c->rx + 1) & 3;
	return len;
}

static uint16_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += p[i] << 8 | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* An IPv4 frame to dst of protocol proto with l4 bytes after the header, sums 0. */
static void ipv4(uint8_t *f, const uint8_t *dst, uint8_t proto, size_t l4)
{
	memset(f, 0, 34);
	memcpy(f, dst, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, 20 + l4);
	put16(f + 18, 0x77);
	f[22] = 64;
	f[23] = proto;
	memcpy(f + 26, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
}

static bool l4_ok(const uint8_t *f, size_t len)
{
	size_t l4 = len - 34;

	return sum16(f + 34, l4, sum16(f + 26, 8, f[23] + l4)) == 0xffff;
}

/* C+ rings: slirp's ARP reply in a receive descriptor, with PAM, length and CRC. */
static void test_cplus_arp(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	struct cp c;
	uint8_t f[1600];
	uint32_t dw[2];

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: no frames reach the guest while the VM is stopped");
		return;
	}
	cp_start(&c, q, 0x0a, 0x0003);
	g_assert_cmphex(rw(&c.r, 0xe0), ==, 0x0003);
	for (int i = 0; i < 6; i++) {                  /* round the 4-entry rings */
		cp_tx(&c, f, arp_request(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff"), 0, 0);
		g_assert_cmpuint(cp_rx(&c, f, dw), >=, 60);
		g_assert_cmphex(dw[0] & 0x07000000, ==, 0x02000000); /* PAM */
		g_assert_cmpmem(f, 6, mac, 6);
		g_assert_cmphex(f[21], ==, 2);
	}
	g_assert_cmphex(rw(&c.r, 0x3e) & 0x05, ==, 0x05);
	/* tally counters dumped through DTCCR */
	wl(&c.r, 0x14, 0);
	wl(&c.r, 0x10, 0x380000 | 0x08);
	g_assert_cmphex(rl(&c.r, 0x10), ==, 0x380000);
	g_assert_cmpuint(qtest_readq(q, 0x380000), ==, 6);     /* TxOk */
	g_assert_cmpuint(qtest_readq(q, 0x380008), ==, 6);     /* RxOk */
	qtest_quit(q);
}

/* C+ offloads through TCR loopback: checksums, large send, VLAN tag in and out. */
static void test_cplus_offload(void)
{
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	static uint8_t big[54 + 2500];
	struct cp c;
	uint8_t f[1600];
	uint32_t dw[2];
	size_t len;

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("QEMU -S: even loopback frames wait for the VM to run");
		return;
	}
	cp_start(&c, q, 0x0f, 0x0043);                 /* all phys; RxVLAN, RX, TX */
	wl(&c.r, 0x40, 0x00060000);
	/* UDP with IPCS | UDPCS */
	ipv4(f, mac, 17, 8 + 100);
	put16(f + 34, 1000);
	put16(f + 36, 69);
	put16(f + 38, 108);
	put16(f + 40, 0);
	for (int i = 0; i < 100; i++)
		f[42 + i] = i;
	cp_tx(&c, f, 142, 0x00040000 | 0x00020000, 0);
	len = cp_rx(&c, f, dw);
	g_assert_cmpuint(len, ==, 142);
	g_assert_cmphex(sum16(f + 14, 20, 0), ==, 0xffff);
	g_assert_true(l4_ok(f, len));
	/* large send: 54-byte TCP/IPv4 header, 2500 bytes, MSS 1000 */
	ipv4(big, mac, 6, 20 + 2500);
	put16(big + 34, 1234);
	put16(big + 36, 80);
	put16(big + 38, 0x1111);
	put16(big + 40, 0x2222);
	big[46] = 0x50;
	big[47] = 0x19;                                  /* ACK PSH FIN */
	for (int i = 0; i < 2500; i++)
		big[54 + i] = i * 3;
	cp_tx(&c, big, sizeof(big), 0x08000000 | 1000 << 16, 0);
	for (unsigned k = 0; k < 3; k++) {
		unsigned seg = k < 2 ? 1000 : 500;

		len = cp_rx(&c, f, dw);
		g_assert_cmpuint(len, ==, 54 + seg);
		g_assert_cmpuint(f[16] << 8 | f[17], ==, 40 + seg);
		g_assert_cmpuint(f[18] << 8 | f[19], ==, 0x77 + k);
		g_assert_cmphex(sum16(f + 14, 20, 0), ==, 0xffff);
		g_assert_true(l4_ok(f, len));
		g_assert_cmphex((uint32_t)f[38] << 24 | f[39] << 16 | f[40] << 8 | f[41], ==,
				0x11112222 + 1000 * k);
		g_assert_cmphex(f[47], ==, k == 2 ? 0x19 : 0x10);
		g_assert_cmpmem(f + 54, seg, big + 54 + 1000 * k, seg);
	}
	/* VLAN: TAGC inserts 0x0123, RxVLAN takes it back out into dw1 */
	len = arp_request(f, mac);
	cp_tx(&c, f, len, 0, 0x00020000 | 0x2301);
	len = cp_rx(&c, f, dw);
	g_assert_cmphex(dw[1], ==, 0x00010000 | 0x2301);
	g_assert_cmphex(f[12] << 8 | f[13], ==, 0x0806);
	g_assert_cmpuint(len, ==, 60);
	qtest_quit(q);
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void test_storm(void)
{
	static const unsigned regs[] = { 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x28, 0x2c, 0x30,
					 0x37, 0x38, 0x3c, 0x3e, 0x40, 0x44, 0x50, 0x5b, 0xe0,
					 0xd9, 0xe4, 0xe8 };
	static const uint32_t addrs[] = { 0, 0xfffff000, 0xffffffff, MMIO, 0x7ffe000, 0xa0000 };
	struct rtl r;
	struct qtest *q = rtl_start(&r, NULL);
	uint64_t seed = 0x8139;
	uint8_t f[1600];
	uint16_t st;

	if (qtest_is_qemu(q)) {
		qtest_quit(q);
		g_test_skip("storm runs against kvmpc");
		return;
	}
	for (int i = 0; i < 6000; i++) {
		unsigned a = regs[rnd(&seed) % G_N_ELEMENTS(regs)];
		uint32_t v = rnd(&seed) & 1 ? addrs[rnd(&seed) % G_N_ELEMENTS(addrs)] : rnd(&seed);

		if (rnd(&seed) % 8 == 0)
			a = rnd(&seed) & 0xff;
		switch (rnd(&seed) % 3) {
		case 0: wl(&r, a & ~3u, v); break;
		case 1: ww(&r, a & ~1u, v); break;
		default: wb(&r, a, v); break;
		}
		if (i % 500 == 0)
			wl(&r, 0x40, 0x00060000);
		if (rnd(&seed) % 16 == 0) { /* C+ descriptors with wild sizes and addresses */
			uint64_t d = (rnd(&seed) & 1 ? CP_TX : CP_RX) + 16 * (rnd(&seed) % 4);

			qtest_writel(q, d, rnd(&seed) | (rnd(&seed) & 1 ? CP_OWN : 0));
			qtest_writel(q, d + 4, rnd(&seed));
			qtest_writeq(q, d + 8, rnd(&seed) & 1 ? addrs[rnd(&seed) % G_N_ELEMENTS(addrs)] :
				     TXBUF + (rnd(&seed) & 0xffff));
			wl(&r, rnd(&seed) & 1 ? 0x20 : 0xe4, d & ~0xfffull);
			wb(&r, 0xd9, 0x40);
		}
	}
	g_assert_cmphex(rb(&r, 0x5e), ==, 0x20);
	wb(&r, 0x5b, 'R');
	wb(&r, 0x50, 0x00);
	wb(&r, 0x37, 0x10);
	qtest_pci_writew(q, r.devfn, 0x04, 0x7);
	for (int i = 0; i < 6; i++)
		wb(&r, i, mac[i]);
	rx_init(&r, 0x0a);
	r.slot = 0;
	tx(&r, f, arp_request(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff"));
	rx(&r, f, &st);
	g_assert_cmphex(f[21], ==, 2);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rtl8139/pci", test_pci);
	g_test_add_func("/rtl8139/regs", test_regs);
	g_test_add_func("/rtl8139/eeprom", test_eeprom);
	g_test_add_func("/rtl8139/config-lock", test_config_lock);
	g_test_add_func("/rtl8139/irq", test_irq);
	g_test_add_func("/rtl8139/set-link", test_set_link);
	g_test_add_func("/rtl8139/cmdline", test_cmdline);
	g_test_add_func("/rtl8139/arp-wrap", test_arp_wrap);
	g_test_add_func("/rtl8139/multicast-loopback", test_multicast_loopback);
	g_test_add_func("/rtl8139/cplus-arp", test_cplus_arp);
	g_test_add_func("/rtl8139/cplus-offload", test_cplus_offload);
	g_test_add_func("/rtl8139/storm", test_storm);
	return g_test_run();
}
