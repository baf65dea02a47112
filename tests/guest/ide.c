// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "ide" payload: drives the PIIX3 IDE controller the way an OS driver
 * does, after SeaBIOS has assigned the bus-master BAR (ATA/ATAPI-6 taskfile
 * and PACKET protocols, SFF-8038i bus-master DMA).
 *
 * mode=media (tests/boot/media-change.sh): polls the CD-ROM on the
 * secondary master with TEST UNIT READY about ten times a second; on CHECK
 * CONDITION it asks REQUEST SENSE, otherwise it reads block 0 by PIO.  Each
 * change of state is printed: "media: sense key=K asc=AA ascq=QQ" or
 * "media: ready data=<first 16 bytes>".  It exits 0 once the data start
 * with until=STRING, 1 after secs= seconds (default 120).
 *
 * mode=bench (bench/ide.sh): sequential READ DMA EXT of mb= MiB (default
 * 32) from the primary master in req=KiB requests (default 1024), then
 * WRITE DMA EXT of the same amount to the next mb MiB, timed on the ACPI
 * PM timer; completion is polled in the bus-master status register.  Each
 * MiB read must begin with the 32-bit value i ^ 0x4b564d50 (i = its MiB
 * index), written there by the host.  Prints "ide bench: read_kib_s=R
 * write_kib_s=W bad=B" and exits 0 (1 on a device error or bad data).
 * mode=ahci (bench/ahci.sh): the same sequential reads and writes on port 0
 * of the first AHCI controller (8086:2922, ABAR as SeaBIOS assigned it),
 * one command at a time in slot 0: READ/WRITE DMA EXT, or with ncq=1
 * READ/WRITE FPDMA QUEUED (tag 0); completion polled in PxCI or PxSACT.
 * Prints "ahci bench: read_kib_s=R write_kib_s=W bad=B".
 * mode=attack (tests/boot/probe-guard.sh): on the primary master, by PIO,
 * writes a qcow2 header naming backing= (a host path) into sector 0 and
 * prints "ide: header write refused" (status ERR) or "ide: header write
 * accepted"; then writes an ordinary MBR-signed sector 0, flushes and
 * prints "ide: plain write ok".
 * Interrupts stay off; nothing here needs the 8259.
 */
#include "rt.h"

#define PRI 0x1f0
#define SEC 0x170
#define SEC_CTL 0x376
#define IDE_DEVFN 0x09 /* 00:01.1 */
#define PM_DEVFN 0x0b  /* 00:01.3 */
#define PRD_TABLE 0x00500000u
#define BUF 0x01000000u
#define MARK 0x4b564d50u
#define PM_HZ 3579545u

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_BSY 0x80
#define BM_ACTIVE 0x01
#define BM_ERROR 0x02
#define BM_INT 0x04

static uint32_t pm_timer;
static uint8_t sector[2048];

static uint32_t pci_read(uint32_t devfn, uint32_t reg)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

static void pci_write16(uint32_t devfn, uint32_t reg, uint16_t v)
{
	outl(0xcf8, 0x80000000u | devfn << 8 | (reg & 0xfc));
	outw(0xcfc + (reg & 2), v);
}

static uint32_t pm_now(void)
{
	return inl(pm_timer) & 0xffffff;
}

static void pm_acc(uint32_t *last, uint64_t *acc)
{
	uint32_t now = pm_now();

	*acc += (now - *last) & 0xffffff;
	*last = now;
}

static void delay_ms(uint32_t ms)
{
	uint32_t last = pm_now();
	uint64_t t = 0, want = (uint64_t)ms * (PM_HZ / 1000);

	while (t < want)
		pm_acc(&last, &t);
}

/* Wait until BSY clears on the channel at base; status or -1 on timeout. */
static int wait_not_busy(uint16_t base)
{
	for (uint32_t i = 0; i < 2000000; i++) {
		uint8_t st = inb(base + 7);

		if (!(st & ST_BSY))
			return st;
	}
	return -1;
}

/* ---- mode=media ---- */

/*
 * One PACKET command on the secondary master by PIO.  Data beyond len is
 * drained.  Returns the bytes received, or -1 on CHECK CONDITION or a
 * hung device.
 */
