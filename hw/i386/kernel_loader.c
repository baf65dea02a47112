// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Direct kernel boot: -kernel/-initrd/-append for Multiboot 1 kernels
 * (ELF32 or the a.out kludge, Multiboot Specification 0.6.96 §3) and
 * Linux bzImages (Documentation/arch/x86/boot.rst, protocol >= 2.02).
 *
 * The image is laid out here, in the VMM: a list of (address, bytes)
 * segments stored in the fw_cfg file etc/kvmpc/boot, which our option ROM
 * (pc-bios/kvmpc-boot.S) copies into guest RAM by fw_cfg DMA before
 * jumping to the kernel.  Every size and address taken from the files is
 * checked: segments must lie in 0x500-0x9fc00 (below: IVT and BDA;
 * above: EBDA, VGA, ROMs), as QEMU allows, or from 1 MiB up to the end
 * of RAM below 4 GiB minus the KL_TOP_RESERVE bytes kept for SeaBIOS'
 * tables, and must not overlap.
 *
 * Multiboot: command line "<kernel path> <append>", modules from -initrd
 * "file args,file2 args" (a module's string is its whole entry, as QEMU
 * does), memory map built from the PC layout, loader name "kvmpc".
 * Left out: multiboot video mode (flag bit 2 is accepted, no VBE info),
 * a.out symbol tables, 16-bit (zImage) and pre-2.02 Linux kernels, the
 * Linux "vga=" and "mem=" parameters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "core/log.h"
#include "core/rw.h"
#include "core/machine.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/i386/pc.h"
#include "hw/i386/kernel_loader.h"

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_SEARCH 8192
#define MB_FLAG_ALIGN (1u << 0)
#define MB_FLAG_MEMINFO (1u << 1)
#define MB_FLAG_VIDEO (1u << 2)
#define MB_FLAG_AOUT (1u << 16)
#define MB_INFO_SIZE 88
#define MB_LOADER_NAME "kvmpc"

#define LINUX_SETUP_ADDR 0x10000u
#define LINUX_CMDLINE_ADDR 0x20000u
#define LINUX_KERNEL_ADDR 0x100000u
#define LINUX_HEAP_END_PTR 0xfe00u /* as QEMU: cmdline - setup - 0x200 */
#define LINUX_STACK 0xfff0u
#define LINUX_SETUP_MAX 0xf000u

#define LOW_RAM_START 0x500u     /* below: IVT and BIOS data area */
#define LOW_RAM_END 0x9fc00u     /* EBDA and VGA above */
#define HIGH_RAM_START 0x100000u
#define PAGE 4096u

struct kl_seg {
	uint32_t addr;
	GByteArray *data; /* includes zero fill (bss) */
};

struct kl_image {
	const struct kernel_loader_params *p;
	uint64_t ram_top; /* usable end of RAM below 4 GiB */
	uint32_t mode, entry, arg;
	struct kl_seg seg[KL_MAX_SEGS];
	int nseg;
};

static uint16_t rd16(const uint8_t *b) { return b[0] | b[1] << 8; }
static uint32_t rd32(const uint8_t *b) { return rd16(b) | (uint32_t)rd16(b + 2) << 16; }
static void wr16(uint8_t *b, uint16_t v) { b[0] = v; b[1] = v >> 8; }
static void wr32(uint8_t *b, uint32_t v) { wr16(b, v); wr16(b + 2, v >> 16); }

static void put32(GByteArray *a, uint32_t v)
{
	uint8_t b[4];

	wr32(b, v);
	g_byte_array_append(a, b, 4);
}

static void put64(GByteArray *a, uint64_t v)
{
	put32(a, (uint32_t)v);
	put32(a, (uint32_t)(v >> 32));
}

static void pad_to(GByteArray *a, size_t len)
{
	if (a->len < len) {
		size_t old = a->len;

		g_byte_array_set_size(a, len);
		memset(a->data + old, 0, len - old);
	}
}

