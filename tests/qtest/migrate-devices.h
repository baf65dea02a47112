/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One of every device class kvmpc has, programmed and read back through
 * qtest for the migration round trip (tests/qtest/migrate-test.c).  Each
 * class has a program step (registers away from their reset values, data
 * left waiting in FIFOs and queues, a PIO transfer left half read, a
 * configured virtqueue with a completed request) and a probe step that
 * prints what the guest sees.  Not here: the PIC, IOAPIC and PIT, which
 * live in KVM (no userspace model exists under qtest), and the vCPUs.
 */
#ifndef TESTS_QTEST_MIGRATE_DEVICES_H
#define TESTS_QTEST_MIGRATE_DEVICES_H

#include "tests/qtest/migrate-helpers.h"
#include "tests/qtest/virtio-helpers.h"

/* The machine: every device class once (drive paths are per side). */
#define MIG_MACHINE_FMT \
	"-nodefaults -m 8 -vga none -device VGA,vgamem_mb=4 -serial null -chardev null,id=dc0 " \
	"-device isa-debugcon,iobase=0x402,chardev=dc0 " \
	"-device isa-debug-exit -device pc-testdev -device pci-testdev " \
	"-drive if=none,id=hd0,file=%s/disk.img,format=raw " \
	"-device ide-hd,drive=hd0,bus=ide.0,unit=0 -device ide-cd,bus=ide.1,unit=0 " \
	"-drive file=%s/vdisk.img,format=raw,if=virtio " \
	"-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 " \
	"-device virtio-rng-pci -device virtio-balloon-pci " \
	"-device ahci,id=ahci0 -device ide-cd,bus=ahci0.1"

/* The device classes the probes cover; the test checks the machine has no other. */
static const char *const mig_classes[] = {
	"i440FX-pcihost", "PIIX3", "piix3-ide", "PIIX4_PM", "VGA", "mc146818rtc", "i8042",
	"ps2-kbd", "ps2-mouse", "isa-serial", "isa-debugcon", "isa-debug-exit",
	"pc-testdev", "pci-testdev", "ide-hd", "ide-cd", "virtio-blk-pci",
	"virtio-net-pci", "virtio-rng-pci", "virtio-balloon-pci", "fw_cfg_io", "hpet", "ahci",
	NULL,
};

#define MIG_VGA_LFB 0xe0000000u
#define MIG_BMIBA 0xc200
#define MIG_PMBA 0xb000
#define MIG_RING(i) (0x200000ULL + (i) * 0x10000)
#define MIG_BUF 0x300000ULL
#define MIG_ABAR 0xe8000000u
#define MIG_AHCI_CLB 0x380000u

struct mig_virtio {
	uint16_t dev_id;
	int nq;
	struct vt_dev d;
	struct vt_queue vq[2];
};

static struct mig_virtio mig_vio[] = {
	{ 0x1001, 1 }, { 0x1000, 2 }, { 0x1005, 1 }, { 0x1002, 2 },
};

/* Set for a machine in an unknown (hostile) state: no request that must complete. */
static bool mig_probe_no_io;

#define P(out, fmt, ...) g_string_append_printf(out, fmt "\n", __VA_ARGS__)

static inline int mig_find(struct qtest *q, uint32_t id)
{
	for (int devfn = 0; devfn < 256; devfn++)
		if (qtest_pci_readl(q, devfn, 0) == id)
			return devfn;
	g_assert_not_reached();
}

/* ---- ISA devices -------------------------------------------------------- */

