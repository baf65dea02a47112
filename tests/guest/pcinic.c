// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "pcinic" payload: minimal drivers for the e1000 (82540EM) and the
 * rtl8139, run after SeaBIOS; the first of the two found is used and
 * names the lines printed ("e1k:" or "rtl:").  e1000, as the Intel drivers
 * bring it up: a CTRL.RST reset, the MAC from the EEPROM through EERD with
 * the 0xBABA checksum checked ("e1k: eeprom ok"), the PHY id over MDIC
 * ("e1k: phy 01410c20"), link from STATUS, legacy descriptors.  rtl8139,
 * as Windows' and the BSDs' C-mode drivers: a CR reset, the MAC from the
 * 93C46 EEPROM bit-banged through 9346CR ("rtl: eeprom ok" when it equals
 * IDR0-5 and word 0 is 0x8129), the link from BMSR ("rtl: bmsr 782d"), the
 * four transmit slots and the receive ring buffer with WRAP.  Then both:
 * "NIC: mac ..", an ARP request for the gateway and "NIC: arp reply from
 * 52:55:a:0:2:2".  With tftp=FILE it reads FILE from slirp's TFTP server
 * (10.0.2.2:69, octet mode, each block ACKed) and prints "NIC: tftp FILE
 * bytes=N crc32=XXXXXXXX" and "NIC: tftp took N us" (PM timer, from the
 * request to the last block); with csum=1 on the e1000 every datagram leaves
 * its IP and UDP checksums to the NIC (a context descriptor and a data
 * descriptor with IXSM|TXSM), which slirp would drop if they were wrong.
 * Exits 0 on success.  Left out: interrupts (it polls), retransmission.
 * Command line: tftp=FILE csum=1.
 */
#include "rt.h"

#define RX_RING 0x00400000u
#define TX_RING 0x00404000u
#define RX_BUF 0x00500000u
#define TX_BUF 0x00540000u
#define NRX 16
#define NTX 16
#define RXSZ 2048
#define SEC 3579545u

#define CTRL 0x0000
#define STATUS 0x0008
#define EERD 0x0014
#define MDIC 0x0020
#define ICR 0x00c0
#define IMC 0x00d8
#define RCTL 0x0100
#define TCTL 0x0400
#define RDBAL 0x2800
#define RDLEN 0x2808
#define RDH 0x2810
#define RDT 0x2818
#define TDBAL 0x3800
#define TDLEN 0x3808
#define TDH 0x3810
#define TDT 0x3818

static uint32_t devfn, pm_timer;
static volatile uint8_t *regs;
static uint16_t iobase;
static uint8_t mac[6];
static unsigned tdt, rx_next;
static int offload;
static const char *tag = "e1k";

/* The driver of the NIC found (e1000 or rtl8139). */
struct nic_ops {
	int (*tx)(uint8_t *f, uint32_t len, int csum);
	volatile uint8_t *(*rx)(uint32_t *len, uint64_t ticks);
	void (*release)(void);
};
static const struct nic_ops *nic;

static uint32_t pci_read(uint32_t reg)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	return inl(0xcfc) >> (8 * (reg & 3));
}

static void pci_write16(uint32_t reg, uint16_t v)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	outw(0xcfc + (reg & 2), v);
}

static uint32_t rd(uint32_t off) { return *(volatile uint32_t *)(regs + off); }
static void wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(regs + off) = v; }

static uint32_t pm_now(void)
{
	return inl(pm_timer) & 0xffffff;
}

/* Poll until cond(arg) or ticks PM-timer ticks pass; 0 on success. */
/* PM-timer ticks since boot; the 24-bit counter must be read every 4.6 s. */
static uint64_t clk_ticks;
static uint32_t clk_last;

static uint64_t clock_ticks(void)
{
	uint32_t now = pm_now();

	clk_ticks += (now - clk_last) & 0xffffff;
	clk_last = now;
	return clk_ticks;
}

