// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PS/2 keyboard (an MF2 keyboard: ID AB 83, scan code sets 1, 2 and 3) and
 * PS/2 mouse (standard, IntelliMouse with a wheel after the 200/100/80 sample
 * rate knock, IntelliMouse Explorer after 200/200/80), after IBM's PS/2
 * Hardware Interface Technical Reference, Microsoft's Keyboard Scan Code
 * Specification and the replies QEMU's PC gives (docs/references.md, PS/2).
 * Replies are queued at once; there is no line timing.
 *
 * Left out: typematic repeat (the UI repeats keys if it wants), per-key
 * make/break modes in set 3 (commands F7-FD are acknowledged), and the
 * mouse's resolution and 2:1 scaling (stored and reported, not applied).
 */
#include <string.h>
#include "core/log.h"
#include "core/machine.h"
#include "hw/input/ps2.h"

#define PS2_ACK			0xfa
#define PS2_RESEND		0xfe
#define KBD_BAT_OK		0xaa
#define KBD_ECHO		0xee
#define KBD_TYPEMATIC_DEFAULT	0x2b

#define MOUSE_REMOTE		0x40
#define MOUSE_ENABLED		0x20
#define MOUSE_SCALE21		0x10
#define MOUSE_ACC_MAX		4096	/* motion kept before overflow */

struct ps2_queue {
	uint8_t data[PS2_QUEUE_SIZE];
	uint8_t rptr;
	uint8_t count;
};

/*
 * The wire side shared by keyboard and mouse.  Replies to commands wait in
 * their own queue and go out before pending input, as QEMU does, so that a
 * driver waiting for an ACK does not have to skip (and lose) keystrokes.
 */
struct ps2_port {
	void (*notify)(void *opaque);
	void *opaque;
	struct ps2_queue q;	/* input: scan codes or movement packets */
	struct ps2_queue rq;	/* replies */
	uint8_t last_sent;	/* for the resend command */
};

struct ps2_kbd {
	struct device dev;
	struct ps2_port port;
	uint8_t scan_enabled;
	uint8_t set;		/* 1, 2 or 3 */
	uint8_t leds;
	uint8_t typematic;
	uint8_t pending_cmd;	/* command waiting for its parameter, or 0 */
};

struct ps2_mouse {
	struct device dev;
	struct ps2_port port;
	uint8_t status;		/* MOUSE_REMOTE | MOUSE_ENABLED | MOUSE_SCALE21 */
	uint8_t resolution;
	uint8_t rate;
	uint8_t wrap;
	uint8_t type;		/* 0 PS/2, 3 IntelliMouse, 4 IntelliMouse Explorer */
	uint8_t knock;		/* progress through the sample-rate knock */
	uint8_t pending_cmd;
	uint8_t buttons;
	uint8_t overflow;	/* packet byte 0 bits 6/7 for the next packet */
	uint8_t dirty;		/* buttons changed since the last packet */
	int32_t dx, dy, dz;	/* accumulated motion, PS/2 sense (y up) */
};

/* Set 1 make code -> set 2 code (the keyboard's native set). */
static const uint8_t ps2_set2_of_set1[128] = {
	0x00, 0x76, 0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36, /* 00 */
	0x3d, 0x3e, 0x46, 0x45, 0x4e, 0x55, 0x66, 0x0d,
	0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43, /* 10 */
	0x44, 0x4d, 0x54, 0x5b, 0x5a, 0x14, 0x1c, 0x1b,
	0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b, 0x4c, /* 20 */
	0x52, 0x0e, 0x12, 0x5d, 0x1a, 0x22, 0x21, 0x2a,
	0x32, 0x31, 0x3a, 0x41, 0x49, 0x4a, 0x59, 0x7c, /* 30 */
	0x11, 0x29, 0x58, 0x05, 0x06, 0x04, 0x0c, 0x03,
	0x0b, 0x83, 0x0a, 0x01, 0x09, 0x77, 0x7e, 0x6c, /* 40 */
	0x75, 0x7d, 0x7b, 0x6b, 0x73, 0x74, 0x79, 0x69,
	0x72, 0x7a, 0x70, 0x71, 0x84, 0x60, 0x61, 0x78, /* 50 */
	0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f,
	0x47, 0x4f, 0x56, 0x5e, 0x08, 0x10, 0x18, 0x20, /* 60 */
	0x28, 0x30, 0x38, 0x40, 0x48, 0x50, 0x57, 0x6f,
	0x13, 0x19, 0x39, 0x51, 0x53, 0x5c, 0x5f, 0x62, /* 70 */
	0x63, 0x64, 0x65, 0x67, 0x68, 0x6a, 0x6d, 0x6e,
};

