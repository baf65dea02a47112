// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Disk I/O of the IDE core: every read, write and flush of an ATA disk or
 * ATAPI medium goes through the block layer's asynchronous API, so the
 * vCPU that issued the command returns at once (the unit shows BSY) and the
 * completion runs on the main loop with the machine lock held.
 *  - PIO blocks (ATA and ATAPI) move through a private bounce buffer that
 *    is copied into or out of the unit's data buffer on the main loop, so a
 *    request still running after a reset never touches the unit.
 *  - DMA runs straight into guest memory described by the DMA provider
 *    (struct ide_dma_ops in hw/ide/ide.h); the core never calls the
 *    provider by name and the provider never calls ide_dma_done().
 * Write-through (write cache disabled) is the block layer's job: the unit
 * sets the backend's write cache state.  Requests older than the last
 * reset of their channel (or, for PIO, of their unit) complete into nothing.
 */
#include <errno.h>
#include <string.h>
#include "block/block.h"
#include "core/iov.h"
#include "core/log.h"
#include "hw/ide/ide.h"

/* ---- PIO: buffered requests ---- */

struct ide_io_req {
	struct ide_unit *s;
	uint32_t generation, unit_generation;
	bool write;
	uint32_t len;
	ide_io_done_fn *done;
	uint8_t *buf;
};

static void ide_io_cb(void *opaque, int ret)
{
	struct ide_io_req *r = opaque;
	struct ide_unit *s = r->s;

	if (r->generation == s->bus->generation && r->unit_generation == s->generation) {
		if (ret >= 0 && !r->write && r->len)
			memcpy(s->buf, r->buf, r->len);
		r->done(s, ret < 0 ? ret : 0);
	}
	g_free(r->buf);
	g_free(r);
}

static struct ide_io_req *ide_io_new(struct ide_unit *s, bool write, uint32_t len,
				     ide_io_done_fn *done)
{
	struct ide_io_req *r = g_new0(struct ide_io_req, 1);

	r->s = s;
	r->generation = s->bus->generation;
	r->unit_generation = s->generation;
	r->write = write;
	r->len = len;
	r->done = done;
	return r;
}

int ide_buf_io(struct ide_unit *s, bool write, uint64_t off, uint32_t len,
	       ide_io_done_fn *done)
{
	struct ide_io_req *r;
	struct iovec v;
	int ret;

	if (!s->blk)
		return -ENOMEDIUM;
	if (len > IDE_BUF_SIZE)
		return -EINVAL;
	r = ide_io_new(s, write, len, done);
	r->buf = write ? g_memdup2(s->buf, len) : g_malloc(len);
	v.iov_base = r->buf;
	v.iov_len = len;
	ret = write ? blk_aio_pwritev(s->blk, off, &v, 1, ide_io_cb, r)
		    : blk_aio_preadv(s->blk, off, &v, 1, ide_io_cb, r);
	if (ret < 0) {
		g_free(r->buf);
		g_free(r);
	}
	return ret;
}

int ide_flush_io(struct ide_unit *s, ide_io_done_fn *done)
{
	struct ide_io_req *r;
	int ret;

	if (!s->blk)
		return -ENOMEDIUM;
	r = ide_io_new(s, false, 0, done);
	ret = blk_aio_flush(s->blk, ide_io_cb, r);
	if (ret < 0)
		g_free(r);
	return ret;
}

/* ---- DMA through the provider ---- */

struct ide_dma_req {
	struct ide_bus *bus;
	struct ide_unit *s;
	uint32_t generation;
	GArray *iov;
};

/* The unit waiting for DMA: the selected one first, as the PIIX does. */
static struct ide_unit *ide_dma_unit(struct ide_bus *bus)
{
	if (bus->units[bus->cur].dma_op != IDE_DMA_NONE)
		return &bus->units[bus->cur];
	if (bus->units[!bus->cur].dma_op != IDE_DMA_NONE)
		return &bus->units[!bus->cur];
	return NULL;
}

static void ide_dma_req_free(struct ide_dma_req *r)
{
	g_array_free(r->iov, TRUE);
	g_free(r);
}

/* Provider first (its status bits), then the unit (status, interrupt). */
static void ide_dma_finish(struct ide_dma_req *r, int ret)
{
	struct ide_bus *bus = r->bus;

	bus->dma_inflight = false;
	bus->dma_ops->done(bus, ret);
	ide_dma_done(r->s, ret);
	ide_dma_req_free(r);
}

static void ide_dma_cb(void *opaque, int ret)
{
	struct ide_dma_req *r = opaque;

	if (r->generation != r->bus->generation) {
		/* The channel was reset meanwhile: nobody waits for this. */
		ide_dma_req_free(r);
		return;
	}
	ide_dma_finish(r, ret < 0 ? -EIO : 0);
}

static int ide_dma_submit(struct ide_dma_req *r)
{
	struct ide_unit *s = r->s;
	const struct iovec *v = (const struct iovec *)r->iov->data;
	int n = r->iov->len;

	switch (s->dma_op) {
	case IDE_DMA_READ:
		return blk_aio_preadv(s->blk, s->cur_lba * IDE_SECTOR, v, n, ide_dma_cb, r);
	case IDE_DMA_WRITE:
		return blk_aio_pwritev(s->blk, s->cur_lba * IDE_SECTOR, v, n, ide_dma_cb, r);
	case IDE_DMA_CD_READ:
		if (!s->blk)
			return -ENOMEDIUM;
		return blk_aio_preadv(s->blk, s->cur_lba * IDE_CD_SECTOR, v, n, ide_dma_cb, r);
	default:
		return -EINVAL;
	}
}

void ide_bus_dma_start(struct ide_bus *bus)
{
	struct ide_unit *s = ide_dma_unit(bus);
	struct ide_dma_req *r;
	int ret;

	if (!s || bus->dma_inflight || !bus->dma_ops || !bus->dma_ops->ready(bus))
		return;
	r = g_new0(struct ide_dma_req, 1);
	r->bus = bus;
	r->s = s;
	r->generation = bus->generation;
	r->iov = g_array_new(FALSE, FALSE, sizeof(struct iovec));
	bus->dma_inflight = true;
	ret = bus->dma_ops->map(bus, s->dma_bytes, r->iov);
	if (ret < 0) {
		ide_dma_finish(r, ret);
		return;
	}
	if (s->dma_op == IDE_DMA_CD_BUF) {
		iov_from_buf((const struct iovec *)r->iov->data, r->iov->len, 0, s->buf,
			     s->dma_bytes);
		ide_dma_finish(r, 0);
		return;
	}
	if (ide_dma_submit(r) < 0)
		ide_dma_finish(r, -EIO);
}

void ide_dma_request(struct ide_unit *s)
{
	ide_bus_dma_start(s->bus);
}
