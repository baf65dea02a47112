/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-net-pci (hw/virtio/virtio-net.c): typed creation for the board and -nic. */
#ifndef HW_VIRTIO_VIRTIO_NET_H
#define HW_VIRTIO_VIRTIO_NET_H

#include <glib.h>
#include "hw/virtio/virtio.h"

struct machine;

struct virtio_net_config {
	struct virtio_pci_config pci;
	const char *netdev;   /* backend id (-netdev id= or the -nic's own) */
	const char *mac;      /* "52:54:00:12:34:56", or NULL for the next default */
};

#define VIRTIO_NET_CONFIG_DEFAULT { .pci = VIRTIO_PCI_CONFIG_DEFAULT }

struct virtio_net;
extern const struct device_class virtio_net_pci_class;

struct virtio_net *virtio_net_pci_create(struct machine *m,
					 const struct virtio_net_config *cfg, GError **err);

#endif