static int atapi_pio(const uint8_t *cdb, uint8_t *buf, uint32_t len)
{
	uint32_t got = 0;
	int st;

	if (wait_not_busy(SEC) < 0)
		return -1;
	outb(SEC + 6, 0xa0);
	outb(SEC + 1, 0);
	outb(SEC + 4, 0xfe);
	outb(SEC + 5, 0xff);
	outb(SEC + 7, 0xa0);
	st = wait_not_busy(SEC);
	if (st < 0 || !(st & ST_DRQ))
		return -1;
	for (int i = 0; i < 6; i++)
		outw(SEC, cdb[2 * i] | cdb[2 * i + 1] << 8);
	for (int blocks = 0; blocks < 64; blocks++) {
		uint32_t n;

		inb(SEC_CTL); /* the 400 ns settle time */
		st = wait_not_busy(SEC);
		if (st < 0 || (st & ST_ERR))
			return -1;
		if (!(st & ST_DRQ))
			return (int)got;
		n = inb(SEC + 4) | inb(SEC + 5) << 8;
		for (uint32_t i = 0; i + 1 < n; i += 2) {
			uint16_t w = inw(SEC);

			if (got + 2 <= len) {
				buf[got] = (uint8_t)w;
				buf[got + 1] = (uint8_t)(w >> 8);
				got += 2;
			}
		}
	}
	return -1;
}

static void media_state(char *out, size_t len)
{
	static const uint8_t tur[12] = { 0x00 };
	static const uint8_t sense[12] = { 0x03, 0, 0, 0, 18 };
	static const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 };
	uint8_t s[18];
	char *p = out;

	if (atapi_pio(tur, NULL, 0) < 0) {
		memset(s, 0, sizeof(s));
		if (atapi_pio(sense, s, sizeof(s)) < 18) {
			memcpy(out, "sense failed", 13);
			return;
		}
		memcpy(p, "sense key=", 10);
		p += 10;
		*p++ = "0123456789abcdef"[s[2] & 15];
		memcpy(p, " asc=", 5);
		p += 5;
		*p++ = "0123456789abcdef"[s[12] >> 4];
		*p++ = "0123456789abcdef"[s[12] & 15];
		memcpy(p, " ascq=", 6);
		p += 6;
		*p++ = "0123456789abcdef"[s[13] >> 4];
		*p++ = "0123456789abcdef"[s[13] & 15];
		*p = 0;
		return;
	}
	if (atapi_pio(read10, sector, sizeof(sector)) < (int)sizeof(sector)) {
		memcpy(out, "read failed", 12);
		return;
	}
	memcpy(p, "ready data=", 11);
	p += 11;
	for (int i = 0; i < 16 && p < out + len - 1; i++) {
		uint8_t c = sector[i];

		*p++ = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
	}
	*p = 0;
}

static int media(const char *cmdline)
{
	char until[32] = "", state[64], last[64] = "";
	uint32_t secs = rt_cmdline_num(cmdline, "secs", 120), t0 = pm_now();
	uint64_t elapsed = 0;

	rt_cmdline_get(cmdline, "until", until, sizeof(until));
	rt_printf("media: polling the CD (until=%s)\n", until);
	while (elapsed < (uint64_t)secs * PM_HZ) {
		media_state(state, sizeof(state));
		if (strncmp(state, last, sizeof(last))) {
			rt_printf("media: %s\n", state);
			memcpy(last, state, sizeof(last));
		}
		if (until[0] && !strncmp(state, "ready data=", 11) &&
		    !strncmp(state + 11, until, strlen(until))) {
			rt_printf("media: done\n");
			return 0;
		}
		delay_ms(100);
		pm_acc(&t0, &elapsed);
	}
	rt_printf("media: timeout\n");
	return 1;
}

/* ---- mode=bench ---- */

static uint16_t bm_base(void)
{
	uint32_t bar4 = pci_read(IDE_DEVFN, 0x20);

	pci_write16(IDE_DEVFN, 0x04, (uint16_t)(pci_read(IDE_DEVFN, 0x04) | 0x5));
	return (bar4 & 1) ? (uint16_t)(bar4 & 0xfff0) : 0;
}