static uint8_t ps2_xlate[256];

static void ps2_build_xlate(void)
{
	for (int i = 0; i < 256; i++)
		ps2_xlate[i] = i;
	for (int i = 1; i < 128; i++)
		ps2_xlate[ps2_set2_of_set1[i]] = i;
	/* codes no key sends that the 8042 still maps */
	ps2_xlate[0x00] = 0xff;
	ps2_xlate[0x02] = 0x41;
	ps2_xlate[0x7f] = 0x54;
}

uint8_t ps2_translate_set2(uint8_t b)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		ps2_build_xlate();
		g_once_init_leave(&done, 1);
	}
	return ps2_xlate[b];
}

/*
 * Set 3 codes that differ from set 2 (set 3 has no E0 prefixes): Esc,
 * Ctrl, backslash, keypad, Alt, Caps/Num/Scroll Lock, SysRq, 102nd key,
 * F11/F12, Japanese keys, then the E0 keys (Print Screen, Pause, the
 * editing and arrow block, Windows keys).  Pairs of key, code.
 */
static const uint16_t ps2_set3_diff[][2] = {
	{ 0x01, 0x08 }, { 0x1d, 0x11 }, { 0x2b, 0x5c }, { 0x37, 0x7e },
	{ 0x38, 0x19 }, { 0x3a, 0x14 }, { 0x45, 0x76 }, { 0x46, 0x5f },
	{ 0x4a, 0x84 }, { 0x4e, 0x7c }, { 0x54, 0x57 }, { 0x56, 0x13 },
	{ 0x57, 0x56 }, { 0x58, 0x5e }, { 0x70, 0x87 }, { 0x79, 0x86 },
	{ 0x7b, 0x85 }, { 0x7d, 0x5d }, { 0x11c, 0x79 }, { 0x11d, 0x58 },
	{ 0x135, 0x77 }, { PS2_KEY_PRINT, 0x57 }, { 0x138, 0x39 },
	{ PS2_KEY_PAUSE, 0x62 }, { 0x147, 0x6e }, { 0x148, 0x63 },
	{ 0x149, 0x6f }, { 0x14b, 0x61 }, { 0x14d, 0x6a }, { 0x14f, 0x65 },
	{ 0x150, 0x60 }, { 0x151, 0x6d }, { 0x152, 0x67 }, { 0x153, 0x64 },
	{ 0x15b, 0x8b }, { 0x15c, 0x8c }, { 0x15d, 0x8d },
};

/* Set 3 code of a key, 0 if it has none. */
static uint8_t ps2_set3_code(unsigned key)
{
	/* F1-F10 */
	if (key >= 0x3b && key <= 0x44)
		return 0x07 + 8 * (key - 0x3b);
	for (unsigned i = 0; i < G_N_ELEMENTS(ps2_set3_diff); i++)
		if (ps2_set3_diff[i][0] == key)
			return ps2_set3_diff[i][1];
	if (key & PS2_KEY_E0)
		return 0;
	return ps2_set2_of_set1[key & 0x7f];
}

