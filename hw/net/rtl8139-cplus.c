// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RTL8139C+ descriptor ("C+") mode, after the RTL8139C+ datasheet, as
 * Linux's 8139cp drives it: a transmit ring at TNPDS (0x20) walked on a
 * TxPoll NPQ write, whose descriptors (OWN, EOR, FS, LS) gather a frame
 * that leaves with its IPv4, TCP and UDP checksums filled in (IPCS,
 * TCPCS, UDPCS), cut into TCP segments (LGSEN with its MSS) or with a VLAN
 * tag inserted (TAGC); a receive ring at RDSAR whose descriptors take one
 * frame each with its CRC-32, the address-match bits and, with CpCmd's
 * RxVLAN, the tag stripped into the descriptor; the tally counters dumped
 * through DTCCR.  Every descriptor, length and address is checked; a bad
 * one costs the frame and a rate-limited guest error.  Left out: the
 * high-priority queue, receive checksum results (the protocol bits say
 * "not checked"), frames spread over several receive descriptors.
 */
#include <string.h>
#include <zlib.h>
#include "hw/net/rtl8139-int.h"
#include "net/net.h"
#include "core/log.h"

#define CP_OWN   0x80000000u
#define CP_EOR   0x40000000u
#define CP_FS    0x20000000u
#define CP_LS    0x10000000u
#define CP_LGSEN 0x08000000u
#define CP_IPCS  0x00040000u
#define CP_UDPCS 0x00020000u
#define CP_TCPCS 0x00010000u
#define CP_TAGC  0x00020000u /* dw1 */
#define CP_TAVA  0x00010000u /* dw1, receive */
#define CP_RX_BAR 0x01000000u
#define CP_RX_PAM 0x02000000u
#define CP_RX_MAR 0x04000000u
#define CP_RING_MAX 1024     /* descriptors walked before the index wraps */
#define CP_POLL_MAX 64       /* descriptors per TxPoll */

static inline uint32_t ld32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static inline void st32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static inline uint16_t ldbe16(const uint8_t *p) { return p[0] << 8 | p[1]; }
static inline void stbe16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static inline uint32_t ldbe32(const uint8_t *p) { return (uint32_t)ldbe16(p) << 16 | ldbe16(p + 2); }
static inline void stbe32(uint8_t *p, uint32_t v) { stbe16(p, v >> 16); stbe16(p + 2, v); }

void rtl_cp_reset(struct rtl8139 *s)
{
	s->cplus = 0;
	s->cpcmd = 0;
	s->rdsar[0] = s->rdsar[1] = 0;
	s->cp_tx_cur = s->cp_rx_cur = s->cp_txlen = 0;
	s->cp_drop = 0;
	s->tally_tx = s->tally_rx = s->tally_rx_phy = s->tally_rx_brd = 0;
	s->tally_rx_mul = 0;
	s->tally_missed = 0;
}

/* ---- transmit ---- */

/* The IPv4 packet in f[0..len): its header length, or 0 when it is none. */
static unsigned cp_ipv4(const uint8_t *f, size_t len)
{
	unsigned ihl;

	if (len < 34 || ldbe16(f + 12) != 0x0800 || (f[14] >> 4) != 4)
		return 0;
	ihl = (f[14] & 15) * 4;
	return ihl >= 20 && 14 + ihl <= len ? ihl : 0;
}

/* Fill the L4 checksum at f[14 + ihl + off] over the segment up to len. */
static void cp_l4sum(uint8_t *f, size_t len, unsigned ihl, unsigned off, bool udp)
{
	uint8_t *ip = f + 14, *l4 = ip + ihl;
	size_t l4len = len - 14 - ihl;
	uint32_t sum;
	uint16_t v;

	if (off + 2 > l4len)
		return;
	stbe16(l4 + off, 0);
	sum = net_csum_add(ip[9] + (uint32_t)l4len, ip + 12, 8);
	v = net_csum_fold(net_csum_add(sum, l4, l4len));
	stbe16(l4 + off, udp && !v ? 0xffff : v);
}

static void cp_ipsum(uint8_t *f, unsigned ihl)
{
	stbe16(f + 24, 0);
	stbe16(f + 24, net_csum_fold(net_csum_add(0, f + 14, ihl)));
}

