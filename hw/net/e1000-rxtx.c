// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000 data path (8254x SDM chapter 3): the transmit ring with legacy
 * descriptors (with the CSO/CSS checksum) and extended ones (context and
 * data descriptors: IP and TCP/UDP checksum insertion, TCP segmentation
 * for IPv4 and IPv6, VLAN tag insertion), and the receive ring with legacy
 * descriptors after the unicast (RAL/RAH), multicast (MTA), broadcast and
 * VLAN (VFTA) filters, VLAN stripping, and the RXT0/RXDMT0/RXO causes.
 * Every guest index, length and address is checked: a bad one costs the
 * frame and a rate-limited guest error.  Left out: the receive checksum
 * (descriptors say IXSM, "not checked", as QEMU's), the packet split and
 * extended receive descriptors of later chips, TX/RX delay timers, flow
 * control frames.
 */
#include <string.h>
#include "hw/net/e1000-int.h"
#include "net/net.h"
#include "core/log.h"

#define TXD_EOP   0x01000000
#define TXD_IC    0x04000000 /* legacy: insert checksum */
#define TXD_TSE   0x04000000 /* data/context: TCP segmentation */
#define TXD_RS    0x08000000
#define TXD_RPS   0x10000000
#define TXD_DEXT  0x20000000
#define TXD_VLE   0x40000000
#define TXC_TCP   0x01000000
#define TXC_IP    0x02000000
#define POPTS_IXSM 0x01
#define POPTS_TXSM 0x02
#define RXD_DD    0x01
#define RXD_EOP   0x02
#define RXD_IXSM  0x04
#define RXD_VP    0x08

static inline uint16_t ld16(const uint8_t *p) { return p[0] | p[1] << 8; }
static inline uint32_t ld32(const uint8_t *p) { return ld16(p) | (uint32_t)ld16(p + 2) << 16; }
static inline uint16_t ldbe16(const uint8_t *p) { return p[0] << 8 | p[1]; }
static inline uint32_t ldbe32(const uint8_t *p) { return (uint32_t)ldbe16(p) << 16 | ldbe16(p + 2); }
static inline void stbe16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static inline void stbe32(uint8_t *p, uint32_t v) { stbe16(p, v >> 16); stbe16(p + 2, v); }

static uint64_t e1k_ring_base(struct e1000 *s, unsigned bal)
{
	return (uint64_t)E1K_REG(s, bal + 4) << 32 | (E1K_REG(s, bal) & ~0xfu);
}

/* ---- transmit ---- */

/* Checksum buf[css..cse] (cse 0: to the end) into buf[cso]; false if out of the frame. */
static bool e1k_putsum(uint8_t *buf, size_t len, unsigned cso, unsigned css, unsigned cse)
{
	size_t end = cse && cse < len ? cse + 1u : len;
	uint16_t sum;

	if (css >= end || cso + 2 > len) {
		guest_error("e1000: checksum at %u over %u..%zu outside a %zu-byte frame",
			    cso, css, end, len);
		return false;
	}
	sum = net_csum_fold(net_csum_add(0, buf + css, end - css));
	stbe16(buf + cso, sum ? sum : 0xffff);
	return true;
}

static void e1k_tx_stats(struct e1000 *s, const uint8_t *buf, size_t len)
{
	e1k_stat_inc(s, E1K_GPTC);
	e1k_stat_inc(s, E1K_TPT);
	e1k_stat_add64(s, E1K_GOTCL, len + 4);
	e1k_stat_add64(s, E1K_TOTL, len + 4);
	e1k_size_stat(s, E1K_PTC64, len + 4);
	if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6))
		e1k_stat_inc(s, E1K_BPTC);
	else if (buf[0] & 1)
		e1k_stat_inc(s, E1K_MPTC);
}