/* PRD entries of 64 KiB covering BUF..BUF+bytes. */
static void prd_fill(uint32_t bytes)
{
	volatile uint32_t *prd = (volatile uint32_t *)PRD_TABLE;
	uint32_t n = (bytes + 65535) / 65536;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = bytes - i * 65536 > 65536 ? 65536 : bytes - i * 65536;

		prd[2 * i] = BUF + i * 65536;
		prd[2 * i + 1] = (len & 0xffff) | (i == n - 1 ? 0x80000000u : 0);
	}
}

/* One READ/WRITE DMA EXT of count sectors at lba; 0 or -1. */
static int dma_rw(uint16_t bm, int write, uint32_t lba, uint32_t count)
{
	uint8_t st, bst = 0;
	uint32_t i;

	outb(bm, 0);
	outb(bm + 2, BM_ERROR | BM_INT);
	outl(bm + 4, PRD_TABLE);
	if (wait_not_busy(PRI) < 0)
		return -1;
	outb(PRI + 6, 0x40);
	outb(PRI + 2, (uint8_t)(count >> 8));
	outb(PRI + 3, (uint8_t)(lba >> 24));
	outb(PRI + 4, 0);
	outb(PRI + 5, 0);
	outb(PRI + 2, (uint8_t)count);
	outb(PRI + 3, (uint8_t)lba);
	outb(PRI + 4, (uint8_t)(lba >> 8));
	outb(PRI + 5, (uint8_t)(lba >> 16));
	outb(PRI + 7, write ? 0x35 : 0x25);
	outb(bm, write ? 0x01 : 0x09);
	for (i = 0; i < 50000000; i++) {
		bst = inb(bm + 2);
		if (bst & (BM_INT | BM_ERROR))
			break;
	}
	outb(bm, 0);
	st = inb(PRI + 7);
	if (!(bst & BM_INT) || (bst & BM_ERROR) || (st & (ST_ERR | ST_DRQ | ST_BSY))) {
		rt_printf("ide bench: %s lba %u failed: bm=%x status=%x error=%x\n",
			  write ? "write" : "read", lba, bst, st, inb(PRI + 1));
		return -1;
	}
	return 0;
}

static uint32_t kib_per_s(uint64_t bytes, uint64_t ticks)
{
	if (!ticks)
		return 0;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	return (uint32_t)rt_udivmod64(rt_udivmod64(bytes, 1024, NULL) * PM_HZ,
				      (uint32_t)ticks, NULL);
}

static int bench(const char *cmdline)
{
	uint32_t mb = rt_cmdline_num(cmdline, "mb", 32);
	uint32_t req = rt_cmdline_num(cmdline, "req", 1024) * 1024u;
	uint32_t per = req / 512, bad = 0, nreq, last;
	uint64_t tr = 0, tw = 0, total;
	uint16_t bm = bm_base();

	if (!bm || req < 65536 || req > 16u << 20 || req & 0xffff || !mb || mb > 1024) {
		rt_printf("ide bench: bad setup (bm=%x req=%u mb=%u)\n", bm, req, mb);
		return 1;
	}
	nreq = (mb << 20) / req;
	total = (uint64_t)nreq * req;
	prd_fill(req);
	last = pm_now();
	for (uint32_t r = 0; r < nreq; r++) {
		if (dma_rw(bm, 0, r * per, per) < 0)
			return 1;
		pm_acc(&last, &tr);
		for (uint32_t off = 0; off < req; off += 65536) {
			uint64_t at = (uint64_t)r * req + off;

			if (!(at & 0xfffff) &&
			    *(volatile uint32_t *)(BUF + off) != ((uint32_t)(at >> 20) ^ MARK))
				bad++;
		}
		last = pm_now();
	}
	last = pm_now();
	for (uint32_t r = 0; r < nreq; r++) {
		if (dma_rw(bm, 1, (mb << 11) + r * per, per) < 0)
			return 1;
		pm_acc(&last, &tw);
	}
	rt_printf("ide bench: read_kib_s=%u write_kib_s=%u bad=%u\n",
		  kib_per_s(total, tr), kib_per_s(total, tw), bad);
	return bad ? 1 : 0;
}

/* ---- mode=ahci ---- */

