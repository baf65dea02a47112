// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Machine description queries for QMP and HMP: query-pci / "info pci"
 * (bus 0 functions, IDs, class, BARs as mapped now, interrupt pin and
 * line), query-target and query-uuid, in QEMU 7.2's shapes and wording.
 * Left out: PCI bridges (kvmpc has none), the full class description
 * table (unknown classes print as "Class xxxx", as in QEMU).
 */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "ui/monitor-int.h"
#include "core/machine.h"
#include "hw/pci/pci.h"

static const struct {
	uint16_t class;
	const char *desc;
} pci_classes[] = {
	{ 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" },
	{ 0x0106, "SATA controller" }, { 0x0180, "Storage controller" },
	{ 0x0200, "Ethernet controller" }, { 0x0280, "Network controller" },
	{ 0x0300, "VGA controller" }, { 0x0380, "Display controller" },
	{ 0x0401, "Audio controller" }, { 0x0403, "Audio controller" },
	{ 0x0500, "RAM controller" }, { 0x0600, "Host bridge" },
	{ 0x0601, "ISA bridge" }, { 0x0604, "PCI bridge" }, { 0x0680, "Bridge" },
	{ 0x0780, "Communication controller" }, { 0x0c03, "USB controller" },
	{ 0x0c05, "SMBus" },
};

static const char *pci_class_desc(uint16_t class)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(pci_classes); i++)
		if (pci_classes[i].class == class)
			return pci_classes[i].desc;
	return NULL;
}

static uint16_t cfg16(const struct pci_device *d, int off)
{
	return d->config[off] | d->config[off + 1] << 8;
}

static JsonNode *pci_region(const struct pci_bar *b, int idx)
{
	JsonObject *o = json_object_new();
	JsonNode *n;

	json_object_set_int_member(o, "bar", idx);
	json_object_set_int_member(o, "size", b->size);
	if (b->type != PCI_BAR_IO) {
		json_object_set_boolean_member(o, "prefetch", b->prefetch);
		json_object_set_boolean_member(o, "mem_type_64", b->type == PCI_BAR_MEM64);
	}
	json_object_set_int_member(o, "address", b->mapped_addr == UINT64_MAX ? -1 :
				   (gint64)b->mapped_addr);
	json_object_set_string_member(o, "type", b->type == PCI_BAR_IO ? "io" : "memory");
	n = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	return n;
}

static JsonObject *pci_function(const struct pci_device *d)
{
	JsonObject *o = json_object_new(), *cls = json_object_new(), *id = json_object_new();
	JsonArray *regions = json_array_new();
	uint16_t class = cfg16(d, PCI_CLASS_DEVICE);
	const char *desc = pci_class_desc(class);
	uint8_t pin = d->config[PCI_INTERRUPT_PIN];

	json_object_set_int_member(o, "irq_pin", pin);
	json_object_set_int_member(o, "bus", 0);
	/* as in QEMU, only -device functions have a qdev id */
	json_object_set_string_member(o, "qdev_id", d->dev.opts && d->dev.id ? d->dev.id : "");
	if (pin)
		json_object_set_int_member(o, "irq", d->config[PCI_INTERRUPT_LINE]);
	json_object_set_int_member(o, "slot", d->devfn >> 3);
	json_object_set_int_member(cls, "class", class);
	if (desc)
		json_object_set_string_member(cls, "desc", desc);
	json_object_set_object_member(o, "class_info", cls);
	json_object_set_int_member(id, "device", cfg16(d, PCI_DEVICE_ID));
	json_object_set_int_member(id, "subsystem-vendor", cfg16(d, PCI_SUBSYSTEM_VENDOR_ID));
	json_object_set_int_member(id, "vendor", cfg16(d, PCI_VENDOR_ID));
	json_object_set_int_member(id, "subsystem", cfg16(d, PCI_SUBSYSTEM_ID));
	json_object_set_object_member(o, "id", id);
	json_object_set_int_member(o, "function", d->devfn & 7);
	for (int i = 0; i < PCI_NUM_BARS; i++)
		if (d->bars[i].size)
			json_array_add_element(regions, pci_region(&d->bars[i], i));
	json_object_set_array_member(o, "regions", regions);
	return o;
}

