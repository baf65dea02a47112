// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * USB HID devices as QEMU's usb-tablet, usb-mouse and usb-kbd: the same
 * descriptors (so a guest driver sees the same device), the same report
 * formats (tablet: buttons, X and Y 0..0x7fff little endian, wheel; mouse:
 * buttons, dx, dy, wheel; keyboard: the 8-byte boot report), the class
 * requests GET/SET_REPORT, GET/SET_IDLE, GET/SET_PROTOCOL, and the
 * interrupt IN endpoint 1, which NAKs until an input event or the idle
 * period brings a report.  Input arrives through the console's input
 * handlers (ui/console.h); pointer events queue up to 16 deep and events
 * with unchanged buttons merge, as in QEMU.  Left out: the "display" and
 * "head" binding (accepted, not used), keyboard LEDs towards the host UI,
 * high-speed descriptors (kvmpc has no EHCI/xHCI yet).
 */
#include <errno.h>
#include <string.h>
#include "core/log.h"
#include "core/machine.h"
#include "hw/usb/usb.h"
#include "ui/console.h"

enum hid_kind { HID_MOUSE, HID_TABLET, HID_KEYBOARD };

#define HID_QUEUE 16

struct hid_ptr_event {
	int32_t x, y, dz;
	uint32_t buttons;
};
G_STATIC_ASSERT(sizeof(struct hid_ptr_event) == 16); /* saved as 4 words */

struct usb_hid {
	struct usb_device usb;
	enum hid_kind kind;
	struct input_handler input;
	bool activated;
	uint8_t protocol, idle;
	int64_t next_idle;              /* ns; a report is due then (idle != 0) */
	/* pointer: queue of events the guest has not seen yet */
	struct hid_ptr_event ptr[HID_QUEUE];
	uint32_t head, n;
	struct hid_ptr_event last;      /* the state reported last */
	/* keyboard: key events not yet processed, and the report state */
	uint16_t keycodes[HID_QUEUE];
	uint8_t keydown[HID_QUEUE];
	uint8_t modifiers, leds, nkeys;
	uint8_t keys[16];
};

/* ---- descriptors (QEMU's dev-hid.c values) ------------------------------ */

enum {
	STR_MANUFACTURER = 1, STR_PRODUCT_MOUSE, STR_PRODUCT_TABLET, STR_PRODUCT_KEYBOARD,
	STR_SERIAL_COMPAT, STR_CONFIG_MOUSE, STR_CONFIG_TABLET, STR_CONFIG_KEYBOARD,
	STR_SERIAL_MOUSE, STR_SERIAL_TABLET, STR_SERIAL_KEYBOARD,
};

static const char *const hid_strings[] = {
	[STR_MANUFACTURER] = "QEMU",
	[STR_PRODUCT_MOUSE] = "QEMU USB Mouse",
	[STR_PRODUCT_TABLET] = "QEMU USB Tablet",
	[STR_PRODUCT_KEYBOARD] = "QEMU USB Keyboard",
	[STR_SERIAL_COMPAT] = "42",
	[STR_CONFIG_MOUSE] = "HID Mouse",
	[STR_CONFIG_TABLET] = "HID Tablet",
	[STR_CONFIG_KEYBOARD] = "HID Keyboard",
	[STR_SERIAL_MOUSE] = "89126",
	[STR_SERIAL_TABLET] = "28754",
	[STR_SERIAL_KEYBOARD] = "68284",
};

/* Device descriptor: USB 2.0, class in the interface, ep0 of 8 bytes, 0627:0001. */
#define HID_DEV_DESC(product, serial) {                                      \
	18, USB_DT_DEVICE, 0x00, 0x02, 0, 0, 0, 8, 0x27, 0x06, 0x01, 0x00,   \
	0x00, 0x00, STR_MANUFACTURER, product, serial, 1 }

/* One configuration, one HID interface, interrupt IN endpoint 1. */
#define HID_CONF_DESC(cfgstr, sub, proto, hidver, replen, maxpkt) {          \
	9, USB_DT_CONFIG, 34, 0, 1, 1, cfgstr, 0xa0, 50,                      \
	9, USB_DT_INTERFACE, 0, 0, 1, 0x03, sub, proto, 0,                    \
	9, 0x21, (hidver) & 0xff, (hidver) >> 8, 0, 1, 0x22, replen, 0,       \
	7, USB_DT_ENDPOINT, 0x81, 0x03, maxpkt, 0, 10 }

