// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Realtek RTL8139C+ 10/100 NIC ("rtl8139", PCI 10ec:8139 revision 0x20,
 * subsystem 1af4:1100, as QEMU's) in its C mode, after the RTL8139C(L)
 * datasheet: the register file in a 256-port I/O BAR and the same in a
 * 256-byte memory BAR; the 93C46 EEPROM (ids, MAC in words 7-9) bit-banged
 * through 9346CR; the four transmit slots (TSAD/TSD, TOK and TSAD summary);
 * the receive ring buffer (RBSTART, 8-64 KiB, CAPR/CBR, WRAP, the 4-byte
 * packet header and the frame's CRC-32) after the physical, multicast
 * (MAR hash) and broadcast filters; ISR/IMR on INTx; the MII registers
 * (BMCR/BMSR/ANAR/ANLPAR) and MSR with link changes from set_link; the
 * config registers behind the 9346CR write enable; TCTR; TCR loopback;
 * the option ROM (efi-rtl8139.rom by default, romfile=).  The C+
 * descriptor mode that Linux's 8139cp uses for revision 0x20 lives in
 * rtl8139-cplus.c.  Left out: the TimerInt interrupt, power management,
 * EEPROM writes, the high-priority transmit queue.
 */
#include <errno.h>
#include <string.h>
#include <zlib.h>
#include "hw/net/rtl8139-int.h"
#include "net/net.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"
#include "core/timer.h"

/* ---- EEPROM (93C46, 64 x 16 bits) ---- */

static void rtl_ee_clock(struct rtl_eeprom *e)
{
	switch (e->mode) {
	case 1:
		if (e->di) {
			e->mode = 2;
			e->tick = 0;
			e->shift = 0;
		}
		break;
	case 2:
		e->shift = e->shift << 1 | e->di;
		if (++e->tick < 8)
			break;
		e->tick = 0;
		if ((e->shift & 0xc0) == 0x80) { /* READ: 10 AAAAAA */
			e->shift = e->words[e->shift & 63];
			e->dout = 0;
			e->mode = 3;
		} else {
			e->mode = 0;     /* writes and the rest: ignored */
		}
		break;
	case 3:
		e->dout = !!(e->shift & 0x8000);
		e->shift <<= 1;
		if (++e->tick == 16) {   /* BSD drivers do not drop CS between reads */
			e->mode = 1;
			e->tick = 0;
		}
		break;
	}
}

static void rtl_ee_wires(struct rtl_eeprom *e, uint8_t val)
{
	uint8_t cs = !!(val & 0x08), sk = !!(val & 0x04), old_sk = e->sk;

	if (cs && !e->cs) {
		e->mode = 1;
		e->tick = 0;
		e->shift = 0;
		e->dout = 0;
	}
	e->cs = cs;
	e->sk = sk;
	e->di = !!(val & 0x02);
	if (cs && sk && !old_sk)
		rtl_ee_clock(e);
}

/* ---- interrupts, link ---- */

void rtl_update_irq(struct rtl8139 *s)
{
	pci_set_irq(&s->pci, (s->isr & s->imr) != 0);
}

static void rtl_set_link(void *opaque, bool up)
{
	struct rtl8139 *s = opaque;

	s->link_down = !up;
	if (up)
		s->bmsr |= BMSR_LINK;
	else
		s->bmsr &= ~BMSR_LINK;
	s->isr |= ISR_LINK;
	rtl_update_irq(s);
	if (up && s->nd)
		net_frontend_ready(s->nd);
}

static void rtl_reset_rx(struct rtl8139 *s)
{
	s->rx_size = 8192u << ((s->rcr >> 11) & 3);
	s->rx_read = s->rx_write = 0;
}

static void rtl_reset_regs(struct rtl8139 *s)
{
	memcpy(s->idr, s->macaddr, 6);
	s->isr = s->imr = 0;
	rtl_update_irq(s);
	for (int i = 0; i < 4; i++)
		s->tsd[i] = TSD_OWN;
	s->tx_next = 0;
	s->rbstart = 0;
	s->rcr = 0;
	rtl_reset_rx(s);
	s->tcr = TCR_HWVER;
	s->clock_on = 1;
	s->cr = CR_RST; /* cleared by the next write to CR */
	s->config0 = 0;
	s->config1 = 0x0c;
	s->config3 = 0x01;
	s->config5 = 0;
	s->cscr = 0x0340; /* F_LINK_100, HEART_BEAT, LD */
	s->cpcmd = 0;
	s->bmcr = 0x1000;
	s->bmsr = 0x7809 | 0x0020 | (s->link_down ? 0 : BMSR_LINK);
	s->anar = s->anlpar = 0x05e1;
	s->aner = 0x0001;
	s->tctr_base = vclock_ns(&s->pci.dev.m->clock);
	rtl_cp_reset(s);
}

/* ---- transmit ---- */

bool rtl_dma(struct rtl8139 *s, uint64_t addr, void *buf, size_t len, bool write)
{
	struct machine *m = s->pci.dev.m;

	if (!(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
		guest_error("rtl8139: DMA with bus mastering disabled");
		return false;
	}
	while (len) {
		size_t chunk = MIN(len, 4096 - (addr & 4095));
		uint8_t *p = as_ram_ptr(&m->mem, addr, chunk);

		if (!p) {
			guest_error("rtl8139: DMA at 0x%llx outside RAM", (unsigned long long)addr);
			return false;
		}
		if (write)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		buf = (uint8_t *)buf + chunk;
		addr += chunk;
		len -= chunk;
	}
	return true;
}

static bool rtl_receive(void *opaque, const uint8_t *frame, size_t len);

void rtl_send(struct rtl8139 *s, const uint8_t *buf, size_t len)
{
	struct iovec v = { (void *)buf, len };

	s->tally_tx++;
	if ((s->tcr & TCR_LOOPBACK) == TCR_LOOPBACK)
		rtl_receive(s, buf, len);
	else if (s->nd && !s->link_down)
		net_send(s->nd, &v, 1);
}

/* Send slot n if the driver handed it over (OWN clear); true when sent. */
static bool rtl_tx_one(struct rtl8139 *s, unsigned n)
{
	uint32_t size = s->tsd[n] & TSD_SIZE;

	if (!(s->cr & CR_TE) || (s->tsd[n] & TSD_OWN))
		return false;
	s->tsd[n] |= TSD_OWN;
	if (size && rtl_dma(s, s->tsad[n], s->buf, size, false))
		rtl_send(s, s->buf, size);
	s->tsd[n] |= TSD_TOK;
	s->isr |= ISR_TOK;
	return true;
}

static void rtl_transmit(void *opaque)
{
	struct rtl8139 *s = opaque;

	for (int i = 0; i < 4 && rtl_tx_one(s, s->tx_next); i++)
		s->tx_next = (s->tx_next + 1) & 3;
	rtl_update_irq(s);
}

static uint16_t rtl_tsad_summary(struct rtl8139 *s)
{
	uint16_t v = 0;

	for (int i = 0; i < 4; i++) {
		v |= (s->tsd[i] & TSD_TOK) ? 0x1000 << i : 0;
		v |= (s->tsd[i] & 0x4000) ? 0x100 << i : 0;   /* TUN */
		v |= (s->tsd[i] & 0x40000000) ? 0x10 << i : 0; /* TABT */
		v |= (s->tsd[i] & TSD_OWN) ? 1 << i : 0;
	}
	return v;
}

/* ---- receive ---- */

static uint32_t rtl_rx_free(struct rtl8139 *s)
{
	uint32_t used = (s->rx_write - s->rx_read) & (s->rx_size - 1);

	return s->rx_size - used;
}

static bool rtl_can_receive(void *opaque)
{
	struct rtl8139 *s = opaque;

	if (!s->clock_on || !(s->cr & CR_RE) || (s->cpcmd & CPCMD_RXEN))
		return true; /* frames are dropped, or go to the C+ ring, or are missed */
	return rtl_rx_free(s) >= 1536 + 16;
}

/*
 * Copy len bytes into the ring at CBR.  With RCR.WRAP (and a ring under
 * 64 KiB) a packet runs on past the end into the driver's spare 1.5 KiB;
 * otherwise it wraps to the start.
 */
static void rtl_rx_put(struct rtl8139 *s, const uint8_t *p, uint32_t len)
{
	uint32_t w = s->rx_write, first;

	if (w + len <= s->rx_size || ((s->rcr & RCR_WRAP) && s->rx_size < 65536)) {
		rtl_dma(s, s->rbstart + (uint64_t)w, (void *)p, len, true);
		s->rx_write = w + len;
		return;
	}
	first = s->rx_size - w;
	rtl_dma(s, s->rbstart + (uint64_t)w, (void *)p, first, true);
	rtl_dma(s, s->rbstart, (void *)(p + first), len - first, true);
	s->rx_write = len - first;
}

/* Ethernet CRC-32 taken most significant bit first (the multicast hash). */
static uint32_t rtl_ether_crc(const uint8_t *p, int len)
{
	uint32_t crc = 0xffffffff;

	for (int i = 0; i < len; i++) {
		uint8_t b = p[i];

		for (int bit = 0; bit < 8; bit++, b >>= 1)
			crc = (crc << 1) ^ (((crc >> 31) ^ (b & 1)) ? 0x04c11db7u : 0);
	}
	return crc;
}

/* Which of the address filters takes the frame: its status bits, or 0. */
static uint16_t rtl_rx_filter(struct rtl8139 *s, const uint8_t *buf)
{
	if (s->rcr & RCR_AAP)
		return RX_PAM;
	if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6))
		return (s->rcr & RCR_AB) ? RX_BAR : 0;
	if (buf[0] & 1) {
		uint32_t h = rtl_ether_crc(buf, 6) >> 26;

		if (!(s->rcr & RCR_AM) || !(s->mar[h >> 3] & (1 << (h & 7))))
			return 0;
		return RX_MAR;
	}
	if (!memcmp(buf, s->idr, 6))
		return (s->rcr & RCR_APM) ? RX_PAM : 0;
	return 0;
}

