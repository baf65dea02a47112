// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * USB device layer (hw/usb/usb.h): the machine's bus of controller ports,
 * attaching devices to free ports, and endpoint 0 of every device: the
 * control pipe's setup/data/status stages and the standard requests of
 * USB 2.0 chapter 9, answered from the device's descriptor bytes.  A new
 * address takes effect after the status stage, as the specification says.
 * Left out: alternate settings other than 0, test modes, other-speed and
 * qualifier descriptors (full-speed devices stall them, as QEMU's
 * full-speed-only devices do), Microsoft OS descriptors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "core/machine.h"
#include "hw/usb/usb.h"

enum {
	CTRL_IDLE,
	CTRL_DATA_IN,     /* sending ctrl_buf; an OUT ends it (status stage) */
	CTRL_DATA_OUT,    /* receiving ctrl_len bytes; an IN ends it */
	CTRL_STATUS_IN,   /* no-data OUT request done; an IN acknowledges */
};

#define REQ_GET_STATUS 0
#define REQ_CLEAR_FEATURE 1
#define REQ_SET_FEATURE 3
#define REQ_SET_ADDRESS 5
#define REQ_GET_DESCRIPTOR 6
#define REQ_GET_CONFIGURATION 8
#define REQ_SET_CONFIGURATION 9
#define REQ_GET_INTERFACE 10
#define REQ_SET_INTERFACE 11

#define FEATURE_REMOTE_WAKEUP 1
#define FEATURE_ENDPOINT_HALT 0

/* ---- bus and ports ---------------------------------------------------- */

void usb_port_register(struct machine *m, struct usb_port *p)
{
	if (!m->usb) {
		m->usb = g_new0(struct usb_bus, 1);
		m->usb->ports = g_ptr_array_new();
	}
	g_ptr_array_add(m->usb->ports, p);
}

void usb_port_unregister(struct machine *m, struct usb_port *p)
{
	if (!m->usb)
		return;
	g_ptr_array_remove(m->usb->ports, p);
	if (!m->usb->ports->len) {
		g_ptr_array_free(m->usb->ports, TRUE);
		g_free(m->usb);
		m->usb = NULL;
	}
}

bool usb_bus_present(struct machine *m)
{
	return m->usb && m->usb->ports->len;
}

/* port=N from -device, or the first free port. */
static struct usb_port *usb_pick_port(struct usb_device *d, GError **err)
{
	GPtrArray *ports = d->dev.m->usb->ports;
	const char *want = d->dev.opts ? opts_get(d->dev.opts, "port") : NULL;

	for (guint i = 0; i < ports->len; i++) {
		struct usb_port *p = ports->pdata[i];

		if (want && strcmp(want, p->name))
			continue;
		if (!p->dev)
			return p;
	}
	if (want)
		error_setg(err, "usb port %s (bus usb-bus.0) not found (in use?)", want);
	else
		error_setg(err, "Failed to %s '%s': no free USB port", "attach", d->dev.cls->name);
	return NULL;
}

extern const struct device_class usb_hub_class;

static unsigned usb_free_ports(struct machine *m)
{
	unsigned n = 0;

	for (guint i = 0; i < m->usb->ports->len; i++)
		n += !((struct usb_port *)m->usb->ports->pdata[i])->dev;
	return n;
}

int usb_device_attach(struct usb_device *d, GError **err)
{
	struct machine *m = d->dev.m;
	struct usb_port *p;

	if (!usb_bus_present(m)) {
		error_setg(err, "No 'usb-bus' bus found for device '%s'", d->dev.cls->name);
		return -ENODEV;
	}
	/* as QEMU: the last free port gets a hub, so that more devices fit */
	if (!d->is_hub && !(d->dev.opts && opts_get(d->dev.opts, "port")) &&
	    usb_free_ports(m) == 1 && !device_create(m, &usb_hub_class, NULL, NULL, NULL, err))
		return -EBUSY;
	p = usb_pick_port(d, err);
	if (!p)
		return -EBUSY;
	g_free(d->serial);
	d->serial = NULL;
	if (d->serial_index > 0 && d->serial_index < USB_NUM_STRINGS &&
	    d->strings[d->serial_index])
		d->serial = g_strdup_printf("%s-%s-%s", d->strings[d->serial_index], p->path,
					    p->name);
	d->port = p;
	p->dev = d;
	usb_device_reset(d);
	if (p->ops->attach)
		p->ops->attach(p);
	return 0;
}

