// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-net-pci with a slirp backend (-netdev user,restrict=on: nothing
 * leaves the host) through qtest-driven rings: the PCI function, MAC and
 * link status in the config space, an ARP request for the gateway answered
 * by slirp, and a DHCP discover answered with an offer, sent once with a
 * finished checksum and once with NEEDS_CSUM (the device completes the UDP
 * checksum, or slirp drops the frame), into legacy (10-byte header) and
 * mergeable (12-byte header) receive buffers.  QEMU runs the config part;
 * its stopped VM (-S) moves no frames.
 */
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/virtio-helpers.h"

#define RX_RING 0x10000
#define TX_RING 0x20000
#define RX_BUF 0x40000
#define TX_BUF 0x60000
#define NRX 8
#define RXSZ 2048

/* bytes offered per receive buffer (the slots stay RXSZ apart) */
static unsigned rx_size = RXSZ;

#define F_CSUM (1ULL << 0)
#define F_MAC (1ULL << 5)
#define F_MRG (1ULL << 15)
#define F_STATUS (1ULL << 16)

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

struct env {
	struct qtest *q;
	struct vt_dev d;
	struct vt_queue rx, tx;
	unsigned hdr;
	unsigned last_nbuf;   /* buffers of the last received frame */
	char offer_file[128]; /* BOOTP file field of the last DHCP offer */
	uint8_t router[4], dns[4], server[4]; /* options 3, 6 and 54 of that offer */
	const char *expect_ip;     /* yiaddr to expect (default 10.0.2.15) */
};

/* False (test skipped) on QEMU, whose stopped VM (-S) leaves the queues idle. */
static bool env_start_args(struct env *e, bool modern, uint64_t feats, bool traffic,
			   const char *args)
{
	int devfn;

	memset(e, 0, sizeof(*e));
	e->q = qtest_start(args);
	if (traffic && qtest_is_qemu(e->q)) {
		qtest_quit(e->q);
		g_test_skip("QEMU -S: virtio-net does not move frames while the VM is stopped");
		return false;
	}
	devfn = vt_find(e->q, 0x1000);
	g_assert_cmpint(devfn, >=, 0);
	vt_setup(&e->d, e->q, devfn);
	e->d.modern = modern;
	if (modern)
		g_assert_cmphex(vt_negotiate(&e->d, VT_F_VERSION_1 | feats) & VT_S_FEATURES_OK,
				==, VT_S_FEATURES_OK);
	else
		vt_negotiate(&e->d, feats);
	e->hdr = modern || (feats & F_MRG) ? 12 : 10;
	vt_queue_init(&e->rx, &e->d, 0, modern ? 16 : 0, RX_RING);
	vt_queue_init(&e->tx, &e->d, 1, modern ? 16 : 0, TX_RING);
	for (unsigned i = 0; i < NRX; i++) {
		vt_desc(&e->rx, 0, i, RX_BUF + i * RXSZ, rx_size, VT_D_WRITE, 0);
		vt_avail(&e->rx, i);
	}
	vt_set_status(&e->d, vt_status(&e->d) | VT_S_DRIVER_OK);
	vt_kick(&e->rx);
	return true;
}

static bool env_start(struct env *e, bool modern, uint64_t feats, bool traffic)
{
	return env_start_args(e, modern, feats, traffic,
			      "-nodefaults -netdev user,id=n0,restrict=on "
			      "-device virtio-net-pci,netdev=n0,mac=52:54:00:ab:cd:ef");
}

static void send_frame(struct env *e, const uint8_t *f, size_t len, const uint8_t *hdr)
{
	uint8_t zero[12] = { 0 };

	qtest_memwrite(e->q, TX_BUF, hdr ? hdr : zero, e->hdr);
	qtest_memwrite(e->q, TX_BUF + 64, f, len);
	vt_desc(&e->tx, 0, 0, TX_BUF, e->hdr, VT_D_NEXT, 1);
	vt_desc(&e->tx, 0, 1, TX_BUF + 64, len, 0, 0);
	vt_avail(&e->tx, 0);
	vt_kick(&e->tx);
	g_assert_cmpuint(vt_wait_used(&e->tx, NULL), ==, 0);
}