static bool rtl_receive(void *opaque, const uint8_t *frame, size_t len)
{
	struct rtl8139 *s = opaque;
	uint8_t pad[60];
	uint8_t hdr[4], crc[4];
	uint16_t status;
	uint32_t sum;

	if (!s->clock_on || !(s->cr & CR_RE))
		return true;
	if (len < 60) {
		memcpy(pad, frame, len);
		memset(pad + len, 0, 60 - len);
		frame = pad;
		len = 60;
	}
	if (len > 4096 || !(status = rtl_rx_filter(s, frame)))
		return true;
	if (!(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER))
		return false;
	if (s->cpcmd & CPCMD_RXEN) {
		rtl_cp_receive(s, frame, len, status);
		return true;
	}
	if (rtl_rx_free(s) < len + 8 + 16) {
		s->isr |= ISR_RXOVW;
		s->mpc = (s->mpc + 1) & 0xffffff;
		rtl_update_irq(s);
		return true;
	}
	s->tally_rx++;
	status |= RX_ROK;
	hdr[0] = status;
	hdr[1] = status >> 8;
	hdr[2] = (len + 4) & 0xff;
	hdr[3] = (len + 4) >> 8;
	sum = crc32(0, frame, len);
	for (int i = 0; i < 4; i++)
		crc[i] = sum >> (8 * i);
	rtl_rx_put(s, hdr, 4);
	rtl_rx_put(s, frame, len);
	rtl_rx_put(s, crc, 4);
	s->rx_write = ((s->rx_write + 3) & ~3u) % s->rx_size;
	s->isr |= ISR_ROK;
	rtl_update_irq(s);
	return true;
}