static int poll(int (*cond)(uint32_t), uint32_t arg, uint64_t ticks)
{
	uint64_t start = clock_ticks();

	while (!cond(arg))
		if (clock_ticks() - start > ticks)
			return -1;
	return 0;
}

static int reset_done(uint32_t unused) { return !(rd(CTRL) & 0x04000000); }
static int eerd_done(uint32_t unused) { return rd(EERD) & 0x10; }
static int mdic_done(uint32_t unused) { return rd(MDIC) & 0x10000000; }
static int link_up(uint32_t unused) { return rd(STATUS) & 2; }
static int tx_done(uint32_t slot) { return *(volatile uint8_t *)(TX_RING + 16 * slot + 12) & 1; }
static int rx_ready(uint32_t slot) { return *(volatile uint8_t *)(RX_RING + 16 * slot + 12) & 1; }

static int eeprom_read(unsigned addr, uint16_t *v)
{
	wr(EERD, addr << 8 | 1);
	if (poll(eerd_done, 0, SEC) < 0)
		return -1;
	*v = rd(EERD) >> 16;
	return 0;
}

static int phy_read(unsigned reg, uint16_t *v)
{
	wr(MDIC, 0x08000000u | 1u << 21 | reg << 16);
	if (poll(mdic_done, 0, SEC) < 0 || (rd(MDIC) & 0x40000000))
		return -1;
	*v = rd(MDIC) & 0xffff;
	return 0;
}