/*
 * Next received frame (header stripped) into buf; returns its length.  A
 * frame spread over num_buffers mergeable buffers is joined; each buffer
 * is given back afterwards.
 */
static size_t recv_frame(struct env *e, uint8_t *buf)
{
	uint32_t id, len = vt_wait_used(&e->rx, &id);
	uint8_t hdr[12];
	unsigned nbuf = 1;
	size_t got;

	g_assert_cmpuint(id, <, NRX);
	g_assert_cmpuint(len, >, e->hdr);
	g_assert_cmpuint(len, <=, rx_size);
	qtest_memread(e->q, RX_BUF + id * RXSZ, hdr, e->hdr);
	if (e->hdr == 12)
		nbuf = hdr[10] | hdr[11] << 8;
	g_assert_cmpuint(nbuf, >=, 1);
	g_assert_cmpuint(hdr[1], ==, 0);                       /* no GSO */
	qtest_memread(e->q, RX_BUF + id * RXSZ + e->hdr, buf, len - e->hdr);
	got = len - e->hdr;
	vt_avail(&e->rx, id);
	for (unsigned i = 1; i < nbuf; i++) {
		g_assert_cmpuint(got + rx_size, <=, 2048);
		len = vt_wait_used(&e->rx, &id);
		g_assert_cmpuint(id, <, NRX);
		g_assert_cmpuint(len, <=, rx_size);
		qtest_memread(e->q, RX_BUF + id * RXSZ, buf + got, len);
		got += len;
		vt_avail(&e->rx, id);
	}
	e->last_nbuf = nbuf;
	vt_kick(&e->rx);
	return got;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void test_config(void)
{
	struct env e;

	env_start(&e, true, F_MAC | F_STATUS, false);
	for (int i = 0; i < 6; i++)
		g_assert_cmphex(vt_cfg8(&e.d, i), ==, mac[i]);
	g_assert_cmphex(vt_cfg8(&e.d, 6) & 1, ==, 1); /* link up */
	g_assert_cmphex(qtest_pci_readw(e.q, e.d.devfn, 0x2e), ==, 1);
	g_assert_cmphex(qtest_pci_readl(e.q, e.d.devfn, 0x08) >> 8, ==, 0x020000);
	qtest_quit(e.q);
}

static void arp_exchange(struct env *e)
{
	uint8_t f[42] = { 0 }, r[2048];
	size_t len;

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
	send_frame(e, f, sizeof(f), NULL);
	len = recv_frame(e, r);
	g_assert_cmpuint(len, >=, 42);
	g_assert(memcmp(r, mac, 6) == 0);
	g_assert_cmphex(r[12] << 8 | r[13], ==, 0x0806);
	g_assert_cmphex(r[20] << 8 | r[21], ==, 2);             /* reply */
	g_assert(memcmp(r + 28, "\x0a\x00\x02\x02", 4) == 0);   /* from the gateway */
	g_assert(memcmp(r + 38, "\x0a\x00\x02\x0f", 4) == 0);
}

/* DHCPDISCOVER from 0.0.0.0:68; with offload the UDP checksum is left partial. */
static void dhcp_exchange(struct env *e, bool offload)
{
	uint8_t f[14 + 20 + 8 + 244] = { 0 }, r[2048], hdr[12] = { 0 };
	uint8_t *ip = f + 14, *udp = ip + 20, *b = udp + 8;
	size_t udplen = 8 + 244, len;
	uint32_t pseudo;
	uint16_t s;

	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + udplen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	put16(ip + 10, ~csum(ip, 20, 0));
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, udplen);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, "\x12\x34\x56\x78", 4);
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63\x35\x01\x01\xff", 8);
	pseudo = 0xffff + 0xffff + 17 + udplen; /* src 0.0.0.0, dst 255.255.255.255 */
	if (offload) {
		put16(udp + 6, csum((uint8_t *)"", 0, pseudo));
		hdr[0] = 1;                      /* NEEDS_CSUM */
		hdr[6] = 34;                     /* csum_start */
		hdr[8] = 6;                      /* csum_offset */
	} else {
		s = ~csum(udp, udplen, pseudo);
		put16(udp + 6, s ? s : 0xffff);
	}
	send_frame(e, f, sizeof(f), hdr);
	do
		len = recv_frame(e, r);
	while (r[12] != 0x08 || r[13] != 0x00); /* skip anything but IPv4 */
	g_assert_cmpuint(len, >, 14 + 20 + 8 + 240);
	g_assert(memcmp(r, mac, 6) == 0 || memcmp(r, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	g_assert_cmpuint(r[14 + 9], ==, 17);
	b = r + 14 + 20 + 8;
	g_assert_cmpuint(b[0], ==, 2);                             /* BOOTREPLY */
	g_assert(memcmp(b + 4, "\x12\x34\x56\x78", 4) == 0);
	g_assert(memcmp(b + 16, e->expect_ip ? e->expect_ip : "\x0a\x00\x02\x0f", 4) == 0);
	g_assert(memcmp(b + 236, "\x63\x82\x53\x63", 4) == 0);
	g_assert_cmpuint(b[240], ==, 53);
	g_assert_cmpuint(b[242], ==, 2);                           /* DHCPOFFER */
	memcpy(e->offer_file, b + 108, sizeof(e->offer_file));
	memset(e->router, 0, 4);
	memset(e->dns, 0, 4);
	memset(e->server, 0, 4);
	for (size_t o = 240; o + 1 < len - 42 && b[o] != 255;) {
		if (b[o] == 0) {
			o++;
			continue;
		}
		if (b[o] == 3 && b[o + 1] >= 4)
			memcpy(e->router, b + o + 2, 4);
		if (b[o] == 6 && b[o + 1] >= 4)
			memcpy(e->dns, b + o + 2, 4);
		if (b[o] == 54 && b[o + 1] >= 4)
			memcpy(e->server, b + o + 2, 4);
		o += 2 + b[o + 1];
	}
}

static void test_arp_dhcp_modern(void)
{
	struct env e;

	if (!env_start(&e, true, F_MAC | F_STATUS | F_MRG, true))
		return;
	arp_exchange(&e);
	dhcp_exchange(&e, false);
	qtest_quit(e.q);
}

static void test_dhcp_csum_offload(void)
{
	struct env e;

	if (!env_start(&e, true, F_MAC | F_CSUM, true))
		return;
	dhcp_exchange(&e, true);
	qtest_quit(e.q);
}

static void test_arp_dhcp_legacy(void)
{
	struct env e;

	if (!env_start(&e, false, F_MAC, true))
		return;
	g_assert_cmpuint(e.hdr, ==, 10);
	arp_exchange(&e);
	dhcp_exchange(&e, false);
	qtest_quit(e.q);
}

/* -nic shorthand with hostfwd on loopback: a host connect becomes a SYN. */
static void test_nic_hostfwd(void)
{
	struct env e;
	int port = g_random_int_range(20000, 40000), fd;
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -nic user,model=virtio-net-pci,mac=52:54:00:ab:cd:ef,restrict=on,"
		"hostfwd=tcp:127.0.0.1:%d-:2222", port);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t r[2048];
	size_t len;

	if (!env_start_args(&e, true, F_MAC, true, args))
		return;
	arp_exchange(&e); /* slirp learns our MAC */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g_assert(fd >= 0);
	connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	do
		len = recv_frame(&e, r);
	while (r[12] != 0x08 || r[13] != 0x00 || r[23] != 6);
	g_assert_cmpuint(len, >=, 54);
	g_assert(memcmp(r + 30, "\x0a\x00\x02\x0f", 4) == 0);       /* to the guest */
	g_assert_cmpuint(r[36] << 8 | r[37], ==, 2222);               /* port 2222 */
	g_assert_cmphex(r[47] & 0x02, ==, 0x02);                      /* SYN */
	close(fd);
	qtest_quit(e.q);
}