static const uint8_t tablet_dev[] = HID_DEV_DESC(STR_PRODUCT_TABLET, STR_SERIAL_TABLET);
static const uint8_t mouse_dev[] = HID_DEV_DESC(STR_PRODUCT_MOUSE, STR_SERIAL_MOUSE);
static const uint8_t kbd_dev[] = HID_DEV_DESC(STR_PRODUCT_KEYBOARD, STR_SERIAL_KEYBOARD);
static const uint8_t tablet_conf[] = HID_CONF_DESC(STR_CONFIG_TABLET, 0, 0, 0x0001, 74, 8);
static const uint8_t mouse_conf[] = HID_CONF_DESC(STR_CONFIG_MOUSE, 1, 2, 0x0001, 52, 4);
static const uint8_t kbd_conf[] = HID_CONF_DESC(STR_CONFIG_KEYBOARD, 1, 1, 0x0111, 63, 8);

/* Report descriptors: HID 1.11 items, byte for byte QEMU's. */
static const uint8_t mouse_report[] = {
	0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
	0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
	0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05,
	0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09, 0x38,
	0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06,
	0xc0, 0xc0,
};

static const uint8_t tablet_report[] = {
	0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
	0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
	0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05,
	0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x00,
	0x26, 0xff, 0x7f, 0x35, 0x00, 0x46, 0xff, 0x7f, 0x75, 0x10,
	0x95, 0x02, 0x81, 0x02, 0x05, 0x01, 0x09, 0x38, 0x15, 0x81,
	0x25, 0x7f, 0x35, 0x00, 0x45, 0x00, 0x75, 0x08, 0x95, 0x01,
	0x81, 0x06, 0xc0, 0xc0,
};

static const uint8_t kbd_report[] = {
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x75, 0x01, 0x95, 0x08,
	0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01,
	0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05,
	0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02,
	0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08,
	0x15, 0x00, 0x25, 0xff, 0x05, 0x07, 0x19, 0x00, 0x29, 0xff,
	0x81, 0x00, 0xc0,
};

/* ---- input ---------------------------------------------------------------- */

static struct usb_hid *hid_of(struct usb_device *d)
{
	return container_of(d, struct usb_hid, usb);
}

static void hid_pointer_input(void *opaque, int x, int y, int dz, unsigned buttons)
{
	struct usb_hid *h = opaque;
	struct hid_ptr_event *e;

	buttons &= INPUT_BTN_LEFT | INPUT_BTN_RIGHT | INPUT_BTN_MIDDLE;
	if (h->n && (h->ptr[(h->head + h->n - 1) % HID_QUEUE].buttons == buttons ||
		     h->n == HID_QUEUE)) {
		/* only motion since the last unseen event (or full): merge */
		e = &h->ptr[(h->head + h->n - 1) % HID_QUEUE];
		if (h->kind == HID_MOUSE) {
			e->x += x;
			e->y += y;
		} else {
			e->x = x;
			e->y = y;
		}
		e->dz += dz;
		e->buttons = buttons;
	} else {
		e = &h->ptr[(h->head + h->n) % HID_QUEUE];
		*e = (struct hid_ptr_event){ x, y, dz, buttons };
		h->n++;
	}
	usb_device_wakeup(&h->usb);
}

static void hid_key_input(void *opaque, unsigned key, bool down)
{
	struct usb_hid *h = opaque;
	uint32_t slot;

	if (h->n >= HID_QUEUE) {
		guest_error("usb-kbd: key queue full, key dropped");
		return;
	}
	slot = (h->head + h->n++) % HID_QUEUE;
	h->keycodes[slot] = key;
	h->keydown[slot] = down;
	usb_device_wakeup(&h->usb);
}

/* ---- reports -------------------------------------------------------------- */

static int clamp127(int v)
{
	return v < -127 ? -127 : v > 127 ? 127 : v;
}