/* "could not load kernel 'K': <message>" */
static void kl_error(GError **err, const char *kernel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kl_error(GError **err, const char *kernel, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	error_setg(err, "could not load kernel '%s': %s", kernel, msg);
	g_free(msg);
}

/*
 * Read a whole regular file of at most max bytes.  The size is checked
 * before reading, so -kernel /dev/zero or a huge file fails at once.
 */
static int read_file(const char *path, const char *what, uint64_t max,
		     uint8_t **data, size_t *len, GError **err)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		error_setg(err, "could not open %s file '%s': %s", what, path,
			   g_strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error_setg(err, "could not open %s file '%s': not a regular file", what, path);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > max) {
		error_setg(err, "%s file '%s' is too large (%llu bytes) for %llu MiB of RAM",
			   what, path, (unsigned long long)st.st_size,
			   (unsigned long long)(max >> 20));
		close(fd);
		return -EFBIG;
	}
	buf = g_malloc(st.st_size ? st.st_size : 1);
	n = rw_pread_full(fd, buf, st.st_size, 0);
	if (n != st.st_size) {
		e = n < 0 ? -n : EIO;
		error_setg(err, "could not read %s file '%s': %s", what, path, g_strerror(e));
		g_free(buf);
		close(fd);
		return -e;
	}
	close(fd);
	*data = buf;
	*len = n;
	return 0;
}

/* Is [addr, addr+len) inside usable RAM? */
static bool range_ok(const struct kl_image *img, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	if (end < addr)
		return false;
	if (addr >= LOW_RAM_START && end <= LOW_RAM_END)
		return true;
	return addr >= HIGH_RAM_START && end <= img->ram_top;
}

/* What a range that range_ok() refused runs into, for the error. */
static const char *range_why(const struct kl_image *img, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	if (addr < LOW_RAM_START)
		return "overlaps the interrupt vector table and BIOS data area (0x0-0x4ff)";
	if (end > img->ram_top || end < addr)
		return "is outside usable RAM";
	return "overlaps the EBDA, video memory and ROM area (0x9fc00-0xfffff)";
}

/* Add a segment of len bytes at addr: data (may be shorter) then zeros. */
static int add_seg(struct kl_image *img, uint64_t addr, const void *data,
		   size_t dlen, uint64_t len, const char *what, GError **err)
{
	struct kl_seg *s;
	int i;

	if (!range_ok(img, addr, len)) {
		kl_error(err, img->p->kernel, "%s at 0x%llx-0x%llx %s",
			 what, (unsigned long long)addr,
			 (unsigned long long)(addr + len), range_why(img, addr, len));
		return -ERANGE;
	}
	for (i = 0; i < img->nseg; i++) {
		uint64_t a = img->seg[i].addr, e = a + img->seg[i].data->len;

		if (addr < e && a < addr + len) {
			kl_error(err, img->p->kernel,
				 "%s at 0x%llx-0x%llx overlaps another segment",
				 what, (unsigned long long)addr,
				 (unsigned long long)(addr + len));
			return -EINVAL;
		}
	}
	if (img->nseg == KL_MAX_SEGS) {
		kl_error(err, img->p->kernel, "more than %d segments", KL_MAX_SEGS);
		return -E2BIG;
	}
	s = &img->seg[img->nseg++];
	s->addr = (uint32_t)addr;
	s->data = g_byte_array_sized_new(len);
	g_byte_array_append(s->data, data, MIN(dlen, len));
	pad_to(s->data, len);
	return 0;
}

static uint64_t seg_end(const struct kl_image *img)
{
	uint64_t end = HIGH_RAM_START;
	int i;

	for (i = 0; i < img->nseg; i++)
		end = MAX(end, img->seg[i].addr + (uint64_t)img->seg[i].data->len);
	return end;
}

/* ---- Multiboot ---- */

/* Offset of a valid multiboot header in the first 8 KiB, or -1. */
static long mb_find_header(const uint8_t *k, size_t len)
{
	size_t off, lim = MIN(len, (size_t)MB_SEARCH);

	for (off = 0; off + 12 <= lim; off += 4) {
		uint32_t magic = rd32(k + off), flags = rd32(k + off + 4);

		if (magic == MB_HEADER_MAGIC &&
		    (uint32_t)(magic + flags + rd32(k + off + 8)) == 0)
			return (long)off;
	}
	return -1;
}