/* Hostile transmit chains: a bad checksum offset is dropped (the device
 * carries on), a chain without a header breaks it (NEEDS_RESET, VMM alive). */
static void test_hostile_tx(void)
{
	struct env e;
	uint8_t f[60] = { 0 }, hdr[12] = { 1, 0, 0, 0, 0, 0, 0xf0, 0xff, 0x10, 0 };

	if (!env_start(&e, true, F_MAC | F_CSUM, true))
		return;
	send_frame(&e, f, sizeof(f), hdr);   /* csum_start 0xfff0: dropped, used 0 */
	g_assert_cmphex(vt_status(&e.d) & VT_S_NEEDS_RESET, ==, 0);
	arp_exchange(&e);                     /* still works */
	vt_desc(&e.tx, 0, 0, TX_BUF, 4, 0, 0); /* 4 bytes: no room for a header */
	vt_avail(&e.tx, 0);
	vt_kick(&e.tx);
	g_assert(vt_no_used(&e.tx, 100));
	g_assert_cmphex(vt_status(&e.d) & VT_S_NEEDS_RESET, ==, VT_S_NEEDS_RESET);
	g_assert_cmphex(qtest_pci_readl(e.q, e.d.devfn, 0), ==, 0x10001af4);
	qtest_quit(e.q);
}

