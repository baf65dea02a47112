// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The block layer and the IDE model on a bare machine (no KVM, no qtest):
 * raw images (read/write, zero fill past a ragged end, read-only -EROFS,
 * O_DIRECT with misaligned buffers), QEMU-compatible image locking between
 * two opens, the snapshot overlay, asynchronous requests completing on a
 * GMainContext with the lock held, -drive parsing and placement, CD media
 * change (the monitor path: "no medium" then unit attention), tray lock
 * against the monitor, and a save -> reset -> load round trip in the middle
 * of a PIO transfer.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "block/block.h"
#include "block/drive.h"
#include "core/machine.h"
#include "core/vmstate.h"
#include "hw/ide/ide.h"
#include "hw/pci/pci.h"

static char *tmp_dir;

static char *make_file(const char *name, size_t size, uint8_t seed)
{
	char *path = g_build_filename(tmp_dir, name, NULL);
	uint8_t *buf = g_malloc(size);

	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(i / 512 * 7 + i + seed);
	g_assert_true(g_file_set_contents(path, (char *)buf, size, NULL));
	g_free(buf);
	return path;
}

static struct block_backend *open_img(const char *path, bool ro, enum blk_cache_mode cache,
				      bool snapshot, GError **err)
{
	struct blk_config cfg = {
		.filename = path, .format = "raw", .read_only = ro, .cache = cache,
		.snapshot = snapshot,
	};

	return blk_open(&cfg, err);
}

static void test_raw(void)
{
	g_autofree char *path = make_file("raw.img", 1000, 1);
	struct block_backend *b = open_img(path, false, BLK_CACHE_WRITEBACK, false, NULL);
	uint8_t buf[1024], out[512];

	g_assert_nonnull(b);
	g_assert_cmpint(blk_length(b), ==, 1024);      /* rounded up to a sector */
	g_assert_cmpint(blk_pread(b, 512, buf, 512), ==, 0);
	for (int i = 0; i < 488; i++)
		g_assert_cmphex(buf[i], ==, (uint8_t)((512 + i) / 512 * 7 + 512 + i + 1));
	for (int i = 488; i < 512; i++)
		g_assert_cmphex(buf[i], ==, 0);
	memset(out, 0xab, sizeof(out));
	g_assert_cmpint(blk_pwrite(b, 0, out, sizeof(out)), ==, 0);
	g_assert_cmpint(blk_flush(b), ==, 0);
	g_assert_cmpint(blk_pread(b, 0, buf, 512), ==, 0);
	g_assert_cmpmem(buf, 512, out, 512);
	blk_close(b);

	b = open_img(path, true, BLK_CACHE_WRITEBACK, false, NULL);
	g_assert_nonnull(b);
	g_assert_cmpint(blk_pwrite(b, 0, out, sizeof(out)), ==, -EROFS);
	g_assert_cmpint(blk_discard(b, 0, 512), ==, -EROFS);
	blk_close(b);
}

static void test_direct(void)
{
	g_autofree char *path = make_file("direct.img", 64 * 1024, 2);
	int fd = open(path, O_RDWR | O_DIRECT);
	struct block_backend *b;
	uint8_t *raw, *p, check[4096];
	struct iovec iov[2];

	if (fd < 0) {
		g_test_skip("the temporary directory does not support O_DIRECT");
		return;
	}
	close(fd);
	b = open_img(path, false, BLK_CACHE_NONE, false, NULL);
	raw = g_malloc(8192 + 3);
	p = raw + 3;
	iov[0] = (struct iovec){ p, 1536 };
	iov[1] = (struct iovec){ p + 1536, 2560 };
	g_assert_nonnull(b);
	for (int i = 0; i < 4096; i++)
		p[i] = i * 5;
	g_assert_cmpint(blk_pwritev(b, 1024, iov, 2), ==, 0);
	g_assert_cmpint(blk_pread(b, 1024, check, sizeof(check)), ==, 0);
	g_assert_cmpmem(check, 4096, p, 4096);
	/* a ragged offset too (read-modify-write inside the driver) */
	g_assert_cmpint(blk_pwrite(b, 7, "hello", 5), ==, 0);
	g_assert_cmpint(blk_pread(b, 5, check, 9), ==, 0);
	g_assert_cmpmem(check + 2, 5, "hello", 5);
	blk_close(b);
	g_free(raw);
}

