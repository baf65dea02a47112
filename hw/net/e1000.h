/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82540EM gigabit NIC ("e1000", PCI 8086:100e) as QEMU's -device e1000:
 * see hw/net/e1000.c for what is emulated and what is left out.
 */
#ifndef HW_NET_E1000_H
#define HW_NET_E1000_H

#include <stdbool.h>
#include <glib.h>

struct machine;
struct e1000;

struct e1000_config {
	const char *netdev;  /* backend id, or NULL for a NIC with no backend */
	const char *mac;     /* "52:54:00:12:34:56"; NULL: the next default */
	const char *romfile; /* option ROM; NULL: the default ROM; "": none */
	int devfn;           /* -1: first free slot */
};

#define E1000_CONFIG_DEFAULT { .devfn = -1 }

extern const struct device_class e1000_class;

struct e1000 *e1000_create(struct machine *m, const struct e1000_config *cfg, GError **err);

#endif
