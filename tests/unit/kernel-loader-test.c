// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The direct kernel boot loader (hw/i386/kernel_loader.c) without a VM:
 * crafted multiboot ELF / a.out-kludge / Linux images are turned into the
 * etc/kvmpc/boot file and its header, segments and multiboot information
 * are checked; broken images (headers out of file bounds, segments in the
 * ROM hole or beyond RAM, overlaps, huge sizes, bad checksums, unknown
 * flags, old or oversized Linux setups, initrds that do not fit) must give
 * a clear error, never a crash.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "hw/i386/kernel_loader.h"

#define RAM (128u << 20)

static char *tmpdir;

static void w16(uint8_t *b, uint16_t v) { b[0] = v; b[1] = v >> 8; }
static void w32(uint8_t *b, uint32_t v) { w16(b, v); w16(b + 2, v >> 16); }
static uint32_t r32(const uint8_t *b) { return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }

static char *write_tmp(const char *name, const void *data, size_t len)
{
	char *path = g_build_filename(tmpdir, name, NULL);

	g_assert_true(g_file_set_contents(path, data, len, NULL));
	return path;
}

/* A multiboot ELF: header at 0x100 (in the segment), one PT_LOAD. */
struct elf_spec {
	uint32_t paddr, filesz, memsz, entry, phoff, mbflags;
	size_t file_len;
	bool bad_checksum;
	int nph;
	uint32_t paddr2; /* second PT_LOAD (if nph == 2) */
};

static uint8_t *make_elf(const struct elf_spec *s, size_t *len)
{
	size_t n = s->file_len ? s->file_len : 0x2000;
	uint8_t *b = g_malloc0(n);
	int i;

	memcpy(b, "\177ELF", 4);
	b[4] = 1; b[5] = 1; b[6] = 1;
	w16(b + 16, 2);
	w16(b + 18, 3);
	w32(b + 24, s->entry);
	w32(b + 28, s->phoff ? s->phoff : 52);
	w16(b + 42, 32);
	w16(b + 44, s->nph ? s->nph : 1);
	for (i = 0; i < (s->nph ? s->nph : 1); i++) {
		uint8_t *ph = b + 52 + 32 * i;

		if (52 + 32 * (i + 1) > (int)n)
			break;
		w32(ph, 1);
		w32(ph + 4, 0x1000);
		w32(ph + 8, i ? s->paddr2 : s->paddr);
		w32(ph + 12, i ? s->paddr2 : s->paddr);
		w32(ph + 16, s->filesz);
		w32(ph + 20, s->memsz);
	}
	if (n >= 0x110) {
		w32(b + 0x100, 0x1BADB002);
		w32(b + 0x104, s->mbflags);
		w32(b + 0x108, -(0x1BADB002u + s->mbflags) + (s->bad_checksum ? 1 : 0));
	}
	*len = n;
	return b;
}

static GByteArray *build(const char *kernel, const char *initrd, const char *append,
			 GError **err)
{
	struct kernel_loader_params p = {
		.kernel = kernel, .initrd = initrd, .append = append,
		.ram_below_4g = RAM,
	};

	return kernel_loader_build(&p, err);
}

static GByteArray *build_elf(const struct elf_spec *s, GError **err)
{
	size_t len;
	uint8_t *b = make_elf(s, &len);
	char *path = write_tmp("k.elf", b, len);
	GByteArray *r = build(path, NULL, "a=b", err);

	g_free(b);
	g_free(path);
	return r;
}

static void expect_elf_error(const struct elf_spec *s, const char *what)
{
	GError *err = NULL;
	GByteArray *r = build_elf(s, &err);

	g_assert_null(r);
	g_assert_nonnull(err);
	if (!strstr(err->message, what))
		g_error("'%s' does not mention '%s'", err->message, what);
	g_error_free(err);
}

static const uint8_t *seg_data(GByteArray *b, int idx)
{
	size_t off = KL_HDR_SIZE;
	int i;

	for (i = 0; i < idx; i++)
		off += r32(b->data + 24 + 8 * i + 4);
	return b->data + off;
}