static void e1k_send(struct e1000 *s, const uint8_t *buf, size_t len)
{
	uint8_t tag[4];
	struct iovec iov[3] = {
		{ (void *)buf, 12 }, { tag, 4 }, { (void *)(buf + 12), len - 12 },
	};

	e1k_tx_stats(s, buf, len);
	if (s->phy[PHY_BMCR] & BMCR_LOOPBACK) {
		e1k_receive(s, buf, len);
		return;
	}
	if (!s->nd || s->link_down || !(E1K_REG(s, E1K_STATUS) & STATUS_LU))
		return;
	if (s->tx_vlan && (E1K_REG(s, E1K_CTRL) & CTRL_VME)) {
		stbe16(tag, E1K_REG(s, E1K_VET));
		stbe16(tag + 2, s->tx_special);
		net_send(s->nd, iov, 3);
		return;
	}
	iov[0].iov_len = len;
	net_send(s->nd, iov, 1);
}

static bool e1k_tso_ok(struct e1000 *s, const struct e1k_tx_ctx *c)
{
	unsigned h = c->hdr_len;

	if (h < 14 || h > s->tx_len || c->mss == 0 || c->ipcss + 20u > h ||
	    c->tucss + (c->tcp ? 20u : 8u) > h || c->tucso + 2u > h || c->ipcso + 2u > h) {
		guest_error("e1000: TSO context (hdr_len %u, mss %u, ipcss %u, tucss %u) "
			    "does not fit a %u-byte packet", h, c->mss, c->ipcss, c->tucss,
			    s->tx_len);
		return false;
	}
	return true;
}

/* One TSO segment: header fixed up for payload at offset off, n bytes long. */
static void e1k_tso_seg(struct e1000 *s, const struct e1k_tx_ctx *c, unsigned k,
			size_t off, size_t n, bool last)
{
	uint8_t *p = s->seg;
	size_t len = c->hdr_len + n;
	uint32_t ph;

	memcpy(p, s->tx_buf, c->hdr_len);
	memcpy(p + c->hdr_len, s->tx_buf + c->hdr_len + off, n);
	if (c->ip) {
		stbe16(p + c->ipcss + 2, len - c->ipcss);
		stbe16(p + c->ipcss + 4, ldbe16(s->tx_buf + c->ipcss + 4) + k);
	} else {
		stbe16(p + c->ipcss + 4, len - c->ipcss - 40);
	}
	if (c->tcp) {
		stbe32(p + c->tucss + 4, ldbe32(s->tx_buf + c->tucss + 4) + off);
		if (!last)
			p[c->tucss + 13] &= ~0x09; /* FIN, PSH only on the last */
	} else {
		stbe16(p + c->tucss + 4, len - c->tucss);
	}
	if (s->tx_popts & POPTS_TXSM) {
		/* the driver left the pseudo-header sum without the length */
		ph = ldbe16(p + c->tucso) + (uint32_t)(len - c->tucss);
		ph = (ph >> 16) + (ph & 0xffff);
		stbe16(p + c->tucso, ph);
		e1k_putsum(p, len, c->tucso, c->tucss, 0);
	}
	if (s->tx_popts & POPTS_IXSM)
		e1k_putsum(p, len, c->ipcso, c->ipcss, c->ipcse);
	e1k_send(s, p, len);
}

static void e1k_tso(struct e1000 *s)
{
	const struct e1k_tx_ctx *c = &s->tso_ctx;
	size_t payload, off = 0;
	unsigned k = 0;

	if (!e1k_tso_ok(s, c))
		return;
	payload = s->tx_len - c->hdr_len;
	do {
		size_t n = MIN((size_t)c->mss, payload - off);

		e1k_tso_seg(s, c, k++, off, n, off + n >= payload);
		off += n;
	} while (off < payload);
	if (k > 1)
		e1k_stat_inc(s, E1K_TSCTC);
}

static void e1k_tx_packet(struct e1000 *s)
{
	const struct e1k_tx_ctx *c = &s->ctx;

	if (s->tx_len < 14) {
		guest_error("e1000: %u-byte frame dropped", s->tx_len);
		return;
	}
	if (s->tx_tse) {
		e1k_tso(s);
		return;
	}
	if (s->tx_popts & POPTS_TXSM)
		e1k_putsum(s->tx_buf, s->tx_len, c->tucso, c->tucss, c->tucse);
	if (s->tx_popts & POPTS_IXSM)
		e1k_putsum(s->tx_buf, s->tx_len, c->ipcso, c->ipcss, c->ipcse);
	e1k_send(s, s->tx_buf, s->tx_len);
}