/* ---- registers ---- */

static bool rtl_config_writable(struct rtl8139 *s)
{
	return (s->cfg9346 & 0xc0) == 0xc0;
}

static void rtl_cr_write(struct rtl8139 *s, uint8_t val)
{
	if (val & CR_RST) {
		rtl_reset_regs(s);
		val &= ~CR_RST;
	}
	s->cr = val & (CR_RE | CR_TE);
	if (val & CR_RE)
		s->cp_rx_cur = 0;
	if (val & CR_TE)
		s->cp_tx_cur = 0;
	if ((s->cr & CR_RE) && s->nd)
		net_frontend_ready(s->nd);
}

static void rtl_9346_write(struct rtl8139 *s, uint8_t val)
{
	if ((val & 0xc0) == 0x40) { /* auto-load: a reset */
		rtl_reset_regs(s);
		s->cfg9346 = 0;
		return;
	}
	s->cfg9346 = (val & 0xce) | (s->cfg9346 & 0x31);
	if ((val & 0xc0) == 0x80)
		rtl_ee_wires(&s->ee, val);
}

static uint8_t rtl_readb(struct rtl8139 *s, unsigned a)
{
	if (a < 6)
		return s->idr[a];
	if (a >= RTL_MAR && a < RTL_MAR + 8)
		return s->mar[a - RTL_MAR];
	switch (a) {
	case RTL_CR:
		return s->cr | (s->rx_read == s->rx_write ? CR_BUFE : 0);
	case RTL_9346CR:
		if ((s->cfg9346 & 0xc0) == 0x80)
			return (s->cfg9346 & ~1) | (s->ee.cs && s->ee.dout);
		return s->cfg9346;
	case RTL_CONFIG0: return s->config0;
	case RTL_CONFIG1: return s->config1;
	case RTL_CONFIG3: return s->config3;
	case RTL_CONFIG4: return s->config4;
	case RTL_CONFIG5: return s->config5;
	case RTL_MSR: return 0xd0 | (~s->bmsr & BMSR_LINK);
	case RTL_HLTCLK: return s->clock_on;
	case RTL_RERID: return RTL_REVID;
	case RTL_TCR + 3: return s->tcr >> 24;
	}
	return 0;
}