static inline void mig_program_isa(struct qtest *q)
{
	for (int i = 0x40; i < 0x80; i++) {
		qtest_outb(q, 0x70, i);
		qtest_outb(q, 0x71, i * 7 + 3);
	}
	qtest_outb(q, 0x70, 0x0b);
	qtest_outb(q, 0x71, 0x06);   /* binary, 24 h */
	qtest_outb(q, 0x70, 0x0a);
	qtest_outb(q, 0x71, 0x2a);   /* periodic rate 10 */
	qtest_outb(q, 0x3fb, 0x83);  /* COM1: DLAB, 8N1 */
	qtest_outb(q, 0x3f8, 0x0c);
	qtest_outb(q, 0x3f9, 0x00);
	qtest_outb(q, 0x3fb, 0x03);
	qtest_outb(q, 0x3fa, 0x07);  /* FIFOs on */
	qtest_outb(q, 0x3fc, 0x1b);  /* loopback, OUT2, RTS, DTR */
	qtest_outb(q, 0x3f9, 0x05);
	qtest_outb(q, 0x3ff, 0xa5);
	for (int i = 0; i < 5; i++)
		qtest_outb(q, 0x3f8, 'a' + i); /* looped back into the RX FIFO */
	qtest_outb(q, 0x64, 0x60);   /* i8042 command byte */
	qtest_outb(q, 0x60, 0x47);
	qtest_outb(q, 0x60, 0xf2);   /* keyboard identify: ACK + 2 ID bytes queued */
	qtest_outb(q, 0x64, 0xd4);   /* mouse: sample rate 40 */
	qtest_outb(q, 0x60, 0xf3);
	qtest_outb(q, 0x64, 0xd4);
	qtest_outb(q, 0x60, 0x28);
	qtest_outl(q, 0xe0, 0x12345678); /* pc-testdev scratch */
	qtest_writel(q, 0xff000010, 0xdeadbeef);
	qtest_outw(q, 0x510, 0x0000);    /* fw_cfg signature, 2 bytes read */
	qtest_inb(q, 0x511);
	qtest_inb(q, 0x511);
	qtest_outb(q, 0x92, 0x02);
	qtest_outb(q, 0x4d0, 0x20);      /* ELCR */
	qtest_outb(q, 0x4d1, 0x0e);
	qtest_writeq(q, 0xfed000f0, 0x123456789ULL); /* HPET: counter, comparators */
	qtest_writeq(q, 0xfed00108, 0x5000000000ULL);
	qtest_writel(q, 0xfed00100, 0x0a0e);         /* level, enabled, periodic, route 5 */
	qtest_writel(q, 0xfed00108, 0x4000);         /* period */
	qtest_writel(q, 0xfed00120, 0x0104);         /* 32-bit one-shot */
	qtest_writel(q, 0xfed00128, 0x77777777);
	qtest_writeq(q, 0xfed00150, 0xfee0000000000041ULL);
	qtest_writel(q, 0xfed00010, 0x3);            /* running, legacy route */
}

static inline void mig_probe_isa(struct qtest *q, GString *out)
{
	for (int i = 0; i < 0x80; i++) {
		qtest_outb(q, 0x70, i);
		P(out, "rtc.cmos[%#x]=%#x", i, qtest_inb(q, 0x71));
	}
	for (int r = 1; r < 8; r++)
		P(out, "serial.reg%d=%#x", r, qtest_inb(q, 0x3f8 + r));
	for (int i = 0; i < 6; i++) {
		P(out, "serial.lsr=%#x", qtest_inb(q, 0x3fd));
		P(out, "serial.rbr=%#x", qtest_inb(q, 0x3f8));
	}
	qtest_outb(q, 0x3fb, 0x83);
	P(out, "serial.dll=%#x", qtest_inb(q, 0x3f8));
	qtest_outb(q, 0x3fb, 0x03);
	for (int i = 0; i < 6; i++) {
		P(out, "i8042.status=%#x", qtest_inb(q, 0x64));
		P(out, "i8042.data=%#x", qtest_inb(q, 0x60));
	}
	qtest_outb(q, 0x64, 0x20);
	P(out, "i8042.cmdbyte=%#x", qtest_inb(q, 0x60));
	qtest_outb(q, 0x64, 0xd4);      /* mouse status request: ACK + 3 bytes */
	qtest_outb(q, 0x60, 0xe9);
	for (int i = 0; i < 4; i++)
		P(out, "ps2-mouse.status[%d]=%#x", i, qtest_inb(q, 0x60));
	P(out, "pc-testdev.io=%#x", qtest_inl(q, 0xe0));
	P(out, "pc-testdev.mem=%#x", qtest_readl(q, 0xff000010));
	P(out, "fw_cfg.data=%#x", qtest_inb(q, 0x511));
	P(out, "fw_cfg.data=%#x", qtest_inb(q, 0x511));
	P(out, "port92=%#x", qtest_inb(q, 0x92));
	P(out, "elcr=%#x", qtest_inb(q, 0x4d0) | qtest_inb(q, 0x4d1) << 8);
	P(out, "debugcon=%#x", qtest_inb(q, 0x402));
	for (int off = 0; off < 0x160; off += 4)
		P(out, "hpet[%#x]=%#x", off, qtest_readl(q, 0xfed00000 + off));
}