/*
 * -netdev tap,fd=N with a datagram socketpair standing in for the TAP
 * device: frames the guest sends come out of our end whole, and a frame
 * we write goes into the guest's receive ring.  No host interface is
 * touched.
 */
static void test_tap_fd(void)
{
	struct env e;
	int sv[2];
	g_autofree char *args = NULL;
	uint8_t f[60], got[2048];
	ssize_t n;
	const char *bin = g_getenv("QTEST_BINARY");

	if (bin && strstr(bin, "qemu-system")) {
		/* QEMU insists on a real TAP (TUNGETIFF) and its -S VM moves no frames */
		g_test_skip("QEMU: tap fd= must be a TAP device");
		return;
	}
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), ==, 0);
	args = g_strdup_printf("-nodefaults -netdev tap,id=t0,fd=%d "
			       "-device virtio-net-pci,netdev=t0,mac=52:54:00:ab:cd:ef", sv[1]);
	if (!env_start_args(&e, true, F_MAC, true, args)) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	close(sv[1]);
	for (unsigned i = 0; i < sizeof(f); i++)
		f[i] = i * 3 + 1;
	send_frame(&e, f, sizeof(f), NULL);
	n = recv(sv[0], got, sizeof(got), 0);
	g_assert_cmpint(n, ==, sizeof(f));
	g_assert(memcmp(got, f, sizeof(f)) == 0);
	for (unsigned i = 0; i < sizeof(f); i++)
		f[i] = 0xff - i;
	g_assert_cmpint(send(sv[0], f, sizeof(f), 0), ==, sizeof(f));
	g_assert_cmpuint(recv_frame(&e, got), ==, sizeof(f));
	g_assert(memcmp(got, f, sizeof(f)) == 0);
	close(sv[0]);
	qtest_quit(e.q);
}

/*
 * Mergeable receive buffers of 128 bytes: a DHCP offer (~600 bytes) spans
 * several, the first header's num_buffers counts them and the pieces join
 * into the right frame.
 */
static void test_mergeable(void)
{
	struct env e;

	rx_size = 128;
	if (!env_start(&e, true, F_MAC | F_MRG, true)) {
		rx_size = RXSZ;
		return;
	}
	dhcp_exchange(&e, false);
	g_assert_cmpuint(e.last_nbuf, >, 1);
	rx_size = RXSZ;
	qtest_quit(e.q);
}