static void test_multiboot_elf(void)
{
	struct elf_spec s = { .paddr = 0x100000, .filesz = 0x800, .memsz = 0x3000,
			      .entry = 0x100010, .mbflags = 3 };
	size_t len;
	uint8_t *k = make_elf(&s, &len);
	char *kpath = write_tmp("mb.elf", k, len);
	char *m1 = write_tmp("m1.txt", "module one\n", 11);
	char *initrd = g_strdup_printf("%s x y,%s", m1, m1);
	GError *err = NULL;
	GByteArray *b = build(kpath, initrd, "exit=5 foo=bar", &err);
	const uint8_t *tail, *info;
	uint32_t base, infoa, flags, mods, mmap, mmap_len, off;
	char *want;

	g_assert_no_error(err);
	g_assert_nonnull(b);
	g_assert_cmphex(r32(b->data), ==, KL_BOOT_MAGIC);
	g_assert_cmpuint(r32(b->data + 4), ==, KL_MODE_MULTIBOOT);
	g_assert_cmpuint(r32(b->data + 8), ==, 2);
	g_assert_cmphex(r32(b->data + 12), ==, 0x100010);
	g_assert_cmphex(r32(b->data + 24), ==, 0x100000);
	g_assert_cmphex(r32(b->data + 28), ==, 0x3000);
	/* file bytes then zeroed bss */
	g_assert_cmpmem(seg_data(b, 0), 0x800, k + 0x1000, 0x800);
	g_assert_cmpint(seg_data(b, 0)[0x2fff], ==, 0);
	base = r32(b->data + 32);
	g_assert_cmphex(base, ==, 0x103000); /* page aligned after the kernel */
	tail = seg_data(b, 1);
	g_assert_cmpmem(tail, 11, "module one\n", 11);
	infoa = r32(b->data + 16);
	g_assert_cmphex(infoa, >, base);
	info = tail + (infoa - base);
	flags = r32(info);
	g_assert_cmphex(flags & 0x24d, ==, 0x24d); /* mem, cmdline, mods, mmap, name */
	g_assert_cmpuint(r32(info + 4), ==, 639);
	g_assert_cmpuint(r32(info + 8), ==, (RAM - 0x100000 - KL_TOP_RESERVE) >> 10);
	want = g_strdup_printf("%s exit=5 foo=bar", kpath);
	g_assert_cmpstr((const char *)tail + (r32(info + 16) - base), ==, want);
	g_free(want);
	g_assert_cmpstr((const char *)tail + (r32(info + 64) - base), ==, "kvmpc");
	g_assert_cmpuint(r32(info + 20), ==, 2);
	mods = r32(info + 24) - base;
	g_assert_cmphex(r32(tail + mods), ==, base);
	g_assert_cmphex(r32(tail + mods + 4), ==, base + 11);
	g_assert_cmphex(r32(tail + mods + 16), ==, base + 0x1000); /* page aligned */
	want = g_strdup_printf("%s x y", m1);
	g_assert_cmpstr((const char *)tail + (r32(tail + mods + 8) - base), ==, want);
	g_free(want);
	mmap = r32(info + 48) - base;
	mmap_len = r32(info + 44);
	g_assert_cmpuint(mmap_len % 24, ==, 0);
	for (off = 0; off < mmap_len; off += 24) {
		const uint8_t *e = tail + mmap + off;

		g_assert_cmpuint(r32(e), ==, 20);
		if (r32(e + 4) == 0x100000)
			g_assert_cmphex(r32(e + 12), ==, RAM - 0x100000 - KL_TOP_RESERVE);
	}
	g_byte_array_free(b, TRUE);
	g_free(k);
	g_free(kpath);
	g_free(m1);
	g_free(initrd);
}