/* ---- VGA and VBE -------------------------------------------------------- */

static inline void mig_program_vga(struct qtest *q)
{
	int devfn = mig_find(q, 0x11111234);

	qtest_pci_writel(q, devfn, 0x10, MIG_VGA_LFB | 8);
	qtest_pci_writew(q, devfn, 0x04, 0x3);
	qtest_outb(q, 0x3c2, 0x67);
	for (int i = 1; i < 5; i++) {
		qtest_outb(q, 0x3c4, i);
		qtest_outb(q, 0x3c5, 0x01 + i);
	}
	qtest_outb(q, 0x3d4, 0x11);
	qtest_outb(q, 0x3d5, 0x0e);     /* unlock CR0-7 */
	for (int i = 0; i < 0x19; i++) {
		if (i == 0x11)
			continue;
		qtest_outb(q, 0x3d4, i);
		qtest_outb(q, 0x3d5, i * 5 + 1);
	}
	for (int i = 0; i < 9; i++) {
		qtest_outb(q, 0x3ce, i);
		qtest_outb(q, 0x3cf, (i * 3) & 0x0f);
	}
	qtest_inb(q, 0x3da);
	for (int i = 0; i < 0x15; i++) {
		qtest_outb(q, 0x3c0, i);
		qtest_outb(q, 0x3c0, i ^ 0x15);
	}
	qtest_outb(q, 0x3c8, 0);
	for (int i = 0; i < 48; i++)
		qtest_outb(q, 0x3c9, (i * 11) & 0x3f);
	qtest_outb(q, 0x3c7, 5);        /* DAC read index mid-entry */
	qtest_inb(q, 0x3c9);
	qtest_outw(q, 0x1ce, 1);
	qtest_outw(q, 0x1cf, 800);
	qtest_outw(q, 0x1ce, 2);
	qtest_outw(q, 0x1cf, 600);
	qtest_outw(q, 0x1ce, 3);
	qtest_outw(q, 0x1cf, 32);
	qtest_outw(q, 0x1ce, 4);
	qtest_outw(q, 0x1cf, 0x41);     /* enabled, LFB */
	for (int i = 0; i < 64; i++)
		qtest_writel(q, MIG_VGA_LFB + i * 0x3ff0, 0x01010101u * i ^ 0xa5a55a5a);
	qtest_outw(q, 0x1ce, 2);        /* leave the VBE index at YRES */
}