static uint32_t rtl_read(struct rtl8139 *s, unsigned a, unsigned size)
{
	if (size == 4 && a >= RTL_TSD && a < RTL_TSD + 16 && !(a & 3))
		return s->tsd[(a - RTL_TSD) / 4];
	if (size == 4 && a >= RTL_TSAD && a < RTL_TSAD + 16 && !(a & 3))
		return s->tsad[(a - RTL_TSAD) / 4];
	if (size == 4) {
		switch (a) {
		case RTL_RBSTART: return s->rbstart;
		case RTL_RDSAR: return s->rdsar[0];
		case RTL_RDSAR + 4: return s->rdsar[1];
		case RTL_TCR: return s->tcr;
		case RTL_RCR: return s->rcr;
		case RTL_MPC: return s->mpc;
		case RTL_TCTR:
			return (uint64_t)(vclock_ns(&s->pci.dev.m->clock) - s->tctr_base) * 33 / 1000;
		}
	}
	if (size == 2) {
		switch (a) {
		case RTL_CAPR: return (s->rx_read - 16) & 0xffff;
		case RTL_CBR: return s->rx_write;
		case RTL_IMR: return s->imr;
		case RTL_ISR: return s->isr;
		case RTL_MULINT: return s->mulint;
		case RTL_TSAD_ALL: return rtl_tsad_summary(s);
		case RTL_BMCR: return s->bmcr;
		case RTL_BMSR: return s->bmsr;
		case RTL_ANAR: return s->anar;
		case RTL_ANLPAR: return s->anlpar;
		case RTL_ANER: return s->aner;
		case RTL_CSCR: return s->cscr;
		case RTL_CPCMD: return s->cpcmd;
		}
	}
	if (size == 1)
		return rtl_readb(s, a);
	/* other widths: byte by byte, as the chip's byte lanes */
	{
		uint32_t v = 0;

		for (unsigned i = 0; i < size; i++)
			v |= (uint32_t)rtl_read(s, (a + i) & 0xff, 1) << (8 * i);
		return v;
	}
}

