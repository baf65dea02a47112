// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFB encodings of the VNC server, as RFC 6143 section 7.7 defines them:
 * Raw, Hextile (16x16 tiles: a background, then one-colour or coloured
 * subrectangles found greedily, or raw pixels when those would be
 * larger) and ZRLE (64x64 tiles in the client's zlib stream, each sent as
 * solid, packed palette, palette RLE, plain RLE or raw CPIXELs, whichever
 * is smallest by a byte count taken before compression).
 *
 * Left out: RRE, CoRRE, Tight, TRLE, CopyRect (no scroll detection).
 */
#include <errno.h>
#include <string.h>
#include "ui/vnc-enc.h"

/* ---- pixels ---- */

static unsigned enc_scale(unsigned v8, unsigned max)
{
	if (max == 255)
		return v8;
	if (max && !((max + 1) & max) && max < 255) {
		int bits = 0;
		while ((1u << bits) <= max)
			bits++;
		return v8 >> (8 - bits);
	}
	return v8 * max / 255;
}

static uint32_t enc_value(const struct vnc_pixfmt *pf, uint32_t rgb)
{
	return enc_scale((rgb >> 16) & 0xff, pf->max[0]) << pf->shift[0] |
	       enc_scale((rgb >> 8) & 0xff, pf->max[1]) << pf->shift[1] |
	       enc_scale(rgb & 0xff, pf->max[2]) << pf->shift[2];
}

/*
 * How one pixel goes on the wire: bytes of the client's pixel, of which
 * byte "drop" (if >= 0) is left out, which is how ZRLE's 3-byte CPIXEL
 * is formed from a 32-bit pixel.
 */
struct enc_px {
	const struct vnc_pixfmt *pf;
	int bytes, drop;
	uint32_t last_rgb;
	uint8_t last[4];
	bool have_last;
};

static void enc_px_init(struct enc_px *e, const struct vnc_pixfmt *pf, bool cpixel)
{
	uint32_t mask = 0;

	e->pf = pf;
	e->bytes = pf->bpp / 8;
	e->drop = -1;
	e->have_last = false;
	for (int i = 0; i < 3; i++)
		mask |= (uint32_t)pf->max[i] << pf->shift[i];
	if (cpixel && pf->bpp == 32 && pf->depth <= 24) {
		if (!(mask & 0xff000000u))
			e->drop = pf->big_endian ? 0 : 3; /* the most significant byte */
		else if (!(mask & 0xffu))
			e->drop = pf->big_endian ? 3 : 0; /* the least significant byte */
	}
}

static int enc_px_size(const struct enc_px *e)
{
	return e->drop >= 0 ? e->bytes - 1 : e->bytes;
}

static void enc_put(GByteArray *out, struct enc_px *e, uint32_t rgb)
{
	if (!e->have_last || e->last_rgb != rgb) {
		uint32_t v = enc_value(e->pf, rgb);
		for (int b = 0; b < e->bytes; b++)
			e->last[b] = v >> (e->pf->big_endian ? 8 * (e->bytes - 1 - b) : 8 * b);
		e->last_rgb = rgb;
		e->have_last = true;
	}
	if (e->drop < 0) {
		g_byte_array_append(out, e->last, e->bytes);
	} else {
		uint8_t b[3];
		for (int i = 0, j = 0; i < 4; i++)
			if (i != e->drop)
				b[j++] = e->last[i];
		g_byte_array_append(out, b, 3);
	}
}

void vnc_enc_raw(GByteArray *out, const struct vnc_pixfmt *pf, const struct vnc_rect *r)
{
	struct enc_px e;

	enc_px_init(&e, pf, false);
	for (int y = 0; y < r->h; y++) {
		const uint32_t *row = r->px + (size_t)y * r->pitch;
		for (int x = 0; x < r->w; x++)
			enc_put(out, &e, row[x] & 0xffffff);
	}
}

/* Copy a tile's pixels (colour bits only) into t, row after row. */
static void enc_tile_pixels(uint32_t *t, const struct vnc_rect *r, int x0, int y0, int w, int h)
{
	for (int y = 0; y < h; y++) {
		const uint32_t *row = r->px + (size_t)(y0 + y) * r->pitch + x0;
		for (int x = 0; x < w; x++)
			t[y * w + x] = row[x] & 0xffffff;
	}
}

