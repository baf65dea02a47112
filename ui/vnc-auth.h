/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VNC authentication (security type 2) for ui/vnc.c: the challenge and
 * the check of the client's DES response.
 */
#ifndef UI_VNC_AUTH_H
#define UI_VNC_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#define VNC_AUTH_CHALLENGE 16

/* 16 random bytes from the kernel; 0 or -errno. */
int vnc_auth_challenge(uint8_t challenge[VNC_AUTH_CHALLENGE]);
/* What a client knowing password answers to challenge. */
void vnc_auth_encrypt(const char *password, const uint8_t challenge[VNC_AUTH_CHALLENGE],
		      uint8_t out[VNC_AUTH_CHALLENGE]);
/* Does response prove the password?  False when password is NULL (none set). */
bool vnc_auth_check(const char *password, const uint8_t challenge[VNC_AUTH_CHALLENGE],
		    const uint8_t response[VNC_AUTH_CHALLENGE]);

#endif
