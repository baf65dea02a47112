// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Intel 82540EM gigabit Ethernet controller ("e1000", PCI 8086:100e,
 * subsystem 1af4:1100 and revision 3 as QEMU's), after Intel's 8254x
 * Software Developer's Manual: the register file in a 128 KiB memory BAR
 * and the IOADDR/IODATA window in a 64-byte I/O BAR; the 64-word EEPROM
 * (MAC address, device ids, checksum 0xBABA) through EERD and through the
 * bit-banged Microwire interface in EECD; the Marvell PHY behind MDIC with
 * link and auto-negotiation (completed 500 ms after a restart, as QEMU);
 * ICR/ICS/IMS/IMC on INTx with ITR throttling of rising edges; link changes
 * from set_link; statistics that clear on read; the PCI expansion ROM
 * (QEMU's default efi-e1000.rom, romfile=, or none with romfile=).
 * The descriptor rings live in e1000-rxtx.c.  Left out: RADV/TADV/RDTR
 * delay timers, flow control, wake-up and manageability filters, flash,
 * MSI (the 82540EM has none), the 82544/82545 variants.
 */
#include <errno.h>
#include <string.h>
#include "hw/net/e1000-int.h"
#include "hw/net/nic.h"
#include "net/net.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

#define E1K_AUTONEG_NS 500000000LL

static const uint16_t e1k_phy_init[PHY_NREGS] = {
	[PHY_BMCR] = 0x1140,      /* 1000 Mb/s, full duplex, autoneg enabled */
	[PHY_BMSR] = 0x794d,      /* link up; autoneg able, not yet complete */
	[PHY_ID1] = 0x0141,
	[PHY_ID2] = 0x0c20,
	[PHY_ANAR] = 0x0de1,
	[PHY_ANLPAR] = 0x01e0,
	[PHY_GCTRL] = 0x0e00,
	[PHY_GSTATUS] = 0x3c00,
	[PHY_SPEC_CTRL] = 0x0360,
	[PHY_SPEC_STAT] = 0xac00,
	[PHY_EXT_CTRL] = 0x0d60,
};

/* PHY registers a driver may read (1) or read and write (3) */
static const uint8_t e1k_phy_access[PHY_NREGS] = {
	[PHY_BMCR] = 3, [PHY_BMSR] = 1, [PHY_ID1] = 1, [PHY_ID2] = 1,
	[PHY_ANAR] = 3, [PHY_ANLPAR] = 1, [PHY_ANER] = 1, [PHY_GCTRL] = 3,
	[PHY_GSTATUS] = 1, [PHY_SPEC_CTRL] = 3, [PHY_SPEC_STAT] = 1,
	[PHY_EXT_CTRL] = 3, [PHY_RX_ERR] = 1,
};

/* EEPROM image after the 8254x SDM tables 5-2/5-3, as QEMU fills it */
static const uint16_t e1k_eeprom_init[E1K_EEPROM_WORDS] = {
	0x0000, 0x0000, 0x0000, 0x0000, 0xffff, 0x0000, 0x0000, 0x0000,
	0x3000, 0x1000, 0x6403, 0x100e, 0x8086, 0x100e, 0x8086, 0x3040,
	0x0008, 0x2000, 0x7e14, 0x0048, 0x1000, 0x00d8, 0x0000, 0x2700,
	0x6cc9, 0x3150, 0x0722, 0x040b, 0x0984, 0x0000, 0xc000, 0x0706,
	0x1008, 0x0000, 0x0f04, 0x7fff, 0x4d01, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0x0100, 0x4000, 0x121c, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x0000,
};

/* ---- guest memory ---- */

static bool e1k_dma(struct e1000 *s, uint64_t addr, void *buf, size_t len, bool write)
{
	struct machine *m = s->pci.dev.m;

	if (!(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
		guest_error("e1000: DMA with bus mastering disabled");
		return false;
	}
	while (len) {
		size_t chunk = MIN(len, 4096 - (addr & 4095));
		uint8_t *p;

		if (addr + chunk < addr || !(p = as_ram_ptr(&m->mem, addr, chunk))) {
			guest_error("e1000: DMA to 0x%llx outside RAM", (unsigned long long)addr);
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

bool e1k_dma_read(struct e1000 *s, uint64_t addr, void *buf, size_t len)
{
	return e1k_dma(s, addr, buf, len, false);
}

bool e1k_dma_write(struct e1000 *s, uint64_t addr, const void *buf, size_t len)
{
	return e1k_dma(s, addr, (void *)buf, len, true);
}

/* ---- statistics ---- */

void e1k_stat_inc(struct e1000 *s, unsigned off)
{
	if (E1K_REG(s, off) != UINT32_MAX)
		E1K_REG(s, off)++;
}

void e1k_stat_add64(struct e1000 *s, unsigned lo, uint64_t n)
{
	uint64_t v = E1K_REG(s, lo) | (uint64_t)E1K_REG(s, lo + 4) << 32;

	v = v + n < v ? UINT64_MAX : v + n;
	E1K_REG(s, lo) = v;
	E1K_REG(s, lo + 4) = v >> 32;
}

/* The 64..1522-byte size bins starting at base (PRC64 or PTC64). */
void e1k_size_stat(struct e1000 *s, unsigned base, size_t len)
{
	static const size_t top[] = { 64, 127, 255, 511, 1023 };
	unsigned i = 0;

	if (len < 64)
		return;
	while (i < G_N_ELEMENTS(top) && len > top[i])
		i++;
	e1k_stat_inc(s, base + 4 * i);
}

static bool e1k_is_stat_low(unsigned off)
{
	return off == E1K_GORCL || off == E1K_GOTCL || off == E1K_TORL || off == E1K_TOTL;
}

/* Statistics clear on read; a 64-bit pair clears when its high half is read. */
static uint32_t e1k_stat_read(struct e1000 *s, unsigned off)
{
	uint32_t v = E1K_REG(s, off);

	if (e1k_is_stat_low(off))
		return v;
	E1K_REG(s, off) = 0;
	if (e1k_is_stat_low(off - 4))
		E1K_REG(s, off - 4) = 0;
	return v;
}

/* ---- interrupts ---- */

static void e1k_update_irq(struct e1000 *s)
{
	bool level = (E1K_REG(s, E1K_ICR) & E1K_REG(s, E1K_IMS)) != 0;
	uint32_t itr = E1K_REG(s, E1K_ITR) & 0xffff;

	if (level && !s->irq_level) {
		if (timer_pending(&s->itr_timer))
			return; /* throttled: raised when the interval ends */
		if (itr)
			timer_mod(&s->itr_timer, vclock_ns(&s->pci.dev.m->clock) + itr * 256LL);
	}
	s->irq_level = level;
	pci_set_irq(&s->pci, level);
}

static void e1k_itr_expired(void *opaque)
{
	e1k_update_irq(opaque);
}

void e1k_set_ics(struct e1000 *s, uint32_t bits)
{
	E1K_REG(s, E1K_ICR) |= bits;
	e1k_update_irq(s);
}

/* ---- link and PHY ---- */

static void e1k_link_down_regs(struct e1000 *s)
{
	E1K_REG(s, E1K_STATUS) &= ~STATUS_LU;
	s->phy[PHY_BMSR] &= ~(BMSR_LINK | BMSR_AN_COMP);
	s->phy[PHY_ANLPAR] &= ~ANLPAR_ACK;
}

static void e1k_link_up_regs(struct e1000 *s)
{
	E1K_REG(s, E1K_STATUS) |= STATUS_LU;
	s->phy[PHY_BMSR] |= BMSR_LINK;
	if (s->nd)
		net_frontend_ready(s->nd);
}

static void e1k_autoneg_done(void *opaque)
{
	struct e1000 *s = opaque;

	if (s->link_down)
		return;
	s->phy[PHY_BMSR] |= BMSR_AN_COMP;
	s->phy[PHY_ANLPAR] |= ANLPAR_ACK;
	e1k_link_up_regs(s);
	e1k_set_ics(s, ICR_LSC);
}

static void e1k_autoneg_restart(struct e1000 *s)
{
	e1k_link_down_regs(s);
	timer_mod(&s->autoneg_timer, vclock_ns(&s->pci.dev.m->clock) + E1K_AUTONEG_NS);
}

static void e1k_set_link(void *opaque, bool up)
{
	struct e1000 *s = opaque;
	uint32_t old = E1K_REG(s, E1K_STATUS);

	s->link_down = !up;
	if (!up) {
		timer_del(&s->autoneg_timer);
		e1k_link_down_regs(s);
	} else if ((s->phy[PHY_BMCR] & BMCR_AUTOEN) && !(s->phy[PHY_BMSR] & BMSR_AN_COMP)) {
		e1k_autoneg_restart(s);
	} else {
		e1k_link_up_regs(s);
	}
	if (E1K_REG(s, E1K_STATUS) != old)
		e1k_set_ics(s, ICR_LSC);
}

static void e1k_phy_write(struct e1000 *s, unsigned reg, uint16_t val)
{
	if (reg != PHY_BMCR) {
		s->phy[reg] = val;
		return;
	}
	s->phy[PHY_BMCR] = val & ~(0x3f | BMCR_RESET | BMCR_ANRESTART);
	if ((val & BMCR_AUTOEN) && (val & BMCR_ANRESTART))
		e1k_autoneg_restart(s);
}

#define MDIC_REG(v) (((v) >> 16) & 0x1f)
#define MDIC_PHY(v) (((v) >> 21) & 0x1f)
#define MDIC_OP_WRITE 0x04000000
#define MDIC_OP_READ 0x08000000
#define MDIC_READY 0x10000000
#define MDIC_INT_EN 0x20000000
#define MDIC_ERROR 0x40000000

static void e1k_mdic_write(struct e1000 *s, uint32_t val)
{
	unsigned reg = MDIC_REG(val);

	if (MDIC_PHY(val) != 1) {
		val = E1K_REG(s, E1K_MDIC) | MDIC_ERROR;
	} else if (val & MDIC_OP_READ) {
		if (e1k_phy_access[reg] & 1)
			val = (val & ~0xffffu) | s->phy[reg];
		else
			val |= MDIC_ERROR;
	} else if (val & MDIC_OP_WRITE) {
		if (e1k_phy_access[reg] & 2)
			e1k_phy_write(s, reg, val & 0xffff);
		else
			val |= MDIC_ERROR;
	}
	E1K_REG(s, E1K_MDIC) = val | MDIC_READY;
	if (val & MDIC_INT_EN)
		e1k_set_ics(s, ICR_MDAC);
}

/* ---- EEPROM ---- */

#define EECD_SK 0x01
#define EECD_CS 0x02
#define EECD_DI 0x04
#define EECD_DO 0x08
#define EECD_KEEP 0x77 /* SK, CS, DI, FWE, REQ */
#define EECD_PRES 0x100
#define EECD_GNT 0x80
#define EERD_START 0x01
#define EERD_DONE 0x10

static uint32_t e1k_eecd_read(struct e1000 *s)
{
	uint32_t v = EECD_PRES | EECD_GNT | s->ee_old;
	int bit = (int16_t)s->ee_bit_out;

	if (!s->ee_reading)
		return v | EECD_DO;
	if (bit >= 0 && (s->eeprom[(bit >> 4) & 63] >> (15 - (bit & 15))) & 1)
		v |= EECD_DO;
	return v;
}

/* Microwire: start bit, opcode 10 (read), six address bits, then 16 data bits out. */
static void e1k_eecd_write(struct e1000 *s, uint32_t val)
{
	uint32_t old = s->ee_old;

	s->ee_old = val & EECD_KEEP;
	if (!(val & EECD_CS))
		return;
	if (!(old & EECD_CS)) {
		s->ee_in = 0;
		s->ee_bits_in = 0;
		s->ee_reading = 0;
	}
	if (!((val ^ old) & EECD_SK))
		return;
	if (!(val & EECD_SK)) {
		if (s->ee_reading)
			s->ee_bit_out++;
		return;
	}
	s->ee_in = (s->ee_in << 1 | !!(val & EECD_DI)) & 0x3ff;
	if (++s->ee_bits_in == 9 && !s->ee_reading && ((s->ee_in >> 6) & 7) == 6) {
		s->ee_reading = 1;
		s->ee_bit_out = (uint16_t)((s->ee_in & 0x3f) * 16 - 1);
	}
}

static uint32_t e1k_eerd(struct e1000 *s, uint32_t val)
{
	unsigned addr = (val >> 8) & 0xff;

	if (!(val & EERD_START))
		return val;
	val = (val & 0xffff & ~EERD_START) | EERD_DONE;
	if (addr < E1K_EEPROM_WORDS)
		val |= (uint32_t)s->eeprom[addr] << 16;
	return val;
}

/* ---- transmit scheduling ---- */

static void e1k_tx_bh(void *opaque)
{
	e1k_start_xmit(opaque);
}

/* ---- registers ---- */

static void e1k_reset_regs(struct e1000 *s)
{
	const uint8_t *a = s->macaddr;

	timer_del(&s->autoneg_timer);
	timer_del(&s->itr_timer);
	memset(s->mac, 0, sizeof(s->mac));
	memcpy(s->phy, e1k_phy_init, sizeof(s->phy));
	E1K_REG(s, E1K_PBA) = 0x00100030;
	E1K_REG(s, E1K_LEDCTL) = 0x602;
	E1K_REG(s, E1K_CTRL) = 0x00140240;   /* SWDPIN0/2, 1000 Mb/s, SLU */
	E1K_REG(s, E1K_STATUS) = 0x80080783; /* link up, full duplex, 1000 Mb/s */
	E1K_REG(s, E1K_MANC) = 0x00222300;
	E1K_REG(s, E1K_VET) = 0x8100;
	E1K_REG(s, E1K_RA) = a[0] | a[1] << 8 | a[2] << 16 | (uint32_t)a[3] << 24;
	E1K_REG(s, E1K_RA + 4) = a[4] | a[5] << 8 | RAH_AV;
	memset(&s->ctx, 0, sizeof(s->ctx));
	memset(&s->tso_ctx, 0, sizeof(s->tso_ctx));
	s->tx_len = s->tx_popts = s->tx_tse = s->tx_vlan = s->tx_drop = s->tx_started = 0;
	s->ee_old = s->ee_in = s->ee_bits_in = s->ee_bit_out = s->ee_reading = 0;
	if (s->link_down)
		e1k_link_down_regs(s);
	s->irq_level = 0;
	pci_set_irq(&s->pci, 0);
}

static uint32_t e1k_reg_read(struct e1000 *s, unsigned off)
{
	uint32_t v;

	if (off >= E1K_STATS && off < E1K_STATS_END)
		return e1k_stat_read(s, off);
	switch (off) {
	case E1K_ICR:
		v = E1K_REG(s, E1K_ICR);
		E1K_REG(s, E1K_ICR) = 0;
		e1k_update_irq(s);
		return v;
	case E1K_ICS:
		return E1K_REG(s, E1K_ICR);
	case E1K_IMC:
		return 0;
	case E1K_EECD:
		return e1k_eecd_read(s);
	}
	return E1K_REG(s, off);
}

static void e1k_reg_write(struct e1000 *s, unsigned off, uint32_t val)
{
	if (off >= E1K_STATS && off < E1K_STATS_END)
		return;
	switch (off) {
	case E1K_STATUS:
		return;
	case E1K_CTRL:
		if (val & CTRL_RST) {
			e1k_reset_regs(s);
			return;
		}
		E1K_REG(s, off) = val;
		return;
	case E1K_EECD: e1k_eecd_write(s, val); return;
	case E1K_EERD: E1K_REG(s, off) = e1k_eerd(s, val); return;
	case E1K_MDIC: e1k_mdic_write(s, val); return;
	case E1K_ICR:
		E1K_REG(s, E1K_ICR) &= ~val;
		e1k_update_irq(s);
		return;
	case E1K_ICS: e1k_set_ics(s, val); return;
	case E1K_IMS:
		E1K_REG(s, E1K_IMS) |= val;
		e1k_update_irq(s);
		return;
	case E1K_IMC:
		E1K_REG(s, E1K_IMS) &= ~val;
		e1k_update_irq(s);
		return;
	case E1K_RDLEN: case E1K_TDLEN:
		E1K_REG(s, off) = val & 0xfff80;
		return;
	case E1K_RDH: case E1K_TDH: case E1K_ITR: case E1K_RDTR: case E1K_RADV:
	case E1K_TADV:
		E1K_REG(s, off) = val & 0xffff;
		return;
	case E1K_RDT:
		E1K_REG(s, off) = val & 0xffff;
		e1k_rx_kick(s);
		return;
	case E1K_RCTL:
		E1K_REG(s, off) = val;
		e1k_rx_kick(s);
		return;
	case E1K_TDT: case E1K_TCTL:
		E1K_REG(s, off) = off == E1K_TDT ? val & 0xffff : val;
		nic_bh_schedule(&s->tx_bh); /* on the I/O thread: see hw/net/nic.h */
		return;
	}
	E1K_REG(s, off) = val;
}

static uint64_t e1k_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
	return e1k_reg_read(opaque, addr & (E1K_MMIO_SIZE - 4));
}

static void e1k_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	e1k_reg_write(opaque, addr & (E1K_MMIO_SIZE - 4), val);
}

static const struct mem_ops e1k_mmio_ops = {
	.read = e1k_mmio_read,
	.write = e1k_mmio_write,
	.min_access = 4,
	.max_access = 4,
};

/* I/O BAR: IOADDR at 0 selects a register, IODATA at 4 reaches it (SDM 13.2). */
static uint64_t e1k_io_read(void *opaque, uint64_t addr, unsigned size)
{
	struct e1000 *s = opaque;

	if (addr == 0)
		return s->ioaddr;
	if (addr == 4)
		return e1k_reg_read(s, s->ioaddr & (E1K_MMIO_SIZE - 4));
	return 0;
}

static void e1k_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct e1000 *s = opaque;

	if (addr == 0)
		s->ioaddr = val & (E1K_MMIO_SIZE - 4);
	else if (addr == 4)
		e1k_reg_write(s, s->ioaddr, val);
}

static const struct mem_ops e1k_io_ops = {
	.read = e1k_io_read,
	.write = e1k_io_write,
	.min_access = 4,
	.max_access = 4,
};

/* ---- PCI and set-up ---- */

static void e1k_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
	struct e1000 *s = container_of(d, struct e1000, pci);

	pci_default_config_write(d, addr, val, size);
	if (addr <= PCI_COMMAND && addr + size > PCI_COMMAND &&
	    (d->config[PCI_COMMAND] & PCI_COMMAND_MASTER))
		e1k_rx_kick(s);
}

static void e1k_init_eeprom(struct e1000 *s)
{
	uint16_t sum = 0;

	memcpy(s->eeprom, e1k_eeprom_init, sizeof(s->eeprom));
	for (int i = 0; i < 3; i++)
		s->eeprom[i] = s->macaddr[2 * i] | s->macaddr[2 * i + 1] << 8;
	for (int i = 0; i < E1K_EEPROM_WORDS - 1; i++)
		sum += s->eeprom[i];
	s->eeprom[E1K_EEPROM_WORDS - 1] = 0xbaba - sum;
}

static int e1k_parse_opts(struct e1000 *s, struct opts *o, GError **err)
{
	s->cfg = (struct e1000_config)E1000_CONFIG_DEFAULT;
	s->cfg.netdev = opts_get(o, "netdev");
	s->cfg.mac = opts_get(o, "mac");
	if (opts_has(o, "romfile"))
		s->cfg.romfile = opts_get(o, "romfile");
	return nic_parse_addr("e1000", opts_get(o, "addr"), &s->cfg.devfn, err);
}

static void e1k_release(struct e1000 *s)
{
	if (s->nd) {
		memset(&s->nd->fe, 0, sizeof(s->nd->fe));
		s->nd->claimed = false;
		s->nd = NULL;
	}
	nic_rom_free(&s->rom);
}

static int e1k_realize(struct device *dev, GError **err)
{
	struct e1000 *s = container_of(dev, struct e1000, pci.dev);
	struct machine *m = dev->m;
	struct net_frontend fe = { e1k_receive, e1k_can_receive, e1k_set_link, s };
	int ret;

	if (dev->opts && (ret = e1k_parse_opts(s, dev->opts, err)) < 0)
		return ret;
	if (!m->pci) {
		error_setg(err, "e1000: no PCI bus");
		return -ENODEV;
	}
	if ((ret = nic_parse_mac(m, &e1000_class, s->cfg.mac, s->macaddr, err)) < 0)
		return ret;
	e1k_init_eeprom(s);
	if (s->cfg.netdev && !(s->nd = net_claim(m, dev->cls->name, s->cfg.netdev, &fe, err)))
		return -ENOENT;
	pci_config_set_ids(&s->pci, 0x8086, 0x100e, 0x03, 0x020000);
	s->pci.config[PCI_SUBSYSTEM_VENDOR_ID] = 0xf4;
	s->pci.config[PCI_SUBSYSTEM_VENDOR_ID + 1] = 0x1a;
	s->pci.config[PCI_SUBSYSTEM_ID + 1] = 0x11;
	s->pci.config[PCI_INTERRUPT_PIN] = 1;
	s->pci.config_write = e1k_config_write;
	mr_init_io(&s->mmio, "e1000.mmio", E1K_MMIO_SIZE, &e1k_mmio_ops, s);
	pci_register_bar(&s->pci, 0, PCI_BAR_MEM32, false, &s->mmio);
	mr_init_io(&s->io, "e1000.io", 0x40, &e1k_io_ops, s);
	pci_register_bar(&s->pci, 1, PCI_BAR_IO, false, &s->io);
	timer_init(&s->autoneg_timer, &m->clock, e1k_autoneg_done, s);
	timer_init(&s->itr_timer, &m->clock, e1k_itr_expired, s);
	nic_bh_init(&s->tx_bh, m, e1k_tx_bh, s);
	if ((ret = nic_rom_load(&s->rom, &s->pci, s->cfg.romfile, "efi-e1000.rom", err)) < 0 ||
	    (ret = pci_device_attach(m->pci, &s->pci, s->cfg.devfn, err)) < 0) {
		e1k_release(s);
		return ret;
	}
	e1k_reset_regs(s);
	return 0;
}

static void e1k_dev_reset(struct device *dev)
{
	struct e1000 *s = container_of(dev, struct e1000, pci.dev);

	pci_device_reset(&s->pci);
	e1k_reset_regs(s);
}

static void e1k_unrealize(struct device *dev)
{
	struct e1000 *s = container_of(dev, struct e1000, pci.dev);

	timer_del(&s->autoneg_timer);
	timer_del(&s->itr_timer);
	nic_bh_cancel(&s->tx_bh);
	as_del(&s->mmio);
	as_del(&s->io);
	e1k_release(s);
}

static int e1k_post_load(void *opaque)
{
	struct e1000 *s = opaque;

	s->tx_len = MIN(s->tx_len, sizeof(s->tx_buf));
	s->ioaddr &= E1K_MMIO_SIZE - 4;
	pci_device_post_load(&s->pci);
	s->irq_level = s->pci.irq_level;
	if (!(E1K_REG(s, E1K_STATUS) & STATUS_LU) && !s->link_down &&
	    (s->phy[PHY_BMCR] & BMCR_AUTOEN))
		e1k_autoneg_restart(s);
	e1k_update_irq(s);
	return 0;
}

static const struct vmstate_field e1k_fields[] = {
	VMSTATE_U8_ARRAY(struct e1000, pci.config),
	VMSTATE_U32_ARRAY(struct e1000, mac),
	VMSTATE_U16_ARRAY(struct e1000, phy),
	VMSTATE_U8(struct e1000, link_down),
	VMSTATE_U32(struct e1000, ioaddr),
	VMSTATE_U32(struct e1000, ee_old),
	VMSTATE_U32(struct e1000, ee_in),
	VMSTATE_U16(struct e1000, ee_bits_in),
	VMSTATE_U16(struct e1000, ee_bit_out),
	VMSTATE_U8(struct e1000, ee_reading),
	/* the offload contexts, and a packet half gathered */
	VMSTATE_U8_ARRAY(struct e1000, tx_buf), VMSTATE_U32(struct e1000, tx_len),
	VMSTATE_U8(struct e1000, tx_popts), VMSTATE_U8(struct e1000, tx_tse),
	VMSTATE_U8(struct e1000, tx_vlan), VMSTATE_U8(struct e1000, tx_drop),
	VMSTATE_U8(struct e1000, tx_started), VMSTATE_U16(struct e1000, tx_special),
	VMSTATE_U8(struct e1000, ctx.ipcss), VMSTATE_U8(struct e1000, ctx.ipcso),
	VMSTATE_U8(struct e1000, ctx.tucss), VMSTATE_U8(struct e1000, ctx.tucso),
	VMSTATE_U8(struct e1000, ctx.hdr_len), VMSTATE_U16(struct e1000, ctx.ipcse),
	VMSTATE_U16(struct e1000, ctx.tucse), VMSTATE_U16(struct e1000, ctx.mss),
	VMSTATE_U32(struct e1000, ctx.paylen), VMSTATE_U8(struct e1000, ctx.ip),
	VMSTATE_U8(struct e1000, ctx.tcp), VMSTATE_U8(struct e1000, tso_ctx.ipcss),
	VMSTATE_U8(struct e1000, tso_ctx.ipcso), VMSTATE_U8(struct e1000, tso_ctx.tucss),
	VMSTATE_U8(struct e1000, tso_ctx.tucso), VMSTATE_U8(struct e1000, tso_ctx.hdr_len),
	VMSTATE_U16(struct e1000, tso_ctx.ipcse), VMSTATE_U16(struct e1000, tso_ctx.tucse),
	VMSTATE_U16(struct e1000, tso_ctx.mss), VMSTATE_U32(struct e1000, tso_ctx.paylen),
	VMSTATE_U8(struct e1000, tso_ctx.ip), VMSTATE_U8(struct e1000, tso_ctx.tcp),
	VMSTATE_END,
};

static const struct vmstate_desc e1k_vmstate = {
	.name = "e1000",
	.version = 1,
	.fields = e1k_fields,
	.post_load = e1k_post_load,
};

const struct device_class e1000_class = {
	.name = "e1000",
	.bus = "PCI",
	.desc = "Intel Gigabit Ethernet (82540EM); netdev=, mac=, romfile=, addr=",
	.instance_size = sizeof(struct e1000),
	.user_creatable = true,
	.realize = e1k_realize,
	.reset = e1k_dev_reset,
	.unrealize = e1k_unrealize,
	.vmsd = &e1k_vmstate,
};

static void e1k_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct e1000, pci.dev)->cfg = *(const struct e1000_config *)cfg;
}

struct e1000 *e1000_create(struct machine *m, const struct e1000_config *cfg, GError **err)
{
	struct device *dev = device_create(m, &e1000_class, NULL, e1k_setup, cfg, err);

	return dev ? container_of(dev, struct e1000, pci.dev) : NULL;
}
