/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of every device class -device can name (system/device-list.c).
 * It lives above hw/ because it names hw classes; main hands it to the
 * machine as m->device_classes.
 */
#ifndef SYSTEM_DEVICE_LIST_H
#define SYSTEM_DEVICE_LIST_H

struct device_class;

extern const struct device_class *const device_classes[];

#endif
