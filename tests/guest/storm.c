// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "storm" payload: a hostile guest.  Seeded random port reads and writes
 * of every size, string ins/outs with rep and large counts (into/out of a
 * scratch buffer in guest RAM at 4 MiB), random fw_cfg DMA descriptors,
 * random PCI configuration writes, and random MMIO reads/writes across the
 * VGA window, the ROM area, unassigned memory above RAM, the PCI hole and
 * the BIOS at the top of 4 GiB.  Then it prints "storm done N" and exits 0
 * (or exit=CODE).  Command line: seed=S (default 1), n=COUNT (default
 * 4000), dma=1 (also hit the BARs of non-display PCI devices), wild=1
 * (dma=1 plus PCI config writes below 0x40: BARs, command registers, so
 * devices move over RAM, each other or legacy ports; the payload itself
 * may then die, the VMM must not), trace=1
 * (log every operation to the debug console, port 0x402).
 *
 * The payload must live to report, so it skips what legitimately resets,
 * powers off or exits the machine, or lets a device overwrite the payload:
 *   ports 0x92 (fast reset), 0xcf9 (PIIX reset control), 0xf4-0xf7
 *   (isa-debug-exit), the PIIX4 PM block (PM base from 00:01.3 reg 0x40,
 *   plus 0x600 and 0xb000 blocks: PM1_CNT sleep), i8042 commands 0xd1
 *   (write output port, bit 0 = reset) and 0xf0-0xff (pulse reset),
 *   multi-byte writes covering 0x64, COM1's data register (garbage on the
 *   console), direct writes to 0xcf8-0xcff and 0x514-0x51b (done only by
 *   the generators below), ISA DMA address/count registers (floppy DMA
 *   into the payload), and, unless dma=1, I/O and memory BARs of PCI
 *   devices other than display controllers (bus-master DMA).
 *   PCI config writes: registers 0x40-0xff only (unless wild=1), never
 *   function 00:01.3.
 *   MMIO writes: never to RAM, the IOAPIC, HPET or LAPIC pages (NMI/INIT
 *   delivery to ourselves).
 */
#include "rt.h"

#define SCRATCH 0x00400000u
#define SCRATCH_SIZE 0x00100000u
#define MAX_BARS 48

struct range {
	uint32_t start, end; /* [start, end) */
};

static struct range io_prot[MAX_BARS], mem_prot[MAX_BARS];
static int n_io_prot, n_mem_prot;
static uint32_t pm_base;
static uint32_t ram_end;
static int allow_dma, wild, trace;
static uint8_t pci_devfn[256];
static int n_pci;

static uint32_t pci_read(uint32_t devfn, uint32_t reg)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

static void pci_write(uint32_t devfn, uint32_t reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	outl(0xcfc, v);
}

static void protect_bars(uint32_t devfn)
{
	uint32_t reg;

	for (reg = 0x10; reg <= 0x24; reg += 4) {
		uint32_t bar = pci_read(devfn, reg), size;

		if (!bar || bar == 0xffffffffu)
			continue;
		pci_write(devfn, reg, 0xffffffffu);
		size = pci_read(devfn, reg);
		pci_write(devfn, reg, bar);
		if (bar & 1) {
			size = ~(size & ~3u) + 1;
			size &= 0xffff;
			if (n_io_prot < MAX_BARS && size)
				io_prot[n_io_prot++] = (struct range){ bar & ~3u, (bar & ~3u) + size };
		} else {
			size = ~(size & ~15u) + 1;
			if (n_mem_prot < MAX_BARS && size)
				mem_prot[n_mem_prot++] = (struct range){ bar & ~15u, (bar & ~15u) + size };
			if ((bar & 6) == 4)
				reg += 4; /* 64-bit BAR: skip the high half */
		}
	}
}

static void scan_pci(void)
{
	uint32_t devfn;

	for (devfn = 0; devfn < 256; devfn++) {
		uint32_t id = pci_read(devfn, 0), cls;

		if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
			continue;
		pci_devfn[n_pci++] = devfn;
		cls = pci_read(devfn, 8) >> 24;
		if (devfn == 0x0b) /* PIIX4 PM */
			pm_base = pci_read(devfn, 0x40) & 0xffc0;
		if (cls != 0x03 && !allow_dma)
			protect_bars(devfn);
	}
}

static int overlaps(const struct range *r, int n, uint32_t a, uint32_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (a < r[i].end && r[i].start < a + len)
			return 1;
	return 0;
}

static int in_block(uint32_t p, uint32_t len, uint32_t base, uint32_t size)
{
	return p < base + size && base < p + len;
}

