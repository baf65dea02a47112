// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Screendump: write a console's picture as binary PPM (P6, the format of
 * QEMU's screendump) or PNG.  The PNG is 8-bit RGB, not interlaced; each
 * row gets the None, Sub or Up filter (whichever has the smallest sum of
 * absolute differences, libpng's heuristic) and the image data is one
 * zlib stream at the best compression level; zlib also gives the chunk
 * CRCs.  Left out: Paeth/Average filters, palette images, ancillary chunks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <zlib.h>
#include "ui/console.h"

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Rows of the surface as 8-bit R, G, B; a filter byte before each row if png. */
static GByteArray *surface_rgb(struct display_surface *s, bool png)
{
	GByteArray *out = g_byte_array_sized_new((size_t)s->height * (s->width * 3 + 1));
	int stride = surface_stride(s) / 4;
	uint8_t px[3];

	for (int y = 0; y < s->height; y++) {
		const uint32_t *row = surface_data(s) + (size_t)y * stride;
		if (png)
			g_byte_array_append(out, (const uint8_t *)"", 1);
		for (int x = 0; x < s->width; x++) {
			px[0] = row[x] >> 16;
			px[1] = row[x] >> 8;
			px[2] = row[x];
			g_byte_array_append(out, px, 3);
		}
	}
	return out;
}

static int write_all(FILE *f, const void *buf, size_t len)
{
	if (!len)
		return 0;
	return fwrite(buf, 1, len, f) == len ? 0 : -EIO;
}

static int ppm_write(FILE *f, struct display_surface *s)
{
	GByteArray *rgb = surface_rgb(s, false);
	int ret = fprintf(f, "P6\n%d %d\n255\n", s->width, s->height) < 0 ? -EIO : 0;

	if (!ret)
		ret = write_all(f, rgb->data, rgb->len);
	g_byte_array_free(rgb, TRUE);
	return ret;
}

/* Sum of |byte| taken as signed: libpng's cheap guess at how well a row compresses. */
static unsigned long png_row_cost(const uint8_t *p, size_t len)
{
	unsigned long sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i] < 128 ? p[i] : 256 - p[i];
	return sum;
}

/*
 * Filter each row (in place) with None, Sub or Up, whichever looks
 * cheapest, and store the filter type in the row's first byte.  Rows are
 * done bottom-up so that Up still sees the unfiltered row above.
 */
static void png_filter(GByteArray *raw, int width, int height)
{
	size_t pitch = (size_t)width * 3 + 1, n = pitch - 1;
	g_autofree uint8_t *sub = g_malloc(n), *up = g_malloc(n);

	for (int y = height - 1; y >= 0; y--) {
		uint8_t *row = raw->data + (size_t)y * pitch + 1;
		const uint8_t *prev = y ? row - pitch : NULL;
		unsigned long c_none, c_sub, c_up = ULONG_MAX;

		for (size_t i = 0; i < n; i++) {
			sub[i] = row[i] - (i >= 3 ? row[i - 3] : 0);
			up[i] = row[i] - (prev ? prev[i] : 0);
		}
		c_none = png_row_cost(row, n);
		c_sub = png_row_cost(sub, n);
		if (prev)
			c_up = png_row_cost(up, n);
		if (c_sub < c_none && c_sub <= c_up) {
			row[-1] = 1;
			memcpy(row, sub, n);
		} else if (c_up < c_none) {
			row[-1] = 2;
			memcpy(row, up, n);
		}
	}
}

static int png_chunk(FILE *f, const char *type, const uint8_t *data, size_t len)
{
	uint8_t hdr[8], tail[4];
	uLong crc;

	put_be32(hdr, len);
	memcpy(hdr + 4, type, 4);
	crc = crc32(0, hdr + 4, 4);
	if (len)
		crc = crc32(crc, data, len);
	put_be32(tail, crc);
	if (write_all(f, hdr, 8) || write_all(f, data, len) || write_all(f, tail, 4))
		return -EIO;
	return 0;
}

static int png_write(FILE *f, struct display_surface *s)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t ihdr[13] = { 0 };
	GByteArray *raw;
	uLongf zlen;
	uint8_t *z;
	int ret;

	put_be32(ihdr, s->width);
	put_be32(ihdr + 4, s->height);
	ihdr[8] = 8; /* bits per sample */
	ihdr[9] = 2; /* RGB */
	raw = surface_rgb(s, true);
	png_filter(raw, s->width, s->height);
	zlen = compressBound(raw->len);
	z = g_malloc(zlen);
	ret = compress2(z, &zlen, raw->data, raw->len, Z_BEST_COMPRESSION) == Z_OK ? 0 : -ENOMEM;
	g_byte_array_free(raw, TRUE);
	if (!ret)
		ret = write_all(f, sig, sizeof(sig));
	if (!ret)
		ret = png_chunk(f, "IHDR", ihdr, sizeof(ihdr));
	if (!ret)
		ret = png_chunk(f, "IDAT", z, zlen);
	if (!ret)
		ret = png_chunk(f, "IEND", NULL, 0);
	g_free(z);
	return ret;
}

int console_screendump(struct console *con, const char *path, const char *format,
		       GError **err)
{
	bool png;
	FILE *f;
	int ret;

	if (!format || !strcmp(format, "ppm")) {
		png = false;
	} else if (!strcmp(format, "png")) {
		png = true;
	} else {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "screendump: unknown format '%s' (ppm or png)", format);
		return -EINVAL;
	}
	console_refresh(con);
	f = fopen(path, "wb");
	if (!f) {
		ret = -errno;
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(-ret),
			    "screendump: cannot create %s: %s", path, g_strerror(-ret));
		return ret;
	}
	ret = png ? png_write(f, con->surface) : ppm_write(f, con->surface);
	if (fclose(f) != 0 && !ret)
		ret = -EIO;
	if (ret) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO,
			    "screendump: writing %s failed", path);
		unlink(path);
	}
	return ret;
}