static void rtl_writeb(struct rtl8139 *s, unsigned a, uint8_t val)
{
	if (a < 6) {
		s->idr[a] = val;
		return;
	}
	if (a >= RTL_MAR && a < RTL_MAR + 8) {
		s->mar[a - RTL_MAR] = val;
		return;
	}
	switch (a) {
	case RTL_CR: rtl_cr_write(s, val); break;
	case RTL_9346CR: rtl_9346_write(s, val); break;
	case RTL_TCR:
		if (s->cr & CR_TE)
			s->tcr = (s->tcr & ~0xf0u) | (val & 0xf0);
		break;
	case RTL_CONFIG0:
		if (rtl_config_writable(s))
			s->config0 = (s->config0 & 0xf8) | (val & 0x07);
		break;
	case RTL_CONFIG1:
		if (rtl_config_writable(s))
			s->config1 = (s->config1 & 0x0c) | (val & ~0x0c);
		break;
	case RTL_CONFIG3:
		if (rtl_config_writable(s))
			s->config3 = (s->config3 & 0x8f) | (val & 0x70);
		break;
	case RTL_CONFIG4:
		if (rtl_config_writable(s))
			s->config4 = (s->config4 & 0x0a) | (val & ~0x0a);
		break;
	case RTL_CONFIG5: s->config5 = (s->config5 & 0x80) | (val & 0x7f); break;
	case RTL_TXPOLL:
		if (val & 0x40) /* normal priority queue */
			nic_bh_schedule(&s->cp_bh);
		break;
	case RTL_HLTCLK:
		if (val == 'R')
			s->clock_on = 1;
		else if (val == 'H')
			s->clock_on = 0;
		break;
	}
}

static void rtl_write16(struct rtl8139 *s, unsigned a, uint16_t val)
{
	switch (a) {
	case RTL_IMR: s->imr = val & ~0x1e00; rtl_update_irq(s); return;
	case RTL_ISR: s->isr &= ~(val & ~0x1e00); rtl_update_irq(s); return;
	case RTL_MULINT: s->mulint = val & 0x0fff; return;
	case RTL_CAPR:
		s->rx_read = (val + 16u) & (s->rx_size - 1);
		if (s->nd)
			net_frontend_ready(s->nd);
		return;
	case RTL_BMCR: return; /* speed, duplex and autoneg are fixed; reset self-clears */
	case RTL_BMSR: s->bmsr = (s->bmsr & 0xff3f) | (val & 0x00c0); return;
	case RTL_ANAR: s->anar = val; return;
	case RTL_CPCMD:
		s->cpcmd = val & 0x007b;
		s->cplus = 1;
		return;
	case RTL_INTRMIT: return;
	case RTL_CSCR: return;
	}
	rtl_writeb(s, a, val);
	rtl_writeb(s, (a + 1) & 0xff, val >> 8);
}

static void rtl_write32(struct rtl8139 *s, unsigned a, uint32_t val)
{
	if (a >= RTL_TSD && a < RTL_TSD + 16 && !(a & 3) && s->cplus) {
		s->tsd[(a - RTL_TSD) / 4] = a == RTL_TSD ? rtl_cp_dtccr(s, val) : val;
		return;
	}
	if (a >= RTL_TSD && a < RTL_TSD + 16 && !(a & 3)) {
		unsigned n = (a - RTL_TSD) / 4;

		s->tsd[n] = (val & ~0x00c00000u) | (s->tsd[n] & 0x00c00000u);
		nic_bh_schedule(&s->tx_bh); /* on the I/O thread: see hw/net/nic.h */
		return;
	}
	if (a >= RTL_TSAD && a < RTL_TSAD + 16 && !(a & 3)) {
		s->tsad[(a - RTL_TSAD) / 4] = val;
		return;
	}
	switch (a) {
	case RTL_RBSTART: s->rbstart = val; return;
	case RTL_RDSAR: s->rdsar[0] = val; return;
	case RTL_RDSAR + 4: s->rdsar[1] = val; return;
	case RTL_MPC: s->mpc = 0; return;
	case RTL_TCTR: s->tctr_base = vclock_ns(&s->pci.dev.m->clock); return;
	case RTL_TCR:
		if (s->cr & CR_TE)
			s->tcr = (val & 0x030f07f0) | (s->tcr & 0xfcf0f80f);
		return;
	case RTL_RCR:
		s->rcr = val & 0x0f03ffbf;
		rtl_reset_rx(s);
		return;
	}
	rtl_write16(s, a, val);
	rtl_write16(s, (a + 2) & 0xff, val >> 16);
}

static uint64_t rtl_io_read(void *opaque, uint64_t addr, unsigned size)
{
	return rtl_read(opaque, addr & 0xff, size);
}

static void rtl_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct rtl8139 *s = opaque;

	if (size == 4)
		rtl_write32(s, addr & 0xff, val);
	else if (size == 2)
		rtl_write16(s, addr & 0xff, val);
	else
		rtl_writeb(s, addr & 0xff, val);
}

