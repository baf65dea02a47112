// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NIC creation for -nic: the table of NIC models a -nic model= may name
 * and the loop the board runs over the recorded -nic entries.  The network
 * layer (net/net.c) made each entry's backend already; here the model's
 * typed creator attaches to it by id.  kvmpc has two models, e1000 (QEMU's
 * default for the pc machine) and virtio-net-pci ("virtio" is QEMU's short
 * name for it); rtl8139 and friends are left out, and "model=help" is not
 * offered.
 */
#include <string.h>
#include "hw/net/nic.h"
#include "hw/net/e1000.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "core/log.h"
#include "core/machine.h"

struct nic_model {
	const char *name;
	const char *alias;
	int (*create)(struct machine *m, const struct nic_info *nic, GError **err);
};

static int nic_virtio_create(struct machine *m, const struct nic_info *nic, GError **err)
{
	struct virtio_net_config cfg = VIRTIO_NET_CONFIG_DEFAULT;

	cfg.netdev = nic->netdev;
	cfg.mac = nic->mac;
	return virtio_net_pci_create(m, &cfg, err) ? 0 : -1;
}

static int nic_e1000_create(struct machine *m, const struct nic_info *nic, GError **err)
{
	struct e1000_config cfg = E1000_CONFIG_DEFAULT;

	cfg.netdev = nic->netdev;
	cfg.mac = nic->mac;
	return e1000_create(m, &cfg, err) ? 0 : -1;
}

static const struct nic_model nic_models[] = {
	{ "e1000", NULL, nic_e1000_create },
	{ "virtio-net-pci", "virtio", nic_virtio_create },
};

static const struct nic_model *nic_model_find(const char *name)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(nic_models); i++)
		if (!strcmp(name, nic_models[i].name) ||
		    (nic_models[i].alias && !strcmp(name, nic_models[i].alias)))
			return &nic_models[i];
	return NULL;
}

int nic_create_all(struct machine *m, const char *default_model, GError **err)
{
	for (unsigned i = 0; i < net_nic_count(m); i++) {
		const struct nic_info *nic = net_nic(m, i);
		const char *name = nic->model ? nic->model : default_model;
		const struct nic_model *model = nic_model_find(name);

		if (!model) {
			error_setg(err, "-nic model=%s is not supported (e1000, virtio-net-pci)", name);
			return -1;
		}
		if (model->create(m, nic, err) < 0)
			return -1;
	}
	return 0;
}