JsonNode *qmp_query_pci(struct machine *m, JsonObject *a, GError **err)
{
	JsonArray *buses = json_array_new(), *devs = json_array_new();
	JsonObject *bus = json_object_new();
	JsonNode *n;

	for (int devfn = 0; m->pci && devfn < 256; devfn++) {
		struct pci_device *d = pci_bus_find(m->pci, devfn);

		if (d)
			json_array_add_object_element(devs, pci_function(d));
	}
	json_object_set_int_member(bus, "bus", 0);
	json_object_set_array_member(bus, "devices", devs);
	if (m->pci)
		json_array_add_object_element(buses, bus); /* -machine none: no bus */
	else
		json_object_unref(bus);
	n = json_node_init_array(json_node_alloc(), buses);
	json_array_unref(buses);
	return n;
}

JsonNode *qmp_query_target(struct machine *m, JsonObject *a, GError **err)
{
	JsonObject *o = json_object_new();
	JsonNode *n;

	json_object_set_string_member(o, "arch", "x86_64");
	n = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	return n;
}

JsonNode *qmp_query_uuid(struct machine *m, JsonObject *a, GError **err)
{
	JsonObject *o = json_object_new();
	JsonNode *n;

	json_object_set_string_member(o, "UUID", m->cfg->uuid ? m->cfg->uuid :
				      "00000000-0000-0000-0000-000000000000");
	n = json_node_init_object(json_node_alloc(), o);
	json_object_unref(o);
	return n;
}

static void hmp_pci_bar(GString *out, JsonObject *r)
{
	uint64_t addr = json_object_get_int_member(r, "address");
	uint64_t size = json_object_get_int_member(r, "size");

	g_string_append_printf(out, "      BAR%" G_GINT64_FORMAT ": ",
			       json_object_get_int_member(r, "bar"));
	if (!strcmp(json_object_get_string_member(r, "type"), "io"))
		g_string_append_printf(out, "I/O at 0x%04" G_GINT64_MODIFIER "x [0x%04"
				       G_GINT64_MODIFIER "x].\n", addr, addr + size - 1);
	else
		g_string_append_printf(out, "%d bit%s memory at 0x%08" G_GINT64_MODIFIER
				       "x [0x%08" G_GINT64_MODIFIER "x].\n",
				       json_object_get_boolean_member(r, "mem_type_64") ? 64 : 32,
				       json_object_get_boolean_member(r, "prefetch") ?
				       " prefetchable" : "", addr, addr + size - 1);
}

static void hmp_pci_function(GString *out, JsonObject *d)
{
	JsonObject *cls = json_object_get_object_member(d, "class_info");
	JsonObject *id = json_object_get_object_member(d, "id");
	JsonArray *regions = json_object_get_array_member(d, "regions");
	gint64 pin = json_object_get_int_member(d, "irq_pin");

	g_string_append_printf(out, "  Bus %2d, device %3" G_GINT64_FORMAT ", function %"
			       G_GINT64_FORMAT ":\n", 0, json_object_get_int_member(d, "slot"),
			       json_object_get_int_member(d, "function"));
	if (json_object_has_member(cls, "desc"))
		g_string_append_printf(out, "    %s", json_object_get_string_member(cls, "desc"));
	else
		g_string_append_printf(out, "    Class %04" G_GINT64_MODIFIER "x",
				       json_object_get_int_member(cls, "class"));
	g_string_append_printf(out, ": PCI device %04" G_GINT64_MODIFIER "x:%04"
			       G_GINT64_MODIFIER "x\n      PCI subsystem %04" G_GINT64_MODIFIER
			       "x:%04" G_GINT64_MODIFIER "x\n",
			       json_object_get_int_member(id, "vendor"),
			       json_object_get_int_member(id, "device"),
			       json_object_get_int_member(id, "subsystem-vendor"),
			       json_object_get_int_member(id, "subsystem"));
	if (pin)
		g_string_append_printf(out, "      IRQ %" G_GINT64_FORMAT ", pin %c\n",
				       json_object_get_int_member(d, "irq"), (char)('A' + pin - 1));
	for (unsigned i = 0; i < json_array_get_length(regions); i++)
		hmp_pci_bar(out, json_array_get_object_element(regions, i));
	g_string_append_printf(out, "      id \"%s\"\n", json_object_get_string_member(d, "qdev_id"));
}

void hmp_info_pci(struct machine *m, GString *out)
{
	JsonNode *n = qmp_query_pci(m, NULL, NULL);
	JsonArray *buses = json_node_get_array(n);

	for (unsigned b = 0; b < json_array_get_length(buses); b++) {
		JsonArray *devs = json_object_get_array_member(
			json_array_get_object_element(buses, b), "devices");

		for (unsigned i = 0; i < json_array_get_length(devs); i++)
			hmp_pci_function(out, json_array_get_object_element(devs, i));
	}
	json_node_unref(n);
}