static void test_elf_errors(void)
{
	struct elf_spec ok = { .paddr = 0x100000, .filesz = 0x800, .memsz = 0x800,
			       .entry = 0x100000, .mbflags = 3 };
	struct elf_spec s;

	s = ok; s.phoff = 0x1ff0;
	expect_elf_error(&s, "program headers out of file bounds");
	s = ok; s.phoff = 0xfffffff0;
	expect_elf_error(&s, "program headers out of file bounds");
	s = ok; s.filesz = 0x1800; s.memsz = 0x1800;
	expect_elf_error(&s, "out of file bounds");
	s = ok; s.filesz = 0x800; s.memsz = 0x400;
	expect_elf_error(&s, "out of file bounds");
	s = ok; s.paddr = 0xb8000; s.entry = 0xb8000;
	expect_elf_error(&s, "overlaps the EBDA, video memory and ROM area");
	s = ok; s.paddr = 0x9f800; s.entry = 0x9f800;
	expect_elf_error(&s, "overlaps the EBDA");
	s = ok; s.paddr = 0x400; s.entry = 0x400;
	expect_elf_error(&s, "overlaps the interrupt vector table and BIOS data area");
	s = ok; s.paddr = RAM - 0x400; s.entry = s.paddr;
	expect_elf_error(&s, "outside usable RAM");
	s = ok; s.memsz = 0xfffff000;
	expect_elf_error(&s, "outside usable RAM");
	s = ok; s.paddr = 0xfffff000; s.entry = s.paddr;
	expect_elf_error(&s, "outside usable RAM");
	s = ok; s.nph = 2; s.paddr2 = 0x100400;
	expect_elf_error(&s, "overlaps");
	s = ok; s.entry = 0x200000;
	expect_elf_error(&s, "entry point outside");
	s = ok; s.mbflags = 3 | 8;
	expect_elf_error(&s, "unsupported multiboot header flags");
	s = ok; s.bad_checksum = true;
	expect_elf_error(&s, "not a multiboot or Linux kernel");
	s = ok; s.nph = 20; s.paddr2 = 0x200000;
	expect_elf_error(&s, "overlaps");
}

/* A kernel in conventional memory (QEMU loads these): 0x500 up to the EBDA. */
static void test_elf_low(void)
{
	static const uint32_t addrs[] = { 0x500, 0x8000, 0x9f000 - 0x3000 };
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(addrs); i++) {
		struct elf_spec s = { .paddr = addrs[i], .filesz = 0x800,
				      .memsz = 0x3000, .entry = addrs[i] + 0x10,
				      .mbflags = 3 };
		GError *err = NULL;
		GByteArray *b = build_elf(&s, &err);

		g_assert_no_error(err);
		g_assert_cmphex(r32(b->data + 12), ==, addrs[i] + 0x10);
		g_assert_cmphex(r32(b->data + 24), ==, addrs[i]);
		/* the information structure still goes above 1 MiB */
		g_assert_cmphex(r32(b->data + 16), >=, 0x100000);
		g_byte_array_free(b, TRUE);
	}
}

static void test_aout_kludge(void)
{
	uint8_t b[0x3000] = { 0 };
	uint32_t flags = 0x10003;
	char *path;
	GError *err = NULL;
	GByteArray *r;

	w32(b + 0x40, 0x1BADB002);
	w32(b + 0x44, flags);
	w32(b + 0x48, -(0x1BADB002u + flags));
	w32(b + 0x4c, 0x200040);	/* header_addr */
	w32(b + 0x50, 0x200000);	/* load_addr */
	w32(b + 0x54, 0x202000);	/* load_end_addr */
	w32(b + 0x58, 0x204000);	/* bss_end_addr */
	w32(b + 0x5c, 0x200060);	/* entry */
	b[0x1fff] = 0x5a;
	path = write_tmp("aout.bin", b, sizeof(b));
	r = build(path, NULL, NULL, &err);
	g_assert_no_error(err);
	g_assert_cmphex(r32(r->data + 12), ==, 0x200060);
	g_assert_cmphex(r32(r->data + 24), ==, 0x200000);
	g_assert_cmphex(r32(r->data + 28), ==, 0x4000);
	g_assert_cmpint(seg_data(r, 0)[0x1fff], ==, 0x5a);
	g_byte_array_free(r, TRUE);
	g_free(path);

	/* load range beyond the file */
	w32(b + 0x54, 0x208000);
	w32(b + 0x58, 0);
	path = write_tmp("aout2.bin", b, sizeof(b));
	r = build(path, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "exceeds the file"));
	g_clear_error(&err);
	g_free(path);

	/* header_addr below load_addr */
	w32(b + 0x4c, 0x100000);
	path = write_tmp("aout3.bin", b, sizeof(b));
	r = build(path, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "header_addr"));
	g_clear_error(&err);
	g_free(path);

	/* truncated header at the end of a small file */
	path = write_tmp("aout4.bin", b + 0x40, 16);
	r = build(path, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "truncated multiboot header"));
	g_clear_error(&err);
	g_free(path);
}

