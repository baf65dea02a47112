// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VNC authentication (RFC 6143 section 7.2.2, security type 2): the server
 * sends 16 random bytes, the client returns them DES-encrypted (ECB) with
 * the password as key: its first 8 bytes, zero-padded, each byte with its
 * bits in reverse order (the quirk every VNC implementation shares).
 *
 * DES comes from nettle (Debian's libnettle8, which GnuTLS and so the
 * gtk-vnc clients already pull in) rather than a hand-written cipher:
 * a well-tested implementation is worth more here than avoiding a library.
 * DES with a password of at most 8 characters protects nothing on an
 * untrusted network; it keeps other local users and stray connections out.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <nettle/des.h>
#include "ui/vnc-auth.h"

int vnc_auth_challenge(uint8_t challenge[VNC_AUTH_CHALLENGE])
{
	size_t got = 0;

	while (got < VNC_AUTH_CHALLENGE) {
		ssize_t n = getrandom(challenge + got, VNC_AUTH_CHALLENGE - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += n;
	}
	return 0;
}

static uint8_t vnc_auth_reverse_bits(uint8_t b)
{
	uint8_t r = 0;

	for (int i = 0; i < 8; i++)
		r |= ((b >> i) & 1) << (7 - i);
	return r;
}

void vnc_auth_encrypt(const char *password, const uint8_t challenge[VNC_AUTH_CHALLENGE],
		      uint8_t out[VNC_AUTH_CHALLENGE])
{
	uint8_t key[DES_KEY_SIZE] = { 0 };
	struct des_ctx ctx;
	size_t len = strnlen(password, DES_KEY_SIZE);

	for (size_t i = 0; i < len; i++)
		key[i] = vnc_auth_reverse_bits(password[i]);
	des_set_key(&ctx, key); /* parity ignored; weak keys still set */
	des_encrypt(&ctx, VNC_AUTH_CHALLENGE, out, challenge);
	memset(key, 0, sizeof(key));
	memset(&ctx, 0, sizeof(ctx));
}

bool vnc_auth_check(const char *password, const uint8_t challenge[VNC_AUTH_CHALLENGE],
		    const uint8_t response[VNC_AUTH_CHALLENGE])
{
	uint8_t want[VNC_AUTH_CHALLENGE];
	uint8_t diff = 0;

	if (!password)
		return false;
	vnc_auth_encrypt(password, challenge, want);
	for (int i = 0; i < VNC_AUTH_CHALLENGE; i++)
		diff |= want[i] ^ response[i];
	return diff == 0;
}
