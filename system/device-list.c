// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of device classes that exist, for -device and -device help.
 * Add one line per class (keep the extern and the table entry together).
 */
#include <stddef.h>
#include "core/device.h"
#include "system/device-list.h"

/* BEGIN extern declarations */
extern const struct device_class serial_isa_class;
extern const struct device_class debugcon_isa_class;
extern const struct device_class debug_exit_isa_class;
extern const struct device_class vga_pci_class;
extern const struct device_class pc_testdev_class;
extern const struct device_class pci_testdev_class;
extern const struct device_class virtio_blk_pci_class;
extern const struct device_class ide_hd_class;
extern const struct device_class ide_cd_class;
extern const struct device_class ahci_class;
extern const struct device_class ich9_ahci_class;
extern const struct device_class virtio_net_pci_class;
extern const struct device_class virtio_rng_pci_class;
extern const struct device_class virtio_balloon_pci_class;
extern const struct device_class e1000_class;
extern const struct device_class piix3_uhci_class;
extern const struct device_class usb_tablet_class;
extern const struct device_class usb_mouse_class;
extern const struct device_class usb_kbd_class;
extern const struct device_class usb_hub_class;
extern const struct device_class rtl8139_class;
extern const struct device_class pc_cpu_qemu64_class;
extern const struct device_class pc_cpu_host_class;
extern const struct device_class pc_cpu_max_class;
extern const struct device_class pc_cpu_kvm64_class;
/* END extern declarations */

const struct device_class *const device_classes[] = {
	/* BEGIN table */
	&serial_isa_class,
	&debugcon_isa_class,
	&debug_exit_isa_class,
	&vga_pci_class,
	&pc_testdev_class,
	&pci_testdev_class,
	&virtio_blk_pci_class,
	&ide_hd_class,
	&ide_cd_class,
	&ahci_class,
	&ich9_ahci_class,
	&virtio_net_pci_class,
	&virtio_rng_pci_class,
	&virtio_balloon_pci_class,
	&e1000_class,
	&piix3_uhci_class,
	&usb_tablet_class,
	&usb_mouse_class,
	&usb_kbd_class,
	&usb_hub_class,
	&rtl8139_class,
	&pc_cpu_qemu64_class,
	&pc_cpu_host_class,
	&pc_cpu_max_class,
	&pc_cpu_kvm64_class,
	/* END table */
	NULL,
};