static int ps2_encode_set1(unsigned key, bool down, uint8_t *out)
{
	static const uint8_t pause[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	static const uint8_t prt_make[] = { 0xe0, 0x2a, 0xe0, 0x37 };
	static const uint8_t prt_break[] = { 0xe0, 0xb7, 0xe0, 0xaa };
	int n = 0;

	if (key == PS2_KEY_PAUSE) {
		if (!down)
			return 0;
		memcpy(out, pause, sizeof(pause));
		return sizeof(pause);
	}
	if (key == PS2_KEY_PRINT) {
		memcpy(out, down ? prt_make : prt_break, 4);
		return 4;
	}
	if (key & PS2_KEY_E0)
		out[n++] = 0xe0;
	out[n++] = (key & 0x7f) | (down ? 0 : 0x80);
	return n;
}

static int ps2_encode_set2(unsigned key, bool down, uint8_t *out)
{
	static const uint8_t pause[] = {
		0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77,
	};
	static const uint8_t prt_make[] = { 0xe0, 0x12, 0xe0, 0x7c };
	static const uint8_t prt_break[] = { 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12 };
	int n = 0;

	if (key == PS2_KEY_PAUSE) {
		if (!down)
			return 0;
		memcpy(out, pause, sizeof(pause));
		return sizeof(pause);
	}
	if (key == PS2_KEY_PRINT) {
		if (down) {
			memcpy(out, prt_make, sizeof(prt_make));
			return sizeof(prt_make);
		}
		memcpy(out, prt_break, sizeof(prt_break));
		return sizeof(prt_break);
	}
	if (key & PS2_KEY_E0)
		out[n++] = 0xe0;
	if (!down)
		out[n++] = 0xf0;
	out[n++] = ps2_set2_of_set1[key & 0x7f];
	return n;
}

/* Scan code bytes for a key in a set; 0 bytes if the key has none. */
static int ps2_encode(int set, unsigned key, bool down, uint8_t *out)
{
	uint8_t code;

	if (key > 0x1ff || !(key & 0x7f))
		return 0;
	if (set == 1)
		return ps2_encode_set1(key, down, out);
	if (set == 2)
		return ps2_set2_of_set1[key & 0x7f] ? ps2_encode_set2(key, down, out) : 0;
	code = ps2_set3_code(key);
	if (!code)
		return 0;
	if (down) {
		out[0] = code;
		return 1;
	}
	out[0] = 0xf0;
	out[1] = code;
	return 2;
}

static void ps2_queue_reset(struct ps2_queue *q)
{
	q->rptr = 0;
	q->count = 0;
}

static void ps2_queue_push(struct ps2_queue *q, uint8_t b)
{
	if (q->count >= PS2_QUEUE_SIZE)
		return;
	q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
	q->count++;
}

static uint8_t ps2_queue_pop(struct ps2_queue *q)
{
	uint8_t b;

	if (q->count == 0)
		return 0;
	b = q->data[q->rptr];
	q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
	q->count--;
	return b;
}

static void ps2_queue_sanitize(struct ps2_queue *q)
{
	q->rptr %= PS2_QUEUE_SIZE;
	if (q->count > PS2_QUEUE_SIZE)
		q->count = PS2_QUEUE_SIZE;
}

static void ps2_port_notify(struct ps2_port *p)
{
	if (p->notify)
		p->notify(p->opaque);
}

static void ps2_port_reply(struct ps2_port *p, const uint8_t *b, int n)
{
	for (int i = 0; i < n; i++)
		ps2_queue_push(&p->rq, b[i]);
	ps2_port_notify(p);
}

static void ps2_port_reply1(struct ps2_port *p, uint8_t b)
{
	ps2_port_reply(p, &b, 1);
}

static void ps2_port_reset(struct ps2_port *p)
{
	ps2_queue_reset(&p->q);
	ps2_queue_reset(&p->rq);
}

static int ps2_port_pending(struct ps2_port *p)
{
	return p->q.count + p->rq.count;
}

/* Next byte on the wire: replies first; the last one again when empty. */
static uint8_t ps2_port_read(struct ps2_port *p)
{
	if (p->rq.count)
		p->last_sent = ps2_queue_pop(&p->rq);
	else if (p->q.count)
		p->last_sent = ps2_queue_pop(&p->q);
	return p->last_sent;
}

static void ps2_port_sanitize(struct ps2_port *p)
{
	ps2_queue_sanitize(&p->q);
	ps2_queue_sanitize(&p->rq);
}

/* ---- keyboard ---- */


/* Power-on defaults; the queue is emptied as the keyboard's buffer is. */
static void ps2_kbd_defaults(struct ps2_kbd *k)
{
	k->set = 2;
	k->leds = 0;
	k->typematic = KBD_TYPEMATIC_DEFAULT;
	k->pending_cmd = 0;
	k->scan_enabled = 1;
	ps2_port_reset(&k->port);
}

/* The byte after ED, F0, F3 or FB-FD. */
static void ps2_kbd_param(struct ps2_kbd *k, uint8_t val)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	switch (cmd) {
	case 0xed:
		k->leds = val & 7;
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0xf3:
		k->typematic = val;
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0xf0:
		if (val == 0) {
			uint8_t r[2] = { PS2_ACK, k->set };

			ps2_port_reply(&k->port, r, 2);
		} else if (val <= 3) {
			k->set = val;
			ps2_port_reply1(&k->port, PS2_ACK);
		} else {
			ps2_port_reply1(&k->port, PS2_RESEND);
		}
		break;
	default: /* FB-FD take key codes until the next command */
		k->pending_cmd = cmd;
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	}
}

