/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-rng-pci (hw/virtio/virtio-rng.c) and virtio-balloon-pci
 * (hw/virtio/virtio-balloon.c): typed creation and the balloon's host side
 * (the monitor's "balloon N" and "info balloon").
 */
#ifndef HW_VIRTIO_VIRTIO_MISC_H
#define HW_VIRTIO_VIRTIO_MISC_H

#include <stdint.h>
#include <glib.h>
#include "hw/virtio/virtio.h"

struct machine;

struct virtio_rng_config {
	struct virtio_pci_config pci;
	uint64_t max_bytes;   /* per period */
	uint64_t period_ms;
};

#define VIRTIO_RNG_CONFIG_DEFAULT \
	{ .pci = VIRTIO_PCI_CONFIG_DEFAULT, .max_bytes = 1 << 20, .period_ms = 1000 }

struct virtio_rng;
extern const struct device_class virtio_rng_pci_class;
struct virtio_rng *virtio_rng_pci_create(struct machine *m, const struct virtio_rng_config *cfg,
					 GError **err);

struct virtio_balloon_config {
	struct virtio_pci_config pci;
	unsigned stats_interval_s; /* guest-stats-polling-interval, 0 = off */
};

#define VIRTIO_BALLOON_CONFIG_DEFAULT { .pci = VIRTIO_PCI_CONFIG_DEFAULT }

struct virtio_balloon;
extern const struct device_class virtio_balloon_pci_class;
struct virtio_balloon *virtio_balloon_pci_create(struct machine *m,
						 const struct virtio_balloon_config *cfg,
						 GError **err);

/*
 * Ask the guest to leave it `bytes` of RAM (lock held).  0, -ENODEV
 * without a balloon, -EINVAL for 0 or more than the RAM size.
 */
int balloon_set_target(struct machine *m, uint64_t bytes);
/* RAM the guest has now (RAM size minus the pages it gave back). */
int balloon_get_actual(struct machine *m, uint64_t *bytes);

#define BALLOON_STAT_COUNT 10
/* Last guest statistics (tag-indexed, UINT64_MAX = not reported). */
int balloon_get_stats(struct machine *m, uint64_t stats[BALLOON_STAT_COUNT]);

#endif