/* May a write of len bytes at port p (first byte v) happen? */
static int port_write_ok(uint32_t p, uint32_t len, uint8_t v)
{
	if (p + len > 0x10000)
		return 0;
	if (in_block(p, len, 0x92, 1) || in_block(p, len, 0xcf8, 8) ||
	    in_block(p, len, 0xf4, 4) || in_block(p, len, 0x514, 8) ||
	    in_block(p, len, 0x3f8, 1) || in_block(p, len, 0x600, 0x40) ||
	    in_block(p, len, 0xb000, 0x40) ||
	    (pm_base && in_block(p, len, pm_base, 0x40)))
		return 0;
	if (!allow_dma && (in_block(p, len, 0x00, 0x10) ||
			   in_block(p, len, 0xc0, 0x20)))
		return 0;
	if (in_block(p, len, 0x64, 1) &&
	    (p != 0x64 || len != 1 || v == 0xd1 || v >= 0xf0))
		return 0;
	return !overlaps(io_prot, n_io_prot, p, len);
}

static const uint16_t hot_ports[] = {
	0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x60, 0x61, 0x64,
	0x70, 0x71, 0x80, 0x81, 0x87, 0x8f, 0x92, 0x1ce, 0x1cf, 0x1d0,
	0x1f0, 0x1f1, 0x1f2, 0x1f6, 0x1f7, 0x3f6, 0x170, 0x177, 0x376,
	0x3b4, 0x3b5, 0x3c0, 0x3c1, 0x3c4, 0x3c5, 0x3c7, 0x3c8, 0x3c9,
	0x3ce, 0x3cf, 0x3d4, 0x3d5, 0x3da, 0x3f0, 0x3f2, 0x3f4, 0x3f5,
	0x3f7, 0x2f8, 0x2f9, 0x2fb, 0x2fc, 0x3f9, 0x3fa, 0x3fb, 0x3fc,
	0x3fd, 0x3ff, 0x378, 0x379, 0x37a, 0x402, 0x4d0, 0x4d1, 0x510,
	0x511, 0x512, 0xcf8, 0xcfc, 0xcfe, 0xc000, 0xc040, 0xc080, 0xafe0,
	0xae00, 0xb100,
};

static uint32_t pick_port(void)
{
	uint32_t r = rt_rand();

	if (r & 1)
		return hot_ports[rt_rand_below(sizeof(hot_ports) / 2)] +
		       ((r >> 1) & 1 ? rt_rand_below(4) : 0);
	return (r >> 8) & 0xffff;
}

static void port_op(void)
{
	uint32_t p = pick_port(), sz = 1u << rt_rand_below(3);
	uint32_t op = rt_rand_below(8), v = rt_rand();
	uint32_t count = 1 + (rt_rand_below(4) ? rt_rand_below(64) : rt_rand_below(16384));
	uint32_t buf = SCRATCH + (rt_rand_below(SCRATCH_SIZE / 2) & ~3u);

	if (p + sz > 0x10000)
		p = 0x10000 - sz;
	if (trace)
		rt_printf("port op %u p=%x sz=%u v=%x count=%u\n", op, p, sz, v, count);
	switch (op) {
	case 0: case 1: case 2: /* in */
		if (sz == 1) inb(p); else if (sz == 2) inw(p); else inl(p);
		break;
	case 3: case 4: case 5: /* out */
		if (!port_write_ok(p, sz, (uint8_t)v))
			break;
		if (sz == 1) outb(p, v); else if (sz == 2) outw(p, v); else outl(p, v);
		break;
	case 6: /* rep ins: device to scratch RAM */
		if (sz == 1)
			__asm__ volatile("rep insb" : "+D"(buf), "+c"(count) : "d"(p) : "memory");
		else if (sz == 2)
			__asm__ volatile("rep insw" : "+D"(buf), "+c"(count) : "d"(p) : "memory");
		else
			__asm__ volatile("rep insl" : "+D"(buf), "+c"(count) : "d"(p) : "memory");
		break;
	default: /* rep outs: scratch RAM to device */
		if (!port_write_ok(p, sz, 0xff)) /* any byte may follow */
			break;
		if (sz == 1)
			__asm__ volatile("rep outsb" : "+S"(buf), "+c"(count) : "d"(p) : "memory");
		else if (sz == 2)
			__asm__ volatile("rep outsw" : "+S"(buf), "+c"(count) : "d"(p) : "memory");
		else
			__asm__ volatile("rep outsl" : "+S"(buf), "+c"(count) : "d"(p) : "memory");
		break;
	}
}

static uint32_t be32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

/* A random fw_cfg DMA request: the descriptor is in scratch or wild. */
static void fw_cfg_dma_op(void)
{
	uint32_t desc = SCRATCH + SCRATCH_SIZE + (rt_rand_below(0x1000) & ~15u);
	volatile uint32_t *d = (volatile uint32_t *)desc;
	uint32_t ctl = rt_rand() & 0xffff001fu;
	/*
	 * Lengths stay below 128 KiB: QEMU zero-fills the rest of a read
	 * past an item's end, and a 4 GiB fill takes it minutes.
	 */
	uint32_t len = rt_rand() & (rt_rand_below(2) ? 0x1ffff : 0xfff);

	d[0] = be32(ctl);
	d[1] = be32(len);
	d[2] = rt_rand_below(8) ? 0 : be32(rt_rand()); /* high half */
	d[3] = be32(SCRATCH + rt_rand_below(SCRATCH_SIZE));
	if (trace)
		rt_printf("fwcfg dma ctl=%x len=%x\n", ctl, len);
	if (rt_rand_below(4) == 0) {
		/* descriptor outside RAM (or above 4 GiB) */
		outl(0x514, rt_rand_below(2) ? be32(rt_rand() | 1) : 0);
		outl(0x518, be32(ram_end + rt_rand_below(0xe0000000u - ram_end)));
	} else {
		outl(0x514, 0);
		outl(0x518, be32(desc));
	}
	if (rt_rand_below(2)) {	/* also a few data-port reads */
		outw(0x510, rt_rand() & 0xffff);
		inb(0x511);
	}
}