/* An IPv4/TCP segment from 10.0.2.15:40000 to 10.0.2.100:1234 into f. */
static size_t tcp_segment(uint8_t *f, uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t *ip = f + 14, *t = ip + 20, ph[12];

	memset(f, 0, 54);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);  /* slirp's gateway MAC */
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x02\x0f", 4);
	memcpy(ip + 16, "\x0a\x00\x02\x64", 4);
	put16(ip + 10, ~csum(ip, 20, 0));
	put16(t, 40000);
	put16(t + 2, 1234);
	put16(t + 4, seq >> 16);
	put16(t + 6, seq);
	put16(t + 8, ack >> 16);
	put16(t + 10, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 8192);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, 20);
	put16(t + 16, ~csum(t, 20, csum(ph, 12, 0)));
	return 54;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* guestfwd=tcp:10.0.2.100:1234-cmd:uname: a TCP connection reaches the command. */
static void test_guestfwd(void)
{
	struct env e;
	uint8_t f[64], r[2048];
	uint32_t their;
	size_t len;

	if (!env_start_args(&e, true, F_MAC, true,
			    "-nodefaults -netdev user,id=n0,restrict=on,"
			    "guestfwd=tcp:10.0.2.100:1234-cmd:uname "
			    "-device virtio-net-pci,netdev=n0,mac=52:54:00:ab:cd:ef"))
		return;
	arp_exchange(&e);
	send_frame(&e, f, tcp_segment(f, 1000, 0, 0x02), NULL);        /* SYN */
	do
		len = recv_frame(&e, r);
	while (r[23] != 6);
	g_assert_cmpuint(len, >=, 54);
	g_assert_cmphex(r[47] & 0x12, ==, 0x12);                        /* SYN-ACK */
	g_assert_cmpuint(get32(r + 42), ==, 1001);
	their = get32(r + 38);
	send_frame(&e, f, tcp_segment(f, 1001, their + 1, 0x10), NULL); /* ACK */
	for (;;) {
		len = recv_frame(&e, r);
		if (r[23] == 6 && len > 54)
			break;
	}
	g_assert(memcmp(r + 54, "Linux\n", 6) == 0); /* what uname printed */
	qtest_quit(e.q);
}

/* A UDP datagram from 10.0.2.15:sport to 10.0.2.2:dport (checksum 0). */
static size_t udp_datagram(uint8_t *f, uint16_t sport, uint16_t dport, const void *data,
			   size_t n)
{
	uint8_t *ip = f + 14, *u = ip + 20;

	memset(f, 0, 42);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 28 + n);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\x0a\x00\x02\x0f", 4);
	memcpy(ip + 16, "\x0a\x00\x02\x02", 4);
	put16(ip + 10, ~csum(ip, 20, 0));
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, 8 + n);
	memcpy(u + 8, data, n);
	return 42 + n;
}