static inline void mig_probe_vga(struct qtest *q, GString *out)
{
	P(out, "vga.misc=%#x", qtest_inb(q, 0x3cc));
	P(out, "vga.vbe_index=%#x", qtest_inw(q, 0x1ce));
	for (int i = 0; i < 10; i++) {
		qtest_outw(q, 0x1ce, i);
		P(out, "vbe.reg[%d]=%#x", i, qtest_inw(q, 0x1cf));
	}
	P(out, "vga.sr_index=%#x", qtest_inb(q, 0x3c4));
	for (int i = 0; i < 5; i++) {
		qtest_outb(q, 0x3c4, i);
		P(out, "vga.sr[%d]=%#x", i, qtest_inb(q, 0x3c5));
	}
	for (int i = 0; i < 0x19; i++) {
		qtest_outb(q, 0x3d4, i);
		P(out, "vga.cr[%#x]=%#x", i, qtest_inb(q, 0x3d5));
	}
	for (int i = 0; i < 9; i++) {
		qtest_outb(q, 0x3ce, i);
		P(out, "vga.gr[%d]=%#x", i, qtest_inb(q, 0x3cf));
	}
	qtest_inb(q, 0x3da);
	for (int i = 0; i < 0x15; i++) {
		qtest_outb(q, 0x3c0, i);
		P(out, "vga.ar[%#x]=%#x", i, qtest_inb(q, 0x3c1));
		qtest_outb(q, 0x3c0, qtest_inb(q, 0x3c1));
	}
	P(out, "vga.dac_next=%#x", qtest_inb(q, 0x3c9));
	qtest_outb(q, 0x3c7, 0);
	for (int i = 0; i < 48; i++)
		P(out, "vga.dac[%d]=%#x", i, qtest_inb(q, 0x3c9));
	for (int i = 0; i < 64; i++)
		P(out, "vga.vram[%#x]=%#x", i * 0x3ff0, qtest_readl(q, MIG_VGA_LFB + i * 0x3ff0));
}

/* ---- IDE and ATAPI: a PIO transfer left half read on each channel -------- */

static inline void mig_program_ide(struct qtest *q)
{
	static const uint16_t inquiry[6] = { 0x0012, 0x0000, 0x0024, 0, 0, 0 };
	int devfn = mig_find(q, 0x70108086);

	qtest_pci_writel(q, devfn, 0x20, MIG_BMIBA | 1);
	qtest_pci_writew(q, devfn, 0x04, 0x5);
	qtest_outl(q, MIG_BMIBA + 4, 0x10000);
	qtest_outl(q, MIG_BMIBA + 12, 0x20000);
	qtest_outb(q, MIG_BMIBA + 2, 0x60);
	qtest_outb(q, 0x1f6, 0xe0);
	qtest_outb(q, 0x1f7, 0xec);          /* IDENTIFY DEVICE */
	for (int i = 0; i < 10; i++)
		qtest_inw(q, 0x1f0);
	qtest_outb(q, 0x176, 0xa0);
	qtest_outb(q, 0x174, 36);
	qtest_outb(q, 0x175, 0);
	qtest_outb(q, 0x177, 0xa0);          /* PACKET: INQUIRY, 36 bytes */
	for (int i = 0; i < 6; i++)
		qtest_outw(q, 0x170, inquiry[i]);
	for (int i = 0; i < 4; i++)
		qtest_inw(q, 0x170);
}

static inline void mig_probe_ide(struct qtest *q, GString *out)
{
	static const uint16_t bases[2] = { 0x1f0, 0x170 };

	for (int c = 0; c < 2; c++) {
		P(out, "ide%d.altstatus=%#x", c, qtest_inb(q, bases[c] + 0x206));
		for (int r = 1; r < 8; r++)
			P(out, "ide%d.reg%d=%#x", c, r, qtest_inb(q, bases[c] + r));
		for (int i = 0; i < 256; i++)
			P(out, "ide%d.data[%d]=%#x", c, i, qtest_inw(q, bases[c]));
		P(out, "ide%d.status.after=%#x", c, qtest_inb(q, bases[c] + 7));
	}
	for (int r = 0; r < 16; r++)
		P(out, "bmdma.reg%d=%#x", r, qtest_inb(q, MIG_BMIBA + r));
}

/*
 * ---- AHCI: port 1 (an empty CD) started, IDENTIFY PACKET run, TEST UNIT
 * READY failed and left in PxCI with TFES; port 2 given addresses only ----
 */