#define AHCI_CLB 0x00600000u
#define AHCI_FB 0x00600400u
#define AHCI_CT 0x00601000u
#define PX(r) (0x100 + (r))

static volatile uint32_t *abar;

static uint32_t ahci_find(void)
{
	for (uint32_t devfn = 0; devfn < 256; devfn += 8)
		if (pci_read(devfn, 0) == 0x29228086u)
			return devfn;
	return 0;
}

static int ahci_wait_clear(uint32_t reg, uint32_t mask)
{
	for (uint32_t i = 0; i < 50000000; i++) {
		if (!(abar[reg / 4] & mask))
			return 0;
		if (abar[PX(0x10) / 4] & 0x40000000u)
			return -1;
	}
	return -1;
}

/* Port 0: stopped, given its list and FIS area, started. */
static int ahci_port0(void)
{
	abar[PX(0x18) / 4] = 0;
	if (ahci_wait_clear(PX(0x18), 0xc000) < 0)
		return -1;
	abar[PX(0x00) / 4] = AHCI_CLB;
	abar[PX(0x04) / 4] = 0;
	abar[PX(0x08) / 4] = AHCI_FB;
	abar[PX(0x0c) / 4] = 0;
	abar[PX(0x30) / 4] = 0xffffffffu;
	abar[PX(0x10) / 4] = 0xffffffffu;
	abar[PX(0x18) / 4] = 0x11;
	return 0;
}

/* Slot 0's header and table for bytes at BUF in 64 KiB PRDs. */
static void ahci_setup(uint32_t bytes)
{
	volatile uint32_t *hdr = (volatile uint32_t *)AHCI_CLB;
	volatile uint32_t *prd = (volatile uint32_t *)(AHCI_CT + 0x80);
	uint32_t n = (bytes + 65535) / 65536;

	for (uint32_t i = 0; i < n; i++) {
		prd[4 * i] = BUF + i * 65536;
		prd[4 * i + 1] = 0;
		prd[4 * i + 3] = 65535;
	}
	hdr[0] = 5 | n << 16;
	hdr[2] = AHCI_CT;
	hdr[3] = 0;
}

/* One command of count sectors at lba in slot 0; 0 or -1. */
static int ahci_rw(int write, int ncq, uint32_t lba, uint32_t count)
{
	volatile uint8_t *f = (volatile uint8_t *)AHCI_CT;
	volatile uint32_t *hdr = (volatile uint32_t *)AHCI_CLB;

	for (int i = 0; i < 20; i++)
		f[i] = 0;
	f[0] = 0x27;
	f[1] = 0x80;
	f[2] = ncq ? (write ? 0x61 : 0x60) : (write ? 0x35 : 0x25);
	f[4] = lba;
	f[5] = lba >> 8;
	f[6] = lba >> 16;
	f[7] = 0x40;
	f[8] = lba >> 24;
	if (ncq) {
		f[3] = count;
		f[11] = count >> 8;
	} else {
		f[12] = count;
		f[13] = count >> 8;
	}
	hdr[0] = (hdr[0] & ~0x40u) | (write ? 0x40u : 0);
	if (ncq)
		abar[PX(0x34) / 4] = 1;
	abar[PX(0x38) / 4] = 1;
	if (ahci_wait_clear(ncq ? PX(0x34) : PX(0x38), 1) < 0) {
		rt_printf("ahci bench: %s lba %u failed: is=%x tfd=%x\n", write ? "write" : "read",
			  lba, abar[PX(0x10) / 4], abar[PX(0x20) / 4]);
		return -1;
	}
	return 0;
}

