// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8042 (8042-compatible) keyboard controller: status and command port
 * 0x64, data port 0x60, one output buffer fed from the controller, the
 * keyboard and the mouse in that order of priority, IRQ 1 / IRQ 12 levels
 * while a byte waits and its interrupt is enabled.  Follows the IBM PS/2
 * technical reference, Linux's i8042.h names and the values QEMU's pc
 * shows (docs/machine-contract.md 6.3: status 0x18 at reset, 0x1c after the
 * self test, command byte 0x03 at reset).
 *
 * While the command byte's XLATE bit is set, keyboard bytes pass through
 * the set 2 -> set 1 translation table, and an F0 prefix becomes bit 7 of
 * the byte after it; this applies to replies too (F0 00 answers 0x41 and
 * the ID is AB 41), as on real controllers.
 *
 * Left out: the password and keylock features, the input/test ports beyond
 * fixed values (C0 -> 0x80, E0 -> 0x00), line timing and timeouts (every
 * reply is ready at once, IBF is never set), and SYS following command
 * byte bit 2 (as in QEMU, only the self test sets it).
 */
#include <errno.h>
#include <string.h>
#include "core/log.h"
#include "core/machine.h"
#include "hw/input/i8042.h"

#define I8042_DATA_PORT		0x60
#define I8042_CMD_PORT		0x64
#define I8042_KBD_IRQ		1
#define I8042_AUX_IRQ		12
#define I8042_OUT_DEFAULT	0xcf	/* not in reset, A20 on, unused bits high */

enum { CTRL_NONE, CTRL_KBD, CTRL_AUX };

struct i8042 {
	struct device dev;
	struct mem_region data_io, cmd_io;
	struct irq_line *irq_kbd, *irq_aux;
	struct ps2_kbd *kbd;
	struct ps2_mouse *mouse;

	uint8_t status;
	uint8_t ram[32];	/* ram[0] is the command byte */
	uint8_t outport;
	uint8_t write_cmd;	/* command waiting for a byte on port 0x60, or 0 */
	uint8_t obuf;		/* output buffer (kept after it is read) */
	uint8_t ctrl_byte;	/* the controller's own reply, waiting */
	uint8_t ctrl_pending;	/* CTRL_NONE / CTRL_KBD / CTRL_AUX */
	uint8_t xlate_f0;	/* translating: an F0 prefix was swallowed */
	uint8_t kbd_level, aux_level;
};

#define MODE(s) ((s)->ram[0])

static void i8042_update_irq(struct i8042 *s)
{
	int kbd = 0, aux = 0;

	if (s->status & I8042_STAT_OBF) {
		if (s->status & I8042_STAT_AUX_OBF)
			aux = (MODE(s) & I8042_MODE_AUX_INT) != 0;
		else
			kbd = (MODE(s) & I8042_MODE_KBD_INT) &&
			      !(MODE(s) & I8042_MODE_KBD_DISABLE);
	}
	if (kbd != s->kbd_level) {
		s->kbd_level = kbd;
		irq_set(s->irq_kbd, kbd);
	}
	if (aux != s->aux_level) {
		s->aux_level = aux;
		irq_set(s->irq_aux, aux);
	}
}

static void i8042_load(struct i8042 *s, uint8_t b, bool aux)
{
	s->obuf = b;
	s->status |= I8042_STAT_OBF;
	if (aux)
		s->status |= I8042_STAT_AUX_OBF;
	else
		s->status &= ~I8042_STAT_AUX_OBF;
}

/* Move the next keyboard byte (translated if asked) into the buffer. */
static bool i8042_pull_kbd(struct i8042 *s)
{
	while (ps2_kbd_pending(s->kbd)) {
		uint8_t b = ps2_kbd_read(s->kbd);

		if (!(MODE(s) & I8042_MODE_XLATE)) {
			i8042_load(s, b, false);
			return true;
		}
		if (b == 0xf0) {
			s->xlate_f0 = 1;
			continue;
		}
		b = ps2_translate_set2(b) | (s->xlate_f0 ? 0x80 : 0);
		s->xlate_f0 = 0;
		i8042_load(s, b, false);
		return true;
	}
	return false;
}

/* If the output buffer is empty, fill it from the next source with data. */
static void i8042_fill(struct i8042 *s)
{
	if (!(s->status & I8042_STAT_OBF)) {
		if (s->ctrl_pending != CTRL_NONE) {
			i8042_load(s, s->ctrl_byte, s->ctrl_pending == CTRL_AUX);
			s->ctrl_pending = CTRL_NONE;
		} else if (!(MODE(s) & I8042_MODE_KBD_DISABLE) && i8042_pull_kbd(s)) {
			/* loaded */
		} else if (!(MODE(s) & I8042_MODE_AUX_DISABLE) &&
			   ps2_mouse_pending(s->mouse)) {
			i8042_load(s, ps2_mouse_read(s->mouse), true);
		}
	}
	i8042_update_irq(s);
}

