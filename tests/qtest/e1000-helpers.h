/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e1000 through qtest: the register, ring and frame helpers of
 * tests/qtest/e1000-test.c and e1000-hostile-test.c (a NIC at BAR0 0xe0000000
 * with 16-descriptor rings at 0x10000/0x11000 and buffers above them).
 */
#ifndef TESTS_QTEST_E1000_HELPERS_H
#define TESTS_QTEST_E1000_HELPERS_H

#include <string.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

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

static inline uint32_t rd(struct nic *n, unsigned off) { return qtest_readl(n->q, BAR0 + off); }
static inline void wr(struct nic *n, unsigned off, uint32_t v) { qtest_writel(n->q, BAR0 + off, v); }

static inline int find_e1000(struct qtest *q)
{
	for (int devfn = 0; devfn < 256; devfn += 8)
		if (qtest_pci_readl(q, devfn, 0) == 0x100e8086)
			return devfn;
	return -1;
}

static inline void nic_attach(struct nic *n, struct qtest *q)
{
	memset(n, 0, sizeof(*n));
	n->q = q;
	n->devfn = find_e1000(q);
	g_assert_cmpint(n->devfn, >=, 0);
	qtest_pci_writel(q, n->devfn, 0x10, BAR0);
	qtest_pci_writel(q, n->devfn, 0x14, BAR1);
	qtest_pci_writew(q, n->devfn, 0x04, 0x7);
}

static inline struct qtest *nic_start(struct nic *n, const char *extra)
{
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -netdev user,id=n0,restrict=on%s "
		"-device e1000,netdev=n0,mac=52:54:00:ab:cd:ef,romfile=", extra ? extra : "");
	struct qtest *q = qtest_start(args);

	nic_attach(n, q);
	return q;
}

static inline uint16_t eerd(struct nic *n, unsigned addr)
{
	uint32_t v;

	wr(n, EERD, addr << 8 | 1);
	v = rd(n, EERD);
	g_assert_cmphex(v & 0x10, ==, 0x10); /* DONE */
	return v >> 16;
}

/* Microwire read: CS, start bit and opcode 110, six address bits, 16 bits out. */
static inline uint16_t eecd_read(struct nic *n, unsigned addr)
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

static inline uint16_t phy_read(struct nic *n, unsigned reg)
{
	uint32_t v;

	wr(n, MDIC, 0x08000000 | 1 << 21 | reg << 16);
	v = rd(n, MDIC);
	g_assert_cmphex(v & 0x50000000, ==, 0x10000000); /* READY, no ERROR */
	return v & 0xffff;
}

static inline void phy_write(struct nic *n, unsigned reg, uint16_t val)
{
	wr(n, MDIC, 0x04000000 | 1 << 21 | reg << 16 | val);
	g_assert_cmphex(rd(n, MDIC) & 0x50000000, ==, 0x10000000);
}

/* ---- rings ---- */

static inline void rings_init(struct nic *n, uint32_t rctl)
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

static inline void tx_desc(struct nic *n, uint64_t addr, uint32_t lower, uint32_t upper)
{
	uint64_t d = TX_RING + 16 * n->tdt;

	qtest_writeq(n->q, d, addr);
	qtest_writel(n->q, d + 8, lower);
	qtest_writel(n->q, d + 12, upper);
	n->tdt = (n->tdt + 1) % NTX;
}

static inline void tx_kick(struct nic *n)
{
	wr(n, TDT, n->tdt);
	g_assert_cmpuint(rd(n, TDH), ==, n->tdt);
}

/* Send a frame with one legacy descriptor; the descriptor is written back with DD. */
static inline void tx_legacy(struct nic *n, const uint8_t *f, size_t len)
{
	unsigned slot = n->tdt;

	qtest_memwrite(n->q, TX_BUF, f, len);
	tx_desc(n, TX_BUF, len | TXD_EOP | TXD_IFCS | TXD_RS, 0);
	tx_kick(n);
	g_assert_cmphex(qtest_readb(n->q, TX_RING + 16 * slot + 12) & 1, ==, 1);
}

/* Next received frame into buf, without the FCS; waits up to 10 s. */
static inline size_t rx_frame(struct nic *n, uint8_t *buf)
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

static inline uint32_t sum16(uint32_t s, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += p[i] << 8 | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	return s;
}

static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static inline void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static inline uint16_t get16(const uint8_t *p) { return p[0] << 8 | p[1]; }
static inline uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static inline size_t arp_request(uint8_t *f)
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
static inline void ip_header(uint8_t *f, const uint8_t *dst, uint8_t proto, size_t l4, uint16_t id)
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
static inline uint16_t pseudo(const uint8_t *f, uint8_t proto, size_t l4)
{
	return fold(sum16(proto + l4, f + 26, 8));
}

#define TSO_PAYLOAD 2500
#define TSO_MSS 1000
static uint8_t tso_pkt[54 + TSO_PAYLOAD] __attribute__((unused));

/* Loopback on, and the TSO context descriptor (header 54 bytes, MSS 1000). */
static inline void tso_setup(struct nic *n)
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
static inline void tso_send_check(struct nic *n)
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

#endif