static inline void mig_ahci_cmd(struct qtest *q, int slot, uint8_t cmd, bool atapi)
{
	uint32_t ct = MIG_AHCI_CLB + 0x800 + slot * 0x100;
	uint8_t hdr[32] = { 5 | (atapi ? 0x20 : 0), 0, 1 }, fis[0x90] = { 0x27, 0x80, cmd };

	memcpy(hdr + 8, &ct, 4);
	memcpy(fis + 0x80, &(uint32_t){ MIG_BUF + 0x8000 }, 4);
	memcpy(fis + 0x8c, &(uint32_t){ 511 }, 4);
	qtest_memwrite(q, ct, fis, sizeof(fis));
	qtest_memwrite(q, MIG_AHCI_CLB + slot * 32, hdr, sizeof(hdr));
	qtest_writel(q, MIG_ABAR + 0x1b8, 1u << slot);
}

static inline void mig_program_ahci(struct qtest *q)
{
	int devfn = mig_find(q, 0x29228086);

	qtest_pci_writel(q, devfn, 0x24, MIG_ABAR);
	qtest_pci_writew(q, devfn, 0x04, 0x6);
	qtest_writel(q, MIG_ABAR + 0x04, 0x80000002);           /* GHC.IE */
	qtest_writel(q, MIG_ABAR + 0x180, MIG_AHCI_CLB);
	qtest_writel(q, MIG_ABAR + 0x188, MIG_AHCI_CLB + 0x400);
	qtest_writel(q, MIG_ABAR + 0x194, 0x40000003);           /* PxIE */
	qtest_writel(q, MIG_ABAR + 0x198, 0x11);                 /* FRE, ST */
	mig_ahci_cmd(q, 0, 0xa1, false);                         /* IDENTIFY PACKET */
	mig_ahci_cmd(q, 3, 0xa0, true);                          /* TEST UNIT READY */
	qtest_writel(q, MIG_ABAR + 0x200, 0x12345400);
	qtest_writel(q, MIG_ABAR + 0x22c, 0x300);                /* PxSCTL */
}

static inline void mig_probe_ahci(struct qtest *q, GString *out)
{
	for (int r = 0; r < 0x14; r += 4)
		P(out, "ahci.hba[%#x]=%#x", r, qtest_readl(q, MIG_ABAR + r));
	for (int p = 0; p < 3; p++)
		for (int r = 0; r < 0x3c; r += 4)
			P(out, "ahci.p%d[%#x]=%#x", p, r, qtest_readl(q, MIG_ABAR + 0x100 + p * 0x80 + r));
	if (mig_probe_no_io)
		return;
	/* the port still runs commands: INQUIRY data of the empty drive */
	qtest_writel(q, MIG_ABAR + 0x190, 0xffffffff);
	mig_ahci_cmd(q, 1, 0xa1, false);
	for (int i = 0; i < 1000 && (qtest_readl(q, MIG_ABAR + 0x1b8) & 2); i++)
		g_usleep(1000);
	P(out, "ahci.p1.ci.after=%#x", qtest_readl(q, MIG_ABAR + 0x1b8));
	P(out, "ahci.p1.tfd.after=%#x", qtest_readl(q, MIG_ABAR + 0x1a0));
	P(out, "ahci.identify.w0=%#x", qtest_readw(q, MIG_BUF + 0x8000));
}

/* ---- PIIX4 PM, PIIX3, i440FX ------------------------------------------- */