static void test_locking(void)
{
	g_autofree char *path = make_file("lock.img", 4096, 3);
	struct block_backend *a, *b;
	GError *err = NULL;

	a = open_img(path, false, BLK_CACHE_WRITEBACK, false, NULL);
	g_assert_nonnull(a);
	b = open_img(path, false, BLK_CACHE_WRITEBACK, false, &err);
	g_assert_null(b);
	g_assert_nonnull(strstr(err->message, "Failed to get \"write\" lock"));
	g_assert_nonnull(strstr(err->message, "Is another process using the image ["));
	g_clear_error(&err);
	/* a reader cannot join a writer either (it refuses to share writes) */
	b = open_img(path, true, BLK_CACHE_WRITEBACK, false, &err);
	g_assert_null(b);
	g_assert_nonnull(strstr(err->message, "Failed to get shared \"write\" lock"));
	g_clear_error(&err);
	blk_close(a);
	/* two readers are fine; a writer then is not */
	a = open_img(path, true, BLK_CACHE_WRITEBACK, false, NULL);
	b = open_img(path, true, BLK_CACHE_WRITEBACK, false, NULL);
	g_assert_nonnull(a);
	g_assert_nonnull(b);
	g_assert_null(open_img(path, false, BLK_CACHE_WRITEBACK, false, &err));
	g_clear_error(&err);
	blk_close(a);
	blk_close(b);
	/* errors name the file */
	g_assert_null(open_img("/nonexistent/x.img", false, BLK_CACHE_WRITEBACK, false, &err));
	g_assert_cmpstr(err->message, ==,
			"Could not open '/nonexistent/x.img': No such file or directory");
	g_clear_error(&err);
}

static void test_snapshot(void)
{
	g_autofree char *path = make_file("snap.img", 8192, 4);
	g_autofree char *before = NULL, *after = NULL;
	struct block_backend *b;
	uint8_t buf[2048], ones[1024];
	gsize len;

	g_assert_true(g_file_get_contents(path, &before, &len, NULL));
	b = open_img(path, false, BLK_CACHE_WRITEBACK, true, NULL);
	g_assert_nonnull(b);
	memset(ones, 0x11, sizeof(ones));
	g_assert_cmpint(blk_pwrite(b, 1024, ones, 1024), ==, 0);    /* sectors 2, 3 */
	g_assert_cmpint(blk_pwrite(b, 3000, "xyz", 3), ==, 0);     /* inside sector 5 */
	g_assert_cmpint(blk_flush(b), ==, 0);
	g_assert_cmpint(blk_pread(b, 512, buf, 2048), ==, 0);       /* sectors 1..4 */
	g_assert_cmpmem(buf, 512, before + 512, 512);
	g_assert_cmpmem(buf + 512, 1024, ones, 1024);
	g_assert_cmpmem(buf + 1536, 512, before + 2048, 512);
	g_assert_cmpint(blk_pread(b, 2560, buf, 512), ==, 0);       /* sector 5 */
	g_assert_cmpmem(buf, 440, before + 2560, 440);
	g_assert_cmpmem(buf + 440, 3, "xyz", 3);
	g_assert_cmpmem(buf + 443, 69, before + 3003, 69);
	g_assert_cmpint(blk_pwrite(b, 8192, ones, 512), <, 0);     /* past the end */
	blk_close(b);
	g_assert_true(g_file_get_contents(path, &after, &len, NULL));
	g_assert_cmpmem(after, len, before, len);
}

struct aio_state {
	GMutex *lock;
	int done;
	int ret[3];
	bool locked[3];
};

static void aio_cb(void *opaque, int ret)
{
	struct aio_state *s = opaque;

	s->locked[s->done] = !g_mutex_trylock(s->lock);
	if (!s->locked[s->done])
		g_mutex_unlock(s->lock);
	s->ret[s->done++] = ret;
}

