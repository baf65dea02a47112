/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NICs of -nic: the board calls nic_create_all() once its own PCI
 * devices exist, and each recorded struct nic_info (net/net.h) becomes a
 * device of its model=, attached to the backend -nic created for it.
 */
#ifndef HW_NET_NIC_H
#define HW_NET_NIC_H

#include <glib.h>

#include <stddef.h>
#include <stdint.h>
#include "core/device.h"
#include "core/memory.h"

struct machine;
struct pci_device;

/* Create every -nic NIC (default_model when it names none).  0 or -1. */
int nic_create_all(struct machine *m, const char *default_model, GError **err);

struct nic_info;
/* rtl8139 for -nic model=rtl8139 (hw/net/rtl8139.c) */
int rtl8139_nic_create(struct machine *m, const struct nic_info *nic, GError **err);

/* The shared parts of the emulated NIC models (not virtio-net). */

/*
 * mac= of a cls device, or QEMU's default 52:54:00:12:34:56 plus the number
 * of cls devices already made.  QEMU's wording on a bad value.  0 or -EINVAL.
 */
int nic_parse_mac(struct machine *m, const struct device_class *cls, const char *str,
		  uint8_t mac[6], GError **err);
/* addr=SLOT[.FN] into *devfn (unchanged when absent).  0 or -EINVAL. */
int nic_parse_addr(const char *cls, const char *addr, int *devfn, GError **err);

/* An option ROM in a PCI ROM BAR; data is NULL when there is none. */
struct nic_rom {
	struct mem_region region;
	void *data;
	size_t size;
};

/*
 * romfile NULL: QEMU's default file def_name from its firmware directories
 * (a missing one is an error, as in QEMU); "": no ROM; else that file.
 */
int nic_rom_load(struct nic_rom *rom, struct pci_device *pci, const char *romfile,
		 const char *def_name, GError **err);
void nic_rom_free(struct nic_rom *rom);

/*
 * Transmit work asked for by a register write.  From a vCPU thread it runs
 * later on the I/O thread (with the machine lock), because the backend may
 * do what only that thread's sandbox allows (slirp's TFTP server opens
 * files, tap writes); from the I/O thread (qtest) it runs at once.
 */
struct nic_bh {
	GSource *src;
	struct machine *m;
	void (*fn)(void *opaque);
	void *opaque;
};

void nic_bh_init(struct nic_bh *bh, struct machine *m, void (*fn)(void *), void *opaque);
void nic_bh_schedule(struct nic_bh *bh);
void nic_bh_cancel(struct nic_bh *bh);

#endif