void ps2_kbd_write(struct ps2_kbd *k, uint8_t val)
{
	static const uint8_t id[] = { PS2_ACK, 0xab, 0x83 };
	static const uint8_t bat[] = { PS2_ACK, KBD_BAT_OK };

	/* a command byte in place of a parameter starts that command */
	if (k->pending_cmd && val < 0xed) {
		ps2_kbd_param(k, val);
		return;
	}
	k->pending_cmd = 0;
	switch (val) {
	case 0xed: case 0xf0: case 0xf3: case 0xfb: case 0xfc: case 0xfd:
		k->pending_cmd = val;
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0xee:
		ps2_port_reply1(&k->port, KBD_ECHO);
		break;
	case 0xf2:
		ps2_port_reply(&k->port, id, sizeof(id));
		break;
	case 0xf4:
		k->scan_enabled = 1;
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0xf5:
		ps2_kbd_defaults(k);
		k->scan_enabled = 0;
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0xf6:
		ps2_kbd_defaults(k);
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0x00: /* QEMU acknowledges it; so do we */
	case 0xf7: case 0xf8: case 0xf9: case 0xfa:
		ps2_port_reply1(&k->port, PS2_ACK);
		break;
	case 0xfe:
		ps2_port_reply1(&k->port, k->port.last_sent);
		break;
	case 0xff:
		ps2_kbd_defaults(k);
		ps2_port_reply(&k->port, bat, sizeof(bat));
		break;
	default:
		guest_error("ps2-kbd: unknown command 0x%02x", val);
		ps2_port_reply1(&k->port, PS2_RESEND);
		break;
	}
}

int ps2_kbd_pending(struct ps2_kbd *k)
{
	return ps2_port_pending(&k->port);
}

uint8_t ps2_kbd_read(struct ps2_kbd *k)
{
	return ps2_port_read(&k->port);
}

void ps2_kbd_key_event(struct ps2_kbd *k, unsigned key, bool down)
{
	uint8_t seq[8];
	int n;

	if (k->dev.m && k->dev.m->suspended) /* a key wakes a guest in S3, as in QEMU */
		machine_request_wakeup(k->dev.m, MACHINE_WAKE_OTHER);
	if (!k->scan_enabled)
		return;
	n = ps2_encode(k->set, key, down, seq);
	if (n == 0) {
		log_cat(LOG_UNIMP, "ps2-kbd: no set %d code for key 0x%x", k->set, key);
		return;
	}
	if (k->port.q.count + n > PS2_EVENT_LIMIT)
		return; /* overrun: the key is lost, as on a real keyboard */
	for (int i = 0; i < n; i++)
		ps2_queue_push(&k->port.q, seq[i]);
	ps2_port_notify(&k->port);
}

uint8_t ps2_kbd_leds(struct ps2_kbd *k)
{
	return k->leds;
}

int ps2_kbd_scancode_set(struct ps2_kbd *k)
{
	return k->set;
}

static void ps2_kbd_reset(struct device *dev)
{
	struct ps2_kbd *k = container_of(dev, struct ps2_kbd, dev);

	ps2_kbd_defaults(k);
	k->port.last_sent = 0;
}

static int ps2_kbd_post_load(void *opaque)
{
	struct ps2_kbd *k = opaque;

	ps2_port_sanitize(&k->port);
	if (k->set < 1 || k->set > 3)
		k->set = 2;
	return 0;
}

