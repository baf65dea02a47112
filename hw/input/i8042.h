/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i8042 keyboard controller (ports 0x60 data, 0x64 status/command; ISA
 * IRQ 1 for the keyboard, IRQ 12 for the mouse) with its PS/2 keyboard and
 * mouse.  The machine creates it with i8042_create(); the UI injects input
 * through the ps2_* functions on i8042_kbd() / i8042_mouse().
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include <stdbool.h>
#include <glib.h>
#include "core/device.h"
#include "hw/input/ps2.h"

struct machine;
struct i8042;

/* Status register (port 0x64 read) */
#define I8042_STAT_OBF		0x01	/* output buffer full */
#define I8042_STAT_IBF		0x02	/* input buffer full (never: writes are instant) */
#define I8042_STAT_SYS		0x04	/* system flag, set by the self test */
#define I8042_STAT_CMD		0x08	/* last write went to port 0x64 */
#define I8042_STAT_UNLOCKED	0x10	/* keyboard not inhibited by the key lock */
#define I8042_STAT_AUX_OBF	0x20	/* the output byte came from the mouse */
#define I8042_STAT_TIMEOUT	0x40
#define I8042_STAT_PARITY	0x80

/* Command byte (RAM byte 0; commands 0x20 read, 0x60 write) */
#define I8042_MODE_KBD_INT	0x01
#define I8042_MODE_AUX_INT	0x02
#define I8042_MODE_SYS		0x04
#define I8042_MODE_NO_KEYLOCK	0x08
#define I8042_MODE_KBD_DISABLE	0x10
#define I8042_MODE_AUX_DISABLE	0x20
#define I8042_MODE_XLATE	0x40

/* Output port (commands 0xd0 read, 0xd1 write) */
#define I8042_OUT_RESET		0x01	/* 0 holds the CPU in reset */
#define I8042_OUT_A20		0x02
#define I8042_OUT_OBF		0x10
#define I8042_OUT_AUX_OBF	0x20

extern const struct device_class i8042_class;

/* Create the controller with its keyboard and mouse; NULL with *err on failure. */
struct i8042 *i8042_create(struct machine *m, GError **err);

struct ps2_kbd *i8042_kbd(struct i8042 *s);
struct ps2_mouse *i8042_mouse(struct i8042 *s);

/* Output port bit 1 as the guest last set it (KVM cannot mask A20). */
bool i8042_a20(struct i8042 *s);

#endif
