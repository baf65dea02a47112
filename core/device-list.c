// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of device classes that exist, for -device and -device help.
 * Add one line per class (keep the extern and the table entry together).
 */
#include <stddef.h>
#include "core/device.h"

/* BEGIN extern declarations */
/* END extern declarations */

const struct device_class *const device_classes[] = {
	/* BEGIN table */
	/* END table */
	NULL,
};