static const struct vmstate_field ps2_kbd_fields[] = {
	VMSTATE_U8_ARRAY(struct ps2_kbd, port.q.data),
	VMSTATE_U8(struct ps2_kbd, port.q.rptr),
	VMSTATE_U8(struct ps2_kbd, port.q.count),
	VMSTATE_U8_ARRAY(struct ps2_kbd, port.rq.data),
	VMSTATE_U8(struct ps2_kbd, port.rq.rptr),
	VMSTATE_U8(struct ps2_kbd, port.rq.count),
	VMSTATE_U8(struct ps2_kbd, port.last_sent),
	VMSTATE_U8(struct ps2_kbd, scan_enabled),
	VMSTATE_U8(struct ps2_kbd, set),
	VMSTATE_U8(struct ps2_kbd, leds),
	VMSTATE_U8(struct ps2_kbd, typematic),
	VMSTATE_U8(struct ps2_kbd, pending_cmd),
	VMSTATE_END,
};

static const struct vmstate_desc ps2_kbd_vmstate = {
	.name = "ps2-kbd",
	.version = 1,
	.fields = ps2_kbd_fields,
	.post_load = ps2_kbd_post_load,
};

const struct device_class ps2_kbd_class = {
	.name = "ps2-kbd",
	.desc = "PS/2 keyboard",
	.instance_size = sizeof(struct ps2_kbd),
	.reset = ps2_kbd_reset,
	.vmsd = &ps2_kbd_vmstate,
};

static void ps2_kbd_setup(struct device *d, const void *port)
{
	struct ps2_kbd *k = container_of(d, struct ps2_kbd, dev);

	k->port = *(const struct ps2_port *)port;
	ps2_kbd_defaults(k);
}

struct ps2_kbd *ps2_kbd_create(struct machine *m, void (*notify)(void *),
			       void *opaque, GError **err)
{
	struct ps2_port port = { .notify = notify, .opaque = opaque };
	struct device *d = device_create(m, &ps2_kbd_class, "ps2-kbd", ps2_kbd_setup, &port, err);

	return d ? container_of(d, struct ps2_kbd, dev) : NULL;
}

/* ---- mouse ---- */


static void ps2_mouse_clear_motion(struct ps2_mouse *m)
{
	m->dx = m->dy = m->dz = 0;
	m->overflow = 0;
	m->dirty = 0;
}

static void ps2_mouse_defaults(struct ps2_mouse *m)
{
	m->status = 0;
	m->rate = 100;
	m->resolution = 2;
	m->pending_cmd = 0;
	ps2_mouse_clear_motion(m);
}

/* Queue one movement packet on q and take what it carried off the counters. */
static void ps2_mouse_packet(struct ps2_mouse *m, struct ps2_queue *q)
{
	int dx = CLAMP(m->dx, -256, 255);
	int dy = CLAMP(m->dy, -256, 255);
	int dz;

	ps2_queue_push(q, 0x08 | (m->buttons & 7) | (dx < 0 ? 0x10 : 0) |
		       (dy < 0 ? 0x20 : 0) | m->overflow);
	ps2_queue_push(q, dx & 0xff);
	ps2_queue_push(q, dy & 0xff);
	if (m->type == 3) {
		dz = CLAMP(m->dz, -127, 127);
		ps2_queue_push(q, dz & 0xff);
	} else if (m->type == 4) {
		dz = CLAMP(m->dz, -8, 7);
		ps2_queue_push(q, (dz & 0x0f) | ((m->buttons & 0x18) << 1));
	} else {
		dz = m->dz; /* no wheel: dropped */
	}
	m->dx -= dx;
	m->dy -= dy;
	m->dz -= dz;
	m->overflow = 0;
	m->dirty = 0;
}

/* Stream mode: send what has accumulated while the queue has room. */
static bool ps2_mouse_flush(struct ps2_mouse *m)
{
	int size = m->type ? 4 : 3;
	bool sent = false;

	if (!(m->status & MOUSE_ENABLED) || (m->status & MOUSE_REMOTE))
		return false;
	while ((m->dirty || m->dx || m->dy || m->dz) &&
	       m->port.q.count + size <= PS2_EVENT_LIMIT) {
		ps2_mouse_packet(m, &m->port.q);
		sent = true;
	}
	return sent;
}

static int32_t ps2_mouse_acc(struct ps2_mouse *m, int32_t acc, int64_t d, uint8_t ovf)
{
	int64_t v = acc + d;

	if (v > MOUSE_ACC_MAX || v < -MOUSE_ACC_MAX) {
		m->overflow |= ovf;
		v = CLAMP(v, -MOUSE_ACC_MAX, MOUSE_ACC_MAX);
	}
	return v;
}