/* ---- Hextile ---- */

#define HT_RAW 1
#define HT_BG 2
#define HT_FG 4
#define HT_ANY 8
#define HT_COLOURED 16
#define HT_MAX_COLOURS 16

struct ht_state {
	bool bg_ok, fg_ok; /* the client holds a background / foreground */
	uint32_t bg, fg;
};

/* Distinct colours of t[n] (up to max+1) and how often each occurs. */
static int ht_colours(const uint32_t *t, int n, uint32_t *col, int *cnt, int max)
{
	int ncol = 0;

	for (int i = 0; i < n; i++) {
		int k = 0;
		while (k < ncol && col[k] != t[i])
			k++;
		if (k == ncol) {
			if (ncol > max)
				return ncol;
			col[ncol] = t[i];
			cnt[ncol++] = 0;
		}
		cnt[k]++;
	}
	return ncol;
}

/*
 * Subrectangles covering every pixel of t that is not bg, appended to sub
 * (with their colour if coloured).  Returns their number, or -1 once there
 * are more than 255 or they take more than limit bytes.
 */
static int ht_subrects(GByteArray *sub, struct enc_px *e, const uint32_t *t, int w, int h,
		       uint32_t bg, bool coloured, unsigned limit)
{
	bool done[256] = { false };
	int nsub = 0;

	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint32_t c = t[y * w + x];
			int sw = 1, sh = 1;
			if (done[y * w + x] || c == bg)
				continue;
			while (x + sw < w && !done[y * w + x + sw] && t[y * w + x + sw] == c)
				sw++;
			for (bool ok = true; ok && y + sh < h; ) {
				for (int i = 0; i < sw && ok; i++)
					ok = !done[(y + sh) * w + x + i] && t[(y + sh) * w + x + i] == c;
				if (ok)
					sh++;
			}
			for (int j = 0; j < sh; j++)
				memset(done + (y + j) * w + x, true, sw);
			if (++nsub > 255)
				return -1;
			if (coloured)
				enc_put(sub, e, c);
			uint8_t xy[2] = { x << 4 | y, (sw - 1) << 4 | (sh - 1) };
			g_byte_array_append(sub, xy, 2);
			if (sub->len > limit)
				return -1;
			x += sw - 1;
		}
	}
	return nsub;
}

static void ht_tile(GByteArray *out, struct enc_px *e, struct ht_state *st,
		    const struct vnc_rect *r, int x0, int y0, int w, int h)
{
	uint32_t t[256], col[HT_MAX_COLOURS + 1] = { 0 };
	int cnt[HT_MAX_COLOURS + 1], n = w * h, bytes = e->bytes, best = 0;
	int ncol, nsub = 0;
	uint8_t mask = 0;
	GByteArray *sub = g_byte_array_sized_new(512);

	enc_tile_pixels(t, r, x0, y0, w, h);
	ncol = ht_colours(t, n, col, cnt, HT_MAX_COLOURS);
	if (ncol <= HT_MAX_COLOURS) {
		for (int k = 1; k < ncol; k++)
			if (cnt[k] > cnt[best])
				best = k;
		uint32_t bg = col[best];
		unsigned head = (!st->bg_ok || st->bg != bg) ? bytes : 0;
		if (ncol == 2)
			head += (!st->fg_ok || st->fg != col[!best]) ? bytes : 0;
		int limit = n * bytes - (int)head;
		if (ncol > 1)
			nsub = limit > 0 ? ht_subrects(sub, e, t, w, h, bg, ncol > 2, limit) : -1;
		if (nsub >= 0) {
			mask = (!st->bg_ok || st->bg != bg) ? HT_BG : 0;
			if (ncol == 2 && (!st->fg_ok || st->fg != col[!best]))
				mask |= HT_FG;
			if (nsub)
				mask |= HT_ANY | (ncol > 2 ? HT_COLOURED : 0);
			g_byte_array_append(out, &mask, 1);
			if (mask & HT_BG)
				enc_put(out, e, bg);
			if (mask & HT_FG)
				enc_put(out, e, col[!best]);
			if (nsub) {
				uint8_t nb = nsub;
				g_byte_array_append(out, &nb, 1);
				g_byte_array_append(out, sub->data, sub->len);
			}
			st->bg_ok = true;
			st->bg = bg;
			if (ncol == 2) {
				st->fg_ok = true;
				st->fg = col[!best];
			} else if (ncol > 2) {
				st->fg_ok = false;
			}
			g_byte_array_free(sub, TRUE);
			return;
		}
	}
	g_byte_array_free(sub, TRUE);
	mask = HT_RAW;
	g_byte_array_append(out, &mask, 1);
	for (int i = 0; i < n; i++)
		enc_put(out, e, t[i]);
	st->bg_ok = st->fg_ok = false;
}

