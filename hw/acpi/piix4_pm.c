// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX4 power management function at 00:01.3 (8086:7113 rev 3, class
 * 068000), as SeaBIOS 1.16.2 and its built-in ACPI tables expect it
 * (docs/machine-contract.md §3.2, §3.5) and as QEMU 7.2 behaves:
 *
 *  - config: PMBA 0x40 (bit 0 reads 1), DEVACTB 0x58 with byte 0x5b = 0x02
 *    when there is no SMM (so SeaBIOS skips its SMM handshake), 0x5f/0x63/
 *    0x67 computed from which LPT/COM ports exist, PMREGMISC 0x80 bit 0
 *    enabling the PM I/O block at PMBA, SMBus base 0x90 / 0xd2 (values only);
 *  - PM1_STS/PM1_EN at PMBA+0 (status write-1-to-clear), PM1_CNT at +4
 *    (SLP_EN with SLP_TYP 0 powers off, with s4_val (2) sends SUSPEND_DISK
 *    and powers off, with 1 suspends to RAM: core/machine.h's S3; PM1_EN's
 *    RTC_EN lets the RTC alarm wake it; the wakeup sets WAK_STS and the
 *    RTC/PWRBTN status of the source after the machine's reset, since on
 *    real hardware these registers live in the resume well),
 *    the 24-bit PM timer at +8 counting at 3.579545 MHz of virtual time;
 *    TMR_STS sets each time bit 23 of the counter toggles (checked on read,
 *    and by a timer armed only while TMR_EN is set and TMR_STS is clear);
 *  - SCI level on ISA IRQ cfg.sci_irq = (PM1_STS & PM1_EN & (TMR|GBL|
 *    PWRBTN|RTC)) or (GPE0_STS & GPE0_EN).  As in QEMU, SCI_EN does not gate
 *    the line; it is set at reset when there is no SMM (ACPI-only platform);
 *  - GPE0 at 0xafe0 (status 2 bytes write-1-to-clear, enable 2 bytes), APM
 *    ports 0xb2 (0xf1 sets SCI_EN, 0xf0 clears it) and 0xb3 (scratch);
 *  - the hotplug ports of SeaBIOS's built-in DSDT/SSDT: PCI slot hot-plug at
 *    0xae00-0xae17 (hw/acpi/pcihp.c, GPE0 bit 1) and QEMU's legacy CPU
 *    presence bitmap at 0xaf00-0xaf1f (one bit per APIC id, read-only;
 *    device_add of a CPU sets its bit and GPE0 bit 2).  QEMU switches to
 *    its "modern" CPU interface when 0 is written at 0xaf00; kvmpc has only
 *    the legacy one that SeaBIOS's tables use.
 *
 * Left out: SMBus controller I/O, SMI, GLBCTL and the other PIIX4 PM I/O
 * registers (read as unassigned), GPE event sources other than hot-plug.
 */
#include <string.h>
#include "hw/acpi/piix4_pm.h"
#include "core/global.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/device.h"
#include "hw/nvram/fw_cfg.h"

#define PM_PMBA 0x40
#define PM_DEVACTB 0x58
#define PM_APMC_EN_BYTE 0x5b
#define PM_APMC_EN 0x02
#define PM_PMREGMISC 0x80
#define PM_SMBBA 0x90
#define PM_SMBHSTCFG 0xd2
#define PM_SMB_DEFAULT_BASE 0xb100
#define PM_IO_MASK 0xffc0

#define PM_SCI_SOURCES (PIIX4_PM1_TMR | PIIX4_PM1_GBL | PIIX4_PM1_PWRBTN | PIIX4_PM1_RTC)
#define PM_TMR_HALF (1ULL << 23)

#define APM_PORT 0xb2
#define APM_ACPI_ENABLE 0xf1
#define APM_ACPI_DISABLE 0xf0
#define GPE0_PORT 0xafe0
#define CPUHP_PORT 0xaf00
#define CPUHP_LEN 32

#define SLP_TYP_SOFT_OFF 0
#define SLP_TYP_S3 1
#define SLP_TYP_S4 2