/* Checksums the descriptor asked for, on a complete frame. */
static void cp_offload(uint8_t *f, size_t len, uint32_t dw0)
{
	unsigned ihl = cp_ipv4(f, len);

	if (!ihl) {
		if (dw0 & (CP_IPCS | CP_TCPCS | CP_UDPCS))
			guest_unimp("rtl8139: checksum offload on a frame that is not IPv4");
		return;
	}
	if (dw0 & CP_IPCS)
		cp_ipsum(f, ihl);
	if ((dw0 & CP_TCPCS) && f[23] == 6)
		cp_l4sum(f, len, ihl, 16, false);
	else if ((dw0 & CP_UDPCS) && f[23] == 17)
		cp_l4sum(f, len, ihl, 6, true);
}

/* LGSEN: cut the TCP/IPv4 frame into MSS-sized segments, each summed. */
static void cp_tso(struct rtl8139 *s, size_t len, unsigned mss)
{
	uint8_t *f = s->cp_txbuf, *seg = s->buf;
	unsigned ihl = cp_ipv4(f, len), thl, hdr, k = 0;
	size_t payload, off = 0;

	thl = ihl && f[23] == 6 && len >= 14 + ihl + 20 ? (f[14 + ihl + 12] >> 4) * 4 : 0;
	hdr = 14 + ihl + thl;
	if (!thl || thl < 20 || hdr > len || mss == 0 || hdr + mss > sizeof(s->buf)) {
		guest_error("rtl8139: large send of a %zu-byte frame with MSS %u refused", len, mss);
		return;
	}
	payload = len - hdr;
	do {
		size_t n = MIN((size_t)mss, payload - off), sl = hdr + n;

		memcpy(seg, f, hdr);
		memcpy(seg + hdr, f + hdr + off, n);
		stbe16(seg + 16, sl - 14);
		stbe16(seg + 18, ldbe16(f + 18) + k++);
		stbe32(seg + 14 + ihl + 4, ldbe32(f + 14 + ihl + 4) + off);
		if (off + n < payload)
			seg[14 + ihl + 13] &= ~0x09; /* FIN, PSH only on the last */
		cp_ipsum(seg, ihl);
		cp_l4sum(seg, sl, ihl, 16, false);
		rtl_send(s, seg, sl);
		off += n;
	} while (off < payload);
}

/* The frame gathered in cp_txbuf, at its last descriptor. */
static void cp_send(struct rtl8139 *s, uint32_t dw0, uint32_t dw1)
{
	size_t len = s->cp_txlen;
	uint8_t *f = s->cp_txbuf;

	if (len < 14) {
		guest_error("rtl8139: %zu-byte frame dropped", len);
		return;
	}
	if (dw0 & CP_LGSEN) {
		cp_tso(s, len, (dw0 >> 16) & 0x7ff);
		return;
	}
	cp_offload(f, len, dw0);
	if ((dw1 & CP_TAGC) && len + 4 <= sizeof(s->cp_txbuf)) {
		memmove(f + 16, f + 12, len - 12);
		stbe16(f + 12, 0x8100);
		f[14] = dw1;      /* the tag is stored byte-swapped */
		f[15] = dw1 >> 8;
		len += 4;
	}
	rtl_send(s, f, len);
}

/* Gather one descriptor's buffer; false when the descriptor is the host's. */
static bool cp_tx_one(struct rtl8139 *s, uint64_t base)
{
	uint64_t a = base + 16ull * s->cp_tx_cur, buf;
	uint8_t d[16];
	uint32_t dw0, size;

	if (!rtl_dma(s, a, d, sizeof(d), false) || !((dw0 = ld32(d)) & CP_OWN))
		return false;
	if (dw0 & CP_FS)
		s->cp_txlen = s->cp_drop = 0;
	size = dw0 & 0xffff;
	buf = ld32(d + 8) | (uint64_t)ld32(d + 12) << 32;
	if (size > sizeof(s->cp_txbuf) - s->cp_txlen) {
		guest_error("rtl8139: transmit frame over %zu bytes dropped", sizeof(s->cp_txbuf));
		s->cp_drop = 1;
	} else if (size && !rtl_dma(s, buf, s->cp_txbuf + s->cp_txlen, size, false)) {
		s->cp_drop = 1;
	} else {
		s->cp_txlen += size;
	}
	if (dw0 & CP_LS) {
		if (!s->cp_drop)
			cp_send(s, dw0, ld32(d + 4));
		s->cp_txlen = s->cp_drop = 0;
	}
	st32(d, dw0 & ~(CP_OWN | 0x02f00000u)); /* handed back; no UNF, TES, OWC, LNKF, EXC */
	rtl_dma(s, a, d, 4, true);
	s->cp_tx_cur = (dw0 & CP_EOR) ? 0 : (s->cp_tx_cur + 1) % CP_RING_MAX;
	return true;
}