static const struct mem_ops rtl_ops = {
	.read = rtl_io_read,
	.write = rtl_io_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- set-up ---- */

static void rtl_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
	struct rtl8139 *s = container_of(d, struct rtl8139, pci);

	pci_default_config_write(d, addr, val, size);
	if ((d->config[PCI_COMMAND] & PCI_COMMAND_MASTER) && s->nd)
		net_frontend_ready(s->nd);
}

static void rtl_release(struct rtl8139 *s)
{
	if (s->nd) {
		memset(&s->nd->fe, 0, sizeof(s->nd->fe));
		s->nd->claimed = false;
		s->nd = NULL;
	}
	nic_rom_free(&s->rom);
}

static int rtl_realize(struct device *dev, GError **err)
{
	struct rtl8139 *s = container_of(dev, struct rtl8139, pci.dev);
	struct machine *m = dev->m;
	struct net_frontend fe = { rtl_receive, rtl_can_receive, rtl_set_link, s };
	uint8_t *c = s->pci.config;
	int ret;

	if (dev->opts) {
		s->devfn = -1;
		s->netdev = opts_get(dev->opts, "netdev");
		s->mac_str = opts_get(dev->opts, "mac");
		s->romfile = opts_has(dev->opts, "romfile") ? opts_get(dev->opts, "romfile") : NULL;
		if ((ret = nic_parse_addr("rtl8139", opts_get(dev->opts, "addr"), &s->devfn, err)) < 0)
			return ret;
	}
	if (!m->pci) {
		error_setg(err, "rtl8139: no PCI bus");
		return -ENODEV;
	}
	if ((ret = nic_parse_mac(m, dev->cls, s->mac_str, s->macaddr, err)) < 0)
		return ret;
	s->ee.words[0] = 0x8129;
	s->ee.words[1] = 0x10ec;
	s->ee.words[2] = 0x8139;
	for (int i = 0; i < 3; i++)
		s->ee.words[7 + i] = s->macaddr[2 * i] | s->macaddr[2 * i + 1] << 8;
	if (s->netdev && !(s->nd = net_claim(m, dev->cls->name, s->netdev, &fe, err)))
		return -ENOENT;
	pci_config_set_ids(&s->pci, 0x10ec, 0x8139, RTL_REVID, 0x020000);
	c[PCI_SUBSYSTEM_VENDOR_ID] = 0xf4;
	c[PCI_SUBSYSTEM_VENDOR_ID + 1] = 0x1a;
	c[PCI_SUBSYSTEM_ID + 1] = 0x11;
	c[PCI_INTERRUPT_PIN] = 1;
	c[PCI_CAPABILITY_LIST] = 0xdc; /* as QEMU: a pointer, no list bit */
	s->pci.config_write = rtl_config_write;
	nic_bh_init(&s->tx_bh, m, rtl_transmit, s);
	nic_bh_init(&s->cp_bh, m, rtl_cp_transmit, s);
	mr_init_io(&s->io, "rtl8139.io", 0x100, &rtl_ops, s);
	pci_register_bar(&s->pci, 0, PCI_BAR_IO, false, &s->io);
	mr_init_io(&s->mmio, "rtl8139.mmio", 0x100, &rtl_ops, s);
	pci_register_bar(&s->pci, 1, PCI_BAR_MEM32, false, &s->mmio);
	if ((ret = nic_rom_load(&s->rom, &s->pci, s->romfile, "efi-rtl8139.rom", err)) < 0 ||
	    (ret = pci_device_attach(m->pci, &s->pci, s->devfn, err)) < 0) {
		rtl_release(s);
		return ret;
	}
	rtl_reset_regs(s);
	return 0;
}

static void rtl_dev_reset(struct device *dev)
{
	struct rtl8139 *s = container_of(dev, struct rtl8139, pci.dev);

	pci_device_reset(&s->pci);
	rtl_reset_regs(s);
}

static void rtl_unrealize(struct device *dev)
{
	struct rtl8139 *s = container_of(dev, struct rtl8139, pci.dev);

	nic_bh_cancel(&s->tx_bh);
	nic_bh_cancel(&s->cp_bh);
	as_del(&s->io);
	as_del(&s->mmio);
	rtl_release(s);
}

