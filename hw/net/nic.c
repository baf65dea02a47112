// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NIC creation for -nic: the table of NIC models a -nic model= may name
 * and the loop the board runs over the recorded -nic entries.  The network
 * layer (net/net.c) made each entry's backend already; here the model's
 * typed creator attaches to it by id.  kvmpc has three models, e1000
 * (QEMU's default for the pc machine), rtl8139 and virtio-net-pci
 * ("virtio" is QEMU's short name for it); ne2k_pci, pcnet and friends are
 * left out, and "model=help" is not offered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hw/net/nic.h"
#include "hw/net/e1000.h"
#include "hw/virtio/virtio-net.h"
#include "hw/pci/pci.h"
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
	{ "rtl8139", NULL, rtl8139_nic_create },
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
			error_setg(err, "-nic model=%s is not supported (e1000, rtl8139, virtio-net-pci)", name);
			return -1;
		}
		if (model->create(m, nic, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- helpers of the NIC models ---- */

/* Where Debian's QEMU finds its NIC option ROMs (ipxe-qemu). */
static const char *const nic_rom_dirs[] = { "/usr/share/qemu", "/usr/lib/ipxe/qemu" };

int nic_parse_mac(struct machine *m, const struct device_class *cls, const char *str,
		  uint8_t mac[6], GError **err)
{
	unsigned b[6], count = 0;

	if (str) {
		if (sscanf(str, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
			   &b[5]) != 6 || (b[0] & 1)) {
			error_setg(err, "Property '%s.mac' doesn't take value '%s'", cls->name, str);
			return -EINVAL;
		}
		for (int i = 0; i < 6; i++)
			mac[i] = b[i];
		return 0;
	}
	for (unsigned i = 0; i < m->devices->len; i++)
		if (((struct device *)g_ptr_array_index(m->devices, i))->cls == cls)
			count++;
	memcpy(mac, "\x52\x54\x00\x12\x34\x56", 6);
	mac[5] += count;
	return 0;
}

int nic_parse_addr(const char *cls, const char *addr, int *devfn, GError **err)
{
	char *end;
	unsigned long slot, fn = 0;

	if (!addr)
		return 0;
	slot = strtoul(addr, &end, 16);
	if (*end == '.')
		fn = strtoul(end + 1, &end, 16);
	if (end == addr || *end || slot > 31 || fn > 7) {
		error_setg(err, "%s: bad addr '%s' (slot[.function])", cls, addr);
		return -EINVAL;
	}
	*devfn = slot << 3 | fn;
	return 0;
}

static char *nic_rom_find(const char *name)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(nic_rom_dirs); i++) {
		char *p = g_build_filename(nic_rom_dirs[i], name, NULL);

		if (g_file_test(p, G_FILE_TEST_EXISTS))
			return p;
		g_free(p);
	}
	return NULL;
}

int nic_rom_load(struct nic_rom *rom, struct pci_device *pci, const char *romfile,
		 const char *def_name, GError **err)
{
	char *path = romfile ? g_strdup(romfile) : nic_rom_find(def_name);
	gchar *data = NULL;
	gsize len;
	size_t size = 0x800;
	int ret = 0;

	rom->data = NULL;
	if (romfile && !*romfile)
		goto out;
	if (!path || !g_file_get_contents(path, &data, &len, NULL)) {
		error_setg(err, "failed to find romfile \"%s\"", romfile ? romfile : def_name);
		ret = -ENOENT;
		goto out;
	}
	if (len == 0 || len > (8u << 20)) {
		error_setg(err, "%s: option ROM %s has a bad size", pci->dev.cls->name, path);
		ret = -EINVAL;
		goto out;
	}
	while (size < len)
		size <<= 1;
	rom->data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rom->data == MAP_FAILED) {
		rom->data = NULL;
		error_setg(err, "%s: out of memory for the ROM", pci->dev.cls->name);
		ret = -ENOMEM;
		goto out;
	}
	memcpy(rom->data, data, len);
	rom->size = size;
	mr_init_ram(&rom->region, "nic.rom", size, rom->data, true);
	pci_register_bar(pci, PCI_ROM_SLOT, PCI_BAR_MEM32, false, &rom->region);
out:
	g_free(data);
	g_free(path);
	return ret;
}

void nic_rom_free(struct nic_rom *rom)
{
	if (!rom->data)
		return;
	as_del(&rom->region);
	munmap(rom->data, rom->size);
	rom->data = NULL;
}

/* ---- transmit scheduling ---- */

static gboolean nic_bh_run(gpointer opaque)
{
	struct nic_bh *bh = opaque;

	machine_lock(bh->m);
	if (bh->src) {
		g_source_unref(bh->src);
		bh->src = NULL;
		bh->fn(bh->opaque);
	}
	machine_unlock(bh->m);
	return G_SOURCE_REMOVE;
}

void nic_bh_init(struct nic_bh *bh, struct machine *m, void (*fn)(void *), void *opaque)
{
	bh->src = NULL;
	bh->m = m;
	bh->fn = fn;
	bh->opaque = opaque;
}

void nic_bh_schedule(struct nic_bh *bh)
{
	if (!bh->m->ctx || g_main_context_is_owner(bh->m->ctx)) {
		bh->fn(bh->opaque);
		return;
	}
	if (bh->src)
		return;
	bh->src = g_idle_source_new();
	g_source_set_priority(bh->src, G_PRIORITY_HIGH);
	g_source_set_callback(bh->src, nic_bh_run, bh, NULL);
	g_source_attach(bh->src, bh->m->ctx);
}

void nic_bh_cancel(struct nic_bh *bh)
{
	if (bh->src) {
		g_source_destroy(bh->src);
		g_source_unref(bh->src);
		bh->src = NULL;
	}
}
