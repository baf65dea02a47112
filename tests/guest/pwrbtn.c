// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "pwrbtn" payload: a guest that answers the ACPI power button, for tests
 * that press it from outside (virsh shutdown, QMP system_powerdown).  It
 * reads the PIIX4 PM I/O base from 00:01.3's config space (SeaBIOS set
 * it), turns ACPI on through the APM control port as an OS does (port
 * 0xb2, the FADT's ACPI_ENABLE value 0xf1) unless SCI_EN is already set,
 * enables PWRBTN_EN, reports "pwrbtn: armed" and polls PWRBTN_STS.  When
 * the button is pressed it clears the status, reports "pwrbtn: pressed"
 * and enters S5 (PIIX4's SLP_TYP 0 with SLP_EN).  Reports go to the debug
 * console at 0x402.  Every wait is bounded except the one for the button.
 */
#include "rt.h"

#define PM_DEVFN_CFG(off) (0x80000000u | (1u << 11) | (3u << 8) | (off))
#define PM1_STS 0
#define PM1_EN 2
#define PM1_CNT 4
#define PWRBTN 0x0100
#define SCI_EN 0x0001
#define SLP_EN 0x2000

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint16_t base;
	unsigned spins = 0;

	rt_set_debugcon(1);
	outl(0xcf8, PM_DEVFN_CFG(0x40));
	base = inl(0xcfc) & 0xffc0;
	if (!base) {
		rt_puts("pwrbtn: the PM I/O base is not set\n");
		return 1;
	}
	if (!(inw(base + PM1_CNT) & SCI_EN)) {
		outb(0xb2, 0xf1);
		while (!(inw(base + PM1_CNT) & SCI_EN) && spins++ < 100000)
			__asm__ volatile("pause");
	}
	outw(base + PM1_STS, PWRBTN);
	outw(base + PM1_EN, inw(base + PM1_EN) | PWRBTN);
	rt_printf("pwrbtn: armed (PM base %x, SCI_EN %u)\n", base,
		  inw(base + PM1_CNT) & SCI_EN);
	while (!(inw(base + PM1_STS) & PWRBTN))
		__asm__ volatile("pause");
	outw(base + PM1_STS, PWRBTN);
	rt_puts("pwrbtn: pressed\n");
	outw(base + PM1_CNT, SLP_EN);
	rt_puts("pwrbtn: still running after S5\n");
	return 2;
}