/* tftp= and bootfile=: the offer names the file, TFTP serves its bytes. */
static void test_tftp(void)
{
	struct env e;
	g_autofree char *dir = g_dir_make_tmp("kvmpc-tftp-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "boot.bin", NULL);
	g_autofree char *args = NULL;
	uint8_t f[128], r[2048];
	static const char rrq[] = "\0\1boot.bin\0octet";
	size_t len;

	g_assert(g_file_set_contents(file, "kvmpc tftp payload", -1, NULL));
	args = g_strdup_printf("-nodefaults -netdev user,id=n0,restrict=on,tftp=%s,"
			       "bootfile=boot.bin -device virtio-net-pci,netdev=n0,"
			       "mac=52:54:00:ab:cd:ef", dir);
	if (env_start_args(&e, true, F_MAC, true, args)) {
		dhcp_exchange(&e, false);
		g_assert_cmpstr(e.offer_file, ==, "boot.bin");
		arp_exchange(&e);
		send_frame(&e, f, udp_datagram(f, 2000, 69, rrq, sizeof(rrq)), NULL);
		do
			len = recv_frame(&e, r);
		while (r[23] != 17);
		g_assert_cmpuint(r[36] << 8 | r[37], ==, 2000);
		g_assert_cmpuint(len, ==, 42 + 4 + 18);
		g_assert_cmphex(r[42] << 8 | r[43], ==, 3);       /* DATA */
		g_assert_cmphex(r[44] << 8 | r[45], ==, 1);       /* block 1 */
		g_assert(memcmp(r + 46, "kvmpc tftp payload", 18) == 0);
		qtest_quit(e.q);
	}
	g_unlink(file);
	g_rmdir(dir);
}

/*
 * net=, host=, dhcpstart=: the offer follows them (address, server id).
 * restrict=on makes slirp leave out the router and DNS options.
 */
static void test_custom_net(void)
{
	struct env e;

	if (!env_start_args(&e, true, F_MAC, true,
			    "-nodefaults -netdev user,id=n0,restrict=on,net=10.1.0.0/24,"
			    "host=10.1.0.1,dhcpstart=10.1.0.50,dns=10.1.0.9 "
			    "-device virtio-net-pci,netdev=n0,mac=52:54:00:ab:cd:ef"))
		return;
	e.expect_ip = "\x0a\x01\x00\x32";
	dhcp_exchange(&e, false);
	g_assert(memcmp(e.server, "\x0a\x01\x00\x01", 4) == 0);
	g_assert(memcmp(e.router, "\0\0\0\0", 4) == 0);
	g_assert(memcmp(e.dns, "\0\0\0\0", 4) == 0);
	qtest_quit(e.q);
}

/* romfile=: the PXE option ROM appears in the expansion ROM BAR. */
static void test_romfile(void)
{
	const char *rom = "/usr/lib/ipxe/qemu/pxe-virtio.rom";
	g_autofree char *args = NULL, *want = NULL;
	uint8_t got[4096];
	gsize len;
	struct qtest *q;
	int devfn;
	uint32_t size;

	if (!g_file_get_contents(rom, &want, &len, NULL) || len < sizeof(got)) {
		g_test_skip("no /usr/lib/ipxe/qemu/pxe-virtio.rom (apt-get install ipxe-qemu)");
		return;
	}
	args = g_strdup_printf("-nodefaults -netdev user,id=n0,restrict=on "
			       "-device virtio-net-pci,netdev=n0,romfile=%s", rom);
	q = qtest_start(args);
	devfn = vt_find(q, 0x1000);
	g_assert_cmpint(devfn, >=, 0);
	qtest_pci_writel(q, devfn, 0x30, 0xfffff800);
	size = ~(qtest_pci_readl(q, devfn, 0x30) & 0xfffff800) + 1;
	g_assert_cmpuint(size, >=, len);
	g_assert_cmpuint(size & (size - 1), ==, 0);
	qtest_pci_writel(q, devfn, 0x30, 0xfe800000 | 1);
	qtest_pci_writew(q, devfn, 0x04, 0x2);
	qtest_memread(q, 0xfe800000, got, sizeof(got));
	g_assert_cmphex(got[0], ==, 0x55);
	g_assert_cmphex(got[1], ==, 0xaa);
	g_assert(memcmp(got, want, sizeof(got)) == 0);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-net/config", test_config);
	g_test_add_func("/virtio-net/arp-dhcp-modern", test_arp_dhcp_modern);
	g_test_add_func("/virtio-net/dhcp-csum-offload", test_dhcp_csum_offload);
	g_test_add_func("/virtio-net/arp-dhcp-legacy", test_arp_dhcp_legacy);
	g_test_add_func("/virtio-net/nic-hostfwd", test_nic_hostfwd);
	g_test_add_func("/virtio-net/romfile", test_romfile);
	g_test_add_func("/virtio-net/hostile-tx", test_hostile_tx);
	g_test_add_func("/virtio-net/tap-fd", test_tap_fd);
	g_test_add_func("/virtio-net/mergeable", test_mergeable);
	g_test_add_func("/virtio-net/guestfwd", test_guestfwd);
	g_test_add_func("/virtio-net/tftp", test_tftp);
	g_test_add_func("/virtio-net/custom-net", test_custom_net);
	return g_test_run();
}
