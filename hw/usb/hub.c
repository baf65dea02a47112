// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usb-hub as QEMU's: a full-speed USB 1.1 hub with 8 downstream ports, the
 * hub class requests of USB 2.0 chapter 11 (hub descriptor, hub and port
 * status, port features: reset, enable, suspend, power, the change bits)
 * and the status-change bitmap on interrupt IN endpoint 1 (NAK while no
 * port changed).  Its ports join the machine's USB bus as "N.1".."N.8";
 * packets reach a device behind an enabled port by address
 * (usb_device_find).  As QEMU does, hw/usb/core.c plugs one in on a
 * controller's last free port when a device would take it, so more
 * devices fit than the UHCI has ports.  Left out: overcurrent, power
 * switching (ports are always powered), transaction translators (no
 * high speed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/machine.h"
#include "hw/usb/usb.h"

#define HUB_PORTS 8

#define PORT_CONNECTION 0x0001
#define PORT_ENABLE 0x0002
#define PORT_SUSPEND 0x0004
#define PORT_RESET 0x0010
#define PORT_POWER 0x0100
#define PORT_LOW_SPEED 0x0200

/* feature selectors */
#define F_PORT_ENABLE 1
#define F_PORT_SUSPEND 2
#define F_PORT_RESET 4
#define F_PORT_POWER 8
#define F_C_PORT_CONNECTION 16
#define F_C_PORT_ENABLE 17
#define F_C_PORT_SUSPEND 18
#define F_C_PORT_OVERCURRENT 19
#define F_C_PORT_RESET 20

struct usb_hub {
	struct usb_device usb;
	struct usb_port ports[HUB_PORTS];
	uint16_t status[HUB_PORTS], change[HUB_PORTS];
	bool registered;
};

static const uint8_t hub_dev_desc[18] = {
	18, USB_DT_DEVICE, 0x10, 0x01, 0x09, 0, 0, 8, 0x09, 0x04, 0xaa, 0x55,
	0x01, 0x01, 1, 2, 3, 1,
};

static const uint8_t hub_conf_desc[25] = {
	9, USB_DT_CONFIG, 25, 0, 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, 0x09, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, 0x03, 1 + HUB_PORTS / 8, 0, 0xff,
};

static struct usb_hub *hub_of(struct usb_device *d)
{
	return container_of(d, struct usb_hub, usb);
}

/* ---- downstream ports -------------------------------------------------- */

static void hub_port_connect(struct usb_hub *h, int i)
{
	struct usb_device *d = h->ports[i].dev;

	h->status[i] = PORT_POWER;
	h->change[i] = 0;
	if (d) {
		h->status[i] |= PORT_CONNECTION | (d->speed == USB_SPEED_LOW ? PORT_LOW_SPEED : 0);
		h->change[i] |= PORT_CONNECTION;
	}
}

static void hub_attach(struct usb_port *p)
{
	struct usb_hub *h = p->opaque;

	hub_port_connect(h, p->index - 1);
	usb_device_wakeup(&h->usb);
}

static void hub_detach(struct usb_port *p)
{
	struct usb_hub *h = p->opaque;
	int i = p->index - 1;

	h->status[i] &= ~(PORT_CONNECTION | PORT_LOW_SPEED);
	h->change[i] |= PORT_CONNECTION;
	if (h->status[i] & PORT_ENABLE) {
		h->status[i] &= ~PORT_ENABLE;
		h->change[i] |= PORT_ENABLE;
	}
	usb_device_wakeup(&h->usb);
}

static void hub_wakeup(struct usb_port *p)
{
	struct usb_hub *h = p->opaque;

	usb_device_wakeup(&h->usb);
}

static const struct usb_port_ops hub_port_ops = {
	.attach = hub_attach,
	.detach = hub_detach,
	.wakeup = hub_wakeup,
};

/* ---- USB side ----------------------------------------------------------- */

static struct usb_device *hub_find(struct usb_device *d, int addr)
{
	struct usb_hub *h = hub_of(d);

	for (int i = 0; i < HUB_PORTS; i++) {
		struct usb_device *c = h->ports[i].dev;

		if (c && (h->status[i] & PORT_ENABLE)) {
			c = usb_device_find(c, addr);
			if (c)
				return c;
		}
	}
	return NULL;
}

static int hub_set_port_feature(struct usb_hub *h, int i, int feature)
{
	switch (feature) {
	case F_PORT_SUSPEND:
		h->status[i] |= PORT_SUSPEND;
		return 0;
	case F_PORT_RESET:
		if (h->ports[i].dev) {
			usb_device_reset(h->ports[i].dev);
			/* QEMU 7.2 flags the enable change too */
			h->change[i] |= PORT_RESET | PORT_ENABLE;
			h->status[i] |= PORT_ENABLE;
			usb_device_wakeup(&h->usb);
		}
		return 0;
	case F_PORT_POWER:
		return 0;
	}
	return USB_RET_STALL;
}

static int hub_clear_port_feature(struct usb_hub *h, int i, int feature)
{
	static const struct { int feature; bool change; uint16_t bit; } clears[] = {
		{ F_PORT_ENABLE, false, PORT_ENABLE }, { F_C_PORT_ENABLE, true, PORT_ENABLE },
		{ F_PORT_SUSPEND, false, PORT_SUSPEND }, { F_C_PORT_SUSPEND, true, PORT_SUSPEND },
		{ F_C_PORT_CONNECTION, true, PORT_CONNECTION },
		{ F_C_PORT_OVERCURRENT, true, 0x0008 }, { F_C_PORT_RESET, true, PORT_RESET },
	};

	for (unsigned k = 0; k < G_N_ELEMENTS(clears); k++) {
		if (clears[k].feature != feature)
			continue;
		if (clears[k].change)
			h->change[i] &= ~clears[k].bit;
		else
			h->status[i] &= ~clears[k].bit;
		return 0;
	}
	return USB_RET_STALL;
}

/* The hub descriptor: 8 ports, per-port overcurrent, 2 ms power-on. */
static int hub_descriptor(uint8_t *data)
{
	int n = 7, removable = (HUB_PORTS + 1 + 7) / 8, pwrmask = (HUB_PORTS + 7) / 8;

	data[1] = 0x29;
	data[2] = HUB_PORTS;
	data[3] = 0x0a;
	data[4] = 0x00;
	data[5] = 0x01;
	data[6] = 0x00;
	memset(data + n, 0x00, removable);
	n += removable;
	memset(data + n, 0xff, pwrmask);
	n += pwrmask;
	data[0] = n;
	return n;
}

static int hub_control(struct usb_device *d, const uint8_t *setup, uint8_t *data)
{
	struct usb_hub *h = hub_of(d);
	int value = setup[2] | setup[3] << 8, index = setup[4] | setup[5] << 8;
	int port = index - 1;

	switch (setup[0] << 8 | setup[1]) {
	case 0x0201: /* endpoint CLEAR_FEATURE (halt) */
		return value == 0 ? 0 : USB_RET_STALL;
	case 0xa000: /* GetHubStatus */
		memset(data, 0, 4);
		return 4;
	case 0xa006: /* GetHubDescriptor */
		return hub_descriptor(data);
	case 0x2001: /* ClearHubFeature */
	case 0x2003: /* SetHubFeature */
		return value == 0 || value == 1 ? 0 : USB_RET_STALL;
	}
	if (port < 0 || port >= HUB_PORTS)
		return USB_RET_STALL;
	switch (setup[0] << 8 | setup[1]) {
	case 0xa300: /* GetPortStatus */
		data[0] = h->status[port];
		data[1] = h->status[port] >> 8;
		data[2] = h->change[port];
		data[3] = h->change[port] >> 8;
		return 4;
	case 0x2303: /* SetPortFeature */
		return hub_set_port_feature(h, port, value);
	case 0x2301: /* ClearPortFeature */
		return hub_clear_port_feature(h, port, value);
	}
	return USB_RET_STALL;
}

/* Interrupt IN: bit N set for each port N whose change bits are not 0. */
static int hub_data(struct usb_device *d, int pid, int ep, uint8_t *buf, int len)
{
	struct usb_hub *h = hub_of(d);
	unsigned bits = 0;
	int n = (HUB_PORTS + 1 + 7) / 8;

	if (pid != USB_TOKEN_IN || ep != 1)
		return USB_RET_STALL;
	if (len == 1)
		n = 1; /* as QEMU: FreeBSD asks for one byte */
	else if (n > len)
		return USB_RET_BABBLE;
	for (int i = 0; i < HUB_PORTS; i++)
		if (h->change[i])
			bits |= 1u << (i + 1);
	if (!bits)
		return USB_RET_NAK;
	for (int i = 0; i < n; i++)
		buf[i] = bits >> (8 * i);
	return n;
}

static void hub_reset(struct usb_device *d)
{
	struct usb_hub *h = hub_of(d);

	for (int i = 0; i < HUB_PORTS; i++)
		hub_port_connect(h, i);
}

static const struct usb_device_ops hub_ops = {
	.control = hub_control,
	.data = hub_data,
	.reset = hub_reset,
	.find = hub_find,
};

static int hub_realize(struct device *dev, GError **err)
{
	struct usb_hub *h = container_of(dev, struct usb_hub, usb.dev);
	struct usb_device *u = &h->usb;

	u->ops = &hub_ops;
	u->speed = USB_SPEED_FULL;
	u->dev_desc = hub_dev_desc;
	u->conf_desc = hub_conf_desc;
	u->strings[1] = "QEMU";
	u->strings[2] = "QEMU USB Hub";
	u->strings[3] = "314159";
	u->serial_index = 3;
	u->product = "QEMU USB Hub";
	u->is_hub = true;
	if (dev->opts)
		opts_get(dev->opts, "bus");
	if (usb_device_attach(u, err) < 0)
		return -EINVAL;
	for (int i = 0; i < HUB_PORTS; i++) {
		struct usb_port *p = &h->ports[i];

		p->ops = &hub_port_ops;
		p->opaque = h;
		p->index = i + 1;
		snprintf(p->path, sizeof(p->path), "%s", u->port->path);
		snprintf(p->name, sizeof(p->name), "%.24s.%d", u->port->name, i + 1);
		usb_port_register(dev->m, p);
		hub_port_connect(h, i);
	}
	h->registered = true;
	return 0;
}

static void hub_unrealize(struct device *dev)
{
	struct usb_hub *h = container_of(dev, struct usb_hub, usb.dev);

	for (int i = 0; h->registered && i < HUB_PORTS; i++) {
		if (h->ports[i].dev)
			usb_device_detach(h->ports[i].dev);
		usb_port_unregister(dev->m, &h->ports[i]);
	}
	usb_device_detach(&h->usb);
}

static void hub_dev_reset(struct device *dev)
{
	struct usb_hub *h = container_of(dev, struct usb_hub, usb.dev);

	usb_device_reset(&h->usb);
}

static const struct vmstate_field hub_fields[] = {
	VMSTATE_USB_DEVICE(struct usb_hub, usb),
	VMSTATE_U16_ARRAY(struct usb_hub, status),
	VMSTATE_U16_ARRAY(struct usb_hub, change),
	VMSTATE_END,
};

static const struct vmstate_desc hub_vmstate = {
	.name = "usb-hub",
	.version = 1,
	.fields = hub_fields,
};

const struct device_class usb_hub_class = {
	.name = "usb-hub",
	.bus = "usb-bus",
	.desc = "QEMU USB Hub",
	.instance_size = sizeof(struct usb_hub),
	.user_creatable = true,
	.realize = hub_realize,
	.unrealize = hub_unrealize,
	.reset = hub_dev_reset,
	.vmsd = &hub_vmstate,
};
