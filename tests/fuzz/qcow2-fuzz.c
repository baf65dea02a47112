// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the qcow2 driver: the input is an image file.  It is
 * opened read-only (header, extensions, backing name, snapshot table, L1
 * and refcount tables), read at a spread of offsets (L1/L2 walk,
 * compressed clusters), checked (every table and refcount), then opened
 * read-write and written, discarded and flushed (allocation, refcount
 * updates, table growth).  Any crash, sanitizer report, hang or large
 * allocation is a bug; errors are expected.  Built and run for ~20 s by
 * tests/boot/qcow2-fuzz.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "block/block.h"
#include "block/qcow2.h"

static void fuzz_reads(struct block_backend *b)
{
	static uint8_t buf[8192];
	int64_t len = blk_length(b);

	if (len <= 0)
		return;
	for (int i = 0; i < 16; i++) {
		uint64_t off = (uint64_t)len / 16 * i;
		size_t n = sizeof(buf);

		if (off >= (uint64_t)len)
			break;
		if (n > (uint64_t)len - off)
			n = (uint64_t)len - off;
		blk_pread(b, off, buf, n);
	}
}

static void fuzz_writes(struct block_backend *b)
{
	static uint8_t buf[8192];
	int64_t len = blk_length(b);

	if (len < (int64_t)sizeof(buf))
		return;
	memset(buf, 0x5a, sizeof(buf));
	blk_pwrite(b, 0, buf, sizeof(buf));
	blk_pwrite(b, (uint64_t)len / 2 / 512 * 512, buf, 4096);
	blk_pwrite(b, 1000, buf, 3000);
	blk_discard(b, 0, (uint64_t)len / 4);
	blk_flush(b);
	fuzz_reads(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blk_config cfg = { .format = "qcow2", .read_only = true, .no_lock = true };
	struct qcow2_check_result r;
	struct block_backend *b;
	GError *err = NULL;
	char path[64];
	int fd = memfd_create("qcow2-fuzz", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cfg.filename = path;
	b = blk_open(&cfg, &err);
	if (!b) {
		g_clear_error(&err);
		close(fd);
		return 0;
	}
	fuzz_reads(b);
	qcow2_check(b, &r, NULL);
	blk_close(b);

	cfg.read_only = false;
	cfg.cache = BLK_CACHE_UNSAFE;
	b = blk_open(&cfg, &err);
	if (b) {
		fuzz_writes(b);
		qcow2_check(b, &r, NULL);
		blk_close(b);
	}
	g_clear_error(&err);
	close(fd);
	return 0;
}