static void i8042_notify(void *opaque)
{
	i8042_fill(opaque);
}

/* The controller's own reply; one byte waits, a newer one replaces it. */
static void i8042_reply(struct i8042 *s, uint8_t b, bool aux)
{
	s->ctrl_byte = b;
	s->ctrl_pending = aux ? CTRL_AUX : CTRL_KBD;
	i8042_fill(s);
}

static void i8042_write_outport(struct i8042 *s, uint8_t val)
{
	s->outport = val;
	if (!(val & I8042_OUT_RESET))
		machine_request_reset(s->dev.m);
}

static uint8_t i8042_read_outport(struct i8042 *s)
{
	uint8_t v = s->outport & ~(I8042_OUT_OBF | I8042_OUT_AUX_OBF);

	if (s->status & I8042_STAT_OBF)
		v |= (s->status & I8042_STAT_AUX_OBF) ? I8042_OUT_AUX_OBF : I8042_OUT_OBF;
	return v;
}

static void i8042_set_mode(struct i8042 *s, uint8_t val)
{
	MODE(s) = val;
	if (!(val & I8042_MODE_XLATE))
		s->xlate_f0 = 0;
	i8042_fill(s);
}

static void i8042_write_cmd(struct i8042 *s, uint8_t cmd)
{
	s->status |= I8042_STAT_CMD;
	s->write_cmd = 0;
	if (cmd >= 0xf0) {
		/* pulse output port bits 3:0 where cmd has 0; bit 0 is reset */
		if (!(cmd & 1))
			machine_request_reset(s->dev.m);
		return;
	}
	if (cmd >= 0x20 && cmd <= 0x3f) {
		i8042_reply(s, s->ram[cmd & 0x1f], false);
		return;
	}
	if (cmd >= 0x60 && cmd <= 0x7f) {
		s->write_cmd = cmd;
		return;
	}
	switch (cmd) {
	case 0xa7:
		MODE(s) |= I8042_MODE_AUX_DISABLE;
		i8042_update_irq(s);
		break;
	case 0xa8:
		MODE(s) &= ~I8042_MODE_AUX_DISABLE;
		i8042_fill(s);
		break;
	case 0xa9: /* aux interface test: no error */
	case 0xab: /* keyboard interface test: no error */
		i8042_reply(s, 0x00, false);
		break;
	case 0xaa:
		s->status |= I8042_STAT_SYS;
		i8042_reply(s, 0x55, false);
		break;
	case 0xad:
		MODE(s) |= I8042_MODE_KBD_DISABLE;
		i8042_update_irq(s);
		break;
	case 0xae:
		MODE(s) &= ~I8042_MODE_KBD_DISABLE;
		i8042_fill(s);
		break;
	case 0xc0: /* input port: keyboard not inhibited */
		i8042_reply(s, 0x80, false);
		break;
	case 0xd0:
		i8042_reply(s, i8042_read_outport(s), false);
		break;
	case 0xd1: case 0xd2: case 0xd3: case 0xd4:
		s->write_cmd = cmd;
		break;
	case 0xdd:
		s->outport &= ~I8042_OUT_A20;
		break;
	case 0xdf:
		s->outport |= I8042_OUT_A20;
		break;
	case 0xe0: /* test inputs */
		i8042_reply(s, 0x00, false);
		break;
	default:
		guest_unimp("i8042: unsupported command 0x%02x", cmd);
		break;
	}
}

static void i8042_write_data(struct i8042 *s, uint8_t val)
{
	uint8_t cmd = s->write_cmd;

	s->status &= ~I8042_STAT_CMD;
	s->write_cmd = 0;
	switch (cmd) {
	case 0:
		/* talking to the keyboard enables its interface again */
		MODE(s) &= ~I8042_MODE_KBD_DISABLE;
		ps2_kbd_write(s->kbd, val);
		i8042_fill(s);
		break;
	case 0x60:
		i8042_set_mode(s, val);
		break;
	case 0xd1:
		i8042_write_outport(s, val);
		break;
	case 0xd2:
		i8042_reply(s, val, false);
		break;
	case 0xd3:
		i8042_reply(s, val, true);
		break;
	case 0xd4:
		MODE(s) &= ~I8042_MODE_AUX_DISABLE;
		ps2_mouse_write(s->mouse, val);
		i8042_fill(s);
		break;
	default: /* 0x61-0x7f: controller RAM */
		s->ram[cmd & 0x1f] = val;
		break;
	}
}

static uint8_t i8042_read_data(struct i8042 *s)
{
	uint8_t val = s->obuf;

	if (s->status & I8042_STAT_OBF) {
		s->status &= ~(I8042_STAT_OBF | I8042_STAT_AUX_OBF);
		/* lower first so the next byte makes a fresh edge */
		i8042_update_irq(s);
		i8042_fill(s);
	}
	return val;
}