static int rtl_post_load(void *opaque)
{
	struct rtl8139 *s = opaque;

	s->rx_size = 8192u << ((s->rcr >> 11) & 3);
	s->rx_read &= s->rx_size - 1;
	s->rx_write &= s->rx_size - 1;
	s->tx_next &= 3;
	s->cp_txlen = 0;
	s->ee.mode = MIN(s->ee.mode, 3);
	pci_device_post_load(&s->pci);
	rtl_update_irq(s);
	return 0;
}

static const struct vmstate_field rtl_fields[] = {
	VMSTATE_U8_ARRAY(struct rtl8139, pci.config),
	VMSTATE_U8_ARRAY(struct rtl8139, idr), VMSTATE_U8_ARRAY(struct rtl8139, mar),
	VMSTATE_U32_ARRAY(struct rtl8139, tsd), VMSTATE_U32_ARRAY(struct rtl8139, tsad),
	VMSTATE_U32(struct rtl8139, rbstart), VMSTATE_U32(struct rtl8139, tcr),
	VMSTATE_U32(struct rtl8139, rcr), VMSTATE_U32(struct rtl8139, mpc),
	VMSTATE_U32(struct rtl8139, rx_read), VMSTATE_U32(struct rtl8139, rx_write),
	VMSTATE_U16(struct rtl8139, imr), VMSTATE_U16(struct rtl8139, isr),
	VMSTATE_U16(struct rtl8139, mulint), VMSTATE_U16(struct rtl8139, bmcr),
	VMSTATE_U16(struct rtl8139, bmsr), VMSTATE_U16(struct rtl8139, anar),
	VMSTATE_U16(struct rtl8139, cpcmd), VMSTATE_U8(struct rtl8139, cr),
	VMSTATE_U8(struct rtl8139, cfg9346), VMSTATE_U8(struct rtl8139, config0),
	VMSTATE_U8(struct rtl8139, config1), VMSTATE_U8(struct rtl8139, config3),
	VMSTATE_U8(struct rtl8139, config4), VMSTATE_U8(struct rtl8139, config5),
	VMSTATE_U8(struct rtl8139, clock_on), VMSTATE_U8(struct rtl8139, tx_next),
	VMSTATE_U8(struct rtl8139, link_down), VMSTATE_U8(struct rtl8139, ee.cs),
	VMSTATE_U8(struct rtl8139, ee.sk), VMSTATE_U8(struct rtl8139, ee.dout),
	VMSTATE_U8(struct rtl8139, ee.mode), VMSTATE_U8(struct rtl8139, ee.tick),
	VMSTATE_U16(struct rtl8139, ee.shift),
	VMSTATE_U8(struct rtl8139, cplus), VMSTATE_U32_ARRAY(struct rtl8139, rdsar),
	VMSTATE_U32(struct rtl8139, cp_tx_cur), VMSTATE_U32(struct rtl8139, cp_rx_cur),
	VMSTATE_END,
};

static const struct vmstate_desc rtl_vmstate = {
	.name = "rtl8139",
	.version = 1,
	.fields = rtl_fields,
	.post_load = rtl_post_load,
};

const struct device_class rtl8139_class = {
	.name = "rtl8139",
	.bus = "PCI",
	.desc = "Realtek RTL8139 Fast Ethernet (C mode); netdev=, mac=, romfile=, addr=",
	.instance_size = sizeof(struct rtl8139),
	.user_creatable = true,
	.realize = rtl_realize,
	.reset = rtl_dev_reset,
	.unrealize = rtl_unrealize,
	.vmsd = &rtl_vmstate,
};

static void rtl_setup(struct device *dev, const void *cfg)
{
	const struct nic_info *nic = cfg;
	struct rtl8139 *s = container_of(dev, struct rtl8139, pci.dev);

	s->netdev = nic->netdev;
	s->mac_str = nic->mac;
	s->devfn = -1;
}

int rtl8139_nic_create(struct machine *m, const struct nic_info *nic, GError **err)
{
	return device_create(m, &rtl8139_class, NULL, rtl_setup, nic, err) ? 0 : -1;
}
