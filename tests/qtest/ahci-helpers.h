/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for ahci-test.c: the ich9-ahci function at 00:02.0 (-nodefaults),
 * its ABAR mapped at AHCI_ABAR, and one command list, FIS area and command
 * table per port in low guest RAM.  A command is a register H2D FIS plus a
 * PRDT written into guest memory, issued through PxCI and waited for by
 * polling PxCI and PxTFD.BSY with a deadline.  Everything goes through
 * libqtest, so the same code drives kvmpc and QEMU.
 */
#ifndef TESTS_QTEST_AHCI_HELPERS_H
#define TESTS_QTEST_AHCI_HELPERS_H

#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "tests/lib/libqtest.h"

#define AHCI_DEVFN 0x10
#define AHCI_ABAR 0xe0000000u

/* HBA registers */
#define HBA_CAP 0x00
#define HBA_GHC 0x04
#define HBA_IS 0x08
#define HBA_PI 0x0c
#define HBA_VS 0x10
#define HBA_CAP2 0x24
#define GHC_HR 0x1
#define GHC_IE 0x2
#define GHC_AE 0x80000000u

/* Port registers */
#define PX(p, r) (0x100 + (p) * 0x80 + (r))
#define PX_CLB 0x00
#define PX_CLBU 0x04
#define PX_FB 0x08
#define PX_FBU 0x0c
#define PX_IS 0x10
#define PX_IE 0x14
#define PX_CMD 0x18
#define PX_TFD 0x20
#define PX_SIG 0x24
#define PX_SSTS 0x28
#define PX_SCTL 0x2c
#define PX_SERR 0x30
#define PX_SACT 0x34
#define PX_CI 0x38
#define CMD_ST 0x1
#define CMD_FRE 0x10
#define CMD_FR 0x4000
#define CMD_CR 0x8000
#define IS_DHRS 0x1
#define IS_PSS 0x2
#define IS_SDBS 0x8
#define IS_TFES 0x40000000u

/* Guest memory layout, per port p */
#define AHCI_CLB(p) (0x30000 + (p) * 0x4000)
#define AHCI_FB(p) (AHCI_CLB(p) + 0x400)
#define AHCI_CT(p, slot) (AHCI_CLB(p) + 0x800 + (slot) * 0x100)
#define AHCI_BUF 0x100000
#define AHCI_WAIT_US ((getenv("AHCI_WAIT") ? atoi(getenv("AHCI_WAIT")) : 120) * G_USEC_PER_SEC)

static inline uint32_t ahci_rd(struct qtest *q, uint32_t off)
{
	return qtest_readl(q, AHCI_ABAR + off);
}

static inline void ahci_wr(struct qtest *q, uint32_t off, uint32_t v)
{
	qtest_writel(q, AHCI_ABAR + off, v);
}

/* Map ABAR, enable memory decoding and bus mastering. */
static inline void ahci_pci_enable(struct qtest *q)
{
	qtest_pci_writel(q, AHCI_DEVFN, 0x24, AHCI_ABAR);
	qtest_pci_writew(q, AHCI_DEVFN, 0x04, 0x06);
}

/* Point port p at its command list and FIS area, start FIS receive and the engine. */
static inline void ahci_port_start(struct qtest *q, int p)
{
	qtest_memset(q, AHCI_CLB(p), 0, 0x4000);
	ahci_wr(q, PX(p, PX_CLB), AHCI_CLB(p));
	ahci_wr(q, PX(p, PX_CLBU), 0);
	ahci_wr(q, PX(p, PX_FB), AHCI_FB(p));
	ahci_wr(q, PX(p, PX_FBU), 0);
	ahci_wr(q, PX(p, PX_SERR), 0xffffffff);
	ahci_wr(q, PX(p, PX_IS), 0xffffffff);
	ahci_wr(q, PX(p, PX_CMD), ahci_rd(q, PX(p, PX_CMD)) | CMD_FRE);
	ahci_wr(q, PX(p, PX_CMD), ahci_rd(q, PX(p, PX_CMD)) | CMD_ST);
}

struct ahci_cmd {
	uint8_t fis[20];
	bool write, atapi;
	uint8_t acmd[16];
	int nprd;
	uint64_t prd_addr[8];
	uint32_t prd_len[8];
};