/* ---- PM timer ---- */

static uint64_t pm_ticks(struct piix4_pm *s)
{
	int64_t ns = vclock_ns(&s->pci.dev.m->clock);

	if (ns < 0)
		ns = 0;
	return (uint64_t)(ns / NS_PER_SEC) * PIIX4_PM_FREQ +
	       (uint64_t)(ns % NS_PER_SEC) * PIIX4_PM_FREQ / NS_PER_SEC;
}

/* First virtual-clock ns at which the counter reaches ticks. */
static int64_t pm_ticks_to_ns(uint64_t ticks)
{
	uint64_t whole = ticks / PIIX4_PM_FREQ, part = ticks % PIIX4_PM_FREQ;

	if (whole > (uint64_t)INT64_MAX / NS_PER_SEC - 1)
		return INT64_MAX;
	return whole * NS_PER_SEC + (part * NS_PER_SEC + PIIX4_PM_FREQ - 1) / PIIX4_PM_FREQ;
}

uint32_t piix4_pm_timer(struct piix4_pm *s)
{
	return pm_ticks(s) & 0xffffff;
}

static void pm_tmr_next_overflow(struct piix4_pm *s)
{
	s->tmr_overflow = (pm_ticks(s) + PM_TMR_HALF) & ~(PM_TMR_HALF - 1);
}

/* PM1_STS with TMR_STS brought up to date. */
static uint16_t pm1_sts_now(struct piix4_pm *s)
{
	if (pm_ticks(s) >= s->tmr_overflow)
		s->pm1_sts |= PIIX4_PM1_TMR;
	return s->pm1_sts;
}

static void pm_update_sci(struct piix4_pm *s)
{
	uint16_t sts = pm1_sts_now(s);
	bool level = (sts & s->pm1_en & PM_SCI_SOURCES) ||
		     (s->gpe_sts[0] & s->gpe_en[0]) || (s->gpe_sts[1] & s->gpe_en[1]);

	irq_set(s->sci, level);
	if ((s->pm1_en & PIIX4_PM1_TMR) && !(sts & PIIX4_PM1_TMR))
		timer_mod(&s->tmr_timer, pm_ticks_to_ns(s->tmr_overflow));
	else
		timer_del(&s->tmr_timer);
}

static void pm_tmr_expired(void *opaque)
{
	pm_update_sci(opaque);
}

void piix4_pm_power_button(struct piix4_pm *s)
{
	if (!(s->pm1_en & PIIX4_PM1_PWRBTN))
		return;
	s->pm1_sts |= PIIX4_PM1_PWRBTN;
	pm_update_sci(s);
}

/* RTC_EN also arms the RTC alarm as a wake source from S3. */
static void pm_wake_sources(struct piix4_pm *s)
{
	struct machine *m = s->pci.dev.m;

	if (s->pm1_en & PIIX4_PM1_RTC)
		m->wakeup_enabled |= MACHINE_WAKE_RTC;
	else
		m->wakeup_enabled &= ~MACHINE_WAKE_RTC;
}

/* Out of S3 (the machine was reset): the status bits of the wakeup. */
void piix4_pm_wakeup(struct piix4_pm *s, unsigned why)
{
	s->pm1_sts |= PIIX4_PM1_WAK;
	if (why & MACHINE_WAKE_RTC)
		s->pm1_sts |= PIIX4_PM1_RTC;
	if (why & MACHINE_WAKE_PWRBTN)
		s->pm1_sts |= PIIX4_PM1_PWRBTN;
	pm_update_sci(s);
}

/* ---- PM1 registers (16-bit, byte accesses merged here) ---- */

static uint16_t pm1_reg_read(struct piix4_pm *s, unsigned reg)
{
	switch (reg) {
	case 0: return pm1_sts_now(s);
	case 2: return s->pm1_en;
	case 4: return s->pm1_cnt;
	}
	return 0xffff;
}