static uint64_t i8042_data_read(void *opaque, uint64_t addr, unsigned size)
{
	return i8042_read_data(opaque);
}

static void i8042_data_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	i8042_write_data(opaque, val);
}

static uint64_t i8042_cmd_read(void *opaque, uint64_t addr, unsigned size)
{
	struct i8042 *s = opaque;

	return s->status;
}

static void i8042_cmd_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	i8042_write_cmd(opaque, val);
}

static const struct mem_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = i8042_data_write,
	.min_access = 1,
	.max_access = 1,
};

static const struct mem_ops i8042_cmd_ops = {
	.read = i8042_cmd_read,
	.write = i8042_cmd_write,
	.min_access = 1,
	.max_access = 1,
};

static void i8042_reset(struct device *dev)
{
	struct i8042 *s = container_of(dev, struct i8042, dev);

	memset(s->ram, 0, sizeof(s->ram));
	MODE(s) = I8042_MODE_KBD_INT | I8042_MODE_AUX_INT;
	s->status = I8042_STAT_CMD | I8042_STAT_UNLOCKED;
	s->outport = I8042_OUT_DEFAULT;
	s->write_cmd = 0;
	s->obuf = 0;
	s->ctrl_pending = CTRL_NONE;
	s->xlate_f0 = 0;
	i8042_update_irq(s);
}

static int i8042_claim(struct i8042 *s, struct mem_region *r, const char *name,
		       const struct mem_ops *ops, uint16_t port, GError **err)
{
	int ret;

	mr_init_io(r, name, 1, ops, s);
	ret = as_add(&s->dev.m->io, r, port);
	if (ret < 0)
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "i8042: cannot claim I/O port 0x%x: %s", port,
			    g_strerror(-ret));
	return ret;
}

static int i8042_realize(struct device *dev, GError **err)
{
	struct i8042 *s = container_of(dev, struct i8042, dev);
	struct machine *m = dev->m;
	int ret;

	s->irq_kbd = machine_gsi(m, I8042_KBD_IRQ);
	s->irq_aux = machine_gsi(m, I8042_AUX_IRQ);
	s->kbd = ps2_kbd_create(m, i8042_notify, s, err);
	if (!s->kbd)
		return -EINVAL;
	s->mouse = ps2_mouse_create(m, i8042_notify, s, err);
	if (!s->mouse)
		return -EINVAL;
	ret = i8042_claim(s, &s->data_io, "i8042-data", &i8042_data_ops,
			  I8042_DATA_PORT, err);
	if (ret < 0)
		return ret;
	ret = i8042_claim(s, &s->cmd_io, "i8042-cmd", &i8042_cmd_ops,
			  I8042_CMD_PORT, err);
	if (ret < 0) {
		as_del(&s->data_io);
		return ret;
	}
	i8042_reset(dev);
	return 0;
}

static int i8042_post_load(void *opaque)
{
	struct i8042 *s = opaque;

	if (s->ctrl_pending > CTRL_AUX)
		s->ctrl_pending = CTRL_NONE;
	/* force both lines to the restored levels */
	s->kbd_level = s->aux_level = 0xff;
	i8042_update_irq(s);
	return 0;
}

static const struct vmstate_field i8042_fields[] = {
	VMSTATE_U8(struct i8042, status),
	VMSTATE_U8_ARRAY(struct i8042, ram),
	VMSTATE_U8(struct i8042, outport),
	VMSTATE_U8(struct i8042, write_cmd),
	VMSTATE_U8(struct i8042, obuf),
	VMSTATE_U8(struct i8042, ctrl_byte),
	VMSTATE_U8(struct i8042, ctrl_pending),
	VMSTATE_U8(struct i8042, xlate_f0),
	VMSTATE_END,
};

static const struct vmstate_desc i8042_vmstate = {
	.name = "i8042",
	.version = 1,
	.fields = i8042_fields,
	.post_load = i8042_post_load,
};

const struct device_class i8042_class = {
	.name = "i8042",
	.bus = "ISA",
	.desc = "i8042 PS/2 keyboard and mouse controller",
	.instance_size = sizeof(struct i8042),
	.user_creatable = false,
	.realize = i8042_realize,
	.reset = i8042_reset,
	.vmsd = &i8042_vmstate,
};

struct i8042 *i8042_create(struct machine *m, GError **err)
{
	struct device *d = device_create(m, &i8042_class, "i8042", NULL, NULL, err);

	return d ? container_of(d, struct i8042, dev) : NULL;
}

struct ps2_kbd *i8042_kbd(struct i8042 *s)
{
	return s->kbd;
}

struct ps2_mouse *i8042_mouse(struct i8042 *s)
{
	return s->mouse;
}

bool i8042_a20(struct i8042 *s)
{
	return s->outport & I8042_OUT_A20;
}