static void test_aio(void)
{
	g_autofree char *path = make_file("aio.img", 65536, 5);
	GMainContext *ctx = g_main_context_new();
	struct block_backend *b = open_img(path, false, BLK_CACHE_WRITEBACK, false, NULL);
	GMutex lock;
	struct aio_state st = { .lock = &lock };
	uint8_t out[4096], in[4096];
	struct iovec wv = { out, sizeof(out) }, rv[2] = { { in, 1000 }, { in + 1000, 3096 } };

	g_mutex_init(&lock);
	blk_set_aio_context(b, ctx, &lock);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = i ^ 0x33;
	g_assert_cmpint(blk_aio_pwritev(b, 8192, &wv, 1, aio_cb, &st), ==, 0);
	while (st.done < 1)
		g_main_context_iteration(ctx, TRUE);
	g_assert_cmpint(blk_aio_flush(b, aio_cb, &st), ==, 0);
	while (st.done < 2)
		g_main_context_iteration(ctx, TRUE);
	g_assert_cmpint(blk_aio_preadv(b, 8192, rv, 2, aio_cb, &st), ==, 0);
	while (st.done < 3)
		g_main_context_iteration(ctx, TRUE);
	for (int i = 0; i < 3; i++) {
		g_assert_cmpint(st.ret[i], ==, 0);
		g_assert_true(st.locked[i]);    /* completions run under the lock */
	}
	g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
	blk_close(b);
	g_main_context_unref(ctx);
	g_mutex_clear(&lock);
}