static int mb_load_elf(struct kl_image *img, const uint8_t *k, size_t len,
		       GError **err)
{
	const char *path = img->p->kernel;
	uint32_t phoff, phentsize, phnum, i, entry;
	bool entry_ok = false;

	if (len < 52 || memcmp(k, "\177ELF", 4) || k[4] != 1 || k[5] != 1 ||
	    rd16(k + 16) != 2 || rd16(k + 18) != 3) {
		kl_error(err, path,
			 "multiboot kernel is not a 32-bit x86 ELF executable and has no a.out kludge");
		return -ENOEXEC;
	}
	entry = rd32(k + 24);
	phoff = rd32(k + 28);
	phentsize = rd16(k + 42);
	phnum = rd16(k + 44);
	if (phentsize < 32 || phnum == 0 ||
	    (uint64_t)phoff + (uint64_t)phentsize * phnum > len) {
		kl_error(err, path, "ELF program headers out of file bounds");
		return -ENOEXEC;
	}
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = k + phoff + i * phentsize;
		uint32_t off = rd32(ph + 4), paddr = rd32(ph + 12);
		uint32_t filesz = rd32(ph + 16), memsz = rd32(ph + 20);
		uint32_t vaddr = rd32(ph + 8);
		int ret;

		if (rd32(ph) != 1 || memsz == 0) /* PT_LOAD only */
			continue;
		if (filesz > memsz || (uint64_t)off + filesz > len) {
			kl_error(err, path, "ELF segment %u out of file bounds", i);
			return -ENOEXEC;
		}
		ret = add_seg(img, paddr, k + off, filesz, memsz, "ELF segment", err);
		if (ret)
			return ret;
		/* the entry may be given as a virtual or a physical address */
		if (entry - paddr < memsz) {
			entry_ok = true;
		} else if (entry - vaddr < memsz) {
			entry = entry - vaddr + paddr;
			entry_ok = true;
		}
	}
	if (!img->nseg || !entry_ok) {
		kl_error(err, path, "%s", img->nseg ?
			 "entry point outside the loaded image" : "no loadable ELF segment");
		return -ENOEXEC;
	}
	img->entry = entry;
	return 0;
}

static int mb_load_aout(struct kl_image *img, const uint8_t *k, size_t len,
			size_t hoff, GError **err)
{
	const char *path = img->p->kernel;
	uint32_t header_addr, load_addr, load_end, bss_end, entry;
	uint64_t file_off, load_len, mem_len;

	if (hoff + 32 > len) {
		kl_error(err, path, "truncated multiboot header");
		return -ENOEXEC;
	}
	header_addr = rd32(k + hoff + 12);
	load_addr = rd32(k + hoff + 16);
	load_end = rd32(k + hoff + 20);
	bss_end = rd32(k + hoff + 24);
	entry = rd32(k + hoff + 28);
	if (header_addr < load_addr || header_addr - load_addr > hoff) {
		kl_error(err, path,
			 "multiboot header_addr 0x%x below load_addr 0x%x or before the file start",
			 header_addr, load_addr);
		return -ENOEXEC;
	}
	file_off = hoff - (header_addr - load_addr);
	load_len = load_end ? (uint64_t)load_end - load_addr : len - file_off;
	if (load_end && load_end < load_addr) {
		kl_error(err, path, "multiboot load_end_addr below load_addr");
		return -ENOEXEC;
	}
	if (file_off + load_len > len) {
		kl_error(err, path, "multiboot load range exceeds the file");
		return -ENOEXEC;
	}
	mem_len = load_len;
	if (bss_end) {
		if (bss_end < load_addr + load_len) {
			kl_error(err, path, "multiboot bss_end_addr below the loaded image");
			return -ENOEXEC;
		}
		mem_len = bss_end - (uint64_t)load_addr;
	}
	if (entry - load_addr >= mem_len) {
		kl_error(err, path, "entry point outside the loaded image");
		return -ENOEXEC;
	}
	img->entry = entry;
	return add_seg(img, load_addr, k + file_off, load_len, mem_len,
		       "multiboot image", err);
}

static void mb_mmap_entry(GByteArray *a, uint64_t addr, uint64_t len, uint32_t type)
{
	put32(a, 20);
	put64(a, addr);
	put64(a, len);
	put32(a, type);
}

/*
 * Modules and the information structure go in one segment after the
 * kernel: modules (page aligned), then info, strings, module list, mmap.
 */
