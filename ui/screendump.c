// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Screendump: write a console's picture as binary PPM (P6, the format of
 * QEMU's screendump) or PNG.  The PNG writer is self-contained: 8-bit RGB,
 * filter 0 on every row, and a zlib stream of "stored" (uncompressed)
 * deflate blocks, checked with Adler-32 and CRC-32 as RFC 1950/1951 and
 * the PNG specification require.  Files are larger than compressed ones
 * but need no extra library; any PNG reader loads them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	static uint32_t table[256];

	if (!table[1]) {
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t c = n;
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t adler32(const uint8_t *p, size_t len)
{
	uint32_t a = 1, b = 0;

	while (len) {
		size_t n = MIN(len, (size_t)5552);
		len -= n;
		while (n--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return (b << 16) | a;
}

static int png_chunk(FILE *f, const char *type, const uint8_t *data, size_t len)
{
	uint8_t hdr[8], tail[4];
	uint32_t crc;

	put_be32(hdr, len);
	memcpy(hdr + 4, type, 4);
	crc = crc32_update(0, hdr + 4, 4);
	crc = crc32_update(crc, data, len);
	put_be32(tail, crc);
	if (write_all(f, hdr, 8) || write_all(f, data, len) || write_all(f, tail, 4))
		return -EIO;
	return 0;
}

/* zlib stream of stored deflate blocks holding raw. */
static GByteArray *zlib_stored(const GByteArray *raw)
{
	GByteArray *z = g_byte_array_sized_new(raw->len + raw->len / 65535 * 5 + 16);
	static const uint8_t zhdr[2] = { 0x78, 0x01 };
	size_t pos = 0;
	uint8_t b[5];

	g_byte_array_append(z, zhdr, 2);
	do {
		size_t n = MIN((size_t)raw->len - pos, (size_t)65535);
		b[0] = pos + n == raw->len; /* BFINAL, BTYPE 00 */
		b[1] = n & 0xff;
		b[2] = n >> 8;
		b[3] = ~n & 0xff;
		b[4] = (~n >> 8) & 0xff;
		g_byte_array_append(z, b, 5);
		g_byte_array_append(z, raw->data + pos, n);
		pos += n;
	} while (pos < raw->len);
	put_be32(b, adler32(raw->data, raw->len));
	g_byte_array_append(z, b, 4);
	return z;
}

static int png_write(FILE *f, struct display_surface *s)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t ihdr[13] = { 0 };
	GByteArray *raw, *z;
	int ret;

	put_be32(ihdr, s->width);
	put_be32(ihdr + 4, s->height);
	ihdr[8] = 8; /* bits per sample */
	ihdr[9] = 2; /* RGB */
	raw = surface_rgb(s, true);
	z = zlib_stored(raw);
	g_byte_array_free(raw, TRUE);
	ret = write_all(f, sig, sizeof(sig));
	if (!ret)
		ret = png_chunk(f, "IHDR", ihdr, sizeof(ihdr));
	if (!ret)
		ret = png_chunk(f, "IDAT", z->data, z->len);
	if (!ret)
		ret = png_chunk(f, "IEND", NULL, 0);
	g_byte_array_free(z, TRUE);
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
