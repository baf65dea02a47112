/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host key codes to the PS/2 key names of hw/input/ps2.h (scan code set 1
 * make codes, 0x100 for E0-prefixed keys).
 */
#ifndef UI_KEYMAP_H
#define UI_KEYMAP_H

/* USB HID keyboard usage (page 0x07; SDL2 scancodes use the same numbers)
 * to a PS/2 key, or 0 when the key has no PS/2 equivalent. */
unsigned keymap_hid_to_ps2(unsigned usage);

#endif