static int mb_build_tail(struct kl_image *img, GError **err)
{
	const struct kernel_loader_params *p = img->p;
	GByteArray *t = g_byte_array_new();
	GByteArray *mods = g_byte_array_new();
	uint64_t base = (seg_end(img) + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	uint64_t below = MIN(p->ram_below_4g, (uint64_t)0xffffffffu);
	gchar **ents = NULL, *cmdline;
	uint32_t info, nmods = 0, flags, mmap_at;
	GPtrArray *mod_strs = g_ptr_array_new_with_free_func(g_free);
	GByteArray *mmap = g_byte_array_new();
	int ret = 0, i;

	if (p->initrd && p->initrd[0])
		ents = g_strsplit(p->initrd, ",", -1);
	for (i = 0; ents && ents[i]; i++) {
		gchar *file = g_strdup(g_strstrip(ents[i])), *sp;
		uint8_t *data;
		size_t len;

		sp = strchr(file, ' ');
		if (sp)
			*sp = '\0';
		ret = read_file(file, "initrd", p->ram_below_4g, &data, &len, err);
		g_free(file);
		if (ret)
			goto out;
		put32(mods, (uint32_t)(base + t->len));
		put32(mods, (uint32_t)(base + t->len + len));
		put32(mods, 0); /* string, patched below */
		put32(mods, 0);
		g_ptr_array_add(mod_strs, g_strdup(ents[i]));
		g_byte_array_append(t, data, len);
		g_free(data);
		pad_to(t, (t->len + PAGE - 1) & ~(PAGE - 1));
		nmods++;
		if (base + t->len > img->ram_top) {
			kl_error(err, p->kernel, "modules do not fit in RAM");
			ret = -E2BIG;
			goto out;
		}
	}

	info = (uint32_t)(base + t->len);
	pad_to(t, t->len + MB_INFO_SIZE);
	flags = (1u << 0) | (1u << 2) | (1u << 6) | (1u << 9);
	wr32(t->data + info - base + 4, 639);  /* mem_lower, KiB */
	/* mem_upper: up to the first hole, i.e. the part kept for SeaBIOS */
	wr32(t->data + info - base + 8, (uint32_t)((img->ram_top - HIGH_RAM_START) >> 10));
	wr32(t->data + info - base + 12, 0xffffffffu); /* boot device: none */

	/* like QEMU: "<kernel> <append>", the space even without -append */
	cmdline = g_strdup_printf("%s %s", p->kernel, p->append ? p->append : "");
	wr32(t->data + info - base + 16, (uint32_t)(base + t->len));
	g_byte_array_append(t, (const uint8_t *)cmdline, strlen(cmdline) + 1);
	g_free(cmdline);
	wr32(t->data + info - base + 64, (uint32_t)(base + t->len));
	g_byte_array_append(t, (const uint8_t *)MB_LOADER_NAME, sizeof(MB_LOADER_NAME));

	for (i = 0; i < (int)nmods; i++) {
		const char *s = g_ptr_array_index(mod_strs, i);

		wr32(mods->data + i * 16 + 8, (uint32_t)(base + t->len));
		g_byte_array_append(t, (const uint8_t *)s, strlen(s) + 1);
	}
	if (nmods) {
		pad_to(t, (t->len + 3) & ~3u);
		flags |= 1u << 3;
		wr32(t->data + info - base + 20, nmods);
		wr32(t->data + info - base + 24, (uint32_t)(base + t->len));
		g_byte_array_append(t, mods->data, mods->len);
	}

	mb_mmap_entry(mmap, 0, LOW_RAM_END, 1);
	mb_mmap_entry(mmap, LOW_RAM_END, 0xa0000 - LOW_RAM_END, 2);
	mb_mmap_entry(mmap, 0xf0000, 0x10000, 2);
	mb_mmap_entry(mmap, HIGH_RAM_START, img->ram_top - HIGH_RAM_START, 1);
	mb_mmap_entry(mmap, img->ram_top, below - img->ram_top, 2);
	mb_mmap_entry(mmap, 0xfeffc000, 0x4000, 2);
	mb_mmap_entry(mmap, 0xfffc0000, 0x40000, 2);
	if (p->ram_above_4g)
		mb_mmap_entry(mmap, 1ull << 32, p->ram_above_4g, 1);
	pad_to(t, (t->len + 3) & ~3u);
	mmap_at = (uint32_t)(base + t->len);
	g_byte_array_append(t, mmap->data, mmap->len);
	wr32(t->data + info - base + 44, mmap->len);
	wr32(t->data + info - base + 48, mmap_at);
	wr32(t->data + info - base, flags);

	img->arg = info;
	ret = add_seg(img, base, t->data, t->len, t->len,
		      "multiboot modules and information", err);
out:
	g_strfreev(ents);
	g_ptr_array_free(mod_strs, TRUE);
	g_byte_array_free(mods, TRUE);
	g_byte_array_free(mmap, TRUE);
	g_byte_array_free(t, TRUE);
	return ret;
}

static int mb_load(struct kl_image *img, const uint8_t *k, size_t len,
		   size_t hoff, GError **err)
{
	uint32_t flags = rd32(k + hoff + 4);
	uint32_t known = MB_FLAG_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_VIDEO;
	int ret;

	if (flags & 0xffff & ~known) {
		kl_error(err, img->p->kernel, "unsupported multiboot header flags 0x%x", flags);
		return -ENOTSUP;
	}
	img->mode = KL_MODE_MULTIBOOT;
	if (flags & MB_FLAG_AOUT)
		ret = mb_load_aout(img, k, len, hoff, err);
	else
		ret = mb_load_elf(img, k, len, err);
	return ret ? ret : mb_build_tail(img, err);
}

/* ---- Linux ---- */

static int linux_load(struct kl_image *img, uint8_t *k, size_t len, GError **err)
{
	const struct kernel_loader_params *p = img->p;
	const char *path = p->kernel;
	uint16_t version = rd16(k + 0x206);
	uint32_t setup_sects = k[0x1f1] ? k[0x1f1] : 4;
	uint32_t setup_size = (setup_sects + 1) * 512, kernel_size, need;
	uint32_t cmdline_max = 255, initrd_max = 0x37ffffff;
	const char *append = p->append ? p->append : "";
	int ret;

	if (version < 0x202) {
		kl_error(err, path, "Linux boot protocol %u.%02u is too old (2.02 needed)",
			 version >> 8, version & 0xff);
		return -ENOTSUP;
	}
	if (!(k[0x211] & 1)) {
		kl_error(err, path, "not a bzImage (zImage is not supported)");
		return -ENOTSUP;
	}
	if (setup_size >= len || setup_size > LINUX_SETUP_MAX) {
		kl_error(err, path, "bad setup size %u", setup_size);
		return -ENOEXEC;
	}
	kernel_size = (uint32_t)(len - setup_size);
	need = kernel_size;
	if (version >= 0x20a)
		need = MAX(need, rd32(k + 0x260)); /* init_size */
	if (version >= 0x206)
		cmdline_max = rd32(k + 0x238);
	if (version >= 0x203 && rd32(k + 0x22c))
		initrd_max = rd32(k + 0x22c);
	if (strlen(append) > cmdline_max) {
		kl_error(err, path, "command line longer than %u bytes", cmdline_max);
		return -E2BIG;
	}
	if ((uint64_t)LINUX_KERNEL_ADDR + need > img->ram_top) {
		kl_error(err, path, "kernel needs %u bytes at 1 MiB, more than RAM", need);
		return -E2BIG;
	}

	k[0x210] = 0xff;                       /* type_of_loader: undefined */
	k[0x211] |= 0x80;                      /* CAN_USE_HEAP */
	wr16(k + 0x224, LINUX_HEAP_END_PTR);
	wr32(k + 0x228, LINUX_CMDLINE_ADDR);
	if (p->initrd && p->initrd[0]) {
		uint8_t *rd;
		size_t rlen;
		uint64_t top = MIN((uint64_t)initrd_max + 1, img->ram_top), addr;

		ret = read_file(p->initrd, "initrd", p->ram_below_4g, &rd, &rlen, err);
		if (ret)
			return ret;
		addr = (top - rlen) & ~(uint64_t)(PAGE - 1);
		if (rlen > top || addr < LINUX_KERNEL_ADDR + (uint64_t)need) {
			kl_error(err, path, "initrd '%s' (%zu bytes) does not fit below 0x%llx",
				 p->initrd, rlen, (unsigned long long)top);
			g_free(rd);
			return -E2BIG;
		}
		wr32(k + 0x218, (uint32_t)addr);
		wr32(k + 0x21c, (uint32_t)rlen);
		ret = add_seg(img, addr, rd, rlen, rlen, "initrd", err);
		g_free(rd);
		if (ret)
			return ret;
	}
	ret = add_seg(img, LINUX_SETUP_ADDR, k, setup_size, setup_size, "setup code", err);
	if (!ret)
		ret = add_seg(img, LINUX_CMDLINE_ADDR, append, strlen(append) + 1,
			      strlen(append) + 1, "command line", err);
	if (!ret)
		ret = add_seg(img, LINUX_KERNEL_ADDR, k + setup_size, kernel_size,
			      kernel_size, "kernel", err);
	img->mode = KL_MODE_LINUX;
	img->entry = LINUX_SETUP_ADDR >> 4;
	img->arg = LINUX_STACK;
	return ret;
}

/* ---- the boot file ---- */

static GByteArray *serialize(const struct kl_image *img, GError **err)
{
	GByteArray *b = g_byte_array_new();
	uint64_t total = KL_HDR_SIZE;
	int i;

	for (i = 0; i < img->nseg; i++)
		total += img->seg[i].data->len;
	if (total > 0xffffffffu) {
		kl_error(err, img->p->kernel, "image too large");
		g_byte_array_free(b, TRUE);
		return NULL;
	}
	put32(b, KL_BOOT_MAGIC);
	put32(b, img->mode);
	put32(b, img->nseg);
	put32(b, img->entry);
	put32(b, img->arg);
	put32(b, 0);
	for (i = 0; i < KL_MAX_SEGS; i++) {
		put32(b, i < img->nseg ? img->seg[i].addr : 0);
		put32(b, i < img->nseg ? img->seg[i].data->len : 0);
	}
	for (i = 0; i < img->nseg; i++)
		g_byte_array_append(b, img->seg[i].data->data, img->seg[i].data->len);
	return b;
}

GByteArray *kernel_loader_build(const struct kernel_loader_params *p, GError **err)
{
	struct kl_image img = { .p = p };
	GByteArray *out = NULL;
	uint8_t *k;
	size_t len;
	long hoff;
	int ret, i;

	if (p->ram_below_4g <= HIGH_RAM_START + KL_TOP_RESERVE) {
		kl_error(err, p->kernel, "not enough RAM");
		return NULL;
	}
	img.ram_top = MIN(p->ram_below_4g, (uint64_t)0xffffffffu) - KL_TOP_RESERVE;
	if (read_file(p->kernel, "kernel", img.ram_top, &k, &len, err))
		return NULL;
	hoff = mb_find_header(k, len);
	if (len >= 0x250 && rd32(k + 0x202) == 0x53726448) /* "HdrS" */
		ret = linux_load(&img, k, len, err);
	else if (hoff >= 0)
		ret = mb_load(&img, k, len, (size_t)hoff, err);
	else {
		kl_error(err, p->kernel, "not a multiboot or Linux kernel");
		ret = -ENOEXEC;
	}
	if (!ret)
		out = serialize(&img, err);
	for (i = 0; i < img.nseg; i++)
		g_byte_array_free(img.seg[i].data, TRUE);
	g_free(k);
	return out;
}

const char *pc_kernel_bootorder_entry(void)
{
	return KERNEL_LOADER_BOOTORDER;
}

int pc_load_kernel(struct machine *m, struct fw_cfg *fw, GError **err)
{
	struct kernel_loader_params p = {
		.kernel = m->cfg->kernel,
		.initrd = m->cfg->initrd,
		.append = m->cfg->append,
		.ram_below_4g = m->ram_below_4g,
		.ram_above_4g = m->ram_above_4g,
	};
	static const char order[] = KERNEL_LOADER_BOOTORDER "\n";
	GByteArray *blob;

	if (!p.kernel)
		return 0;
	if (!p.ram_below_4g) /* RAM not mapped yet: the layout it will have */
		pc_ram_split(m->cfg->ram_size, &p.ram_below_4g, &p.ram_above_4g);
	blob = kernel_loader_build(&p, err);
	if (!blob)
		return -EINVAL;
	fw_cfg_add_file(fw, KERNEL_LOADER_BOOT_FILE, blob->data, blob->len);
	g_byte_array_free(blob, TRUE);
	fw_cfg_add_file(fw, KERNEL_LOADER_ROM_FILE, kvmpc_boot_rom, kvmpc_boot_rom_size);
	fw_cfg_add_file(fw, "bootorder", order, sizeof(order));
	return 0;
}
