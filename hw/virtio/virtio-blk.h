/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-blk-pci (hw/virtio/virtio-blk.c): typed creation for the board. */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include <glib.h>
#include "hw/virtio/virtio.h"

struct machine;
struct drive_info;

struct virtio_blk_config {
	struct virtio_pci_config pci;
	struct drive_info *drive;   /* the -drive if=virtio (or drive=ID) */
	const char *serial;         /* GET_ID answer, or NULL */
};

#define VIRTIO_BLK_CONFIG_DEFAULT { .pci = VIRTIO_PCI_CONFIG_DEFAULT }

struct virtio_blk;
extern const struct device_class virtio_blk_pci_class;

struct virtio_blk *virtio_blk_pci_create(struct machine *m,
					 const struct virtio_blk_config *cfg, GError **err);
/* One virtio-blk-pci per -drive if=virtio not yet claimed (board helper). */
int virtio_blk_create_drives(struct machine *m, GError **err);

/* Append the bootorder path (slot S in hex: pci@i0cf8 then "*@S") per virtio-blk. */
void virtio_blk_add_boot_paths(struct machine *m, GString *s);

#endif