static void pm1_cnt_write(struct piix4_pm *s, uint16_t val)
{
	int typ = (val >> PIIX4_PM1_CNT_SLP_TYP_SHIFT) & 7;

	s->pm1_cnt = val & ~PIIX4_PM1_CNT_SLP_EN;
	if (!(val & PIIX4_PM1_CNT_SLP_EN))
		return;
	if (typ == SLP_TYP_SOFT_OFF) {
		machine_request_poweroff(s->pci.dev.m);
	} else if (typ == s->s4_val) {
		struct machine_event ev = { .kind = MACHINE_EVENT_SUSPEND_DISK };

		machine_event(s->pci.dev.m, &ev);
		machine_request_poweroff(s->pci.dev.m);
	} else if (typ == SLP_TYP_S3) {
		machine_request_suspend(s->pci.dev.m);
	} else
		guest_error("piix4-pm: SLP_EN with unknown SLP_TYP %d", typ);
}

/* mask: the bits this access actually wrote (a byte access leaves the rest) */
static void pm1_reg_write(struct piix4_pm *s, unsigned reg, uint16_t val, uint16_t mask)
{
	uint16_t sts;

	switch (reg) {
	case 0:
		sts = pm1_sts_now(s);
		val &= mask;
		if (sts & val & PIIX4_PM1_TMR)
			pm_tmr_next_overflow(s);
		s->pm1_sts &= ~val;
		break;
	case 2:
		s->pm1_en = (s->pm1_en & ~mask) | (val & mask);
		pm_wake_sources(s);
		break;
	case 4:
		pm1_cnt_write(s, (s->pm1_cnt & ~mask) | (val & mask));
		break;
	default:
		return;
	}
	pm_update_sci(s);
}

static uint64_t pm1_access_read(struct piix4_pm *s, unsigned base, uint64_t off,
				unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned a = base + off + i;
		v |= (uint64_t)((pm1_reg_read(s, a & ~1u) >> ((a & 1) * 8)) & 0xff) << (8 * i);
	}
	return v;
}

static void pm1_access_write(struct piix4_pm *s, unsigned base, uint64_t off,
			     uint64_t val, unsigned size)
{
	unsigned a = base + off;

	if (size == 2 && !(a & 1)) {
		pm1_reg_write(s, a, val, 0xffff);
		return;
	}
	for (unsigned i = 0; i < size; i++, a++) {
		unsigned sh = (a & 1) * 8;
		pm1_reg_write(s, a & ~1u, ((val >> (8 * i)) & 0xff) << sh, 0xff << sh);
	}
}

static uint64_t pm_evt_read(void *opaque, uint64_t off, unsigned size)
{
	return pm1_access_read(opaque, 0, off, size);
}

static void pm_evt_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	pm1_access_write(opaque, 0, off, val, size);
}

static uint64_t pm_cnt_read(void *opaque, uint64_t off, unsigned size)
{
	return pm1_access_read(opaque, 4, off, size);
}

static void pm_cnt_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	pm1_access_write(opaque, 4, off, val, size);
}