static void test_drive_parse(void)
{
	struct machine *m = machine_new(NULL);
	g_autofree char *img = make_file("d.img", 4096, 6);
	g_autofree char *comma = make_file("a,b.img", 4096, 6);
	g_autofree char *iso = make_file("d.iso", 4096, 6);
	g_autofree char *spec = NULL;
	struct drive_info *d;
	GError *err = NULL;
	static const char *const bad[] = {
		"if=scsi", "media=tape", "index=1,bus=0", "index=4", "unit=2", "bus=2",
		"cache=sometimes", "bogus=1", "format=nosuchformat", "if=ide",
	};

	spec = g_strdup_printf("file=%s,format=raw,if=ide,id=disk0", img);
	g_assert_cmpint(drive_parse(m, spec, &err), ==, 0);
	g_assert_no_error(err);
	d = drive_find(m, DRIVE_IF_IDE, 0, 0);
	g_assert_nonnull(d);
	g_assert_true(d == drive_find_id(m, "disk0"));
	g_assert_cmpint(d->index, ==, 0);
	/* -cdrom: index 2, read-only; -hdb: index 1 */
	g_assert_cmpint(drive_add_legacy(m, "cdrom", iso, &err), ==, 0);
	g_assert_no_error(err);
	d = drive_find(m, DRIVE_IF_IDE, 1, 0);
	g_assert_nonnull(d);
	g_assert_true(d->read_only);
	g_assert_cmpint(d->media, ==, DRIVE_MEDIA_CDROM);
	g_assert_cmpstr(d->id, ==, "ide1-cd0");
	g_assert_cmpint(drive_add_legacy(m, "hdb", comma, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmpstr(drive_find(m, DRIVE_IF_IDE, 0, 1)->file, ==, comma);
	/* the next unplaced drive takes the last free slot, then none is left */
	g_assert_cmpint(drive_parse(m, "if=ide,media=cdrom", &err), ==, 0);
	g_assert_nonnull(drive_find(m, DRIVE_IF_IDE, 1, 1));
	g_assert_cmpint(drive_parse(m, "if=ide,media=cdrom", &err), <, 0);
	g_clear_error(&err);
	g_assert_cmpint(drive_add_legacy(m, "hda", img, &err), <, 0);
	g_assert_nonnull(strstr(err->message, "exists"));
	g_clear_error(&err);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_cmpint(drive_parse(m, bad[i], &err), <, 0);
		g_assert_nonnull(err);
		g_clear_error(&err);
	}
	g_assert_cmpint(drive_parse(m, "if=none,id=disk0,file=/dev/null", &err), <, 0);
	g_clear_error(&err);
	/* virtio drives are numbered in order; index may be given */
	g_free(spec);
	spec = g_strdup_printf("file=%s,format=raw,if=virtio,readonly=on", iso);
	g_assert_cmpint(drive_parse(m, spec, &err), ==, 0);
	g_free(spec);
	spec = g_strdup_printf("file=%s,format=raw,if=virtio,index=3,readonly=on", iso);
	g_assert_cmpint(drive_parse(m, spec, &err), ==, 0);
	g_free(spec);
	spec = g_strdup_printf("file=%s,format=raw,if=virtio,readonly=on", iso);
	g_assert_cmpint(drive_parse(m, spec, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_nonnull(drive_find(m, DRIVE_IF_VIRTIO, 0, 0));
	g_assert_nonnull(drive_find(m, DRIVE_IF_VIRTIO, 0, 1));
	g_assert_nonnull(drive_find(m, DRIVE_IF_VIRTIO, 0, 3));
	d = drive_next_unclaimed(m, DRIVE_IF_VIRTIO);
	g_assert_cmpint(d->index, ==, 0);
	g_assert_cmpstr(d->id, ==, "virtio0");
	d->claimed = true;
	g_assert_cmpint(drive_next_unclaimed(m, DRIVE_IF_VIRTIO)->index, ==, 1);
	g_assert_cmpint(drive_parse(m, "if=virtio,index=3,file=/dev/null", &err), <, 0);
	g_clear_error(&err);
	drive_close_all(m);
	g_free(m->cfg);
	g_free(m);
}

/* ---- the IDE model on the bare machine ---- */

#define CD_PORT 0x170

static uint8_t in8(struct machine *m, uint16_t port) { return as_read(&m->io, port, 1); }
static void out8(struct machine *m, uint16_t port, uint8_t v) { as_write(&m->io, port, v, 1); }

/* Run block completions until the unit at ctl_port is not BSY (one deadline). */
static void wait_not_busy(struct machine *m, uint16_t ctl_port)
{
	gint64 end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

	while ((in8(m, ctl_port) & 0x80) && g_get_monotonic_time() < end) {
		if (!g_main_context_iteration(m->ctx, FALSE))
			g_usleep(1000);
	}
	g_assert_cmphex(in8(m, ctl_port) & 0x80, ==, 0);
}

/* A PACKET command by PIO; returns the sense key from the error register. */
static int cd_packet(struct machine *m, const uint8_t *cdb, uint8_t *data, size_t *len)
{
	size_t got = 0;

	out8(m, CD_PORT + 6, 0xa0);
	out8(m, CD_PORT + 1, 0);
	out8(m, CD_PORT + 4, 0xfe);
	out8(m, CD_PORT + 5, 0xff);
	out8(m, CD_PORT + 7, 0xa0);
	g_assert_cmphex(in8(m, CD_PORT + 7) & 0x08, ==, 0x08);
	for (int i = 0; i < 6; i++)
		as_write(&m->io, CD_PORT, cdb[2 * i] | cdb[2 * i + 1] << 8, 2);
	wait_not_busy(m, CD_PORT + 0x206);
	while (in8(m, CD_PORT + 7) & 0x08) {
		size_t n = in8(m, CD_PORT + 4) | in8(m, CD_PORT + 5) << 8;

		for (size_t i = 0; i < n; i += 2) {
			uint16_t w = as_read(&m->io, CD_PORT, 2);

			if (data && got + i + 1 < 4096) {
				data[got + i] = w;
				data[got + i + 1] = w >> 8;
			}
		}
		got += n;
	}
	if (len)
		*len = got;
	return (in8(m, CD_PORT + 7) & 0x01) ? in8(m, CD_PORT + 1) >> 4 : 0;
}

static int tur(struct machine *m)
{
	static const uint8_t cdb[12] = { 0 };

	return cd_packet(m, cdb, NULL, NULL);
}

static struct machine *ide_machine2(struct piix_ide **out, const char *spec,
				    const char *spec2)
{
	struct machine *m = machine_new(NULL);
	GError *err = NULL;

	g_assert_nonnull(pci_bus_new(m, &err));
	g_assert_cmpint(drive_parse(m, spec, &err), ==, 0);
	if (spec2)
		g_assert_cmpint(drive_parse(m, spec2, &err), ==, 0);
	*out = piix3_ide_create(m, m->pci, &err);
	g_assert_no_error(err);
	g_assert_nonnull(*out);
	return m;
}

static struct machine *ide_machine(struct piix_ide **out, const char *spec)
{
	return ide_machine2(out, spec, NULL);
}

static void test_media_change(void)
{
	g_autofree char *iso1 = make_file("one.iso", 10 * 2048, 7);
	g_autofree char *iso2 = make_file("two.iso", 20 * 2048, 8);
	g_autofree char *spec = g_strdup_printf("file=%s,media=cdrom,index=2,id=cd0", iso1);
	static const uint8_t sense[12] = { 0x03, 0, 0, 0, 18 };
	static const uint8_t cap[12] = { 0x25 };
	static const uint8_t lock[12] = { 0x1e, 0, 0, 0, 1 };
	static const uint8_t gesn[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
	struct piix_ide *d;
	struct machine *m = ide_machine(&d, spec);
	uint8_t data[4096];
	GError *err = NULL;
	size_t len;

	g_assert_cmpint(tur(m), ==, 0);
	{
		g_autofree char *bp = ide_boot_path(m, drive_find_id(m, "cd0"));

		g_assert_cmpstr(bp, ==, "/pci@i0cf8/ide@1,1/drive@1/disk@0");
		g_assert_cmpint(drive_find_id(m, "cd0")->bootindex, ==, -1);
	}
	g_assert_cmpint(drive_media_change(drive_find_id(m, "cd0"), iso2, false, &err), ==, 0);
	g_assert_no_error(err);
	/* first "no medium", then "medium may have changed", then ready */
	g_assert_cmpint(tur(m), ==, 2);
	g_assert_cmpint(cd_packet(m, sense, data, &len), ==, 0);
	g_assert_cmphex(data[12], ==, 0x3a);
	g_assert_cmpint(tur(m), ==, 6);
	g_assert_cmpint(cd_packet(m, sense, data, &len), ==, 0);
	g_assert_cmphex(data[2], ==, 6);
	g_assert_cmphex(data[12], ==, 0x28);
	g_assert_cmpint(tur(m), ==, 0);
	g_assert_cmpint(cd_packet(m, cap, data, &len), ==, 0);
	g_assert_cmphex(data[3], ==, 19);                  /* 20 blocks now */
	g_assert_cmpint(cd_packet(m, gesn, data, &len), ==, 0);
	g_assert_cmphex(data[4], ==, 2);                   /* new media event, once */
	g_assert_cmpint(cd_packet(m, gesn, data, &len), ==, 0);
	g_assert_cmphex(data[4], ==, 0);
	/* a locked tray refuses the monitor unless forced */
	g_assert_cmpint(cd_packet(m, lock, NULL, NULL), ==, 0);
	g_assert_cmpint(drive_media_change(drive_find_id(m, "cd0"), iso1, false, &err), <, 0);
	g_assert_nonnull(strstr(err->message, "is locked"));
	g_clear_error(&err);
	g_assert_cmpint(drive_media_change(drive_find_id(m, "cd0"), NULL, false, &err), <, 0);
	g_clear_error(&err);
	{
		bool open, locked;

		g_assert_cmpint(drive_media_tray(drive_find_id(m, "cd0"), &open, &locked), ==, 0);
		g_assert_false(open);
		g_assert_true(locked);
	}
	g_assert_cmpint(drive_media_change(drive_find_id(m, "cd0"), NULL, true, &err), ==, 0);
	g_assert_cmpint(tur(m), ==, 2);
	g_assert_null(drive_find_id(m, "nope"));
	drive_close_all(m);
}

static void test_vmstate(void)
{
	g_autofree char *img = make_file("vm.img", 64 * 512, 9);
	g_autofree char *spec = g_strdup_printf("file=%s,format=raw,index=0", img);
	struct piix_ide *d;
	struct machine *m = ide_machine(&d, spec);
	const struct vmstate_desc *vmsd = d->pci.dev.cls->vmsd;
	GByteArray *saved = g_byte_array_new();
	uint16_t a[400], b[400];
	GError *err = NULL;

	out8(m, 0x1f6, 0xe0);
	out8(m, 0x1f2, 2);
	out8(m, 0x1f3, 3);
	out8(m, 0x1f4, 0);
	out8(m, 0x1f5, 0);
	out8(m, 0x1f7, 0x20);
	wait_not_busy(m, 0x3f6);
	for (int i = 0; i < 112; i++)
		as_read(&m->io, 0x1f0, 2);
	vmstate_save(vmsd, d, saved);
	for (int i = 0; i < 400; i++)
		a[i] = as_read(&m->io, 0x1f0, 2);
	d->pci.dev.cls->reset(&d->pci.dev);
	g_assert_cmphex(in8(m, 0x3f6) & 0x08, ==, 0);
	g_assert_cmpint(vmstate_load(vmsd, d, saved->data, saved->len, &err), ==,
			(long)saved->len);
	g_assert_no_error(err);
	g_assert_cmphex(in8(m, 0x3f6), ==, 0x58);
	for (int i = 0; i < 400; i++)
		b[i] = as_read(&m->io, 0x1f0, 2);
	g_assert_cmpmem(a, sizeof(a), b, sizeof(b));
	g_assert_cmphex(in8(m, 0x3f6) & 0x08, ==, 0);

	/* a hostile snapshot: indices past the buffer are tamed by post_load */
	g_assert_cmpint(vmstate_load(vmsd, d, saved->data, saved->len, &err), >, 0);
	d->bus[0].units[0].data_end = 0xffffffff;
	d->bus[0].units[0].end_op = 200;
	d->bus[0].units[0].dma_op = 77;
	d->bus[0].cur = 5;
	g_assert_cmpint(vmsd->post_load(d), ==, 0);
	g_assert_cmpuint(d->bus[0].units[0].data_end, <=, IDE_BUF_SIZE);
	g_assert_cmpuint(d->bus[0].cur, <=, 1);
	for (int i = 0; i < IDE_BUF_SIZE; i++)
		as_read(&m->io, 0x1f0, 2);
	g_assert_cmphex(in8(m, 0x3f6) & 0x08, ==, 0);
	g_byte_array_free(saved, TRUE);
	drive_close_all(m);
}

/* A state saved while a PIO read waits for the disk runs that read again on load. */
static void test_vmstate_inflight(void)
{
	g_autofree char *img = make_file("vmi.img", 64 * 512, 12);
	g_autofree char *spec = g_strdup_printf("file=%s,format=raw,index=0", img);
	struct piix_ide *d;
	struct machine *m = ide_machine(&d, spec);
	const struct vmstate_desc *vmsd = d->pci.dev.cls->vmsd;
	GByteArray *saved = g_byte_array_new();
	GError *err = NULL;

	out8(m, 0x1f6, 0xe0);
	out8(m, 0x1f2, 1);
	out8(m, 0x1f3, 7);
	out8(m, 0x1f4, 0);
	out8(m, 0x1f5, 0);
	out8(m, 0x1f7, 0x20);
	/* completions run only when the test iterates the context */
	g_assert_cmphex(in8(m, 0x3f6), ==, 0xc0);
	vmstate_save(vmsd, d, saved);
	d->pci.dev.cls->reset(&d->pci.dev);
	g_assert_cmpint(vmstate_load(vmsd, d, saved->data, saved->len, &err), ==,
			(long)saved->len);
	g_assert_no_error(err);
	wait_not_busy(m, 0x3f6);
	g_assert_cmphex(in8(m, 0x3f6), ==, 0x58);
	for (int i = 0; i < 256; i++) {
		uint16_t w = as_read(&m->io, 0x1f0, 2);
		int at = 7 * 512 + 2 * i;

		g_assert_cmphex(w & 0xff, ==, (uint8_t)(at / 512 * 7 + at + 12));
		g_assert_cmphex(w >> 8, ==, (uint8_t)((at + 1) / 512 * 7 + at + 1 + 12));
	}
	g_assert_cmphex(in8(m, 0x3f6) & 0x88, ==, 0);
	g_byte_array_free(saved, TRUE);
	drive_close_all(m);
}

static void pci_cfg_write(struct machine *m, int devfn, int off, uint32_t v)
{
	as_write(&m->io, 0xcf8, 0x80000000u | devfn << 8 | off, 4);
	as_write(&m->io, 0xcfc, v, 4);
}

/*
 * Random port traffic on both channels and the bus-master registers, with
 * random PRD tables in a small RAM: nothing may crash, hang or touch memory
 * outside RAM (run under --enable-asan to see the latter).
 */
static void test_fuzz(void)
{
	static const uint16_t ports[] = {
		0x1f0, 0x1f1, 0x1f2, 0x1f3, 0x1f4, 0x1f5, 0x1f6, 0x1f7, 0x3f6,
		0x170, 0x171, 0x172, 0x173, 0x174, 0x175, 0x176, 0x177, 0x376,
		0xc000, 0xc002, 0xc004, 0xc008, 0xc00a, 0xc00c,
	};
	static const uint8_t cmds[] = {
		0x20, 0x24, 0x29, 0x30, 0x34, 0x39, 0xc4, 0xc5, 0xc6, 0xc8, 0x25, 0xca, 0x35,
		0xec, 0xa1, 0xa0, 0xe7, 0xea, 0xef, 0x91, 0x90, 0x08, 0x40, 0xf8, 0x27,
	};
	g_autofree char *img = make_file("fz.img", 256 * 512, 10);
	g_autofree char *iso = make_file("fz.iso", 64 * 2048, 11);
	g_autofree char *spec = g_strdup_printf("file=%s,format=raw,index=0", img);
	g_autofree char *cd = g_strdup_printf("file=%s,media=cdrom,index=2", iso);
	struct mem_region ram;
	uint8_t *ram_host = g_malloc0(0x40000);
	struct piix_ide *d;
	struct machine *m;
	GRand *r = g_rand_new_with_seed(20261127);

	int seen_int = 0, seen_err = 0;

	m = ide_machine2(&d, spec, cd);
	mr_init_ram(&ram, "ram", 0x40000, ram_host, false);
	g_assert_cmpint(as_add(&m->mem, &ram, 0), ==, 0);
	pci_cfg_write(m, 0x09, 0x20, 0xc000);
	pci_cfg_write(m, 0x09, 0x04, 0x05);
	for (int i = 0; i < 200000; i++) {
		uint32_t op = g_rand_int(r);
		uint16_t port = ports[op % G_N_ELEMENTS(ports)];
		uint32_t v = g_rand_int(r);

		switch ((op >> 8) % 8) {
		case 0:
			as_write(&m->io, (port & 0xfff0) | 7, cmds[v % G_N_ELEMENTS(cmds)], 1);
			break;
		case 1:
			as_write(&m->io, port, v, 1 << (v % 3));
			break;
		case 2:
			ram_host[(v >> 8) % 0x40000] = v;
			break;
		case 3: /* a PRD table of plausible entries at 0x1000 */
			for (int k = 0; k < 4; k++) {
				uint32_t a = g_rand_int(r);

				*(uint32_t *)(ram_host + 0x1000 + 8 * k) =
					(a & 1) ? a : (a & 0x3fffe);
				*(uint32_t *)(ram_host + 0x1004 + 8 * k) = g_rand_int(r) &
					(k == 3 ? 0xffffffffu : 0x7fffffffu);
			}
			as_write(&m->io, 0xc004 + (v & 8), 0x1000, 4);
			break;
		case 4:
			g_main_context_iteration(m->ctx, FALSE);
			break;
		default:
			v = as_read(&m->io, port, 1 << (v % 3));
			if ((port & 0xfff7) == 0xc002) {
				seen_int += !!(v & 4);
				seen_err += !!(v & 2);
			}
			break;
		}
	}
	/* the traffic did reach the DMA engine, both ways */
	g_assert_cmpint(seen_int, >, 0);
	g_assert_cmpint(seen_err, >, 0);
	/* let requests still in flight finish */
	for (int i = 0; i < 1000; i++)
		g_main_context_iteration(m->ctx, FALSE);
	g_rand_free(r);
	drive_close_all(m);
	as_del(&ram);
	g_free(ram_host);
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	tmp_dir = g_dir_make_tmp("kvmpc-block-XXXXXX", NULL);
	g_test_add_func("/block/raw", test_raw);
	g_test_add_func("/block/direct", test_direct);
	g_test_add_func("/block/locking", test_locking);
	g_test_add_func("/block/snapshot", test_snapshot);
	g_test_add_func("/block/aio", test_aio);
	g_test_add_func("/block/drive-parse", test_drive_parse);
	g_test_add_func("/ide/media-change", test_media_change);
	g_test_add_func("/ide/vmstate", test_vmstate);
	g_test_add_func("/ide/vmstate-inflight", test_vmstate_inflight);
	g_test_add_func("/ide/fuzz", test_fuzz);
	ret = g_test_run();
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_dir);
	if (system(cmd) != 0)
		ret = ret ? ret : 1;
	return ret;
}