static uint8_t *make_bzimage(size_t *len, uint16_t version, uint8_t setup_sects)
{
	size_t n = 0x4000;
	uint8_t *b = g_malloc0(n);

	b[0x1f1] = setup_sects;
	w16(b + 0x1fe, 0xaa55);
	memcpy(b + 0x202, "HdrS", 4);
	w16(b + 0x206, version);
	b[0x211] = 1;
	w32(b + 0x22c, 0x37ffffff);
	w32(b + 0x238, 64);
	b[0x1000] = 0x77; /* first byte of the protected-mode part for 7 sects */
	*len = n;
	return b;
}

static void test_linux(void)
{
	size_t len;
	uint8_t *k = make_bzimage(&len, 0x20c, 7);
	char *path = write_tmp("bz", k, len);
	char *rd = write_tmp("rd", "initrd!", 7);
	GError *err = NULL;
	GByteArray *r = build(path, rd, "console=ttyS0", &err);
	uint32_t rdaddr;
	const uint8_t *setup;

	g_assert_no_error(err);
	g_assert_cmpuint(r32(r->data + 4), ==, KL_MODE_LINUX);
	g_assert_cmphex(r32(r->data + 12), ==, 0x1000);
	g_assert_cmpuint(r32(r->data + 8), ==, 4);
	/* initrd first, then setup, cmdline, kernel */
	rdaddr = r32(r->data + 24);
	g_assert_cmphex(rdaddr & 0xfff, ==, 0);
	g_assert_cmphex(rdaddr + 7, <=, RAM - KL_TOP_RESERVE);
	g_assert_cmphex(r32(r->data + 32), ==, 0x10000);
	g_assert_cmphex(r32(r->data + 36), ==, 0x1000);
	g_assert_cmphex(r32(r->data + 40), ==, 0x20000);
	g_assert_cmpstr((const char *)seg_data(r, 2), ==, "console=ttyS0");
	g_assert_cmphex(r32(r->data + 48), ==, 0x100000);
	g_assert_cmphex(r32(r->data + 52), ==, len - 0x1000);
	g_assert_cmpint(seg_data(r, 3)[0], ==, 0x77);
	setup = seg_data(r, 1);
	g_assert_cmphex(setup[0x210], ==, 0xff);
	g_assert_cmphex(setup[0x211], ==, 0x81);
	g_assert_cmphex(setup[0x224] | setup[0x225] << 8, ==, 0xfe00);
	g_assert_cmphex(r32(setup + 0x228), ==, 0x20000);
	g_assert_cmphex(r32(setup + 0x218), ==, rdaddr);
	g_assert_cmphex(r32(setup + 0x21c), ==, 7);
	g_byte_array_free(r, TRUE);

	/* command line longer than cmdline_size */
	r = build(path, NULL, "0123456789012345678901234567890123456789012345678901234567890123456789", &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "command line longer"));
	g_clear_error(&err);

	/* initrd_addr_max below the kernel: no room */
	w32(k + 0x22c, 0x100800);
	g_free(path);
	path = write_tmp("bz2", k, len);
	r = build(path, rd, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "does not fit"));
	g_clear_error(&err);

	/* missing initrd */
	w32(k + 0x22c, 0x37ffffff);
	g_free(path);
	path = write_tmp("bz3", k, len);
	r = build(path, "/nonexistent/initrd", NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "could not open initrd file '/nonexistent/initrd'"));
	g_clear_error(&err);
	g_free(path);
	g_free(k);

	/* protocol too old; setup larger than the file */
	k = make_bzimage(&len, 0x201, 7);
	path = write_tmp("bz4", k, len);
	r = build(path, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "too old"));
	g_clear_error(&err);
	g_free(path);
	g_free(k);
	k = make_bzimage(&len, 0x20c, 200);
	path = write_tmp("bz5", k, len);
	r = build(path, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "bad setup size"));
	g_clear_error(&err);
	g_free(path);
	g_free(k);
	g_free(rd);
}