void ps2_mouse_event(struct ps2_mouse *m, int dx, int dy, int dz, unsigned buttons)
{
	buttons &= 0x1f;
	if (buttons != m->buttons)
		m->dirty = 1;
	m->buttons = buttons;
	if (!(m->status & MOUSE_ENABLED)) {
		m->dirty = 0;
		return;
	}
	m->dx = ps2_mouse_acc(m, m->dx, dx, 0x40);
	m->dy = ps2_mouse_acc(m, m->dy, -(int64_t)dy, 0x80);
	m->dz = CLAMP((int64_t)m->dz + dz, -127, 127);
	if (ps2_mouse_flush(m))
		ps2_port_notify(&m->port);
}

/* IntelliMouse detection: 200,100,80 -> wheel; 200,200,80 -> 5 buttons. */
static void ps2_mouse_knock(struct ps2_mouse *m, uint8_t rate)
{
	switch (m->knock) {
	case 1:
		m->knock = rate == 100 ? 2 : rate == 200 ? 3 : 0;
		break;
	case 2:
	case 3:
		if (rate == 80)
			m->type = m->knock == 2 ? 3 : 4;
		m->knock = 0;
		break;
	default:
		m->knock = rate == 200 ? 1 : 0;
		break;
	}
}

static void ps2_mouse_status(struct ps2_mouse *m)
{
	uint8_t b = m->buttons;
	uint8_t r[4] = {
		PS2_ACK,
		m->status | (b & PS2_BUTTON_LEFT ? 4 : 0) |
			(b & PS2_BUTTON_MIDDLE ? 2 : 0) | (b & PS2_BUTTON_RIGHT ? 1 : 0),
		m->resolution,
		m->rate,
	};

	ps2_port_reply(&m->port, r, 4);
}

static void ps2_mouse_param(struct ps2_mouse *m, uint8_t val)
{
	if (m->pending_cmd == 0xf3) {
		m->rate = val;
		ps2_mouse_knock(m, val);
	} else {
		m->resolution = val;
	}
	m->pending_cmd = 0;
	ps2_port_reply1(&m->port, PS2_ACK);
}

static void ps2_mouse_command(struct ps2_mouse *m, uint8_t val)
{
	static const uint8_t bat[] = { PS2_ACK, 0xaa, 0x00 };

	switch (val) {
	case 0xe6: m->status &= ~MOUSE_SCALE21; break;
	case 0xe7: m->status |= MOUSE_SCALE21; break;
	case 0xe8: case 0xf3: m->pending_cmd = val; break;
	case 0xea: m->status &= ~MOUSE_REMOTE; ps2_mouse_clear_motion(m); break;
	case 0xec: m->wrap = 0; break;
	case 0xee: m->wrap = 1; break;
	case 0xf0: m->status |= MOUSE_REMOTE; ps2_mouse_clear_motion(m); break;
	case 0xf4: m->status |= MOUSE_ENABLED; ps2_mouse_clear_motion(m); break;
	case 0xf5: m->status &= ~MOUSE_ENABLED; ps2_mouse_clear_motion(m); break;
	case 0xf6: ps2_mouse_defaults(m); break;
	case 0xe9:
		ps2_mouse_status(m);
		return;
	case 0xeb:
		ps2_queue_push(&m->port.rq, PS2_ACK);
		ps2_mouse_packet(m, &m->port.rq);
		ps2_port_notify(&m->port);
		return;
	case 0xf2: {
		uint8_t r[2] = { PS2_ACK, m->type };

		ps2_port_reply(&m->port, r, 2);
		return;
	}
	case 0xfe:
		ps2_port_reply1(&m->port, m->port.last_sent);
		return;
	case 0xff:
		ps2_mouse_defaults(m);
		m->type = 0;
		m->wrap = 0;
		m->knock = 0;
		ps2_port_reset(&m->port);
		ps2_port_reply(&m->port, bat, sizeof(bat));
		return;
	default:
		guest_error("ps2-mouse: unknown command 0x%02x", val);
		ps2_port_reply1(&m->port, PS2_RESEND);
		return;
	}
	ps2_port_reply1(&m->port, PS2_ACK);
}

