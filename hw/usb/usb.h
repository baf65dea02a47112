/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The USB device layer shared by the host controllers: a device answers
 * token packets (SETUP/IN/OUT) addressed to its endpoints.  Endpoint 0 runs
 * the control pipe (setup, data and status stages) and the standard
 * requests of USB 2.0 chapter 9 (GET_DESCRIPTOR, SET_ADDRESS,
 * SET_CONFIGURATION, GET_STATUS, features, interfaces) from the device's
 * descriptor bytes; class requests and the other endpoints go to the
 * device's ops.  A controller owns ports; a device is attached to a free
 * port of the machine's USB bus (hubs, hw/usb/hub.c, add ports).  Full and
 * low speed only: no split transactions, no isochronous endpoints.
 */
#ifndef HW_USB_USB_H
#define HW_USB_USB_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/device.h"

#define USB_TOKEN_SETUP 0x2d
#define USB_TOKEN_IN 0x69
#define USB_TOKEN_OUT 0xe1

/* Packet results (negative) besides a byte count. */
#define USB_RET_NODEV (-1)
#define USB_RET_NAK (-2)
#define USB_RET_STALL (-3)
#define USB_RET_BABBLE (-4)

#define USB_DT_DEVICE 0x01
#define USB_DT_CONFIG 0x02
#define USB_DT_STRING 0x03
#define USB_DT_INTERFACE 0x04
#define USB_DT_ENDPOINT 0x05

#define USB_SPEED_LOW 0
#define USB_SPEED_FULL 1

#define USB_MAX_CTRL 4096 /* largest control data stage we buffer */
#define USB_NUM_STRINGS 16

struct usb_device;
struct usb_port;

/* What a device type adds to the standard behaviour; hooks may be NULL. */
struct usb_device_ops {
	/*
	 * A request the layer does not handle itself (class/vendor, or an
	 * interface GET_DESCRIPTOR).  setup is the 8-byte packet; for IN
	 * requests fill data (room for wLength bytes) and return the length,
	 * for OUT requests data holds what the host sent.  Negative:
	 * USB_RET_STALL.
	 */
	int (*control)(struct usb_device *d, const uint8_t *setup, uint8_t *data);
	/* IN or OUT on endpoint ep (1..15): bytes moved, or USB_RET_*. */
	int (*data)(struct usb_device *d, int pid, int ep, uint8_t *buf, int len);
	/* Bus reset (port reset or controller reset). */
	void (*reset)(struct usb_device *d);
	/* A hub: the device with this address behind its enabled ports. */
	struct usb_device *(*find)(struct usb_device *d, int addr);
};

struct usb_device {
	struct device dev;
	const struct usb_device_ops *ops;
	const char *product;           /* "QEMU USB Tablet", for info usb */
	int speed;
	bool is_hub;
	/* Descriptors as the device sends them. */
	const uint8_t *dev_desc;       /* 18 bytes */
	const uint8_t *conf_desc;      /* wTotalLength bytes */
	const char *strings[USB_NUM_STRINGS]; /* index 1.. (0 is the language list) */
	char *serial;                  /* built at attach, owned */
	int serial_index;              /* string index of the serial number */

	struct usb_port *port;         /* NULL while detached */
	uint8_t addr;
	uint8_t config;                /* 0 = unconfigured */
	bool remote_wakeup;

	/* Control pipe state */
	int ctrl_state;
	uint8_t setup[8];
	uint8_t ctrl_buf[USB_MAX_CTRL];
	int ctrl_len, ctrl_pos;
};

/* A controller's port; the controller fills ops before usb_port_register. */
struct usb_port_ops {
	void (*attach)(struct usb_port *p);
	void (*detach)(struct usb_port *p);
	/* A device with new data on an interrupt endpoint (remote wakeup). */
	void (*wakeup)(struct usb_port *p);
};

struct usb_port {
	const struct usb_port_ops *ops;
	void *opaque;
	int index;                     /* 1-based port number on its controller or hub */
	char path[32];                 /* controller PCI path "0000:00:01.2" */
	char name[32];                 /* QEMU's port path: "1", "2.3" behind a hub */
	struct usb_device *dev;
};

/* The machine's USB bus: the ports of every controller, in order. */
struct usb_bus {
	GPtrArray *ports;              /* struct usb_port * */
};

struct machine;

/* Add a port to the machine's bus (created on first use). */
void usb_port_register(struct machine *m, struct usb_port *p);
void usb_port_unregister(struct machine *m, struct usb_port *p);
/* Whether the machine has any USB port (a controller exists). */
bool usb_bus_present(struct machine *m);

/*
 * Attach d to a free port (port= N picks one); called from a USB device's
 * realize.  QEMU's messages when there is no bus or no free port.
 */
int usb_device_attach(struct usb_device *d, GError **err);
void usb_device_detach(struct usb_device *d);
/* Bus reset: address 0, unconfigured, control pipe idle, then ops->reset. */
void usb_device_reset(struct usb_device *d);

/*
 * Deliver one token packet to d (already matched by address): the
 * controller passes the buffer (SETUP: the 8 setup bytes; OUT: data from
 * the host; IN: room for len bytes).  Returns bytes moved or USB_RET_*.
 */
int usb_handle_packet(struct usb_device *d, int pid, int ep, uint8_t *buf, int len);

/* d, or the device with address addr behind it (hubs), or NULL. */
struct usb_device *usb_device_find(struct usb_device *d, int addr);

/* Device side: tell the controller new interrupt data is waiting. */
void usb_device_wakeup(struct usb_device *d);

/* Common part of every USB device's vmstate. */
#define VMSTATE_USB_DEVICE(type, field)                     \
	VMSTATE_U8(type, field.addr),                       \
	VMSTATE_U8(type, field.config),                     \
	VMSTATE_BOOL(type, field.remote_wakeup)

#endif