static void e1k_read_ctx(struct e1k_tx_ctx *c, const uint8_t *d)
{
	uint32_t cmd = ld32(d + 8);

	c->ipcss = d[0];
	c->ipcso = d[1];
	c->ipcse = ld16(d + 2);
	c->tucss = d[4];
	c->tucso = d[5];
	c->tucse = ld16(d + 6);
	c->paylen = cmd & 0xfffff;
	c->hdr_len = d[13];
	c->mss = ld16(d + 14);
	c->ip = !!(cmd & TXC_IP);
	c->tcp = !!(cmd & TXC_TCP);
}

/* Gather one data or legacy descriptor's buffer; the frame goes out at EOP. */
static void e1k_tx_data(struct e1000 *s, const uint8_t *d, uint32_t len, uint32_t cmd)
{
	uint64_t addr = ld32(d) | (uint64_t)ld32(d + 4) << 32;

	if (!s->tx_drop) {
		if (len > sizeof(s->tx_buf) - s->tx_len) {
			guest_error("e1000: transmit packet over %zu bytes dropped",
				    sizeof(s->tx_buf));
			s->tx_drop = 1;
		} else if (len && !e1k_dma_read(s, addr, s->tx_buf + s->tx_len, len)) {
			s->tx_drop = 1;
		} else {
			s->tx_len += len;
		}
	}
	if (cmd & TXD_VLE) {
		s->tx_vlan = 1;
		s->tx_special = ld16(d + 14);
	}
	if (!(cmd & TXD_EOP))
		return;
	if (!s->tx_drop)
		e1k_tx_packet(s);
	s->tx_len = s->tx_drop = s->tx_popts = s->tx_tse = s->tx_vlan = s->tx_started = 0;
}

static void e1k_tx_desc(struct e1000 *s, const uint8_t *d)
{
	uint32_t lower = ld32(d + 8), upper = ld32(d + 12);
	unsigned dtyp = (lower >> 20) & 0xf;

	if (!(lower & TXD_DEXT)) { /* legacy */
		if (lower & TXD_IC) {
			s->ctx.tucso = d[10];
			s->ctx.tucss = d[13];
			s->ctx.tucse = 0;
			s->tx_popts |= POPTS_TXSM;
		}
		s->tx_started = 1;
		e1k_tx_data(s, d, lower & 0xffff, lower);
		return;
	}
	if (dtyp == 0) {
		e1k_read_ctx(lower & TXD_TSE ? &s->tso_ctx : &s->ctx, d);
		return;
	}
	if (dtyp != 1) {
		guest_error("e1000: transmit descriptor type %u", dtyp);
		s->tx_drop = 1;
		return;
	}
	if (!s->tx_started) {
		s->tx_popts = upper >> 8;
		s->tx_tse = !!(lower & TXD_TSE);
		s->tx_started = 1;
	}
	e1k_tx_data(s, d, lower & 0xfffff, lower);
}

void e1k_start_xmit(struct e1000 *s)
{
	uint32_t n = E1K_REG(s, E1K_TDLEN) / 16, cause = ICR_TXQE;
	uint64_t base = e1k_ring_base(s, E1K_TDBAL);
	uint8_t d[16];

	if (!(E1K_REG(s, E1K_TCTL) & TCTL_EN) || s->tx_busy ||
	    E1K_REG(s, E1K_TDH) == E1K_REG(s, E1K_TDT))
		return;
	if (E1K_REG(s, E1K_TDH) >= n || E1K_REG(s, E1K_TDT) >= n) {
		guest_error("e1000: TDH %u or TDT %u outside a %u-descriptor ring",
			    E1K_REG(s, E1K_TDH), E1K_REG(s, E1K_TDT), n);
		return;
	}
	s->tx_busy = 1;
	while (E1K_REG(s, E1K_TDH) != E1K_REG(s, E1K_TDT)) {
		uint64_t a = base + 16ull * E1K_REG(s, E1K_TDH);

		if (!e1k_dma_read(s, a, d, sizeof(d)))
			break;
		e1k_tx_desc(s, d);
		if (ld32(d + 8) & (TXD_RS | TXD_RPS)) {
			d[12] = (d[12] & ~0x0e) | 0x01; /* DD; no EC, LC, TU */
			e1k_dma_write(s, a + 12, d + 12, 1);
			cause |= ICR_TXDW;
		}
		E1K_REG(s, E1K_TDH) = (E1K_REG(s, E1K_TDH) + 1) % n;
	}
	s->tx_busy = 0;
	e1k_set_ics(s, cause);
}