static int ahci_bench(const char *cmdline)
{
	uint32_t mb = rt_cmdline_num(cmdline, "mb", 32);
	uint32_t req = rt_cmdline_num(cmdline, "req", 1024) * 1024u;
	int ncq = rt_cmdline_num(cmdline, "ncq", 0) != 0;
	uint32_t per = req / 512, bad = 0, nreq, last, devfn = ahci_find();
	uint64_t tr = 0, tw = 0, total;

	if (!devfn || req < 65536 || req > 16u << 20 || req & 0xffff || !mb || mb > 1024 ||
	    (ncq && per > 65535)) {
		rt_printf("ahci bench: bad setup (devfn=%x req=%u mb=%u)\n", devfn, req, mb);
		return 1;
	}
	pci_write16(devfn, 0x04, (uint16_t)(pci_read(devfn, 0x04) | 0x6));
	abar = (volatile uint32_t *)(pci_read(devfn, 0x24) & ~0xfu);
	if (ahci_port0() < 0) {
		rt_printf("ahci bench: port 0 does not stop\n");
		return 1;
	}
	nreq = (mb << 20) / req;
	total = (uint64_t)nreq * req;
	ahci_setup(req);
	last = pm_now();
	for (uint32_t r = 0; r < nreq; r++) {
		if (ahci_rw(0, ncq, r * per, per) < 0)
			return 1;
		pm_acc(&last, &tr);
		for (uint32_t off = 0; off < req; off += 65536) {
			uint64_t at = (uint64_t)r * req + off;

			if (!(at & 0xfffff) &&
			    *(volatile uint32_t *)(BUF + off) != ((uint32_t)(at >> 20) ^ MARK))
				bad++;
		}
		last = pm_now();
	}
	last = pm_now();
	for (uint32_t r = 0; r < nreq; r++) {
		if (ahci_rw(1, ncq, (mb << 11) + r * per, per) < 0)
			return 1;
		pm_acc(&last, &tw);
	}
	rt_printf("ahci bench: read_kib_s=%u write_kib_s=%u bad=%u\n",
		  kib_per_s(total, tr), kib_per_s(total, tw), bad);
	return bad ? 1 : 0;
}

/* ---- mode=attack ---- */

/* WRITE SECTORS of one sector at LBA 0 by PIO; the final status or -1. */
static int pio_write0(const uint8_t *buf)
{
	int st;

	if (wait_not_busy(PRI) < 0)
		return -1;
	outb(PRI + 6, 0xe0);
	outb(PRI + 2, 1);
	outb(PRI + 3, 0);
	outb(PRI + 4, 0);
	outb(PRI + 5, 0);
	outb(PRI + 7, 0x30);
	st = wait_not_busy(PRI);
	if (st < 0 || !(st & ST_DRQ))
		return -1;
	for (int i = 0; i < 256; i++)
		outw(PRI, buf[2 * i] | buf[2 * i + 1] << 8);
	inb(PRI + 0x206); /* alternate status: the 400 ns settle time */
	return wait_not_busy(PRI);
}

static int attack(const char *cmdline)
{
	static uint8_t h[512];
	char backing[201] = "/etc/passwd";
	int st;

	rt_cmdline_get(cmdline, "backing", backing, sizeof(backing));
	rt_qcow2_header(h, backing);
	st = pio_write0(h);
	rt_printf("ide: header write %s\n", st >= 0 && !(st & ST_ERR) ? "accepted" : "refused");
	for (int i = 0; i < 512; i++)
		h[i] = (uint8_t)(i * 13);
	h[510] = 0x55, h[511] = 0xaa;
	st = pio_write0(h);
	if (st < 0 || (st & ST_ERR))
		return 1;
	outb(PRI + 7, 0xe7); /* FLUSH CACHE */
	inb(PRI + 0x206);
	st = wait_not_busy(PRI);
	if (st < 0 || (st & ST_ERR))
		return 1;
	rt_printf("ide: plain write ok\n");
	return 0;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = "";
	char mode[16] = "";

	rt_serial_init();
	if (magic == MB_BOOT_MAGIC && (mbi->flags & MB_INFO_CMDLINE))
		cmdline = (const char *)mbi->cmdline;
	pm_timer = (pci_read(PM_DEVFN, 0x40) & 0xffc0) + 8;
	rt_cmdline_get(cmdline, "mode", mode, sizeof(mode));
	if (!strncmp(mode, "media", 6))
		return media(cmdline);
	if (!strncmp(mode, "bench", 6))
		return bench(cmdline);
	if (!strncmp(mode, "attack", 7))
		return attack(cmdline);
	if (!strncmp(mode, "ahci", 5))
		return ahci_bench(cmdline);
	rt_printf("ide: mode=media, bench, ahci or attack expected\n");
	return 1;
}
