/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's firmware configuration interface on ports 0x510 (selector),
 * 0x511 (data) and 0x514 (DMA, big-endian 64-bit address).  Items are
 * numbered keys and named files (directory at key 0x19, keys from 0x20,
 * sorted by name).  All DMA addresses from the guest are checked.
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_DEVICE 0x0c
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_ACPI_TABLES 0x8000
#define FW_CFG_SMBIOS_ENTRIES 0x8001
#define FW_CFG_IRQ0_OVERRIDE 0x8002
#define FW_CFG_E820_TABLE 0x8003

struct machine;
struct fw_cfg;

/*
 * Create and map at 0x510 (and 0x514 with dma, which also sets ID bit 1);
 * registers the device with the machine and sets m->fw_cfg.  Returns NULL,
 * with the error reported, if the ports are taken.
 */
struct fw_cfg *fw_cfg_new(struct machine *m, bool dma);
/* The same, with the failure in *err instead of on stderr. */
struct fw_cfg *fw_cfg_create(struct machine *m, bool dma, GError **err);
/* The data is copied. */
void fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, size_t len);
void fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v);
void fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v);
void fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v);
/* Add or replace a named file; keys are reassigned by name order when the
 * directory is built (at machine start). */
void fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, size_t len);
/*
 * A file the guest may overwrite by DMA (select+write).  After each accepted
 * write, cb (may be NULL) gets the item's data and the range written.
 */
typedef void (*fw_cfg_write_cb)(void *opaque, uint8_t *data, uint32_t off, uint32_t len);
void fw_cfg_add_file_writable(struct fw_cfg *f, const char *name, const void *data,
			      size_t len, fw_cfg_write_cb cb, void *opaque);
/* Build the directory at key 0x19; call once all files are added. */
void fw_cfg_finalize(struct fw_cfg *f);
void fw_cfg_reset(struct fw_cfg *f);
/* Unmap and drop all items; the struct itself belongs to m->devices. */
void fw_cfg_free(struct fw_cfg *f);

#endif