static inline void mig_program_chipset(struct qtest *q)
{
	int pm = mig_find(q, 0x71138086), isa = mig_find(q, 0x70008086);

	qtest_pci_writel(q, pm, 0x40, MIG_PMBA | 1);
	qtest_pci_writeb(q, pm, 0x80, 1);
	qtest_outw(q, MIG_PMBA + 2, 0x0121);
	qtest_outw(q, MIG_PMBA + 4, 0x0001);
	qtest_outb(q, 0xafe2, 0x0b);
	qtest_outb(q, 0xb3, 0x5a);
	for (int i = 0; i < 4; i++)
		qtest_pci_writeb(q, isa, 0x60 + i, 10 + i);
	qtest_outb(q, 0xcf9, 0x02);
	qtest_pci_writeb(q, 0, 0x5a, 0x33);  /* PAM: C0000-C7FFF read/write RAM */
	qtest_writel(q, 0xc0010, 0x600dcafe);
	for (int i = 0; i < 64; i++)
		qtest_writel(q, 0x100000 + i * 0x7ffc, 0x9e3779b9u * (i + 1));
}

static inline void mig_probe_chipset(struct qtest *q, GString *out)
{
	P(out, "pci.cf8=%#x", qtest_inl(q, 0xcf8));
	for (int devfn = 0; devfn < 256; devfn++) {
		if (qtest_pci_readw(q, devfn, 0) == 0xffff)
			continue;
		for (int off = 0; off < 256; off += 4)
			P(out, "pci[%02x.%d][%#x]=%#x", devfn >> 3, devfn & 7, off,
			  qtest_pci_readl(q, devfn, off));
	}
	for (int r = 0; r < 12; r += 2)
		P(out, "pm.reg%d=%#x", r, qtest_inw(q, MIG_PMBA + r));
	for (int r = 0; r < 4; r++)
		P(out, "gpe.reg%d=%#x", r, qtest_inb(q, 0xafe0 + r));
	P(out, "apm.status=%#x", qtest_inb(q, 0xb3));
	P(out, "piix3.rcr=%#x", qtest_inb(q, 0xcf9));
	P(out, "shadow.c0010=%#x", qtest_readl(q, 0xc0010));
	for (int i = 0; i < 64; i++)
		P(out, "ram[%#x]=%#x", 0x100000 + i * 0x7ffc, qtest_readl(q, 0x100000 + i * 0x7ffc));
}

/* ---- virtio: modern set-up with every queue configured ----------------- */

static inline void mig_vt_setup(struct qtest *q, struct mig_virtio *v, int k)
{
	int devfn = mig_find(q, (uint32_t)v->dev_id << 16 | 0x1af4);
	uint64_t mmio = VT_MMIO_BASE + k * 0x100000;

	vt_setup(&v->d, q, devfn);
	/* move this function's BARs off the shared defaults */
	qtest_pci_writel(q, devfn, 0x10, VT_IO_BASE + k * 0x100);
	qtest_pci_writel(q, devfn, 0x14, (uint32_t)(VT_MSIX_BASE - k * 0x10000));
	qtest_pci_writel(q, devfn, 0x20, (uint32_t)mmio);
	v->d.io = VT_IO_BASE + k * 0x100;
	v->d.common += mmio - VT_MMIO_BASE;
	v->d.notify += mmio - VT_MMIO_BASE;
	v->d.isr += mmio - VT_MMIO_BASE;
	v->d.device += mmio - VT_MMIO_BASE;
	v->d.modern = true;
}

/* A virtio-blk read of sector k into MIG_BUF; returns the used length. */
static inline uint32_t mig_blk_read(struct mig_virtio *v, uint64_t sector)
{
	struct qtest *q = v->d.q;
	struct vt_queue *vq = &v->vq[0];
	uint8_t hdr[16] = { 0 };
	uint32_t id;

	memcpy(hdr + 8, &sector, 8);
	qtest_memwrite(q, MIG_BUF, hdr, 16);
	vt_desc(vq, 0, 0, MIG_BUF, 16, VT_D_NEXT, 1);
	vt_desc(vq, 0, 1, MIG_BUF + 0x100, 512, VT_D_NEXT | VT_D_WRITE, 2);
	vt_desc(vq, 0, 2, MIG_BUF + 0x400, 1, VT_D_WRITE, 0);
	vt_avail(vq, 0);
	vt_kick(vq);
	return vt_wait_used(vq, &id);
}