/* ---- receive ---- */

static uint32_t e1k_rx_bufsize(uint32_t rctl)
{
	static const uint32_t sz[4] = { 2048, 1024, 512, 256 };
	unsigned i = (rctl >> 16) & 3;

	if ((rctl & RCTL_BSEX) && i)
		return sz[i] * 16;
	return sz[i];
}

static uint32_t e1k_rx_ring(struct e1000 *s)
{
	uint32_t n = E1K_REG(s, E1K_RDLEN) / 16;

	if (n == 0 || E1K_REG(s, E1K_RDH) >= n || E1K_REG(s, E1K_RDT) >= n)
		return 0;
	return n;
}

/* Free receive descriptors between RDH and RDT. */
static uint32_t e1k_rx_free(struct e1000 *s, uint32_t n)
{
	return (E1K_REG(s, E1K_RDT) + n - E1K_REG(s, E1K_RDH)) % n;
}

bool e1k_can_receive(void *opaque)
{
	struct e1000 *s = opaque;
	uint32_t n = e1k_rx_ring(s);

	return (E1K_REG(s, E1K_STATUS) & STATUS_LU) && (E1K_REG(s, E1K_RCTL) & RCTL_EN) &&
	       (s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER) && n &&
	       e1k_rx_free(s, n) > 0;
}

void e1k_rx_kick(struct e1000 *s)
{
	if (s->nd && e1k_can_receive(s))
		net_frontend_ready(s->nd);
}

static bool e1k_rx_filter(struct e1000 *s, const uint8_t *buf)
{
	static const unsigned mo_shift[4] = { 4, 3, 2, 0 };
	uint32_t rctl = E1K_REG(s, E1K_RCTL), h;

	if (ldbe16(buf + 12) == (E1K_REG(s, E1K_VET) & 0xffff) && (rctl & RCTL_VFE)) {
		unsigned vid = ldbe16(buf + 14) & 0xfff;

		if (!(E1K_REG(s, E1K_VFTA + 4 * (vid >> 5)) & (1u << (vid & 31))))
			return false;
	}
	if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6)) {
		if (rctl & RCTL_BAM)
			return true;
	} else if (buf[0] & 1) {
		if (rctl & RCTL_MPE)
			return true;
	} else if (rctl & RCTL_UPE) {
		return true;
	}
	for (unsigned i = 0; i < 16; i++) {
		uint32_t lo = E1K_REG(s, E1K_RA + 8 * i), hi = E1K_REG(s, E1K_RA + 8 * i + 4);

		if ((hi & RAH_AV) && ld32(buf) == lo && ld16(buf + 4) == (hi & 0xffff))
			return true;
	}
	h = ((buf[4] | buf[5] << 8) >> mo_shift[(rctl >> 12) & 3]) & 0xfff;
	return (E1K_REG(s, E1K_MTA + 4 * (h >> 5)) >> (h & 31)) & 1;
}

static void e1k_rx_stats(struct e1000 *s, const uint8_t *buf, size_t len)
{
	e1k_stat_inc(s, E1K_GPRC);
	e1k_stat_inc(s, E1K_TPR);
	e1k_stat_add64(s, E1K_GORCL, len + 4);
	e1k_stat_add64(s, E1K_TORL, len + 4);
	e1k_size_stat(s, E1K_PRC64, len + 4);
	if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6))
		e1k_stat_inc(s, E1K_BPRC);
	else if (buf[0] & 1)
		e1k_stat_inc(s, E1K_MPRC);
}