void usb_device_detach(struct usb_device *d)
{
	struct usb_port *p = d->port;

	if (!p)
		return;
	if (p->ops->detach)
		p->ops->detach(p);
	p->dev = NULL;
	d->port = NULL;
	g_free(d->serial);
	d->serial = NULL;
}

void usb_device_reset(struct usb_device *d)
{
	d->addr = 0;
	d->config = 0;
	d->remote_wakeup = false;
	d->ctrl_state = CTRL_IDLE;
	d->ctrl_len = d->ctrl_pos = 0;
	if (d->ops->reset)
		d->ops->reset(d);
}

struct usb_device *usb_device_find(struct usb_device *d, int addr)
{
	if (d->addr == addr)
		return d;
	return d->ops->find ? d->ops->find(d, addr) : NULL;
}

void usb_device_wakeup(struct usb_device *d)
{
	if (d->port && d->port->ops->wakeup)
		d->port->ops->wakeup(d->port);
}

/* ---- standard requests ------------------------------------------------ */

/* String descriptor idx into buf (room for max bytes); length or -1. */
static int usb_string_desc(struct usb_device *d, int idx, uint8_t *buf, int max)
{
	const char *s;
	int n;

	if (idx == 0) {
		/* one language: US English */
		uint8_t lang[4] = { 4, USB_DT_STRING, 0x09, 0x04 };

		n = MIN(max, 4);
		memcpy(buf, lang, n);
		return n;
	}
	if (idx >= USB_NUM_STRINGS)
		return -1;
	s = (idx == d->serial_index && d->serial) ? d->serial : d->strings[idx];
	if (!s)
		return -1;
	n = MIN((int)strlen(s), 126);
	if (max < 2 + 2 * n)
		return -1;
	buf[0] = 2 + 2 * n;
	buf[1] = USB_DT_STRING;
	for (int i = 0; i < n; i++) {
		buf[2 + 2 * i] = s[i];
		buf[3 + 2 * i] = 0;
	}
	return 2 + 2 * n;
}

static int usb_get_descriptor(struct usb_device *d, int value, uint8_t *buf)
{
	int type = value >> 8, idx = value & 0xff;
	int len;

	switch (type) {
	case USB_DT_DEVICE:
		memcpy(buf, d->dev_desc, 18);
		return 18;
	case USB_DT_CONFIG:
		if (idx != 0)
			return USB_RET_STALL;
		len = d->conf_desc[2] | d->conf_desc[3] << 8;
		memcpy(buf, d->conf_desc, len);
		return len;
	case USB_DT_STRING:
		len = usb_string_desc(d, idx, buf, USB_MAX_CTRL);
		return len < 0 ? USB_RET_STALL : len;
	}
	return USB_RET_STALL;
}

/* Device-to-host standard requests; data has USB_MAX_CTRL bytes of room. */
static int usb_std_in(struct usb_device *d, int type, int req, int value, uint8_t *data)
{
	switch (type << 8 | req) {
	case 0x8000 | REQ_GET_STATUS:
		/* self-powered from the configuration's attributes */
		data[0] = ((d->conf_desc[7] & 0x40) ? 1 : 0) | (d->remote_wakeup ? 2 : 0);
		data[1] = 0;
		return 2;
	case 0x8000 | REQ_GET_DESCRIPTOR:
		return usb_get_descriptor(d, value, data);
	case 0x8000 | REQ_GET_CONFIGURATION:
		data[0] = d->config;
		return 1;
	case 0x8100 | REQ_GET_INTERFACE:
		data[0] = 0;
		return 1;
	case 0x8100 | REQ_GET_STATUS:
	case 0x8200 | REQ_GET_STATUS:
		data[0] = data[1] = 0;
		return 2;
	}
	return -ENOENT;
}

/* Host-to-device standard requests without a data stage. */
static int usb_std_out(struct usb_device *d, int type, int req, int value)
{
	switch (type << 8 | req) {
	case REQ_SET_ADDRESS:
		if (value > 127)
			return USB_RET_STALL;
		return 0; /* applied after the status stage */
	case REQ_SET_CONFIGURATION:
		if (value != 0 && value != d->conf_desc[5])
			return USB_RET_STALL;
		d->config = value;
		return 0;
	case REQ_CLEAR_FEATURE:
	case REQ_SET_FEATURE:
		if (value != FEATURE_REMOTE_WAKEUP)
			return USB_RET_STALL;
		d->remote_wakeup = req == REQ_SET_FEATURE;
		return 0;
	case 0x0100 | REQ_SET_INTERFACE:
		return value == 0 ? 0 : USB_RET_STALL;
	case 0x0200 | REQ_CLEAR_FEATURE:
	case 0x0200 | REQ_SET_FEATURE:
		return value == FEATURE_ENDPOINT_HALT ? 0 : USB_RET_STALL;
	}
	return -ENOENT;
}

