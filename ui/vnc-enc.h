/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Encoders of the VNC server (ui/vnc.c): one rectangle of the console's
 * x8r8g8b8 surface is appended to a byte array as the body of an RFB
 * rectangle (RFC 6143 section 7.7) in the client's pixel format.  The
 * caller writes the rectangle header.
 */
#ifndef UI_VNC_ENC_H
#define UI_VNC_ENC_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <zlib.h>

#define VNC_ENC_RAW 0
#define VNC_ENC_HEXTILE 5
#define VNC_ENC_ZRLE 16
#define VNC_ENC_DESKTOP_SIZE -223
#define VNC_ENC_EXT_KEY -258

/* A true-colour client pixel format (SetPixelFormat, colour maps refused). */
struct vnc_pixfmt {
	uint8_t bpp, depth, big_endian;
	uint16_t max[3];
	uint8_t shift[3];
};

/* A rectangle of the surface: px is its top-left pixel, pitch in pixels. */
struct vnc_rect {
	const uint32_t *px;
	size_t pitch;
	int w, h;
};

void vnc_enc_raw(GByteArray *out, const struct vnc_pixfmt *pf, const struct vnc_rect *r);
void vnc_enc_hextile(GByteArray *out, const struct vnc_pixfmt *pf, const struct vnc_rect *r);
/*
 * ZRLE through zs, the client's one deflate stream (deflateInit'ed by the
 * caller, kept for the whole connection).  Returns 0 or -ENOMEM.
 */
int vnc_enc_zrle(GByteArray *out, z_stream *zs, const struct vnc_pixfmt *pf,
		 const struct vnc_rect *r);

#endif