void vnc_enc_hextile(GByteArray *out, const struct vnc_pixfmt *pf, const struct vnc_rect *r)
{
	struct ht_state st = { false, false, 0, 0 };
	struct enc_px e;

	enc_px_init(&e, pf, false);
	for (int y = 0; y < r->h; y += 16)
		for (int x = 0; x < r->w; x += 16)
			ht_tile(out, &e, &st, r, x, y, MIN(16, r->w - x), MIN(16, r->h - y));
}

/* ---- ZRLE ---- */

#define ZRLE_TILE 64
#define ZRLE_MAX_PALETTE 127
#define ZRLE_HASH 512

/* A tile's palette (up to 127 colours) and the palette index of each pixel. */
struct zrle_palette {
	int n; /* > ZRLE_MAX_PALETTE: too many colours */
	uint32_t col[ZRLE_MAX_PALETTE];
	int16_t slot[ZRLE_HASH]; /* palette index + 1, 0 = empty */
	uint8_t idx[ZRLE_TILE * ZRLE_TILE];
	uint32_t t[ZRLE_TILE * ZRLE_TILE]; /* the tile's pixels */
};

static void zrle_palette(struct zrle_palette *p, const uint32_t *t, int n)
{
	p->n = 0;
	memset(p->slot, 0, sizeof(p->slot));
	for (int i = 0; i < n; i++) {
		unsigned h = (t[i] * 2654435761u) >> 23; /* 9 bits */
		while (p->slot[h] && p->col[p->slot[h] - 1] != t[i])
			h = (h + 1) % ZRLE_HASH;
		if (!p->slot[h]) {
			if (p->n == ZRLE_MAX_PALETTE) {
				p->n++;
				return;
			}
			p->col[p->n++] = t[i];
			p->slot[h] = p->n;
		}
		p->idx[i] = p->slot[h] - 1;
	}
}

/* Run length len >= 1 as ZRLE writes it: len - 1 in bytes of 255 and a final < 255. */
static void zrle_run_length(GByteArray *out, int len)
{
	uint8_t ff = 255, last;

	for (len -= 1; len >= 255; len -= 255)
		g_byte_array_append(out, &ff, 1);
	last = len;
	g_byte_array_append(out, &last, 1);
}

static void zrle_packed(GByteArray *out, const struct zrle_palette *p, int w, int h)
{
	int bits = p->n <= 2 ? 1 : p->n <= 4 ? 2 : 4;

	for (int y = 0; y < h; y++) {
		uint8_t byte = 0;
		int used = 0;
		for (int x = 0; x < w; x++) {
			byte |= p->idx[y * w + x] << (8 - bits - used);
			used += bits;
			if (used == 8) {
				g_byte_array_append(out, &byte, 1);
				byte = 0;
				used = 0;
			}
		}
		if (used)
			g_byte_array_append(out, &byte, 1);
	}
}

static void zrle_rle(GByteArray *out, struct enc_px *e, const uint32_t *t,
		     const struct zrle_palette *p, int n, bool palette)
{
	for (int i = 0; i < n; ) {
		int len = 1;
		while (i + len < n && t[i + len] == t[i])
			len++;
		if (!palette) {
			enc_put(out, e, t[i]);
			zrle_run_length(out, len);
		} else {
			uint8_t b = p->idx[i] | (len > 1 ? 128 : 0);
			g_byte_array_append(out, &b, 1);
			if (len > 1)
				zrle_run_length(out, len);
		}
		i += len;
	}
}