static uint64_t pm_tmr_read(void *opaque, uint64_t off, unsigned size)
{
	return (piix4_pm_timer(opaque) >> (8 * off)) & (size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

static void pm_tmr_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	/* read-only */
}

static const struct mem_ops pm_evt_ops = {
	.read = pm_evt_read, .write = pm_evt_write, .min_access = 1, .max_access = 2,
};
static const struct mem_ops pm_cnt_ops = {
	.read = pm_cnt_read, .write = pm_cnt_write, .min_access = 1, .max_access = 2,
};
static const struct mem_ops pm_tmr_ops = {
	.read = pm_tmr_read, .write = pm_tmr_write, .min_access = 1, .max_access = 4,
};

/* Map the PM I/O block where PMBA and PMREGMISC say. */
static void pm_io_update(struct piix4_pm *s)
{
	struct address_space *io = &s->pci.dev.m->io;
	const uint8_t *c = s->pci.config;
	uint32_t base = (c[PM_PMBA] | (c[PM_PMBA + 1] << 8)) & PM_IO_MASK;
	bool enable = c[PM_PMREGMISC] & 1;

	if (enable == s->io_mapped && (!enable || base == s->io_base))
		return;
	as_del(&s->evt_region);
	as_del(&s->cnt_region);
	as_del(&s->tmr_region);
	s->io_mapped = false;
	if (!enable)
		return;
	if (as_add(io, &s->evt_region, base) < 0 ||
	    as_add(io, &s->cnt_region, base + 4) < 0 ||
	    as_add(io, &s->tmr_region, base + 8) < 0) {
		guest_error("piix4-pm: PM I/O block at 0x%x overlaps other ports; "
			    "left unmapped", base);
		as_del(&s->evt_region);
		as_del(&s->cnt_region);
		as_del(&s->tmr_region);
		return;
	}
	s->io_mapped = true;
	s->io_base = base;
}

/* ---- APM, GPE0, hotplug ports ---- */

static uint64_t apm_read(void *opaque, uint64_t off, unsigned size)
{
	struct piix4_pm *s = opaque;

	return off == 0 ? s->apmc : s->apms;
}

static void apm_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct piix4_pm *s = opaque;

	if (off) {
		s->apms = val;
		return;
	}
	s->apmc = val;
	if (val == APM_ACPI_ENABLE)
		s->pm1_cnt |= PIIX4_PM1_CNT_SCI_EN;
	else if (val == APM_ACPI_DISABLE)
		s->pm1_cnt &= ~PIIX4_PM1_CNT_SCI_EN;
	else if (s->pci.config[PM_APMC_EN_BYTE] & PM_APMC_EN && s->cfg.smm)
		guest_unimp("piix4-pm: APM command 0x%02x would raise an SMI (no SMM)",
			    (unsigned)val);
}

static const struct mem_ops apm_ops = {
	.read = apm_read, .write = apm_write, .min_access = 1, .max_access = 1,
};

static uint64_t gpe_read(void *opaque, uint64_t off, unsigned size)
{
	struct piix4_pm *s = opaque;

	return off < 2 ? s->gpe_sts[off] : s->gpe_en[off - 2];
}

static void gpe_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct piix4_pm *s = opaque;

	if (off < 2)
		s->gpe_sts[off] &= ~val;
	else
		s->gpe_en[off - 2] = val;
	pm_update_sci(s);
}

static const struct mem_ops gpe_ops = {
	.read = gpe_read, .write = gpe_write, .min_access = 1, .max_access = 1,
};

/* A hot-plug event: GPE0 status bit, then the SCI if it is enabled. */
static void pm_gpe_raise(struct piix4_pm *s, uint8_t bit)
{
	s->gpe_sts[0] |= bit;
	pm_update_sci(s);
}

static void pm_pcihp_notify(void *opaque)
{
	pm_gpe_raise(opaque, PIIX4_GPE_PCI_HOTPLUG);
}

int piix4_pm_hotplug(struct piix4_pm *s, struct device *dev, GError **err)
{
	struct pci_device *d = container_of(dev, struct pci_device, dev);

	if (dev->cls->cpu) {
		/* the CPU set its present bit; _E02 rescans 0xaf00 */
		pm_gpe_raise(s, PIIX4_GPE_CPU_HOTPLUG);
		return 0;
	}
	if (!dev->cls->bus || strcmp(dev->cls->bus, "PCI") || d->bus != s->pcihp.bus) {
		error_setg(err, "Bus 'pci.0' does not support hotplugging");
		return -1;
	}
	acpi_pcihp_plug(&s->pcihp, d);
	return 0;
}

int piix4_pm_unplug_request(struct piix4_pm *s, struct device *dev, GError **err)
{
	struct pci_device *d = container_of(dev, struct pci_device, dev);

	if (dev->cls->cpu) {
		/* the legacy CPU interface of SeaBIOS's tables has no eject */
		error_setg(err, "acpi: device unplug request for not supported device type: %s",
			   dev->cls->name);
		return -1;
	}
	return acpi_pcihp_unplug_request(&s->pcihp, d, err);
}

