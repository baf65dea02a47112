/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host key codes to the PS/2 key names of hw/input/ps2.h (scan code set 1
 * make codes, 0x100 for E0-prefixed keys).
 */
#ifndef UI_KEYMAP_H
#define UI_KEYMAP_H

#include <stdint.h>

/* USB HID keyboard usage (page 0x07; SDL2 scancodes use the same numbers)
 * to a PS/2 key, or 0 when the key has no PS/2 equivalent. */
unsigned keymap_hid_to_ps2(unsigned usage);

/* X11 keysym (as RFB KeyEvent carries them) to a PS/2 key on a US layout,
 * or 0.  Shifted characters map to their unshifted key. */
unsigned keymap_keysym_to_ps2(uint32_t keysym);

/* QEMU's extended key event code (XT set 1, 0x80 marks E0 keys) to a PS/2
 * key, or 0. */
unsigned keymap_qnum_to_ps2(uint32_t qnum);

#endif