static int e1k_init(void)
{
	uint16_t w, sum = 0, id1, id2;

	wr(IMC, 0xffffffff);
	wr(CTRL, rd(CTRL) | 0x04000000);
	if (poll(reset_done, 0, SEC) < 0)
		return -1;
	wr(IMC, 0xffffffff);
	rd(ICR);
	for (unsigned i = 0; i < 64; i++) {
		if (eeprom_read(i, &w) < 0)
			return -2;
		if (i < 3) {
			mac[2 * i] = w;
			mac[2 * i + 1] = w >> 8;
		}
		sum += w;
	}
	if (sum != 0xbaba) {
		rt_printf("e1k: eeprom checksum %x\n", sum);
		return -3;
	}
	rt_printf("e1k: eeprom ok\n");
	rt_printf("e1k: mac %x:%x:%x:%x:%x:%x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (phy_read(2, &id1) < 0 || phy_read(3, &id2) < 0)
		return -4;
	rt_printf("e1k: phy %08x\n", (uint32_t)id1 << 16 | id2);
	wr(CTRL, rd(CTRL) | 0x40); /* SLU */
	if (poll(link_up, 0, 5 * SEC) < 0)
		return -5;
	memset((void *)RX_RING, 0, 16 * NRX);
	memset((void *)TX_RING, 0, 16 * NTX);
	for (unsigned i = 0; i < NRX; i++)
		*(volatile uint32_t *)(RX_RING + 16 * i) = RX_BUF + RXSZ * i;
	wr(RDBAL, RX_RING);
	wr(RDLEN, 16 * NRX);
	wr(RDH, 0);
	wr(RDT, NRX - 1);
	wr(TDBAL, TX_RING);
	wr(TDLEN, 16 * NTX);
	wr(TDH, 0);
	wr(TDT, 0);
	wr(TCTL, 0x2 | 0x8);
	wr(RCTL, 0x2 | 0x8000 | 0x04000000); /* EN, BAM, strip CRC */
	return 0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void tx_put(uint32_t w0, uint32_t w1, uint32_t lower, uint32_t upper)
{
	volatile uint32_t *d = (volatile uint32_t *)(TX_RING + 16 * tdt);

	d[0] = w0;
	d[1] = w1;
	d[2] = lower;
	d[3] = upper;
	tdt = (tdt + 1) % NTX;
}

/* Queue the frame at f and wait for the NIC to report it sent (DD). */
static int e1k_tx(uint8_t *f, uint32_t len, int csum)
{
	unsigned last;

	if (csum) {
		/* context: IP header 14..33 with its sum at 24; UDP from 34, sum at 40 */
		tx_put(14 | 24 << 8 | 33u << 16, 34 | 40 << 8, 0x20000000u | 0x02000000u, 0);
		last = tdt;
		tx_put((uint32_t)f, 0, len | 0x20000000u | 0x00100000u | 0x0b000000u, 0x3 << 8);
	} else {
		last = tdt;
		tx_put((uint32_t)f, 0, len | 0x0b000000u, 0); /* EOP, IFCS, RS */
	}
	__asm__ volatile("lock; addl $0, (%%esp)" ::: "memory");
	wr(TDT, tdt);
	return poll(tx_done, last, SEC);
}

/* Next received frame, or NULL after ticks; release it with e1k_release(). */
static volatile uint8_t *e1k_rx(uint32_t *len, uint64_t ticks)
{
	volatile uint8_t *d = (volatile uint8_t *)(RX_RING + 16 * rx_next);

	if (poll(rx_ready, rx_next, ticks) < 0)
		return 0;
	*len = d[8] | d[9] << 8;
	return (volatile uint8_t *)(RX_BUF + RXSZ * rx_next);
}

static void e1k_release(void)
{
	*(volatile uint8_t *)(RX_RING + 16 * rx_next + 12) = 0;
	wr(RDT, rx_next);
	rx_next = (rx_next + 1) % NRX;
}

static const struct nic_ops e1k_ops = { e1k_tx, e1k_rx, e1k_release };

/* ---- rtl8139 (C mode) ---- */

#define RTL_RING 8192u

static unsigned rtl_slot, rtl_rd;

static int rtl_reset_done(uint32_t unused) { return !(inb(iobase + 0x37) & 0x10); }
static int rtl_tx_done(uint32_t slot) { return inl(iobase + 0x10 + 4 * slot) & 0x8000; }
static int rtl_rx_ready(uint32_t unused) { return !(inb(iobase + 0x37) & 0x01); }

/* 93C46 READ: start bit and opcode 110, six address bits, 16 bits out. */
static uint16_t rtl_eeprom(unsigned addr)
{
	uint32_t cmd = 6u << 6 | addr;
	uint16_t v = 0;

	outb(iobase + 0x50, 0x88);
	for (int i = 8; i >= 0; i--) {
		uint8_t di = (cmd >> i) & 1 ? 0x02 : 0;

		outb(iobase + 0x50, 0x88 | di);
		outb(iobase + 0x50, 0x8c | di);
	}
	outb(iobase + 0x50, 0x88);
	for (int i = 0; i < 16; i++) {
		outb(iobase + 0x50, 0x8c);
		v = v << 1 | (inb(iobase + 0x50) & 1);
		outb(iobase + 0x50, 0x88);
	}
	outb(iobase + 0x50, 0x00);
	return v;
}

static int rtl_init(void)
{
	int same = rtl_eeprom(0) == 0x8129;

	outb(iobase + 0x37, 0x10);
	if (poll(rtl_reset_done, 0, SEC) < 0)
		return -1;
	for (unsigned i = 0; i < 3; i++) {
		uint16_t w = rtl_eeprom(7 + i);

		mac[2 * i] = w;
		mac[2 * i + 1] = w >> 8;
	}
	for (unsigned i = 0; i < 6; i++)
		same &= inb(iobase + i) == mac[i];
	if (!same)
		return -2;
	rt_printf("rtl: eeprom ok\n");
	rt_printf("rtl: mac %x:%x:%x:%x:%x:%x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	rt_printf("rtl: bmsr %x\n", inw(iobase + 0x64));
	if (inb(iobase + 0x58) & 0x04)
		return -3; /* MSR: link down */
	outw(iobase + 0x3c, 0);
	outb(iobase + 0x37, 0x0c);               /* RE, TE */
	outl(iobase + 0x30, RX_BUF);
	outl(iobase + 0x44, 0x8a);               /* 8 KiB ring, WRAP, APM, AB */
	outl(iobase + 0x40, 0x03000600);
	rtl_slot = rtl_rd = 0;
	return 0;
}

static int rtl_tx(uint8_t *f, uint32_t len, int csum)
{
	unsigned n = rtl_slot;

	if (csum) {   /* no offload in C mode: finish the sums here */
		put16(f + 24, ~sum16(f + 14, 20, 0));
		put16(f + 40, ~sum16(f + 34, len - 34, 0)); /* the field holds the pseudo sum */
	}
	if (len < 60) {
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	rtl_slot = (n + 1) & 3;
	outl(iobase + 0x20 + 4 * n, (uint32_t)f);
	outl(iobase + 0x10 + 4 * n, len);
	return poll(rtl_tx_done, n, SEC);
}

static volatile uint8_t *rtl_rx(uint32_t *len, uint64_t ticks)
{
	volatile uint8_t *h = (volatile uint8_t *)(RX_BUF + rtl_rd);

	if (poll(rtl_rx_ready, 0, ticks) < 0)
		return 0;
	*len = (h[2] | h[3] << 8) - 4;
	if (!(h[0] & 1) || *len > 1514)
		*len = 0;
	return h + 4;
}

static void rtl_release(void)
{
	volatile uint8_t *h = (volatile uint8_t *)(RX_BUF + rtl_rd);

	rtl_rd = (rtl_rd + 4 + (h[2] | h[3] << 8) + 3) & ~3u;
	rtl_rd %= RTL_RING;
	outw(iobase + 0x38, rtl_rd - 16);
}

static const struct nic_ops rtl_ops = { rtl_tx, rtl_rx, rtl_release };

static int arp(void)
{
	uint8_t *f = (uint8_t *)TX_BUF;
	volatile uint8_t *r;
	uint32_t len;

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
	memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
	memcpy(f + 38, "\x0a\x00\x02\x02", 4);
	if (nic->tx(f, 42, 0) < 0)
		return -1;
	for (;;) {
		if (!(r = nic->rx(&len, 5 * SEC)))
			return -1;
		if (len >= 42 && r[12] == 8 && r[13] == 6 && r[21] == 2)
			break;
		nic->release();
	}
	rt_printf("%s: arp reply from %x:%x:%x:%x:%x:%x\n", tag, r[22], r[23], r[24], r[25], r[26],
		  r[27]);
	nic->release();
	return 0;
}

#define TFTP_PORT 1069

/* A UDP datagram from 10.0.2.15:TFTP_PORT to 10.0.2.2:69. */
static int send_tftp(const uint8_t *data, uint32_t n)
{
	static uint16_t ip_id;
	uint8_t *f = (uint8_t *)TX_BUF + 0x1000, *ip = f + 14, *udp = ip + 20;
	uint32_t udplen = 8 + n;

	memset(f, 0, 42);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + udplen);
	put16(ip + 4, ++ip_id);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	put16(udp, TFTP_PORT);
	put16(udp + 2, 69);
	put16(udp + 4, udplen);
	memcpy(udp + 8, data, n);
	if (offload) {
		put16(udp + 6, sum16(ip + 12, 8, 17 + udplen)); /* pseudo header only */
	} else {
		put16(ip + 10, ~sum16(ip, 20, 0));
		put16(udp + 6, ~sum16(udp, udplen, sum16(ip + 12, 8, 17 + udplen)));
	}
	return nic->tx(f, 42 + n, offload);
}

static uint32_t crc_table[256];

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_update(uint32_t crc, volatile const uint8_t *p, uint32_t n)
{
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* TFTP payload of a datagram from 10.0.2.2:69 to our port, length in *n, or NULL. */
static volatile uint8_t *tftp_payload(volatile uint8_t *f, uint32_t len, uint32_t *n)
{
	uint32_t udplen;

	if (len < 46 || f[12] != 8 || f[13] != 0 || f[23] != 17 || f[14] != 0x45 ||
	    (f[34] << 8 | f[35]) != 69 || (f[36] << 8 | f[37]) != TFTP_PORT)
		return 0;
	udplen = f[38] << 8 | f[39];
	if (udplen < 12 || 34 + udplen > len)
		return 0;
	*n = udplen - 8;
	return f + 42;
}

static int tftp_get(const char *file)
{
	uint8_t pkt[128];
	uint32_t fl = strlen(file), len, n, bytes = 0, crc = ~0u;
	uint16_t expect = 1, op;
	int done = 0;
	volatile uint8_t *f, *d;
	uint64_t start;

	if (fl > 100)
		return -1;
	crc32_init();
	start = clock_ticks();
	put16(pkt, 1); /* RRQ */
	memcpy(pkt + 2, file, fl + 1);
	memcpy(pkt + 3 + fl, "octet", 6);
	if (send_tftp(pkt, 9 + fl) < 0)
		return -1;
	while (!done) {
		if (!(f = nic->rx(&len, 5 * SEC))) {
			rt_printf("%s: tftp timeout at block %u\n", tag, expect);
			return -1;
		}
		if (!(d = tftp_payload(f, len, &n))) {
			nic->release();
			continue;
		}
		op = d[0] << 8 | d[1];
		if (op == 5) {
			rt_printf("%s: tftp error %u\n", tag, d[2] << 8 | d[3]);
			return -1;
		}
		if (op != 3 || n > 4 + 512) {
			nic->release();
			continue;
		}
		clock_ticks();
		if ((uint16_t)(d[2] << 8 | d[3]) == expect) {
			crc = crc32_update(crc, d + 4, n - 4);
			bytes += n - 4;
			expect++;
			done = n < 4 + 512;
		}
		put16(pkt, 4); /* ACK the block we got (a repeat is ACKed again) */
		pkt[2] = d[2];
		pkt[3] = d[3];
		nic->release();
		if (send_tftp(pkt, 4) < 0)
			return -1;
	}
	rt_printf("%s: tftp %s bytes=%u crc32=%08x\n", tag, file, bytes, ~crc);
	rt_printf("%s: tftp took %llu us\n", tag,
		  (unsigned long long)rt_udivmod64((clock_ticks() - start) * 1000000, 3579545, 0));
	return 0;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	char file[128];
	int ret;

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	offload = rt_cmdline_num(cmdline, "csum", 0);
	for (devfn = 0; devfn < 256; devfn += 8)
		if (pci_read(0) == 0x100e8086u || pci_read(0) == 0x813910ecu)
			break;
	if (devfn == 256) {
		rt_printf("pcinic: no e1000 or rtl8139\n");
		return 1;
	}
	if (pci_read(0) == 0x813910ecu) {
		tag = "rtl";
		nic = &rtl_ops;
		iobase = pci_read(0x10) & 0xfffc;
	} else {
		nic = &e1k_ops;
		regs = (volatile uint8_t *)(pci_read(0x10) & ~0xfu);
	}
	pci_write16(0x04, 0x7);
	{
		uint32_t save = devfn;

		devfn = 0x0b;
		pm_timer = (pci_read(0x40) & 0xffc0) + 8;
		devfn = save;
	}
	ret = nic == &rtl_ops ? rtl_init() : e1k_init();
	if (ret < 0) {
		rt_printf("%s: init failed (%d)\n", tag, ret);
		return 1;
	}
	if (arp() < 0) {
		rt_printf("%s: no ARP reply\n", tag);
		return 1;
	}
	if (rt_cmdline_get(cmdline, "tftp", file, sizeof(file)) == 0)
		return tftp_get(file) < 0;
	return 0;
}