/* One bit per CPU index (= APIC id) present: -smp's and device_add'ed. */
static uint64_t cpuhp_read(void *opaque, uint64_t off, unsigned size)
{
	struct piix4_pm *s = opaque;
	struct machine *m = s->pci.dev.m;

	return off < sizeof(m->cpu_present) ? m->cpu_present[off] : 0;
}

static void cpuhp_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	/* presence bits are read-only */
}

static const struct mem_ops cpuhp_ops = {
	.read = cpuhp_read, .write = cpuhp_write, .min_access = 1, .max_access = 1,
};

/* ---- PCI config ---- */

static bool port_present(struct piix4_pm *s, uint16_t port)
{
	return as_find(&s->pci.dev.m->io, port) != NULL;
}

/* The DSDT reads LPT/COM presence here (QEMU computes it at machine-ready). */
static void pm_refresh_presence(struct piix4_pm *s)
{
	uint8_t *c = s->pci.config;

	c[0x5f] = 0x10 | (port_present(s, 0x378) ? 0x80 : 0);
	c[0x63] = 0x60;
	c[0x67] = (port_present(s, 0x3f8) ? 0x08 : 0) | (port_present(s, 0x2f8) ? 0x90 : 0);
}

static uint32_t pm_config_read(struct pci_device *d, uint32_t addr, unsigned size)
{
	struct piix4_pm *s = container_of(d, struct piix4_pm, pci);

	if (addr <= 0x67 && addr + size > 0x5f)
		pm_refresh_presence(s);
	return pci_default_config_read(d, addr, size);
}

static void pm_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
	struct piix4_pm *s = container_of(d, struct piix4_pm, pci);

	pci_default_config_write(d, addr, val, size);
	if ((addr < PM_PMBA + 4 && addr + size > PM_PMBA) ||
	    (addr <= PM_PMREGMISC && addr + size > PM_PMREGMISC))
		pm_io_update(s);
}

/* ---- life cycle ---- */

static void piix4_pm_reset(struct device *dev)
{
	struct piix4_pm *s = container_of(dev, struct piix4_pm, pci.dev);
	uint8_t *c = s->pci.config;

	pci_device_reset(&s->pci);
	memset(c + 0x40, 0, 256 - 0x40);
	c[PM_PMBA] = 0x01; /* I/O space indicator */
	if (!s->cfg.smm)
		c[PM_APMC_EN_BYTE] = PM_APMC_EN; /* "SMM already set up" */
	c[PM_SMBBA] = (PM_SMB_DEFAULT_BASE & 0xff) | 1;
	c[PM_SMBBA + 1] = PM_SMB_DEFAULT_BASE >> 8;
	c[PM_SMBHSTCFG] = 0x09;
	pm_refresh_presence(s);

	s->pm1_sts = 0;
	s->pm1_en = 0;
	pm_wake_sources(s);
	s->pm1_cnt = s->cfg.smm ? 0 : PIIX4_PM1_CNT_SCI_EN;
	memset(s->gpe_sts, 0, sizeof(s->gpe_sts));
	memset(s->gpe_en, 0, sizeof(s->gpe_en));
	s->apmc = s->apms = 0;
	acpi_pcihp_reset(&s->pcihp);
	s->tmr_overflow = 0; /* as QEMU: TMR_STS reads set until first cleared */
	pm_io_update(s);
	pm_update_sci(s);
}

static int pm_map_fixed(struct piix4_pm *s, GError **err)
{
	struct address_space *io = &s->pci.dev.m->io;

	mr_init_io(&s->apm_region, "apm", 2, &apm_ops, s);
	mr_init_io(&s->gpe_region, "acpi-gpe0", 4, &gpe_ops, s);
	acpi_pcihp_init(&s->pcihp, s->pci.bus, pm_pcihp_notify, s);
	mr_init_io(&s->cpuhp_region, "acpi-cpu-hotplug", CPUHP_LEN, &cpuhp_ops, s);
	if (as_add(io, &s->apm_region, APM_PORT) < 0 ||
	    as_add(io, &s->gpe_region, GPE0_PORT) < 0 ||
	    as_add(io, &s->pcihp.region, PCIHP_PORT) < 0 ||
	    as_add(io, &s->cpuhp_region, CPUHP_PORT) < 0) {
		as_del(&s->apm_region);
		as_del(&s->gpe_region);
		as_del(&s->pcihp.region);
		error_setg(err, "piix4-pm: ports 0xb2, 0xafe0, 0xae00 or 0xaf00 in use");
		return -1;
	}
	return 0;
}