static inline void mig_program_virtio(struct qtest *q)
{
	for (unsigned k = 0; k < G_N_ELEMENTS(mig_vio); k++) {
		struct mig_virtio *v = &mig_vio[k];

		mig_vt_setup(q, v, k);
		g_assert_cmpuint(vt_negotiate(&v->d, VT_F_VERSION_1) & VT_S_FEATURES_OK, !=, 0);
		for (int i = 0; i < v->nq; i++)
			vt_queue_init(&v->vq[i], &v->d, i, 0, MIG_RING(k * 2 + i));
		vt_set_status(&v->d, VT_S_ACK | VT_S_DRIVER | VT_S_FEATURES_OK | VT_S_DRIVER_OK);
	}
	g_assert_cmpuint(mig_blk_read(&mig_vio[0], 1), ==, 513);
	qtest_writel(q, mig_vio[3].d.device + 4, 0x123); /* balloon "actual" */
}

static inline void mig_probe_virtio(struct qtest *q, GString *out)
{
	for (unsigned k = 0; k < G_N_ELEMENTS(mig_vio); k++) {
		struct mig_virtio *v = &mig_vio[k];
		uint64_t c = v->d.common;

		v->d.q = q;
		P(out, "virtio%u.status=%#x", k, qtest_readb(q, c + 0x14));
		for (int s = 0; s < 2; s++) {
			qtest_writel(q, c + 0x08, s);
			P(out, "virtio%u.driver_features[%d]=%#x", k, s, qtest_readl(q, c + 0x0c));
		}
		P(out, "virtio%u.num_queues=%u", k, qtest_readw(q, c + 0x12));
		for (int i = 0; i < 2; i++) {
			qtest_writew(q, c + 0x16, i);
			P(out, "virtio%u.q%d.size=%u", k, i, qtest_readw(q, c + 0x18));
			P(out, "virtio%u.q%d.enable=%u", k, i, qtest_readw(q, c + 0x1c));
			for (int r = 0x20; r < 0x38; r += 4)
				P(out, "virtio%u.q%d[%#x]=%#x", k, i, r, qtest_readl(q, c + r));
		}
		for (int i = 0; i < 8; i++)
			P(out, "virtio%u.config[%d]=%#x", k, i, qtest_readb(q, v->d.device + i));
		P(out, "virtio%u.isr=%#x", k, qtest_readb(q, v->d.isr));
	}
	if (mig_probe_no_io)
		return;
	/* the ring continues where it stopped: the next request is used entry 2 */
	P(out, "virtio-blk.read=%u", mig_blk_read(&mig_vio[0], 2));
	P(out, "virtio-blk.used_idx=%u", vt_used_idx(&mig_vio[0].vq[0]));
	P(out, "virtio-blk.data=%#x", qtest_readl(q, MIG_BUF + 0x100));
}

/* ---- everything ---------------------------------------------------------- */

static inline void mig_program(struct qtest *q)
{
	mig_program_isa(q);
	mig_program_chipset(q);
	mig_program_vga(q);
	mig_program_ide(q);
	mig_program_virtio(q);
	mig_program_ahci(q);
}

/* Probes modify the rings' test-side copies: run each from the same copy. */
static inline GString *mig_probe(struct qtest *q)
{
	struct mig_virtio saved[G_N_ELEMENTS(mig_vio)];
	GString *out = g_string_new(NULL);

	memcpy(saved, mig_vio, sizeof(saved));
	mig_probe_chipset(q, out);
	mig_probe_isa(q, out);
	mig_probe_vga(q, out);
	mig_probe_ide(q, out);
	mig_probe_virtio(q, out);
	mig_probe_ahci(q, out);
	memcpy(mig_vio, saved, sizeof(saved));
	return out;
}

#undef P
#endif
