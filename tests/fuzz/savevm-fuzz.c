// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the migration stream loader (core/savevm.c,
 * core/savevm-load.c, core/vmstate.c and every device's post_load; format
 * in docs/migration-stream.md).  The machine (2 MiB RAM, VGA with 1 MiB,
 * IDE disk and CD, virtio-blk, virtio-net on slirp) saves its own stream
 * once; each input then patches that stream's state sections and the
 * stream is loaded from a file descriptor, as "-incoming file:" does.
 * Section CRCs are recomputed (so mutations reach the tables and
 * post_load) unless bit 0 of the first byte says not to; bit 1 lets the
 * patches touch the header body too.  After a load that succeeds the VGA
 * console is refreshed and the machine reset, so restored state is used.
 * Patch records: section (1, modulo the count), offset (2, modulo the
 * length), length (1), bytes.  Refusals are expected; a crash, sanitizer
 * report or hang is a bug.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "core/savevm.h"
#include "tests/fuzz/fuzz-machine.h"
#include "ui/console.h"

#define SECT_HDR 32

struct sect {
	size_t hdr;   /* offset of its 32-byte header in the stream */
	uint32_t kind;
	uint64_t len; /* payload length */
};

static struct machine *m;
static GByteArray *base;    /* the machine's own stream */
static GArray *sects;       /* struct sect, state sections only */
static size_t header_len;   /* 20 + body */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void index_stream(void)
{
	size_t off;

	header_len = 20 + get32(base->data + 12);
	sects = g_array_new(FALSE, FALSE, sizeof(struct sect));
	for (off = header_len; off + SECT_HDR <= base->len;) {
		struct sect s = { .hdr = off, .kind = get32(base->data + off + 4) };
		uint32_t pad = get32(base->data + off + 20);

		memcpy(&s.len, base->data + off + 24, 8);
		if (s.kind == 1 || s.kind == 2)
			g_array_append_val(sects, s);
		if (s.kind == 255)
			break;
		off += SECT_HDR + pad + s.len;
	}
}

/* Kept for the process's life (reachable: no leak reports). */
static char *files[3], *drives[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *args[] = {
		"-m", "2", "-device", "VGA,vgamem_mb=1", "-drive", NULL, "-drive", NULL, "-drive",
		NULL, "-nic", "user,model=virtio-net-pci", NULL,
	};
	GError *err = NULL;
	int fd = memfd_create("savevm-fuzz", 0);
	off_t len;

	files[0] = fuzz_scratch_file("sv-disk.img", 1 << 20);
	files[1] = fuzz_scratch_file("sv-cd.iso", 1 << 20);
	files[2] = fuzz_scratch_file("sv-vblk.img", 1 << 20);
	drives[0] = g_strdup_printf("file=%s,format=raw,if=ide,index=0,snapshot=on", files[0]);
	drives[1] = g_strdup_printf("file=%s,format=raw,media=cdrom,if=ide,index=2", files[1]);
	drives[2] = g_strdup_printf("file=%s,format=raw,if=virtio,snapshot=on", files[2]);
	args[5] = drives[0];
	args[7] = drives[1];
	args[9] = drives[2];
	m = fuzz_machine_new(args);
	machine_lock(m);
	if (fd < 0 || savevm_save(m, fd, NULL, &err) < 0)
		abort();
	machine_unlock(m);
	len = lseek(fd, 0, SEEK_END);
	base = g_byte_array_sized_new(len);
	g_byte_array_set_size(base, len);
	if (pread(fd, base->data, len, 0) != len)
		abort();
	close(fd);
	index_stream();
	return 0;
}

/* Apply the input's patch records to a copy of the stream. */
static void patch(uint8_t *s, const uint8_t *p, size_t n, bool header_too)
{
	while (n >= 4 && sects->len) {
		unsigned which = p[0] % (sects->len + (header_too ? 1 : 0));
		uint32_t off = p[1] | p[2] << 8, len = p[3];
		size_t start, span;

		p += 4;
		n -= 4;
		if (which == sects->len) {
			start = 20;
			span = header_len - 20;
		} else {
			struct sect *x = &g_array_index(sects, struct sect, which);

			start = x->hdr + SECT_HDR;
			span = x->len;
		}
		if (!span)
			continue;
		off %= span;
		if (len > n)
			len = n;
		if (len > span - off)
			len = span - off;
		memcpy(s + start + off, p, len);
		p += len;
		n -= len;
	}
}

static void fix_crcs(uint8_t *s)
{
	for (unsigned i = 0; i < sects->len; i++) {
		struct sect *x = &g_array_index(sects, struct sect, i);
		uint32_t crc = crc32(0, s + x->hdr + SECT_HDR, x->len);

		memcpy(s + x->hdr + 16, &crc, 4);
	}
	{
		uint32_t crc = crc32(0, s + 20, header_len - 20);

		memcpy(s + 16, &crc, 4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t flags = size ? data[0] : 0;
	uint8_t *s = g_memdup2(base->data, base->len);
	int fd = memfd_create("savevm-in", 0);
	GError *err = NULL;
	struct console *con = console_lookup(0);

	patch(s, data + (size ? 1 : 0), size ? size - 1 : 0, flags & 2);
	if (!(flags & 1))
		fix_crcs(s);
	if (fd < 0 || write(fd, s, base->len) != (ssize_t)base->len)
		abort();
	lseek(fd, 0, SEEK_SET);
	machine_lock(m);
	if (savevm_load(m, fd, &err) == 0 && con) {
		console_invalidate(con);
		console_refresh(con);
	}
	g_clear_error(&err);
	machine_reset(m);
	machine_unlock(m);
	fuzz_drain(m);
	close(fd);
	g_free(s);
	return 0;
}
