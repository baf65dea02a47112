// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "vnet" payload: a minimal virtio-net driver (modern interface) run after
 * SeaBIOS.  It reads the MAC from the device config, posts receive
 * buffers, sends a DHCP discover (its UDP checksum left to the device with
 * NEEDS_CSUM when csum=1) and waits for the offer, prints
 * "vnet: offer A.B.C.D", then "vnet: ready" and waits (up to ~wait=
 * seconds on the PM timer) for a TCP SYN to port 2222, which a host-side
 * hostfwd connection produces: "vnet: syn to 2222".  Exits 0 on success.
 * With tftp=FILE it instead reads FILE from slirp's TFTP server at
 * 10.0.2.2:69 (octet mode, 512-byte blocks, each ACKed) and prints
 * "vnet: tftp FILE bytes=N crc32=XXXXXXXX" (zlib's CRC-32).  No options
 * (blksize, tsize) are requested and a lost block is not retransmitted.
 * Command line: csum=1 wait=SECONDS tftp=FILE.
 */
#include "rt.h"

#define RX_RING 0x00400000u
#define TX_RING 0x00404000u
#define RX_BUF 0x00500000u
#define TX_BUF 0x00540000u
#define QSIZE 16
#define NRX 8
#define RXSZ 2048
#define HDR 12

struct ring {
	volatile uint8_t *desc, *avail, *used;
	uint16_t avail_idx, used_seen;
	unsigned index;
};

static uint32_t devfn, pm_timer;
static volatile uint8_t *common, *notify_base, *devcfg;
static uint32_t notify_mult;
static struct ring rx, tx;
static uint8_t mac[6];

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

static int find_device(void)
{
	for (devfn = 0; devfn < 256; devfn += 8)
		if (pci_read(0) == 0x10001af4u || pci_read(0) == 0x10411af4u)
			return 0;
	return -1;
}

static int find_caps(void)
{
	uint32_t bar4 = pci_read(0x20) & ~0xfu;

	for (uint32_t cap = pci_read(0x34) & 0xff; cap; cap = pci_read(cap + 1) & 0xff) {
		uint32_t type = pci_read(cap + 3) & 0xff;
		volatile uint8_t *p = (volatile uint8_t *)(bar4 + pci_read(cap + 8));

		if ((pci_read(cap) & 0xff) != 0x09 || (pci_read(cap + 4) & 0xff) != 4)
			continue;
		if (type == 1)
			common = p;
		else if (type == 2) {
			notify_base = p;
			notify_mult = pci_read(cap + 16);
		} else if (type == 4)
			devcfg = p;
	}
	return common && notify_base && devcfg ? 0 : -1;
}

#define C8(o) (*(volatile uint8_t *)(common + (o)))
#define C16(o) (*(volatile uint16_t *)(common + (o)))
#define C32(o) (*(volatile uint32_t *)(common + (o)))

static void ring_init(struct ring *r, unsigned index, uint32_t base)
{
	r->index = index;
	r->desc = (volatile uint8_t *)base;
	r->avail = r->desc + 16 * QSIZE;
	r->used = (volatile uint8_t *)((base + 16 * QSIZE + 6 + 2 * QSIZE + 4095) & ~4095u);
	memset((void *)base, 0, 0x2000);
	C16(0x16) = index;
	C16(0x18) = QSIZE;
	C32(0x20) = base;
	C32(0x24) = 0;
	C32(0x28) = (uint32_t)r->avail;
	C32(0x2c) = 0;
	C32(0x30) = (uint32_t)r->used;
	C32(0x34) = 0;
	C16(0x1c) = 1;
}

static void set_desc(struct ring *r, unsigned i, uint32_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	volatile uint8_t *d = r->desc + 16 * i;

	*(volatile uint32_t *)d = addr;
	*(volatile uint32_t *)(d + 4) = 0;
	*(volatile uint32_t *)(d + 8) = len;
	*(volatile uint16_t *)(d + 12) = flags;
	*(volatile uint16_t *)(d + 14) = next;
}

static void publish(struct ring *r, uint16_t head)
{
	*(volatile uint16_t *)(r->avail + 4 + 2 * (r->avail_idx % QSIZE)) = head;
	r->avail_idx++;
	__asm__ volatile("lock; addl $0, (%%esp)" ::: "memory");
	*(volatile uint16_t *)(r->avail + 2) = r->avail_idx;
	__asm__ volatile("lock; addl $0, (%%esp)" ::: "memory");
	*(volatile uint16_t *)(notify_base + r->index * notify_mult) = r->index;
}

static int init_device(void)
{
	if (find_caps() < 0)
		return -1;
	C8(0x14) = 0;
	C8(0x14) = 3;
	C32(0x08) = 0;
	C32(0x0c) = (1u << 5) | 1u; /* MAC, CSUM */
	C32(0x08) = 1;
	C32(0x0c) = 1;              /* VERSION_1 */
	C8(0x14) = 3 | 8;
	if (!(C8(0x14) & 8))
		return -2;
	ring_init(&rx, 0, RX_RING);
	ring_init(&tx, 1, TX_RING);
	C8(0x14) = 3 | 8 | 4;
	for (int i = 0; i < 6; i++)
		mac[i] = devcfg[i];
	for (unsigned i = 0; i < NRX; i++) {
		set_desc(&rx, i, RX_BUF + i * RXSZ, RXSZ, 2, 0);
		publish(&rx, i);
	}
	return 0;
}

static uint32_t pm_now(void)
{
	return inl(pm_timer) & 0xffffff;
}

/* Next received frame (without header), or NULL after `ticks` PM ticks. */
static volatile uint8_t *receive(uint32_t *len, uint64_t ticks)
{
	uint64_t waited = 0;
	uint32_t last = pm_now();

	while (*(volatile uint16_t *)(rx.used + 2) == rx.used_seen) {
		uint32_t now = pm_now();

		waited += (now - last) & 0xffffff;
		last = now;
		if (waited > ticks)
			return 0;
	}
	{
		volatile uint8_t *e = rx.used + 4 + 8 * (rx.used_seen % QSIZE);
		uint32_t id = *(volatile uint32_t *)e;

		*len = *(volatile uint32_t *)(e + 4) - HDR;
		rx.used_seen++;
		return (volatile uint8_t *)(RX_BUF + (id % NRX) * RXSZ + HDR);
	}
}

/* Give the buffer holding frame f back to the device. */
static void recycle(volatile uint8_t *f)
{
	unsigned id = ((uint32_t)f - HDR - RX_BUF) / RXSZ;

	publish(&rx, id);
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

static void send_discover(int offload)
{
	uint8_t *h = (uint8_t *)TX_BUF, *f = h + 64, *ip = f + 14, *udp = ip + 20, *b = udp + 8;
	uint32_t udplen = 8 + 244, pseudo = 0xffff + 0xffff + 17 + udplen;

	memset(h, 0, 64 + 14 + 20 + udplen);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + udplen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	put16(ip + 10, ~sum16(ip, 20, 0));
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, udplen);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	b[4] = 0x42;
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63\x35\x01\x01\xff", 8);
	if (offload) {
		put16(udp + 6, sum16(0, 0, pseudo));
		h[0] = 1;  /* NEEDS_CSUM */
		h[6] = 34; /* csum_start */
		h[8] = 6;  /* csum_offset */
	} else {
		put16(udp + 6, ~sum16(udp, udplen, pseudo));
	}
	set_desc(&tx, 0, TX_BUF, HDR, 1, 1);
	set_desc(&tx, 1, TX_BUF + 64, 14 + 20 + udplen, 0, 0);
	publish(&tx, 0);
}

/* ARP request for the gateway from 10.0.2.15: slirp learns our address. */
static void send_arp(void)
{
	uint8_t *h = (uint8_t *)TX_BUF + 0x800, *f = h + 64;

	memset(h, 0, 64 + 42);
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
	set_desc(&tx, 2, (uint32_t)h, HDR, 1, 3);
	set_desc(&tx, 3, (uint32_t)f, 42, 0, 0);
	publish(&tx, 2);
}

static int is_ipv4(volatile uint8_t *f, uint8_t proto)
{
	return f[12] == 0x08 && f[13] == 0x00 && f[23] == proto;
}

/* Wait until the device has consumed every published transmit chain. */
static int tx_drain(void)
{
	uint32_t last = pm_now(), waited = 0;

	while (*(volatile uint16_t *)(tx.used + 2) != tx.avail_idx) {
		uint32_t now = pm_now();

		waited += (now - last) & 0xffffff;
		last = now;
		if (waited > 3579545)
			return -1;
	}
	return 0;
}

#define TFTP_PORT 1069

/* A UDP datagram from 10.0.2.15:TFTP_PORT to 10.0.2.2:69 (descriptors 4, 5). */
static int send_tftp(const uint8_t *data, uint32_t n)
{
	static uint16_t ip_id;
	uint8_t *h = (uint8_t *)TX_BUF + 0x1000, *f = h + 64, *ip = f + 14, *udp = ip + 20;
	uint32_t udplen = 8 + n;

	if (tx_drain() < 0)
		return -1;
	memset(h, 0, 64 + 42);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + udplen);
	put16(ip + 4, ++ip_id);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	put16(ip + 10, ~sum16(ip, 20, 0));
	put16(udp, TFTP_PORT);
	put16(udp + 2, 69);
	put16(udp + 4, udplen);
	memcpy(udp + 8, data, n);
	put16(udp + 6, ~sum16(udp, udplen, sum16(ip + 12, 8, 17 + udplen)));
	set_desc(&tx, 4, (uint32_t)h, HDR, 1, 5);
	set_desc(&tx, 5, (uint32_t)f, 42 + n, 0, 0);
	publish(&tx, 4);
	return 0;
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

/* DATA for our port from 10.0.2.2:69: payload length in *n, or NULL. */
static volatile uint8_t *tftp_payload(volatile uint8_t *f, uint32_t len, uint32_t *n)
{
	uint32_t udplen;

	if (len < 46 || !is_ipv4(f, 17) || f[14] != 0x45 ||
	    (f[34] << 8 | f[35]) != 69 || (f[36] << 8 | f[37]) != TFTP_PORT)
		return 0;
	udplen = f[38] << 8 | f[39];
	if (udplen < 12 || 34 + udplen > len)
		return 0;
	*n = udplen - 8;
	return f + 42;
}

static int tftp_get(const char *file, uint64_t timeout)
{
	uint8_t pkt[128];
	uint32_t fl = strlen(file), len, n, bytes = 0, crc = ~0u;
	uint16_t expect = 1;
	int done;
	volatile uint8_t *f, *d;

	if (fl > 100)
		return -1;
	crc32_init();
	put16(pkt, 1); /* RRQ */
	memcpy(pkt + 2, file, fl + 1);
	memcpy(pkt + 3 + fl, "octet", 6);
	if (send_tftp(pkt, 9 + fl) < 0)
		return -1;
	for (;;) {
		f = receive(&len, timeout);
		if (!f) {
			rt_printf("vnet: tftp timeout at block %u\n", expect);
			return -1;
		}
		d = tftp_payload(f, len, &n);
		if (!d) {
			recycle(f);
			continue;
		}
		if ((d[0] << 8 | d[1]) == 5) {
			rt_printf("vnet: tftp error %u\n", d[2] << 8 | d[3]);
			return -1;
		}
		if ((d[0] << 8 | d[1]) != 3 || n > 4 + 512) {
			recycle(f);
			continue;
		}
		done = 0;
		if ((uint16_t)(d[2] << 8 | d[3]) == expect) {
			crc = crc32_update(crc, d + 4, n - 4);
			bytes += n - 4;
			expect++;
			done = n < 4 + 512;
		}
		put16(pkt, 4); /* ACK the block we got (a repeat is ACKed again) */
		pkt[2] = d[2];
		pkt[3] = d[3];
		recycle(f);
		if (send_tftp(pkt, 4) < 0)
			return -1;
		if (done)
			break;
	}
	rt_printf("vnet: tftp %s bytes=%u crc32=%08x\n", file, bytes, ~crc);
	return 0;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	char file[128];
	volatile uint8_t *f;
	uint32_t len, wait_s;
	uint64_t sec = 3579545;

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	wait_s = rt_cmdline_num(cmdline, "wait", 30);
	if (find_device() < 0) {
		rt_printf("vnet: no virtio-net device\n");
		return 1;
	}
	pci_write16(0x04, 0x7);
	{
		uint32_t save = devfn;

		devfn = 0x0b;
		pm_timer = (pci_read(0x40) & 0xffc0) + 8;
		devfn = save;
	}
	if (init_device() < 0) {
		rt_printf("vnet: init failed\n");
		return 1;
	}
	rt_printf("vnet: mac %x:%x:%x:%x:%x:%x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	send_discover(rt_cmdline_num(cmdline, "csum", 0));
	for (;;) {
		f = receive(&len, 10 * sec);
		if (!f) {
			rt_printf("vnet: no DHCP offer\n");
			return 1;
		}
		if (is_ipv4(f, 17) && f[14 + 20 + 8] == 2 && f[14 + 20 + 8 + 242] == 2)
			break;
		recycle(f);
	}
	rt_printf("vnet: offer %u.%u.%u.%u\n", f[58], f[59], f[60], f[61]);
	recycle(f);
	send_arp();
	if (rt_cmdline_get(cmdline, "tftp", file, sizeof(file)) == 0)
		return tftp_get(file, 5 * sec) < 0;
	rt_printf("vnet: ready\n");
	for (;;) {
		f = receive(&len, (uint64_t)wait_s * sec);
		if (!f) {
			rt_printf("vnet: no SYN\n");
			return 1;
		}
		if (is_ipv4(f, 6) && (f[36] << 8 | f[37]) == 2222 && (f[47] & 2))
			break;
		recycle(f);
	}
	rt_printf("vnet: syn to 2222\n");
	return 0;
}
