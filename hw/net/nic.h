/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NICs of -nic: the board calls nic_create_all() once its own PCI
 * devices exist, and each recorded struct nic_info (net/net.h) becomes a
 * device of its model=, attached to the backend -nic created for it.
 */
#ifndef HW_NET_NIC_H
#define HW_NET_NIC_H

#include <glib.h>

struct machine;

/* Create every -nic NIC (default_model when it names none).  0 or -1. */
int nic_create_all(struct machine *m, const char *default_model, GError **err);

#endif