/* A uint8 property of QEMU's PIIX4_PM, only ever set by -global. */
static int pm_prop_u8(struct device *dev, const char *key, uint8_t def, uint8_t *out,
		      GError **err)
{
	const char *v = opts_get(device_props(dev), key);
	uint64_t n;
	char *msg;

	*out = def;
	if (!v)
		return 0;
	if (parse_u64(v, &n) == 0 && n <= 0xff) {
		*out = n;
		return 0;
	}
	msg = g_strdup_printf("Parameter '%s' expects %s", key,
			      parse_u64(v, &n) == 0 ? "uint8_t" : "uint64");
	global_value_error(err, "PIIX4_PM", key, v, msg);
	g_free(msg);
	return -1;
}

/*
 * disable_s3, disable_s4, s4_val, and fw_cfg "etc/system-states" as QEMU's
 * ACPI PM1 control block builds it: one byte per S0..S5, bit 7 = offered,
 * low bits = the SLP_TYP value.  S3 and S4 are offered by default, as in
 * QEMU 7.2's pc machine.
 */
static int pm_sleep_states(struct piix4_pm *s, GError **err)
{
	struct device *dev = &s->pci.dev;
	uint8_t no_s3, no_s4, states[6] = { 0x80, 0, 0, 0, 0, 0x80 };

	if (pm_prop_u8(dev, "disable_s3", 0, &no_s3, err) < 0 ||
	    pm_prop_u8(dev, "disable_s4", 0, &no_s4, err) < 0 ||
	    pm_prop_u8(dev, "s4_val", SLP_TYP_S4, &s->s4_val, err) < 0)
		return -1;
	states[3] = SLP_TYP_S3 | (no_s3 ? 0 : 0x80);
	states[4] = s->s4_val | (no_s4 ? 0 : 0x80);
	if (dev->m->fw_cfg)
		fw_cfg_add_file(dev->m->fw_cfg, "etc/system-states", states, sizeof(states));
	return 0;
}

/*
 * acpi-pci-hotplug-with-bridge-support: QEMU 7.2 defaults it on, and its
 * own DSDT reads the "up" register once per event, which then clears.
 * SeaBIOS's built-in DSDT re-reads it for every slot, so kvmpc defaults to
 * off: QEMU's legacy PIIX4 behaviour, "up" kept until the slot is ejected.
 */
static int pm_pcihp_mode(struct piix4_pm *s, GError **err)
{
	const char *key = "acpi-pci-hotplug-with-bridge-support";
	const char *v = opts_get(device_props(&s->pci.dev), key);
	bool on = false;

	if (v && parse_bool(v, &on) < 0) {
		char *msg = g_strdup_printf("Parameter '%s' expects 'on' or 'off'", key);

		global_value_error(err, "PIIX4_PM", key, v, msg);
		g_free(msg);
		return -1;
	}
	s->pcihp.up_read_clears = on;
	return 0;
}