/* The next pointer report (the last state when nothing is queued). */
static int hid_pointer_poll(struct usb_hid *h, uint8_t *buf, int len)
{
	struct hid_ptr_event *e = h->n ? &h->ptr[h->head] : &h->last;
	int dx, dy, dz, l = 0;
	uint8_t r[6];

	if (!h->activated) {
		console_input_activate(&h->input);
		h->activated = true;
	}
	if (h->kind == HID_MOUSE) {
		dx = clamp127(e->x);
		dy = clamp127(e->y);
		e->x -= dx;
		e->y -= dy;
	} else {
		dx = e->x;
		dy = e->y;
	}
	dz = clamp127(e->dz);
	e->dz -= dz;
	if (h->n && !e->dz && (h->kind == HID_TABLET || (!e->x && !e->y))) {
		h->last = *e;
		h->last.dz = 0;
		if (h->kind == HID_MOUSE)
			h->last.x = h->last.y = 0;
		h->head = (h->head + 1) % HID_QUEUE;
		h->n--;
	}
	dz = -dz; /* HID: positive is away from the user (up) */
	r[l++] = e->buttons;
	if (h->kind == HID_MOUSE) {
		r[l++] = dx;
		r[l++] = dy;
	} else {
		r[l++] = dx & 0xff;
		r[l++] = dx >> 8;
		r[l++] = dy & 0xff;
		r[l++] = dy >> 8;
	}
	r[l++] = dz;
	l = MIN(l, len);
	memcpy(buf, r, l);
	return l;
}

/* Apply one queued key event to the report state. */
static void hid_key_process(struct usb_hid *h)
{
	unsigned usage;
	bool down;
	int i;

	if (!h->n)
		return;
	usage = console_key_to_hid(h->keycodes[h->head]);
	down = h->keydown[h->head];
	h->head = (h->head + 1) % HID_QUEUE;
	h->n--;
	if (!usage)
		return;
	if (usage >= 0xe0 && usage <= 0xe7) {
		if (down)
			h->modifiers |= 1 << (usage & 7);
		else
			h->modifiers &= ~(1 << (usage & 7));
		return;
	}
	for (i = 0; i < h->nkeys && h->keys[i] != usage; i++)
		;
	if (down && i == h->nkeys && h->nkeys < sizeof(h->keys))
		h->keys[h->nkeys++] = usage;
	if (!down && i < h->nkeys) {
		h->keys[i] = h->keys[--h->nkeys];
		h->keys[h->nkeys] = 0;
	}
}

static int hid_kbd_poll(struct usb_hid *h, uint8_t *buf, int len)
{
	uint8_t r[8] = { 0 };

	if (len < 2)
		return 0;
	hid_key_process(h);
	r[0] = h->modifiers;
	if (h->nkeys > 6)
		memset(r + 2, 0x01, 6); /* ErrorRollOver */
	else
		memcpy(r + 2, h->keys, h->nkeys);
	len = MIN(len, 8);
	memcpy(buf, r, len);
	return len;
}

static int hid_poll(struct usb_hid *h, uint8_t *buf, int len)
{
	if (h->idle)
		h->next_idle = vclock_ns(&h->usb.dev.m->clock) + h->idle * 4000000LL;
	if (h->kind == HID_KEYBOARD)
		return hid_kbd_poll(h, buf, len);
	return hid_pointer_poll(h, buf, len);
}

/* ---- USB side ------------------------------------------------------------- */

static int hid_data(struct usb_device *d, int pid, int ep, uint8_t *buf, int len)
{
	struct usb_hid *h = hid_of(d);
	bool idle_due;

	if (pid != USB_TOKEN_IN || ep != 1)
		return USB_RET_STALL;
	if (h->kind != HID_KEYBOARD && !h->activated) {
		console_input_activate(&h->input);
		h->activated = true;
	}
	idle_due = h->idle && vclock_ns(&d->dev.m->clock) >= h->next_idle;
	if (!h->n && !idle_due)
		return USB_RET_NAK;
	return hid_poll(h, buf, len);
}

static int hid_report_desc(struct usb_hid *h, uint8_t *data)
{
	static const struct { const uint8_t *d; int len; } r[] = {
		[HID_MOUSE] = { mouse_report, sizeof(mouse_report) },
		[HID_TABLET] = { tablet_report, sizeof(tablet_report) },
		[HID_KEYBOARD] = { kbd_report, sizeof(kbd_report) },
	};

	memcpy(data, r[h->kind].d, r[h->kind].len);
	return r[h->kind].len;
}