/* Run the request in d->setup (OUT data, if any, in ctrl_buf). */
static int usb_run_request(struct usb_device *d)
{
	const uint8_t *s = d->setup;
	int type = s[0], req = s[1], value = s[2] | s[3] << 8;
	int r;

	if ((type & 0x60) == 0) {
		r = (type & 0x80) ? usb_std_in(d, type, req, value, d->ctrl_buf)
				  : usb_std_out(d, type, req, value);
		if (r != -ENOENT)
			return r;
	}
	if (!d->ops->control)
		return USB_RET_STALL;
	return d->ops->control(d, s, d->ctrl_buf);
}

static int usb_ctrl_setup(struct usb_device *d, const uint8_t *buf, int len)
{
	int wlength, r;

	if (len != 8) {
		guest_error("usb: SETUP of %d bytes (8 expected)", len);
		d->ctrl_state = CTRL_IDLE;
		return USB_RET_STALL;
	}
	memcpy(d->setup, buf, 8);
	wlength = buf[6] | buf[7] << 8;
	d->ctrl_pos = 0;
	d->ctrl_state = CTRL_IDLE;
	if (wlength > USB_MAX_CTRL) {
		guest_error("usb: control request of %d bytes refused", wlength);
		return USB_RET_STALL;
	}
	if (buf[0] & 0x80) {
		r = usb_run_request(d);
		if (r < 0)
			return USB_RET_STALL;
		d->ctrl_len = MIN(r, wlength);
		d->ctrl_state = CTRL_DATA_IN;
	} else if (wlength == 0) {
		if (usb_run_request(d) < 0)
			return USB_RET_STALL;
		d->ctrl_state = CTRL_STATUS_IN;
	} else {
		d->ctrl_len = wlength;
		d->ctrl_state = CTRL_DATA_OUT;
	}
	return 8;
}

/* The status stage of a request without data, or after an OUT data stage. */
static int usb_ctrl_status_in(struct usb_device *d)
{
	int r = 0;

	if (d->ctrl_state == CTRL_DATA_OUT) {
		if (d->ctrl_pos < d->ctrl_len)
			guest_error("usb: control status after %d of %d bytes", d->ctrl_pos,
				    d->ctrl_len);
		r = usb_run_request(d);
	} else if (d->setup[0] == 0 && d->setup[1] == REQ_SET_ADDRESS) {
		d->addr = d->setup[2] & 0x7f;
	}
	d->ctrl_state = CTRL_IDLE;
	return r < 0 ? USB_RET_STALL : 0;
}

static int usb_ctrl_in(struct usb_device *d, uint8_t *buf, int len)
{
	int n;

	switch (d->ctrl_state) {
	case CTRL_DATA_IN:
		n = MIN(len, d->ctrl_len - d->ctrl_pos);
		memcpy(buf, d->ctrl_buf + d->ctrl_pos, n);
		d->ctrl_pos += n;
		return n;
	case CTRL_STATUS_IN:
	case CTRL_DATA_OUT:
		return usb_ctrl_status_in(d);
	}
	return USB_RET_STALL;
}

static int usb_ctrl_out(struct usb_device *d, const uint8_t *buf, int len)
{
	int n;

	switch (d->ctrl_state) {
	case CTRL_DATA_IN:
		/* status stage of an IN request */
		d->ctrl_state = CTRL_IDLE;
		return 0;
	case CTRL_DATA_OUT:
		n = MIN(len, d->ctrl_len - d->ctrl_pos);
		if (n < len)
			return USB_RET_BABBLE;
		memcpy(d->ctrl_buf + d->ctrl_pos, buf, n);
		d->ctrl_pos += n;
		return n;
	}
	return USB_RET_STALL;
}

int usb_handle_packet(struct usb_device *d, int pid, int ep, uint8_t *buf, int len)
{
	if (len < 0 || len > USB_MAX_CTRL)
		return USB_RET_BABBLE;
	if (ep == 0) {
		switch (pid) {
		case USB_TOKEN_SETUP:
			return usb_ctrl_setup(d, buf, len);
		case USB_TOKEN_IN:
			return usb_ctrl_in(d, buf, len);
		case USB_TOKEN_OUT:
			return usb_ctrl_out(d, buf, len);
		}
		return USB_RET_STALL;
	}
	if (pid == USB_TOKEN_SETUP || !d->ops->data)
		return USB_RET_STALL;
	return d->ops->data(d, pid, ep, buf, len);
}