static int piix4_pm_realize(struct device *dev, GError **err)
{
	struct piix4_pm *s = container_of(dev, struct piix4_pm, pci.dev);
	struct pci_device *d = &s->pci;

	if (pm_sleep_states(s, err) < 0 || pm_pcihp_mode(s, err) < 0)
		return -1;

	s->sci = machine_gsi(dev->m, s->cfg.sci_irq);
	if (!s->sci || s->cfg.sci_irq >= 16) {
		error_setg(err, "piix4-pm: invalid SCI IRQ %d", s->cfg.sci_irq);
		return -1;
	}
	pci_config_set_ids(d, 0x8086, 0x7113, 0x03, 0x068000);
	d->config[PCI_STATUS] = 0x80;     /* fast back-to-back */
	d->config[PCI_STATUS + 1] = 0x02; /* DEVSEL medium */
	d->config[PCI_INTERRUPT_PIN] = 1;
	d->wmask[PM_PMBA] = 0xc0;
	d->wmask[PM_PMBA + 2] = d->wmask[PM_PMBA + 3] = 0;
	d->wmask[0x5f] = d->wmask[0x63] = d->wmask[0x67] = 0;
	d->config_read = pm_config_read;
	d->config_write = pm_config_write;
	mr_init_io(&s->evt_region, "acpi-evt", 4, &pm_evt_ops, s);
	mr_init_io(&s->cnt_region, "acpi-cnt", 2, &pm_cnt_ops, s);
	mr_init_io(&s->tmr_region, "acpi-tmr", 4, &pm_tmr_ops, s);
	timer_init(&s->tmr_timer, &dev->m->clock, pm_tmr_expired, s);
	if (pm_map_fixed(s, err) < 0) {
		timer_del(&s->tmr_timer);
		return -1;
	}
	if (pci_device_attach(d->bus, d, PIIX4_PM_DEVFN, err) < 0) {
		timer_del(&s->tmr_timer);
		as_del(&s->apm_region);
		as_del(&s->gpe_region);
		as_del(&s->pcihp.region);
		as_del(&s->cpuhp_region);
		return -1;
	}
	piix4_pm_reset(dev);
	return 0;
}

static int piix4_pm_post_load(void *opaque)
{
	struct piix4_pm *s = opaque;

	pm_io_update(s);
	pm_update_sci(s);
	return pci_device_post_load(&s->pci);
}

static const struct vmstate_field piix4_pm_fields[] = {
	VMSTATE_U8_ARRAY(struct piix4_pm, pci.config),
	VMSTATE_U16(struct piix4_pm, pm1_sts),
	VMSTATE_U16(struct piix4_pm, pm1_en),
	VMSTATE_U16(struct piix4_pm, pm1_cnt),
	VMSTATE_U8_ARRAY(struct piix4_pm, gpe_sts),
	VMSTATE_U8_ARRAY(struct piix4_pm, gpe_en),
	VMSTATE_U8(struct piix4_pm, apmc),
	VMSTATE_U8(struct piix4_pm, apms),
	VMSTATE_U64(struct piix4_pm, tmr_overflow),
	VMSTATE_END,
};

static const struct vmstate_desc piix4_pm_vmsd = {
	.name = "piix4_pm",
	.version = 1,
	.fields = piix4_pm_fields,
	.post_load = piix4_pm_post_load,
};

const struct device_class piix4_pm_class = {
	.name = "PIIX4_PM",
	.bus = "PCI",
	.no_hotplug = true,
	.desc = "PIIX4 ACPI power management (PM timer, SCI, S5 power off)",
	.instance_size = sizeof(struct piix4_pm),
	.user_creatable = false,
	.realize = piix4_pm_realize,
	.reset = piix4_pm_reset,
	.vmsd = &piix4_pm_vmsd,
};

/* What piix4_pm_create hands to the instance before realize. */
struct piix4_pm_args {
	struct pci_bus *bus;
	const struct piix4_pm_config *cfg;
};

static void piix4_pm_setup(struct device *dev, const void *arg)
{
	static const struct piix4_pm_config def = PIIX4_PM_CONFIG_DEFAULT;
	const struct piix4_pm_args *a = arg;
	struct piix4_pm *s = container_of(dev, struct piix4_pm, pci.dev);

	s->pci.bus = a->bus;
	s->cfg = a->cfg ? *a->cfg : def;
}

struct piix4_pm *piix4_pm_create(struct machine *m, struct pci_bus *bus,
				 const struct piix4_pm_config *cfg, GError **err)
{
	struct piix4_pm_args a = { bus, cfg };
	struct device *dev = device_create(m, &piix4_pm_class, "piix4-pm", piix4_pm_setup, &a, err);

	return dev ? container_of(dev, struct piix4_pm, pci.dev) : NULL;
}
