// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "vblk" payload: a minimal virtio-blk driver run after SeaBIOS has set up
 * the PCI BARs.  It finds 1af4:1001 (or 1042), brings it up through the
 * legacy I/O BAR (mode=legacy) or the modern capabilities (default), then
 * writes n sectors of a seeded pattern at sector s, flushes, reads them
 * back and compares.  Prints "vblk: write ok", "vblk: flush ok",
 * "vblk: readback ok" and "vblk: done", exits 0 (1 on any failure).
 * bench=1 instead times sequential 64 KiB reads and writes (mb= MiB each)
 * and 4 KiB random reads (ops=), with 8 requests in flight, on the ACPI PM
 * timer, and prints "vblk bench: read_kib_s=R write_kib_s=W iops=I".
 * msix=1 (modern): queue 0 signals MSI-X vector 0 = LAPIC vector 0x51;
 * interrupts stay disabled, so after the requests the vector must be
 * pending in the LAPIC IRR: prints "vblk: msi ok" (or "vblk: msi missing").
 * attack=1 (tests/boot/probe-guard.sh) plays a guest turning its disk into
 * a qcow2 image whose backing file is a host file: it writes a qcow2
 * header naming backing= (a host path) into sector 0 and prints "vblk:
 * header write refused" or "vblk: header write accepted", then writes an
 * ordinary MBR-signed sector 0 and prints "vblk: plain write ok".
 * hotplug=1 (tests/boot/pci-hotplug.sh) plays an ACPI OS's _E01 handler:
 * with no device at boot it polls GPE0 status bit 1, reads the slots-up
 * register 0xae00, gives the new function's legacy BAR an I/O address
 * (0xe000) itself, prints "vblk: slot N inserted", reads sector 1 ("vblk:
 * sector 1: TEXT"), runs the write/flush/readback check, then waits for the
 * removal request (bit set at 0xae04), ejects the slot through 0xae08 and
 * prints "vblk: ejected slot N, config space gone" once function 0 reads
 * all ones, and "vblk: slot N filled again" at the next insertion there.
 * Legacy interface only.
 * Command line: mode=legacy|modern s=SECTOR n=COUNT seed=S bench=1 mb= ops=
 * msix=1 attack=1 backing=PATH hotplug=1.
 */
#include "rt.h"

#define RING 0x00400000u
#define HDRS 0x00500000u
#define STATUS 0x00501000u
#define DATA 0x00600000u
#define CHECK 0x00a00000u
#define QSIZE 32
#define DEPTH 8

static uint32_t devfn, iobase, pm_timer;
static volatile uint8_t *common, *isr, *notify_base;
static uint32_t notify_mult;
static int modern;
static unsigned qnum;
static volatile uint8_t *desc, *avail, *used;
static uint16_t avail_idx, used_seen;

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

static void pci_write32(uint32_t reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	outl(0xcfc, v);
}

#define GPE0_STS 0xafe0
#define GPE_PCI_HOTPLUG 0x02
#define PCIHP_UP 0xae00
#define PCIHP_DOWN 0xae04
#define PCIHP_EJECT 0xae08
#define HOTPLUG_IOBASE 0xe000u

/* The next hot-plug event (GPE0 bit 1): acknowledge it, return 0; -1 on timeout. */
static int wait_gpe(void)
{
	for (uint32_t spins = 0; spins < 400000000u; spins++) {
		if (inb(GPE0_STS) & GPE_PCI_HOTPLUG) {
			outb(GPE0_STS, GPE_PCI_HOTPLUG);
			return 0;
		}
	}
	return -1;
}

/* What _E01 and the OS's PCI layer do for a device_add: find, map, enable. */
static int hotplug_wait_insert(void)
{
	uint32_t up;

	rt_printf("vblk: waiting for a hot-plugged device\n");
	if (wait_gpe() < 0)
		return -1;
	up = inl(PCIHP_UP);
	if (!up)
		return -1;
	devfn = (uint32_t)__builtin_ctz(up) << 3;
	if (pci_read(0) != 0x10011af4u)
		return -1;
	pci_write32(0x10, HOTPLUG_IOBASE);
	pci_write16(0x04, 0x5); /* I/O and bus master */
	rt_printf("vblk: slot %u inserted (up=%x)\n", devfn >> 3, up);
	return 0;
}

static int one_req(uint32_t type, uint32_t sector, uint32_t data, uint32_t len);

/* Read sector 1 and print its leading text. */
static int hotplug_read_sector(void)
{
	char text[17];
	volatile uint8_t *r = (volatile uint8_t *)CHECK;

	if (one_req(0, 1, CHECK, 512) < 0)
		return -1;
	for (int i = 0; i < 16; i++)
		text[i] = r[i] >= 0x20 && r[i] < 0x7f ? r[i] : '.';
	text[16] = 0;
	rt_printf("vblk: sector 1: %s\n", text);
	return 0;
}

/* device_del: the removal request, then _EJ0's write to the eject register. */
static int hotplug_wait_remove(void)
{
	uint32_t slot = devfn >> 3;

	rt_printf("vblk: waiting for the removal request\n");
	while (!(inl(PCIHP_DOWN) & (1u << slot)))
		if (wait_gpe() < 0)
			return -1;
	outb(iobase + 0x12, 0); /* the driver lets go of the device first */
	outl(PCIHP_EJECT, 1u << slot);
	if (pci_read(0) != 0xffffffffu)
		return -1;
	rt_printf("vblk: ejected slot %u, config space gone\n", slot);
	/* the host saw DEVICE_DELETED and plugs a device in again */
	if (wait_gpe() < 0 || !(inl(PCIHP_UP) & (1u << slot)) || pci_read(0) != 0x10011af4u)
		return -1;
	rt_printf("vblk: slot %u filled again\n", slot);
	return 0;
}

static int find_device(void)
{
	for (devfn = 0; devfn < 256; devfn += 8) {
		uint32_t id = pci_read(0);

		if (id == 0x10011af4u || id == 0x10421af4u)
			return 0;
	}
	return -1;
}

static void find_pm_timer(void)
{
	uint32_t save = devfn;

	devfn = 0x0b; /* PIIX4 PM, 00:01.3 */
	pm_timer = (pci_read(0x40) & 0xffc0) + 8;
	devfn = save;
}

static int find_caps(void)
{
	uint32_t bar4 = pci_read(0x20) & ~0xfu;

	for (uint32_t cap = pci_read(0x34) & 0xff; cap; cap = pci_read(cap + 1) & 0xff) {
		uint32_t type = pci_read(cap + 3) & 0xff, off = pci_read(cap + 8);

		if ((pci_read(cap) & 0xff) != 0x09 || type > 4 || type < 1)
			continue;
		if ((pci_read(cap + 4) & 0xff) != 4)
			return -1;
		if (type == 1)
			common = (volatile uint8_t *)(bar4 + off);
		else if (type == 2) {
			notify_base = (volatile uint8_t *)(bar4 + off);
			notify_mult = pci_read(cap + 16);
		} else if (type == 3)
			isr = (volatile uint8_t *)(bar4 + off);
	}
	return common && notify_base && isr ? 0 : -1;
}

#define C8(o) (*(volatile uint8_t *)(common + (o)))
#define C16(o) (*(volatile uint16_t *)(common + (o)))
#define C32(o) (*(volatile uint32_t *)(common + (o)))

#define MSI_VECTOR 0x51
#define LAPIC 0xfee00000u

/* MSI-X vector 0 -> fixed interrupt MSI_VECTOR on APIC 0; enable MSI-X. */
static int setup_msix(void)
{
	for (uint32_t cap = pci_read(0x34) & 0xff; cap; cap = pci_read(cap + 1) & 0xff) {
		uint32_t tbl, bar;
		volatile uint32_t *e;

		if ((pci_read(cap) & 0xff) != 0x11)
			continue;
		tbl = pci_read(cap + 4);
		bar = pci_read(0x10 + 4 * (tbl & 7)) & ~0xfu;
		e = (volatile uint32_t *)(bar + (tbl & ~7u));
		e[0] = LAPIC;
		e[1] = 0;
		e[2] = MSI_VECTOR;
		e[3] = 0;
		pci_write16(cap + 2, (pci_read(cap + 2) & 0xffff) | 0x8000);
		/* software-enable the local APIC so the message is accepted */
		*(volatile uint32_t *)(LAPIC + 0xf0) |= 0x100;
		return 0;
	}
	return -1;
}

static int msi_pending(void)
{
	uint32_t irr = *(volatile uint32_t *)(LAPIC + 0x200 + 0x10 * (MSI_VECTOR / 32));

	return (irr >> (MSI_VECTOR % 32)) & 1;
}

static int init_modern(int msix)
{
	if (find_caps() < 0)
		return -1;
	if (msix && setup_msix() < 0)
		return -3;
	C8(0x14) = 0;
	C8(0x14) = 3;
	C32(0x08) = 0;
	C32(0x0c) = 0;
	C32(0x08) = 1;
	C32(0x0c) = 1; /* VERSION_1 */
	C8(0x14) = 3 | 8;
	if (!(C8(0x14) & 8))
		return -2;
	C16(0x16) = 0;
	C16(0x18) = QSIZE;
	qnum = C16(0x18);
	if (msix)
		C16(0x1a) = 0;
	desc = (volatile uint8_t *)RING;
	avail = desc + 16 * qnum;
	used = (volatile uint8_t *)((RING + 16 * qnum + 6 + 2 * qnum + 4095) & ~4095u);
	memset((void *)RING, 0, 0x3000);
	C32(0x20) = RING;
	C32(0x24) = 0;
	C32(0x28) = (uint32_t)avail;
	C32(0x2c) = 0;
	C32(0x30) = (uint32_t)used;
	C32(0x34) = 0;
	C16(0x1c) = 1;
	C8(0x14) = 3 | 8 | 4;
	return 0;
}

static int init_legacy(void)
{
	iobase = pci_read(0x10) & ~3u;
	if (!(pci_read(0x10) & 1))
		return -1;
	outb(iobase + 0x12, 0);
	outb(iobase + 0x12, 3);
	outl(iobase + 0x04, 0);
	outw(iobase + 0x0e, 0);
	qnum = inw(iobase + 0x0c);
	desc = (volatile uint8_t *)RING;
	avail = desc + 16 * qnum;
	used = (volatile uint8_t *)((RING + 16 * qnum + 6 + 2 * qnum + 4095) & ~4095u);
	memset((void *)RING, 0, 0x3000 + 8 * qnum);
	outl(iobase + 0x08, RING >> 12);
	outb(iobase + 0x12, 7);
	return 0;
}

static void set_desc(unsigned i, uint32_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	volatile uint8_t *d = desc + 16 * i;

	*(volatile uint32_t *)d = addr;
	*(volatile uint32_t *)(d + 4) = 0;
	*(volatile uint32_t *)(d + 8) = len;
	*(volatile uint16_t *)(d + 12) = flags;
	*(volatile uint16_t *)(d + 14) = next;
}

/* Queue request slot k (descriptors 3k..3k+2); does not kick. */
static void queue_req(unsigned k, uint32_t type, uint32_t sector, uint32_t data, uint32_t len)
{
	volatile uint32_t *h = (volatile uint32_t *)(HDRS + 16 * k);
	unsigned d0 = 3 * k;

	h[0] = type;
	h[1] = 0;
	h[2] = sector;
	h[3] = 0;
	*(volatile uint8_t *)(STATUS + k) = 0xee;
	set_desc(d0, HDRS + 16 * k, 16, 1, d0 + 1);
	if (len) {
		set_desc(d0 + 1, data, len, 1 | (type == 0 ? 2 : 0), d0 + 2);
		set_desc(d0 + 2, STATUS + k, 1, 2, 0);
	} else {
		set_desc(d0 + 1, STATUS + k, 1, 2, 0);
	}
	*(volatile uint16_t *)(avail + 4 + 2 * (avail_idx % qnum)) = d0;
	avail_idx++;
	__asm__ volatile("" ::: "memory");
	*(volatile uint16_t *)(avail + 2) = avail_idx;
}

static void kick(void)
{
	__asm__ volatile("lock; addl $0, (%%esp)" ::: "memory");
	if (modern)
		*(volatile uint16_t *)notify_base = 0;
	else
		outw(iobase + 0x10, 0);
}

/* Wait until everything queued is used; returns 0 if all statuses are 0. */
static int wait_all(unsigned count)
{
	uint32_t spins = 0;
	int bad = 0;

	while (*(volatile uint16_t *)(used + 2) != avail_idx) {
		if (++spins > 200000000u)
			return -1;
	}
	used_seen = avail_idx;
	for (unsigned k = 0; k < count; k++)
		if (*(volatile uint8_t *)(STATUS + k) != 0)
			bad = 1;
	return bad ? -1 : 0;
}

static int one_req(uint32_t type, uint32_t sector, uint32_t data, uint32_t len)
{
	queue_req(0, type, sector, data, len);
	kick();
	return wait_all(1);
}

static uint32_t pm_now(void)
{
	return inl(pm_timer) & 0xffffff;
}

/* PM timer ticks since *last, accumulated (3.579545 MHz). */
static void pm_acc(uint32_t *last, uint64_t *acc)
{
	uint32_t now = pm_now();

	*acc += (now - *last) & 0xffffff;
	*last = now;
}

static uint32_t kib_per_s(uint64_t bytes, uint64_t ticks)
{
	/* bytes / 1024 / (ticks / 3579545) */
	return ticks ? (uint32_t)rt_udivmod64(rt_udivmod64(bytes, 1024, NULL) * 3579545ull,
					     (uint32_t)(ticks > 0xffffffffu ? 0xffffffffu : ticks),
					     NULL) : 0;
}

static int bench(const char *cmdline)
{
	uint32_t mb = rt_cmdline_num(cmdline, "mb", 32), ops = rt_cmdline_num(cmdline, "ops", 4000);
	uint32_t chunk = 65536, per = chunk / 512, last;
	uint64_t tr = 0, tw = 0, ti = 0, total = (uint64_t)mb << 20;
	uint32_t nreq = (uint32_t)(total / chunk);

	find_pm_timer();
	for (int write = 0; write < 2; write++) {
		uint64_t *acc = write ? &tw : &tr;

		last = pm_now();
		for (uint32_t r = 0; r < nreq; r += DEPTH) {
			unsigned k;

			for (k = 0; k < DEPTH && r + k < nreq; k++)
				queue_req(k, write, (r + k) * per, DATA + k * chunk, chunk);
			kick();
			if (wait_all(k) < 0)
				return -1;
			pm_acc(&last, acc);
		}
	}
	rt_srand(7);
	last = pm_now();
	for (uint32_t r = 0; r < ops; r += DEPTH) {
		unsigned k;

		for (k = 0; k < DEPTH && r + k < ops; k++)
			queue_req(k, 0, rt_rand_below(mb * 256) * 8, DATA + k * 4096, 4096);
		kick();
		if (wait_all(k) < 0)
			return -1;
		pm_acc(&last, &ti);
	}
	rt_printf("vblk bench: read_kib_s=%u write_kib_s=%u iops=%u\n",
		  kib_per_s(total, tr), kib_per_s(total, tw),
		  ti ? (uint32_t)rt_udivmod64((uint64_t)ops * 3579545ull,
					      (uint32_t)(ti > 0xffffffffu ? 0xffffffffu : ti), NULL)
		     : 0);
	return 0;
}

static uint8_t pattern(uint32_t seed, uint32_t i)
{
	return (uint8_t)((i * 7 + seed) ^ (i >> 9));
}

static int verify(const char *cmdline)
{
	uint32_t s = rt_cmdline_num(cmdline, "s", 100), n = rt_cmdline_num(cmdline, "n", 16);
	uint32_t seed = rt_cmdline_num(cmdline, "seed", 1), len;
	volatile uint8_t *w = (volatile uint8_t *)DATA, *r = (volatile uint8_t *)CHECK;

	if (n == 0 || n > 2048)
		n = 16;
	len = n * 512;
	for (uint32_t i = 0; i < len; i++) {
		w[i] = pattern(seed, i);
		r[i] = 0;
	}
	if (one_req(1, s, DATA, len) < 0)
		return -1;
	rt_printf("vblk: write ok\n");
	if (one_req(4, 0, 0, 0) < 0)
		return -1;
	rt_printf("vblk: flush ok\n");
	if (one_req(0, s, CHECK, len) < 0)
		return -1;
	for (uint32_t i = 0; i < len; i++)
		if (r[i] != pattern(seed, i)) {
			rt_printf("vblk: mismatch at byte %u\n", i);
			return -1;
		}
	rt_printf("vblk: readback ok\n");
	return 0;
}

static int attack(const char *cmdline)
{
	char backing[201] = "/etc/passwd";
	volatile uint8_t *w = (volatile uint8_t *)DATA;

	rt_cmdline_get(cmdline, "backing", backing, sizeof(backing));
	rt_qcow2_header((uint8_t *)w, backing);
	rt_printf("vblk: header write %s\n",
		  one_req(1, 0, DATA, 512) < 0 ? "refused" : "accepted");
	for (int i = 0; i < 512; i++)
		w[i] = (uint8_t)(i * 13);
	w[510] = 0x55, w[511] = 0xaa;
	if (one_req(1, 0, DATA, 512) < 0 || one_req(4, 0, 0, 0) < 0)
		return -1;
	rt_printf("vblk: plain write ok\n");
	return 0;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	char mode[16] = "modern";
	int ret;

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	rt_cmdline_get(cmdline, "mode", mode, sizeof(mode));
	modern = strncmp(mode, "legacy", 6) != 0;
	if (rt_cmdline_num(cmdline, "hotplug", 0)) {
		modern = 0;
		if (hotplug_wait_insert() < 0 || init_legacy() < 0 || hotplug_read_sector() < 0 ||
		    verify(cmdline) < 0) {
			rt_printf("vblk: hot-plug failed\n");
			return 1;
		}
		if (hotplug_wait_remove() < 0) {
			rt_printf("vblk: eject failed\n");
			return 1;
		}
		rt_printf("vblk: done\n");
		return 0;
	}
	if (find_device() < 0) {
		rt_printf("vblk: no virtio-blk device\n");
		return 1;
	}
	pci_write16(0x04, 0x7);
	ret = modern ? init_modern(rt_cmdline_num(cmdline, "msix", 0)) : init_legacy();
	if (ret < 0) {
		rt_printf("vblk: %s init failed (%d)\n", mode, ret);
		return 1;
	}
	rt_printf("vblk: %s device at %x.%x, queue %u\n", mode, devfn >> 3, devfn & 7, qnum);
	if (rt_cmdline_num(cmdline, "attack", 0))
		ret = attack(cmdline);
	else
		ret = rt_cmdline_num(cmdline, "bench", 0) ? bench(cmdline) : verify(cmdline);
	if (ret < 0) {
		rt_printf("vblk: request failed\n");
		return 1;
	}
	if (modern && rt_cmdline_num(cmdline, "msix", 0))
		rt_printf("vblk: msi %s\n", msi_pending() ? "ok" : "missing");
	rt_printf("vblk: done\n");
	return 0;
}