static void e1k_rx_overrun(struct e1000 *s)
{
	e1k_stat_inc(s, E1K_RNBC);
	e1k_stat_inc(s, E1K_MPC);
	e1k_set_ics(s, ICR_RXO);
}

/* Write len bytes of the frame (total bytes incl. FCS) over descriptors from RDH. */
static bool e1k_rx_store(struct e1000 *s, uint32_t n, const uint8_t *buf, size_t len,
			 size_t total, uint16_t special, uint8_t vp)
{
	uint32_t bufsize = e1k_rx_bufsize(E1K_REG(s, E1K_RCTL)), budget = e1k_rx_free(s, n);
	uint64_t base = e1k_ring_base(s, E1K_RDBAL);
	size_t off = 0;
	uint8_t d[16];

	if ((total + bufsize - 1) / bufsize > budget)
		return false;
	while (off < total && budget--) {
		uint64_t a = base + 16ull * E1K_REG(s, E1K_RDH);
		uint64_t ba;
		size_t chunk = MIN((size_t)bufsize, total - off);

		if (!e1k_dma_read(s, a, d, sizeof(d)))
			return true; /* ring outside RAM: the frame is lost */
		ba = ld32(d) | (uint64_t)ld32(d + 4) << 32;
		if (ba) {
			if (off < len)
				e1k_dma_write(s, ba, buf + off, MIN(chunk, len - off));
			off += chunk;
		} else {
			chunk = 0; /* a null buffer is skipped (SDM 3.2.3) */
		}
		d[8] = chunk;
		d[9] = chunk >> 8;
		d[10] = d[11] = 0;
		d[12] = RXD_DD | vp | (off >= total && ba ? RXD_EOP | RXD_IXSM : 0);
		d[13] = 0;
		d[14] = special;
		d[15] = special >> 8;
		e1k_dma_write(s, a + 8, d + 8, 8);
		E1K_REG(s, E1K_RDH) = (E1K_REG(s, E1K_RDH) + 1) % n;
	}
	return off >= total;
}

bool e1k_receive(void *opaque, const uint8_t *frame, size_t len)
{
	struct e1000 *s = opaque;
	uint32_t n = e1k_rx_ring(s), rctl = E1K_REG(s, E1K_RCTL), cause = ICR_RXT0;
	uint8_t *buf = s->rx_buf, vp = 0;
	uint16_t special = 0;

	if (!(E1K_REG(s, E1K_STATUS) & STATUS_LU) || !(rctl & RCTL_EN))
		return true; /* dropped, as on the wire */
	if (!n || !(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER) || !e1k_rx_free(s, n))
		return false;
	if (len > E1K_RX_MAX - 4 || (len > 1518 && !(rctl & (RCTL_LPE | RCTL_SBP)))) {
		e1k_stat_inc(s, E1K_ROC);
		return true;
	}
	memcpy(buf, frame, len);
	if (len < 60) {
		memset(buf + len, 0, 60 - len);
		len = 60;
	}
	if (!e1k_rx_filter(s, buf))
		return true;
	e1k_rx_stats(s, buf, len);
	if ((E1K_REG(s, E1K_CTRL) & CTRL_VME) && ldbe16(buf + 12) == (E1K_REG(s, E1K_VET) & 0xffff)) {
		special = ldbe16(buf + 14);
		memmove(buf + 4, buf, 12);
		buf += 4;
		len -= 4;
		vp = RXD_VP;
	}
	if (!e1k_rx_store(s, n, buf, len, len + (rctl & RCTL_SECRC ? 0 : 4), special, vp)) {
		e1k_rx_overrun(s);
		return true;
	}
	if (e1k_rx_free(s, n) * 16 <= E1K_REG(s, E1K_RDLEN) >> (((rctl >> 8) & 3) + 1))
		cause |= ICR_RXDMT0;
	e1k_set_ics(s, cause);
	return true;
}
