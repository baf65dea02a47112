// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Image format probing by magic, the way qemu-img recognises formats: a
 * table of signatures for every format QEMU's block layer can probe (qcow2,
 * qcow, QED, VDI, VMDK, VPC/VHD, VHDX, cloop, Bochs, Parallels, LUKS, and
 * DMG by file name).  kvmpc opens only raw and qcow2; the rest are named so
 * that a user gets "format X is not supported" instead of a VMDK silently
 * opened as raw.  The same table guards probed-raw images against a guest
 * writing a header of another format into sector 0 (block/block.c).
 * Left out: probing inside containers (partitions, ISO 9660), scoring
 * between formats (no two signatures here overlap).
 */
#include <string.h>
#include "block/block.h"

struct blk_magic {
	const char *format;
	size_t offset;
	size_t len;
	const char *bytes;
};

/* Signatures, from the formats' specifications. */
static const struct blk_magic blk_magics[] = {
	{ "qed", 0, 4, "QED\0" },
	{ "vdi", 0x40, 4, "\x7f\x10\xda\xbe" },       /* 0xbeda107f little-endian */
	{ "vmdk", 0, 4, "KDMV" },                     /* hosted sparse extent */
	{ "vmdk", 0, 4, "COWD" },                     /* ESX sparse extent */
	{ "vmdk", 0, 21, "# Disk DescriptorFile" },   /* text descriptor */
	{ "vpc", 0, 8, "conectix" },
	{ "vhdx", 0, 8, "vhdxfile" },
	{ "cloop", 0, 23, "#!/bin/sh\n#V2.0 Format\n" },
	{ "bochs", 0, 22, "Bochs Virtual HD Image" },
	{ "parallels", 0, 16, "WithoutFreeSpace" },
	{ "parallels", 0, 16, "WithouFreSpacExt" },
	{ "luks", 0, 6, "LUKS\xba\xbe" },
};

static bool blk_has(const uint8_t *buf, size_t len, size_t off, size_t n, const void *m)
{
	return off + n <= len && !memcmp(buf + off, m, n);
}

/* QFI\xfb: qcow2 for version 2 and later, the original qcow for version 1. */
static const char *blk_probe_qcow(const uint8_t *buf, size_t len)
{
	uint32_t version;

	if (!blk_has(buf, len, 0, 4, "QFI\xfb") || len < 8)
		return NULL;
	version = (uint32_t)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7];
	return version == 1 ? "qcow" : "qcow2";
}

const char *blk_probe_buf(const uint8_t *buf, size_t len, const char *filename)
{
	const char *fmt = blk_probe_qcow(buf, len);
	size_t n;

	if (fmt)
		return fmt;
	for (size_t i = 0; i < sizeof(blk_magics) / sizeof(blk_magics[0]); i++) {
		const struct blk_magic *m = &blk_magics[i];

		if (blk_has(buf, len, m->offset, m->len, m->bytes))
			return m->format;
	}
	/* DMG keeps its signature at the end; QEMU goes by the name. */
	n = filename ? strlen(filename) : 0;
	if (n > 4 && !strcmp(filename + n - 4, ".dmg"))
		return "dmg";
	return NULL;
}