static void pci_op(void)
{
	uint32_t devfn = n_pci && rt_rand_below(4) ? pci_devfn[rt_rand_below(n_pci)] :
			 rt_rand_below(256);
	uint32_t reg = rt_rand_below(256), v = rt_rand();
	uint32_t sz = 1u << rt_rand_below(3);

	reg &= ~(sz - 1);
	if (trace)
		rt_printf("pci devfn=%x reg=%x sz=%u v=%x\n", devfn, reg, sz, v);
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	if (rt_rand_below(2) || (reg < 0x40 && !wild) || devfn == 0x0b) {
		if (sz == 1) inb(0xcfc + (reg & 3));
		else if (sz == 2) inw(0xcfc + (reg & 2));
		else inl(0xcfc);
		return;
	}
	if (sz == 1) outb(0xcfc + (reg & 3), v);
	else if (sz == 2) outw(0xcfc + (reg & 2), v);
	else outl(0xcfc, v);
}

static uint32_t pick_mmio(int *writable)
{
	uint32_t r = rt_rand_below(7);

	*writable = 1;
	switch (r) {
	case 0: return 0xa0000 + rt_rand_below(0x20000);
	case 1: return 0xc0000 + rt_rand_below(0x40000);
	case 2: return ram_end + rt_rand_below(0xe0000000u - ram_end);
	case 3: return 0xfffc0000u + rt_rand_below(0x40000);
	case 4: /* IOAPIC, HPET, LAPIC: read only */
		*writable = 0;
		return (rt_rand_below(2) ? 0xfec00000u : rt_rand_below(2) ?
			0xfed00000u : 0xfee00000u) + rt_rand_below(0x1000);
	default: return 0xe0000000u + rt_rand_below(0xfec00000u - 0xe0000000u);
	}
}

static void mmio_op(void)
{
	int writable;
	uint32_t a = pick_mmio(&writable), sz = 1u << rt_rand_below(3);
	uint32_t v = rt_rand();

	if (a > 0xffffffffu - 4)
		a = 0xfffffffcu;
	if (a >= 0xfec00000u && a < 0xfef00000u)
		writable = 0;
	if (a < ram_end || overlaps(mem_prot, n_mem_prot, a, sz))
		writable = 0;
	if (trace)
		rt_printf("mmio a=%x sz=%u w=%d\n", a, sz, writable);
	if (!writable || rt_rand_below(2)) {
		if (sz == 1) (void)*(volatile uint8_t *)a;
		else if (sz == 2) (void)*(volatile uint16_t *)a;
		else (void)*(volatile uint32_t *)a;
		return;
	}
	if (sz == 1) *(volatile uint8_t *)a = v;
	else if (sz == 2) *(volatile uint16_t *)a = v;
	else *(volatile uint32_t *)a = v;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	uint32_t seed, n, i, k;

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	seed = rt_cmdline_num(cmdline, "seed", 1);
	n = rt_cmdline_num(cmdline, "n", 4000);
	wild = rt_cmdline_num(cmdline, "wild", 0) != 0;
	allow_dma = wild || rt_cmdline_num(cmdline, "dma", 0) != 0;
	trace = rt_cmdline_num(cmdline, "trace", 0) != 0;
	ram_end = 0x100000u + ((mbi->flags & MB_INFO_MEM) ? mbi->mem_upper << 10 : 0);
	rt_printf("kvmpc payload: storm seed=%u n=%u dma=%d wild=%d\n", seed, n,
		  allow_dma, wild);
	if (ram_end < SCRATCH + SCRATCH_SIZE + 0x1000) {
		rt_puts("kvmpc payload: storm needs at least 6 MiB of RAM\n");
		return 0x7e;
	}
	rt_srand(((uint64_t)seed << 32) | (seed ^ 0x5bd1e995u));
	scan_pci();
	rt_printf("kvmpc payload: storm: %d PCI functions, PM base 0x%x, %d+%d BARs protected\n",
		  n_pci, pm_base, n_io_prot, n_mem_prot);

	if (trace)
		rt_set_debugcon(1);
	for (i = 0; i < n; i++) {
		k = rt_rand_below(16);
		if (k < 8)
			port_op();
		else if (k < 13)
			mmio_op();
		else if (k < 15)
			pci_op();
		else
			fw_cfg_dma_op();
	}
	rt_set_debugcon(0);
	rt_serial_init();
	rt_printf("\nstorm done %u\n", n);
	return rt_cmdline_num(cmdline, "exit", 0);
}