void rtl_cp_transmit(void *opaque)
{
	struct rtl8139 *s = opaque;
	uint64_t base = s->tsad[0] | (uint64_t)s->tsad[1] << 32;
	int n = 0;

	if (!(s->cr & CR_TE) || !(s->cpcmd & CPCMD_TXEN))
		return;
	while (n < CP_POLL_MAX && cp_tx_one(s, base))
		n++;
	if (n) {
		s->isr |= ISR_TOK;
		rtl_update_irq(s);
	}
}

/* ---- receive ---- */

static void cp_rx_missed(struct rtl8139 *s)
{
	s->isr |= ISR_RXOVW; /* RxEmpty in C+ terms */
	s->mpc = (s->mpc + 1) & 0xffffff;
	s->tally_missed++;
	rtl_update_irq(s);
}

void rtl_cp_receive(struct rtl8139 *s, const uint8_t *frame, size_t len, uint16_t status)
{
	uint64_t a = (s->rdsar[0] | (uint64_t)s->rdsar[1] << 32) + 16ull * s->cp_rx_cur, ba;
	uint8_t d[16], crc[4], tmp[1600];
	uint32_t dw0, dw1, sum;

	if (!s->rdsar[0] && !s->rdsar[1])
		return; /* no ring yet (drivers enable before they allocate) */
	if (!rtl_dma(s, a, d, sizeof(d), false))
		return;
	dw0 = ld32(d);
	dw1 = ld32(d + 4) & ~(CP_TAVA | 0xffff);
	if (!(dw0 & CP_OWN)) {
		cp_rx_missed(s);
		return;
	}
	if ((s->cpcmd & CPCMD_RXVLAN) && len >= 18 && len <= sizeof(tmp) &&
	    ldbe16(frame + 12) == 0x8100) {
		dw1 |= CP_TAVA | frame[14] | frame[15] << 8;
		memcpy(tmp, frame, 12);
		memcpy(tmp + 12, frame + 16, len - 16);
		frame = tmp;
		len -= 4;
	}
	ba = ld32(d + 8) | (uint64_t)ld32(d + 12) << 32;
	if (len + 4 > (dw0 & 0x1fff)) {
		cp_rx_missed(s);
		return;
	}
	sum = crc32(0, frame, len);
	st32(crc, sum);
	if (!rtl_dma(s, ba, (void *)frame, len, true) || !rtl_dma(s, ba + len, crc, 4, true))
		return;
	dw0 &= CP_EOR; /* the rest is status now */
	dw0 |= CP_FS | CP_LS | (len + 4);
	dw0 |= status & RX_BAR ? CP_RX_BAR : status & RX_MAR ? CP_RX_MAR : CP_RX_PAM;
	st32(d, dw0);
	st32(d + 4, dw1);
	rtl_dma(s, a, d, 8, true);
	s->tally_rx++;
	if (status & RX_BAR)
		s->tally_rx_brd++;
	else if (status & RX_MAR)
		s->tally_rx_mul++;
	else
		s->tally_rx_phy++;
	s->cp_rx_cur = (dw0 & CP_EOR) ? 0 : (s->cp_rx_cur + 1) % CP_RING_MAX;
	s->isr |= ISR_ROK;
	rtl_update_irq(s);
}

/* ---- tally counters ---- */

uint32_t rtl_cp_dtccr(struct rtl8139 *s, uint32_t val)
{
	uint8_t t[64] = { 0 };

	if (!(val & 0x08))
		return val;
	for (int i = 0; i < 8; i++) {
		t[i] = s->tally_tx >> (8 * i);
		t[8 + i] = s->tally_rx >> (8 * i);
		t[32 + i] = s->tally_rx_phy >> (8 * i);
		t[40 + i] = s->tally_rx_brd >> (8 * i);
	}
	t[28] = s->tally_missed;
	t[29] = s->tally_missed >> 8;
	st32(t + 48, s->tally_rx_mul);
	rtl_dma(s, (val & ~0x3fu) | (uint64_t)s->tsd[1] << 32, t, sizeof(t), true);
	return val & ~0x08u; /* done */
}