static int hid_control(struct usb_device *d, const uint8_t *setup, uint8_t *data)
{
	struct usb_hid *h = hid_of(d);
	int value = setup[2] | setup[3] << 8, length = setup[6] | setup[7] << 8;

	switch (setup[0] << 8 | setup[1]) {
	case 0x8106: /* interface GET_DESCRIPTOR */
		if ((value >> 8) != 0x22)
			return USB_RET_STALL;
		return hid_report_desc(h, data);
	case 0xa101: /* GET_REPORT */
		return hid_poll(h, data, length);
	case 0x2109: /* SET_REPORT: keyboard LEDs */
		if (h->kind != HID_KEYBOARD)
			return USB_RET_STALL;
		if (length > 0)
			h->leds = data[0];
		return 0;
	case 0xa103: /* GET_PROTOCOL */
		if (h->kind == HID_TABLET)
			return USB_RET_STALL;
		data[0] = h->protocol;
		return 1;
	case 0x210b: /* SET_PROTOCOL */
		if (h->kind == HID_TABLET)
			return USB_RET_STALL;
		h->protocol = value;
		return 0;
	case 0xa102: /* GET_IDLE */
		data[0] = h->idle;
		return 1;
	case 0x210a: /* SET_IDLE: duration in 4 ms units, 0 = only on change */
		h->idle = value >> 8;
		h->next_idle = vclock_ns(&d->dev.m->clock) + h->idle * 4000000LL;
		return 0;
	}
	return USB_RET_STALL;
}

static void hid_reset(struct usb_device *d)
{
	struct usb_hid *h = hid_of(d);

	h->head = h->n = 0;
	memset(h->ptr, 0, sizeof(h->ptr));
	memset(&h->last, 0, sizeof(h->last));
	h->modifiers = h->nkeys = 0;
	memset(h->keys, 0, sizeof(h->keys));
	h->protocol = 1;
	h->idle = 0;
}

static const struct usb_device_ops hid_ops = {
	.control = hid_control,
	.data = hid_data,
	.reset = hid_reset,
};

static int hid_check_opts(struct usb_hid *h, GError **err)
{
	struct opts *o = h->usb.dev.opts;
	uint64_t ver = 2, head;

	if (!o)
		return 0;
	const char *bus = opts_get(o, "bus");

	opts_get(o, "display");
	if (bus && strcmp(bus, "usb-bus.0")) {
		error_setg(err, "Bus '%s' not found", bus);
		return -EINVAL;
	}
	if (opts_get_u64(o, "head", 0, &head, err) < 0 ||
	    opts_get_u64(o, "usb_version", 2, &ver, err) < 0)
		return -EINVAL;
	if (ver != 1 && ver != 2) {
		error_setg(err, "Invalid usb version %d for usb hid device", (int)ver);
		return -EINVAL;
	}
	return 0;
}

static int hid_realize(struct device *dev, enum hid_kind kind)
{
	struct usb_hid *h = container_of(dev, struct usb_hid, usb.dev);
	static const char *const names[] = {
		[HID_MOUSE] = "QEMU HID Mouse", [HID_TABLET] = "QEMU HID Tablet",
		[HID_KEYBOARD] = "QEMU HID Keyboard",
	};
	struct usb_device *u = &h->usb;

	h->kind = kind;
	u->ops = &hid_ops;
	u->speed = USB_SPEED_FULL;
	for (unsigned i = 0; i < G_N_ELEMENTS(hid_strings); i++)
		u->strings[i] = hid_strings[i];
	u->dev_desc = kind == HID_TABLET ? tablet_dev : kind == HID_MOUSE ? mouse_dev : kbd_dev;
	u->conf_desc = kind == HID_TABLET ? tablet_conf : kind == HID_MOUSE ? mouse_conf : kbd_conf;
	u->serial_index = u->dev_desc[16];
	u->product = hid_strings[u->dev_desc[15]];
	h->input = (struct input_handler){
		.name = names[kind],
		.mask = kind == HID_KEYBOARD ? INPUT_KEY : kind == HID_TABLET ? INPUT_ABS : INPUT_REL,
		.key = hid_key_input,
		.pointer = hid_pointer_input,
		.opaque = h,
	};
	return 0;
}