void ps2_mouse_write(struct ps2_mouse *m, uint8_t val)
{
	if (m->wrap && val != 0xec && val != 0xff) {
		ps2_port_reply1(&m->port, val);
		return;
	}
	/* rates and resolutions are below 0xe6; anything else is a command */
	if (m->pending_cmd && val < 0xe6) {
		ps2_mouse_param(m, val);
		return;
	}
	m->pending_cmd = 0;
	ps2_mouse_command(m, val);
}

int ps2_mouse_pending(struct ps2_mouse *m)
{
	return ps2_port_pending(&m->port);
}

uint8_t ps2_mouse_read(struct ps2_mouse *m)
{
	uint8_t b = ps2_port_read(&m->port);

	/* motion that did not fit goes out as room appears (no notify: the
	 * controller is reading and looks at the queue afterwards) */
	ps2_mouse_flush(m);
	return b;
}

static void ps2_mouse_reset(struct device *dev)
{
	struct ps2_mouse *m = container_of(dev, struct ps2_mouse, dev);

	ps2_mouse_defaults(m);
	m->type = 0;
	m->wrap = 0;
	m->knock = 0;
	m->buttons = 0;
	m->port.last_sent = 0;
	ps2_port_reset(&m->port);
}

static int ps2_mouse_post_load(void *opaque)
{
	struct ps2_mouse *m = opaque;

	ps2_port_sanitize(&m->port);
	m->dx = CLAMP(m->dx, -MOUSE_ACC_MAX, MOUSE_ACC_MAX);
	m->dy = CLAMP(m->dy, -MOUSE_ACC_MAX, MOUSE_ACC_MAX);
	m->dz = CLAMP(m->dz, -127, 127);
	return 0;
}

static const struct vmstate_field ps2_mouse_fields[] = {
	VMSTATE_U8_ARRAY(struct ps2_mouse, port.q.data),
	VMSTATE_U8(struct ps2_mouse, port.q.rptr),
	VMSTATE_U8(struct ps2_mouse, port.q.count),
	VMSTATE_U8_ARRAY(struct ps2_mouse, port.rq.data),
	VMSTATE_U8(struct ps2_mouse, port.rq.rptr),
	VMSTATE_U8(struct ps2_mouse, port.rq.count),
	VMSTATE_U8(struct ps2_mouse, port.last_sent),
	VMSTATE_U8(struct ps2_mouse, status),
	VMSTATE_U8(struct ps2_mouse, resolution),
	VMSTATE_U8(struct ps2_mouse, rate),
	VMSTATE_U8(struct ps2_mouse, wrap),
	VMSTATE_U8(struct ps2_mouse, type),
	VMSTATE_U8(struct ps2_mouse, knock),
	VMSTATE_U8(struct ps2_mouse, pending_cmd),
	VMSTATE_U8(struct ps2_mouse, buttons),
	VMSTATE_U8(struct ps2_mouse, overflow),
	VMSTATE_U8(struct ps2_mouse, dirty),
	VMSTATE_U32(struct ps2_mouse, dx),
	VMSTATE_U32(struct ps2_mouse, dy),
	VMSTATE_U32(struct ps2_mouse, dz),
	VMSTATE_END,
};

static const struct vmstate_desc ps2_mouse_vmstate = {
	.name = "ps2-mouse",
	.version = 1,
	.fields = ps2_mouse_fields,
	.post_load = ps2_mouse_post_load,
};

const struct device_class ps2_mouse_class = {
	.name = "ps2-mouse",
	.desc = "PS/2 mouse",
	.instance_size = sizeof(struct ps2_mouse),
	.reset = ps2_mouse_reset,
	.vmsd = &ps2_mouse_vmstate,
};

static void ps2_mouse_setup(struct device *d, const void *port)
{
	struct ps2_mouse *ms = container_of(d, struct ps2_mouse, dev);

	ms->port = *(const struct ps2_port *)port;
	ps2_mouse_defaults(ms);
}

struct ps2_mouse *ps2_mouse_create(struct machine *m, void (*notify)(void *),
				   void *opaque, GError **err)
{
	struct ps2_port port = { .notify = notify, .opaque = opaque };
	struct device *d = device_create(m, &ps2_mouse_class, "ps2-mouse", ps2_mouse_setup, &port, err);

	return d ? container_of(d, struct ps2_mouse, dev) : NULL;
}