static inline void ahci_fis_lba(struct ahci_cmd *c, uint8_t cmd, uint64_t lba, uint16_t count)
{
	memset(c->fis, 0, sizeof(c->fis));
	c->fis[0] = 0x27;
	c->fis[1] = 0x80;
	c->fis[2] = cmd;
	c->fis[4] = lba;
	c->fis[5] = lba >> 8;
	c->fis[6] = lba >> 16;
	c->fis[7] = 0x40;
	c->fis[8] = lba >> 24;
	c->fis[9] = lba >> 32;
	c->fis[10] = lba >> 40;
	c->fis[12] = count;
	c->fis[13] = count >> 8;
}

/* Write slot's header and table, then set its PxCI bit. */
static inline void ahci_issue(struct qtest *q, int p, int slot, const struct ahci_cmd *c)
{
	uint8_t hdr[32] = { 0 }, ct[0x80 + 8 * 16] = { 0 };
	uint64_t ctba = AHCI_CT(p, slot);

	hdr[0] = 5 | (c->atapi ? 0x20 : 0) | (c->write ? 0x40 : 0);
	hdr[2] = c->nprd;
	hdr[3] = c->nprd >> 8;
	memcpy(hdr + 8, &(uint32_t){ (uint32_t)ctba }, 4);
	memcpy(ct, c->fis, sizeof(c->fis));
	memcpy(ct + 0x40, c->acmd, sizeof(c->acmd));
	for (int i = 0; i < c->nprd && i < 8; i++) {
		uint8_t *e = ct + 0x80 + i * 16;
		uint32_t dbc = c->prd_len[i] - 1;

		memcpy(e, &(uint32_t){ (uint32_t)c->prd_addr[i] }, 4);
		memcpy(e + 4, &(uint32_t){ (uint32_t)(c->prd_addr[i] >> 32) }, 4);
		memcpy(e + 12, &dbc, 4);
	}
	qtest_memwrite(q, ctba, ct, 0x80 + 16 * (c->nprd ? c->nprd : 1));
	qtest_memwrite(q, AHCI_CLB(p) + slot * 32, hdr, sizeof(hdr));
	ahci_wr(q, PX(p, PX_IS), IS_TFES);   /* a new command, a new error report */
	ahci_wr(q, PX(p, PX_CI), 1u << slot);
}

/*
 * Wait until BSY is clear and the slots in mask left PxCI, or a task-file
 * error stopped the port (the failed slot stays in PxCI); returns PxTFD.
 * PxTFD is read last: the device updates it with PxCI and PxIS.
 */
static inline uint32_t ahci_wait(struct qtest *q, int p, uint32_t mask)
{
	gint64 end = g_get_monotonic_time() + AHCI_WAIT_US;

	for (;;) {
		uint32_t ci = ahci_rd(q, PX(p, PX_CI)), is = ahci_rd(q, PX(p, PX_IS));
		uint32_t tfd = ahci_rd(q, PX(p, PX_TFD));

		if (!(tfd & 0x80) && (!(ci & mask) || (is & IS_TFES)))
			return tfd;
		if (g_get_monotonic_time() > end)
			g_test_message("port %d stuck: CI %08x TFD %08x IS %08x", p, ci, tfd, is);
		g_assert(g_get_monotonic_time() < end);
		g_usleep(500);
	}
}

/* Wait until the NCQ tags in mask left PxSACT. */
static inline void ahci_wait_sact(struct qtest *q, int p, uint32_t mask)
{
	gint64 end = g_get_monotonic_time() + AHCI_WAIT_US;

	while (ahci_rd(q, PX(p, PX_SACT)) & mask) {
		g_assert(g_get_monotonic_time() < end);
		g_usleep(500);
	}
}

/* One-PRD command: len bytes at AHCI_BUF. */
static inline uint32_t ahci_run(struct qtest *q, int p, struct ahci_cmd *c, uint32_t len)
{
	c->nprd = len ? 1 : 0;
	c->prd_addr[0] = AHCI_BUF;
	c->prd_len[0] = len;
	ahci_issue(q, p, 0, c);
	return ahci_wait(q, p, 1);
}

#endif