static void zrle_tile(GByteArray *out, struct enc_px *e, struct zrle_palette *p,
		      const struct vnc_rect *r, int x0, int y0, int w, int h)
{
	uint32_t *t = p->t;
	int n = w * h, cp = enc_px_size(e);
	size_t raw = (size_t)n * cp, plain = 0, prle = SIZE_MAX, packed = SIZE_MAX;
	uint8_t sub;

	enc_tile_pixels(t, r, x0, y0, w, h);
	zrle_palette(p, t, n);
	if (p->n == 1) {
		sub = 1;
		g_byte_array_append(out, &sub, 1);
		enc_put(out, e, t[0]);
		return;
	}
	size_t runs = 0;
	for (int i = 0; i < n; ) {
		int len = 1;
		while (i + len < n && t[i + len] == t[i])
			len++;
		plain += cp + 1 + (len - 1) / 255;
		runs += len > 1 ? 2 + (len - 1) / 255 : 1;
		i += len;
	}
	if (p->n <= ZRLE_MAX_PALETTE)
		prle = (size_t)p->n * cp + runs;
	if (p->n <= 16) {
		int bits = p->n <= 2 ? 1 : p->n <= 4 ? 2 : 4;
		packed = (size_t)p->n * cp + (size_t)h * ((w * bits + 7) / 8);
	}
	if (raw <= plain && raw <= prle && raw <= packed) {
		sub = 0;
		g_byte_array_append(out, &sub, 1);
		for (int i = 0; i < n; i++)
			enc_put(out, e, t[i]);
	} else if (packed <= plain && packed <= prle) {
		sub = p->n;
		g_byte_array_append(out, &sub, 1);
		for (int k = 0; k < p->n; k++)
			enc_put(out, e, p->col[k]);
		zrle_packed(out, p, w, h);
	} else if (prle <= plain) {
		sub = 128 + p->n;
		g_byte_array_append(out, &sub, 1);
		for (int k = 0; k < p->n; k++)
			enc_put(out, e, p->col[k]);
		zrle_rle(out, e, t, p, n, true);
	} else {
		sub = 128;
		g_byte_array_append(out, &sub, 1);
		zrle_rle(out, e, t, p, n, false);
	}
}

/* Deflate in (Z_SYNC_FLUSH) onto the end of out. */
static int zrle_deflate(GByteArray *out, z_stream *zs, GByteArray *in)
{
	zs->next_in = in->data;
	zs->avail_in = in->len;
	do {
		guint at = out->len;
		unsigned room = deflateBound(zs, zs->avail_in) + 64;
		g_byte_array_set_size(out, at + room);
		zs->next_out = out->data + at;
		zs->avail_out = room;
		if (deflate(zs, Z_SYNC_FLUSH) == Z_STREAM_ERROR) {
			g_byte_array_set_size(out, at);
			return -ENOMEM;
		}
		g_byte_array_set_size(out, at + room - zs->avail_out);
	} while (zs->avail_out == 0 || zs->avail_in);
	return 0;
}

int vnc_enc_zrle(GByteArray *out, z_stream *zs, const struct vnc_pixfmt *pf,
		 const struct vnc_rect *r)
{
	struct zrle_palette *p = g_new(struct zrle_palette, 1);
	GByteArray *tiles = g_byte_array_new();
	guint at = out->len;
	struct enc_px e;
	uint32_t len;
	int ret;

	enc_px_init(&e, pf, true);
	for (int y = 0; y < r->h; y += ZRLE_TILE)
		for (int x = 0; x < r->w; x += ZRLE_TILE)
			zrle_tile(tiles, &e, p, r, x, y, MIN(ZRLE_TILE, r->w - x),
				  MIN(ZRLE_TILE, r->h - y));
	g_byte_array_set_size(out, at + 4);
	ret = zrle_deflate(out, zs, tiles);
	len = out->len - at - 4;
	out->data[at] = len >> 24;
	out->data[at + 1] = len >> 16;
	out->data[at + 2] = len >> 8;
	out->data[at + 3] = len;
	g_byte_array_free(tiles, TRUE);
	g_free(p);
	return ret;
}
