// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Human monitor commands that look at guest memory and the address maps:
 * "xp /fmt addr" (QEMU's physical memory dump: count, format x d u o c,
 * size b h w g, remembered between calls, 8 or 16 bytes a line, "Cannot
 * access memory" where nothing is mapped) and "info mtree" (the regions
 * of the memory and I/O address spaces, flat, by address).  Reads go
 * through the address space like a CPU's, so MMIO registers are read.
 * Left out: "x" (virtual addresses need the vCPU's page tables), the 'i'
 * (disassembly) format, register expressions in the address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/monitor-int.h"
#include "core/machine.h"
#include "core/memory.h"

#define XP_MAX_ITEMS 65536

struct xp_format {
	unsigned count;
	char fmt;
	unsigned size;
};

/* Parse "/[count][format][size]"; QEMU takes the letters in any order. */
static bool xp_parse(const char *s, struct xp_format *f, GString *out)
{
	char *end;

	f->count = 1;
	if (g_ascii_isdigit(*s)) {
		unsigned long n = strtoul(s, &end, 10);

		f->count = MIN(n, XP_MAX_ITEMS);
		s = end;
	}
	for (; *s; s++) {
		if (strchr("xduoc", *s)) {
			f->fmt = *s;
		} else if (strchr("bhwg", *s)) {
			f->size = *s == 'b' ? 1 : *s == 'h' ? 2 : *s == 'w' ? 4 : 8;
		} else {
			g_string_append_printf(out, "invalid char in format: '%c'\n", *s);
			return false;
		}
	}
	return true;
}

static void xp_char(GString *out, uint8_t c)
{
	switch (c) {
	case '\'': g_string_append(out, " '\\''"); break;
	case '\\': g_string_append(out, " '\\\\'"); break;
	case '\n': g_string_append(out, " '\\n'"); break;
	case '\r': g_string_append(out, " '\\r'"); break;
	default:
		if (c >= 32 && c <= 126)
			g_string_append_printf(out, " '%c'", c);
		else
			g_string_append_printf(out, " '\\x%02x'", c);
	}
}

static void xp_item(GString *out, const struct xp_format *f, uint64_t v)
{
	unsigned bits = f->size * 8;

	switch (f->fmt) {
	case 'x':
		g_string_append_printf(out, " 0x%0*" G_GINT64_MODIFIER "x", f->size * 2, v);
		break;
	case 'o':
		g_string_append_printf(out, " %#*" G_GINT64_MODIFIER "o", (bits + 2) / 3, v);
		break;
	case 'u':
		g_string_append_printf(out, " %*" G_GINT64_MODIFIER "u", (bits * 10 + 32) / 33, v);
		break;
	case 'd':
		g_string_append_printf(out, " %*" G_GINT64_MODIFIER "d", (bits * 10 + 32) / 33,
				       (gint64)v);
		break;
	case 'c':
		xp_char(out, v);
		break;
	}
}

static bool xp_mapped(struct machine *m, uint64_t addr, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (addr + i < addr || !as_find(&m->mem, addr + i))
			return false;
	return true;
}

static void xp_dump(struct machine *m, GString *out, const struct xp_format *f, uint64_t addr)
{
	unsigned line = f->size == 1 ? 8 : 16;
	uint64_t left = (uint64_t)f->count * f->size;

	while (left) {
		unsigned n = MIN(left, line);
		uint8_t buf[16];

		g_string_append_printf(out, "%016" G_GINT64_MODIFIER "x:", addr);
		if (!xp_mapped(m, addr, n)) {
			g_string_append(out, " Cannot access memory\n");
			return;
		}
		as_read_buf(&m->mem, addr, buf, n);
		for (unsigned i = 0; i < n; i += f->size) {
			uint64_t v = 0;

			memcpy(&v, buf + i, f->size); /* little-endian host */
			xp_item(out, f, v);
		}
		g_string_append_c(out, '\n');
		addr += n;
		left -= n;
	}
}

void hmp_xp(struct machine *m, GString *out, char **argv)
{
	struct mon_root *r = m->monitor;
	struct xp_format f = { 1, r ? r->xp_fmt : 'x', r ? r->xp_size : 4 };
	int a = 1;
	char *end;
	uint64_t addr;

	if (argv[1] && argv[1][0] == '/') {
		if (!xp_parse(argv[1] + 1, &f, out)) {
			g_string_append(out, "Try \"help xp\" for more information\n");
			return;
		}
		a = 2;
	}
	if (!argv[a]) {
		g_string_append(out, "unexpected end of expression\n"
				     "Try \"help xp\" for more information\n");
		return;
	}
	addr = strtoull(argv[a], &end, 0);
	if (*end) {
		g_string_append_printf(out, "invalid char '%c' in expression\n", *end);
		return;
	}
	if (f.fmt == 'c')
		f.size = 1;
	if (r) {
		r->xp_fmt = f.fmt;
		r->xp_size = f.size;
	}
	xp_dump(m, out, &f, addr);
}

static void mtree_space(GString *out, struct address_space *as)
{
	g_string_append_printf(out, "address-space: %s\n", as->name);
	for (unsigned i = 0; as->regions && i < as->regions->len; i++) {
		struct mem_region *r = g_ptr_array_index(as->regions, i);
		const char *kind = r->ram ? (r->readonly ? "rom" : "ram") : "i/o";

		g_string_append_printf(out, "  %016" G_GINT64_MODIFIER "x-%016" G_GINT64_MODIFIER
				       "x (prio %d, %s): %s\n", r->addr, r->addr + r->size - 1,
				       r->priority, kind, r->name ? r->name : "");
	}
	g_string_append_c(out, '\n');
}

void hmp_info_mtree(struct machine *m, GString *out)
{
	mtree_space(out, &m->mem);
	mtree_space(out, &m->io);
}