static void test_files(void)
{
	GError *err = NULL;
	GByteArray *r;
	char *path;
	struct kernel_loader_params p = { .kernel = "x", .ram_below_4g = 4 << 20 };
	uint8_t *big;

	r = build("/nonexistent/kernel", NULL, NULL, &err);
	g_assert_null(r);
	g_assert_cmpstr(err->message, ==,
			"could not open kernel file '/nonexistent/kernel': No such file or directory");
	g_clear_error(&err);

	/* devices and directories are refused before reading */
	r = build("/dev/zero", NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "not a regular file"));
	g_clear_error(&err);
	r = build(tmpdir, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "not a regular file"));
	g_clear_error(&err);

	path = write_tmp("empty", "", 0);
	r = build(path, NULL, NULL, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "not a multiboot or Linux kernel"));
	g_clear_error(&err);
	g_free(path);

	/* a kernel larger than RAM */
	big = g_malloc0(5 << 20);
	path = write_tmp("big", big, 5 << 20);
	p.kernel = path;
	r = kernel_loader_build(&p, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "too large"));
	g_clear_error(&err);
	g_free(path);
	g_free(big);

	/* far too little RAM */
	p.ram_below_4g = 1 << 20;
	r = kernel_loader_build(&p, &err);
	g_assert_null(r);
	g_assert_nonnull(strstr(err->message, "not enough RAM"));
	g_clear_error(&err);
}

static void test_rom_image(void)
{
	unsigned sum = 0;
	size_t i;

	g_assert_cmpuint(kvmpc_boot_rom_size % 512, ==, 0);
	g_assert_cmpuint(kvmpc_boot_rom[0], ==, 0x55);
	g_assert_cmpuint(kvmpc_boot_rom[1], ==, 0xaa);
	g_assert_cmpuint(kvmpc_boot_rom[2] * 512u, ==, kvmpc_boot_rom_size);
	for (i = 0; i < kvmpc_boot_rom_size; i++)
		sum += kvmpc_boot_rom[i];
	g_assert_cmpuint(sum & 0xff, ==, 0);
	g_assert_cmpstr(pc_kernel_bootorder_entry(), ==, "/rom@genroms/kvmpc-boot.bin");
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("kvmpc-kl-XXXXXX", NULL);
	g_assert_nonnull(tmpdir);
	g_test_add_func("/kernel-loader/multiboot-elf", test_multiboot_elf);
	g_test_add_func("/kernel-loader/elf-errors", test_elf_errors);
	g_test_add_func("/kernel-loader/elf-low", test_elf_low);
	g_test_add_func("/kernel-loader/aout-kludge", test_aout_kludge);
	g_test_add_func("/kernel-loader/linux", test_linux);
	g_test_add_func("/kernel-loader/files", test_files);
	g_test_add_func("/kernel-loader/rom-image", test_rom_image);
	ret = g_test_run();
	{
		char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			g_printerr("could not remove %s\n", tmpdir);
		g_free(cmd);
	}
	g_free(tmpdir);
	return ret;
}
