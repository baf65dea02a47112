/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct kernel boot (-kernel, -initrd, -append) for Multiboot 1 kernels
 * and Linux bzImages.  The VMM lays the kernel out in advance and hands
 * one fw_cfg file, "etc/kvmpc/boot", to our own option ROM
 * (pc-bios/kvmpc-boot.S, fw_cfg file "genroms/kvmpc-boot.bin"), which
 * SeaBIOS boots first through the bootorder entry below.  The file format
 * is described in pc-bios/kvmpc-boot.S.
 */
#ifndef HW_I386_KERNEL_LOADER_H
#define HW_I386_KERNEL_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

struct machine;
struct fw_cfg;

#define KERNEL_LOADER_ROM_FILE "genroms/kvmpc-boot.bin"
#define KERNEL_LOADER_BOOT_FILE "etc/kvmpc/boot"
#define KERNEL_LOADER_BOOTORDER "/rom@genroms/kvmpc-boot.bin"

#define KL_BOOT_MAGIC 0x424d564bu /* "KVMB" */
#define KL_MODE_MULTIBOOT 1
#define KL_MODE_LINUX 2
#define KL_MAX_SEGS 8
#define KL_HDR_SIZE (24 + 8 * KL_MAX_SEGS)
/* The top of RAM below 4 GiB is left to SeaBIOS' tables. */
#define KL_TOP_RESERVE 0x40000

/* The option ROM image, generated at build time (pc-bios/pc-bios.mk). */
extern const unsigned char kvmpc_boot_rom[];
extern const size_t kvmpc_boot_rom_size;

struct kernel_loader_params {
	const char *kernel;  /* path, required */
	const char *initrd;  /* Linux: one file; multiboot: "f1 args,f2" */
	const char *append;  /* command line, may be NULL */
	uint64_t ram_below_4g, ram_above_4g;
};

/* Build the contents of etc/kvmpc/boot; NULL with *err set on failure. */
GByteArray *kernel_loader_build(const struct kernel_loader_params *p, GError **err);

/*
 * Load m->cfg->kernel (with initrd/append): adds etc/kvmpc/boot, the ROM
 * as genroms/kvmpc-boot.bin, and a bootorder file whose first line is
 * pc_kernel_bootorder_entry().  Call before fw_cfg_finalize(); a later
 * bootorder written by the board must keep that line first.
 */
int pc_load_kernel(struct machine *m, struct fw_cfg *fw, GError **err);

/* "/rom@genroms/kvmpc-boot.bin": the bootorder line for the kernel ROM. */
const char *pc_kernel_bootorder_entry(void);

#endif