static int hid_realize_common(struct device *dev, enum hid_kind kind, GError **err)
{
	struct usb_hid *h = container_of(dev, struct usb_hid, usb.dev);

	hid_realize(dev, kind);
	if (hid_check_opts(h, err) < 0 || usb_device_attach(&h->usb, err) < 0)
		return -EINVAL;
	console_input_add(&h->input);
	/* QEMU's keyboard takes the keys at once; pointers when first polled */
	if (kind == HID_KEYBOARD)
		console_input_activate(&h->input);
	return 0;
}

static int tablet_realize(struct device *dev, GError **err)
{
	return hid_realize_common(dev, HID_TABLET, err);
}

static int mouse_realize(struct device *dev, GError **err)
{
	return hid_realize_common(dev, HID_MOUSE, err);
}

static int kbd_realize(struct device *dev, GError **err)
{
	return hid_realize_common(dev, HID_KEYBOARD, err);
}

static void hid_unrealize(struct device *dev)
{
	struct usb_hid *h = container_of(dev, struct usb_hid, usb.dev);

	console_input_remove(&h->input);
	usb_device_detach(&h->usb);
}

static void hid_dev_reset(struct device *dev)
{
	struct usb_hid *h = container_of(dev, struct usb_hid, usb.dev);

	usb_device_reset(&h->usb);
}

static int hid_post_load(void *opaque)
{
	struct usb_hid *h = opaque;

	h->head %= HID_QUEUE;
	if (h->n > HID_QUEUE)
		h->n = HID_QUEUE;
	if (h->nkeys > sizeof(h->keys))
		h->nkeys = sizeof(h->keys);
	h->usb.addr &= 0x7f;
	if (h->activated)
		console_input_activate(&h->input);
	return 0;
}

static const struct vmstate_field hid_fields[] = {
	VMSTATE_USB_DEVICE(struct usb_hid, usb),
	VMSTATE_U8(struct usb_hid, protocol),
	VMSTATE_U8(struct usb_hid, idle),
	VMSTATE_BOOL(struct usb_hid, activated),
	VMSTATE_I64(struct usb_hid, next_idle),
	VMSTATE_U32(struct usb_hid, head),
	VMSTATE_U32(struct usb_hid, n),
	/* struct hid_ptr_event is four 32-bit words */
	VMSTATE_U32_ARRAY(struct usb_hid, ptr),
	VMSTATE_U32_ARRAY(struct usb_hid, last),
	VMSTATE_U16_ARRAY(struct usb_hid, keycodes),
	VMSTATE_U8_ARRAY(struct usb_hid, keydown),
	VMSTATE_U8(struct usb_hid, modifiers),
	VMSTATE_U8(struct usb_hid, leds),
	VMSTATE_U8(struct usb_hid, nkeys),
	VMSTATE_U8_ARRAY(struct usb_hid, keys),
	VMSTATE_END,
};

static const struct vmstate_desc hid_vmstate = {
	.name = "usb-hid",
	.version = 1,
	.fields = hid_fields,
	.post_load = hid_post_load,
};

const struct device_class usb_tablet_class = {
	.name = "usb-tablet",
	.bus = "usb-bus",
	.desc = "QEMU USB Tablet",
	.instance_size = sizeof(struct usb_hid),
	.user_creatable = true,
	.self_hotplug = true,
	.realize = tablet_realize,
	.unrealize = hid_unrealize,
	.reset = hid_dev_reset,
	.vmsd = &hid_vmstate,
};

const struct device_class usb_mouse_class = {
	.name = "usb-mouse",
	.bus = "usb-bus",
	.desc = "QEMU USB Mouse",
	.instance_size = sizeof(struct usb_hid),
	.user_creatable = true,
	.self_hotplug = true,
	.realize = mouse_realize,
	.unrealize = hid_unrealize,
	.reset = hid_dev_reset,
	.vmsd = &hid_vmstate,
};

const struct device_class usb_kbd_class = {
	.name = "usb-kbd",
	.bus = "usb-bus",
	.desc = "QEMU USB Keyboard",
	.instance_size = sizeof(struct usb_hid),
	.user_creatable = true,
	.self_hotplug = true,
	.realize = kbd_realize,
	.unrealize = hid_unrealize,
	.reset = hid_dev_reset,
	.vmsd = &hid_vmstate,
};
