// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Core unit tests without KVM: address-space dispatch (splitting, widening,
 * boundaries, priorities, overlap refusal, unassigned values), the listener
 * that drives KVM memslots, the virtual clock's timer order, vmstate
 * round trips and refusals, and option/size parsing.
 */
#include <errno.h>
#include <string.h>
#include <glib.h>
#include "core/memory.h"
#include "core/opts.h"
#include "core/timer.h"
#include "core/vmstate.h"

struct rec {
	int reads, writes;
	unsigned last_size;
	uint64_t last_addr, last_val;
	uint8_t regs[16];
};

static uint64_t rec_read(void *opaque, uint64_t addr, unsigned size)
{
	struct rec *r = opaque;
	uint64_t v = 0;

	r->reads++;
	r->last_size = size;
	r->last_addr = addr;
	for (unsigned i = 0; i < size && addr + i < 16; i++)
		v |= (uint64_t)r->regs[addr + i] << (8 * i);
	return v;
}

static void rec_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct rec *r = opaque;

	r->writes++;
	r->last_size = size;
	r->last_addr = addr;
	r->last_val = val;
	for (unsigned i = 0; i < size && addr + i < 16; i++)
		r->regs[addr + i] = val >> (8 * i);
}

static const struct mem_ops byte_ops = { rec_read, rec_write, 1, 1 };
static const struct mem_ops dword_ops = { rec_read, rec_write, 4, 4 };

static void test_split(void)
{
	struct address_space as;
	struct mem_region r;
	struct rec rc = { 0 };

	as_init(&as, "io", 0x10000);
	mr_init_io(&r, "bytes", 16, &byte_ops, &rc);
	g_assert_cmpint(as_add(&as, &r, 0x100), ==, 0);
	as_write(&as, 0x100, 0x44332211, 4);
	g_assert_cmpint(rc.writes, ==, 4);
	g_assert_cmpuint(rc.last_size, ==, 1);
	g_assert_cmphex(rc.regs[3], ==, 0x44);
	g_assert_cmphex(as_read(&as, 0x100, 4), ==, 0x44332211);
	g_assert_cmpint(rc.reads, ==, 4);
	as_destroy(&as);
}

static void test_widen(void)
{
	struct address_space as;
	struct mem_region r;
	struct rec rc = { 0 };

	as_init(&as, "io", 0x10000);
	mr_init_io(&r, "dwords", 16, &dword_ops, &rc);
	g_assert_cmpint(as_add(&as, &r, 0x200), ==, 0);
	memcpy(rc.regs, "\x11\x22\x33\x44", 4);
	g_assert_cmphex(as_read(&as, 0x202, 1), ==, 0x33);
	g_assert_cmpuint(rc.last_size, ==, 4);
	g_assert_cmphex(rc.last_addr, ==, 0);
	as_write(&as, 0x201, 0xab, 1);
	g_assert_cmpuint(rc.last_size, ==, 4);
	g_assert_cmphex(rc.last_val, ==, 0xab00);
	as_destroy(&as);
}

static void test_unassigned_and_boundary(void)
{
	struct address_space io, mem;
	struct mem_region r;
	struct rec rc = { 0 };

	as_init(&io, "io", 0x10000);
	as_init(&mem, "memory", UINT64_MAX);
	g_assert_cmphex(as_read(&io, 0x3f8, 1), ==, 0xff);
	g_assert_cmphex(as_read(&io, 0x3f8, 4), ==, 0xffffffff);
	g_assert_cmphex(as_read(&mem, 0xfed00000, 4), ==, 0);
	/* a dword straddling the end of a 2-byte region: bytes from both sides */
	mr_init_io(&r, "two", 2, &byte_ops, &rc);
	as_add(&io, &r, 0x10);
	rc.regs[0] = 0x12;
	rc.regs[1] = 0x34;
	g_assert_cmphex(as_read(&io, 0x10, 4), ==, 0xffff3412);
	as_write(&io, 0x11, 0xffffffff, 4); /* must not reach past the region */
	g_assert_cmpint(rc.writes, ==, 1);
	/* accesses past the address space end are unassigned, not a crash */
	g_assert_cmphex(as_read(&io, 0xffff, 4), ==, 0xffffffff);
	as_destroy(&io);
	as_destroy(&mem);
}

static void test_overlap_priority(void)
{
	struct address_space as;
	struct mem_region a, b, c;
	struct rec ra = { 0 }, rb = { 0 };

	as_init(&as, "io", 0x10000);
	mr_init_io(&a, "a", 8, &byte_ops, &ra);
	mr_init_io(&b, "b", 8, &byte_ops, &rb);
	mr_init_io(&c, "c", 8, &byte_ops, &rb);
	g_assert_cmpint(as_add(&as, &a, 0x300), ==, 0);
	g_assert_cmpint(as_add(&as, &b, 0x304), ==, -EEXIST);
	b.priority = 1;
	g_assert_cmpint(as_add(&as, &b, 0x304), ==, 0);
	g_assert_cmpint(as_add(&as, &b, 0x400), ==, -EBUSY);
	rb.regs[0] = 0x77;
	ra.regs[4] = 0x11;
	g_assert_cmphex(as_read(&as, 0x304, 1), ==, 0x77);
	as_del(&b);
	g_assert_cmphex(as_read(&as, 0x304, 1), ==, 0x11);
	g_assert_cmpint(as_add(&as, &c, 0xfffc), ==, -EINVAL);
	as_destroy(&as);
}

struct slots {
	int adds, dels;
	uint64_t last_addr;
};

static void l_add(void *o, struct mem_region *r)
{
	((struct slots *)o)->adds++;
	((struct slots *)o)->last_addr = r->addr;
}

static void l_del(void *o, struct mem_region *r)
{
	((struct slots *)o)->dels++;
}

static void test_ram_listener(void)
{
	struct address_space as;
	struct mem_region ram1, ram2, rom;
	static uint8_t buf[0x3000];
	struct slots s = { 0 };
	struct mem_listener l = { l_add, l_del, &s };

	as_init(&as, "memory", UINT64_MAX);
	as_set_listener(&as, &l);
	mr_init_ram(&ram1, "ram1", 0x1000, buf, false);
	mr_init_ram(&ram2, "ram2", 0x1000, buf + 0x1000, false);
	mr_init_ram(&rom, "rom", 0x1000, buf + 0x2000, true);
	g_assert_cmpint(as_add(&as, &ram1, 0), ==, 0);
	g_assert_cmpint(s.adds, ==, 1);
	/* RAM never overlaps RAM, whatever the priority (KVM slots cannot) */
	ram2.priority = 5;
	g_assert_cmpint(as_add(&as, &ram2, 0x800), ==, -EEXIST);
	g_assert_cmpint(as_add(&as, &rom, 0x1000), ==, 0);
	g_assert_cmpint(as_move(&rom, 0x4000), ==, 0);
	g_assert_cmpint(s.adds, ==, 3);
	g_assert_cmpint(s.dels, ==, 1);
	g_assert_cmphex(s.last_addr, ==, 0x4000);
	/* ROM ignores writes; RAM takes them; DMA pointers only into RAM */
	as_write(&as, 0x4000, 0x55, 1);
	g_assert_cmphex(buf[0x2000], ==, 0);
	as_write(&as, 0x10, 0xaabb, 2);
	g_assert_cmphex(buf[0x10], ==, 0xbb);
	g_assert_nonnull(as_ram_ptr(&as, 0x0, 0x1000));
	g_assert_null(as_ram_ptr(&as, 0x800, 0x1000));
	g_assert_null(as_ram_ptr(&as, 0x4000, 4));
	g_assert_null(as_ram_ptr(&as, UINT64_MAX - 2, 8));
	as_destroy(&as);
	g_assert_cmpint(s.dels, ==, 3);
}

static GString *fired;

static void fire(void *opaque)
{
	g_string_append(fired, opaque);
}

static void test_timers(void)
{
	struct vclock c;
	struct timer a, b, d;

	fired = g_string_new(NULL);
	vclock_init(&c, true, NULL, NULL);
	timer_init(&a, &c, fire, "a");
	timer_init(&b, &c, fire, "b");
	timer_init(&d, &c, fire, "d");
	timer_mod(&a, 300);
	timer_mod(&b, 100);
	timer_mod(&d, 200);
	timer_del(&d);
	g_assert_cmpint(vclock_next_deadline(&c), ==, 100);
	g_assert_cmpint(vclock_warp(&c, 250), ==, 250);
	g_assert_cmpstr(fired->str, ==, "b");
	g_assert_cmpint(vclock_step_next(&c), ==, 300);
	g_assert_cmpstr(fired->str, ==, "ba");
	g_assert_false(timer_pending(&a));
	g_assert_cmpint(vclock_step_next(&c), ==, 300);
	g_string_free(fired, TRUE);
}

struct dev_state {
	uint8_t a;
	uint16_t b;
	uint32_t arr[3];
	uint64_t big;
	bool flag;
};

static const struct vmstate_field dev_fields[] = {
	VMSTATE_U8(struct dev_state, a), VMSTATE_U16(struct dev_state, b),
	VMSTATE_U32_ARRAY(struct dev_state, arr), VMSTATE_U64(struct dev_state, big),
	VMSTATE_BOOL(struct dev_state, flag), VMSTATE_END,
};
static const struct vmstate_desc dev_vmsd = { "dev", 2, dev_fields, NULL };
static const struct vmstate_desc other_vmsd = { "other", 2, dev_fields, NULL };

static void test_vmstate(void)
{
	struct dev_state s = { 1, 0x203, { 4, 5, 6 }, 0x0102030405060708ULL, true }, t = { 0 };
	GByteArray *buf = g_byte_array_new();
	GError *err = NULL;

	vmstate_save(&dev_vmsd, &s, buf);
	g_assert_cmpint(vmstate_load(&dev_vmsd, &t, buf->data, buf->len, &err), ==, buf->len);
	g_assert_no_error(err);
	g_assert_cmpuint(t.a, ==, 1);
	g_assert_cmphex(t.b, ==, 0x203);
	g_assert_cmpuint(t.arr[2], ==, 6);
	g_assert_cmphex(t.big, ==, 0x0102030405060708ULL);
	g_assert_true(t.flag);
	g_assert_cmpint(vmstate_load(&other_vmsd, &t, buf->data, buf->len, &err), <, 0);
	g_clear_error(&err);
	for (guint cut = 0; cut < buf->len; cut++) {
		g_assert_cmpint(vmstate_load(&dev_vmsd, &t, buf->data, cut, &err), <, 0);
		g_clear_error(&err);
	}
	g_byte_array_free(buf, TRUE);
}

static void test_opts(void)
{
	GError *err = NULL;
	struct opts *o = opts_parse("isa-serial,chardev=s0,iobase=0x2f8,path=a,,b", "driver", &err);
	uint64_t v;
	bool b;

	g_assert_nonnull(o);
	g_assert_cmpstr(opts_get(o, "driver"), ==, "isa-serial");
	g_assert_cmpstr(opts_get(o, "path"), ==, "a,b");
	g_assert_cmpint(opts_get_u64(o, "iobase", 0, &v, &err), ==, 0);
	g_assert_cmphex(v, ==, 0x2f8);
	g_assert_cmpint(opts_check_unused(o, "x", &err), <, 0);
	g_clear_error(&err);
	opts_get(o, "chardev");
	g_assert_cmpint(opts_check_unused(o, "x", &err), ==, 0);
	opts_free(o);
	g_assert_cmpint(parse_size("512", true, &v), ==, 0);
	g_assert_cmpuint(v, ==, 512ULL << 20);
	g_assert_cmpint(parse_size("4G", true, &v), ==, 0);
	g_assert_cmpuint(v, ==, 4ULL << 30);
	g_assert_cmpint(parse_size("1.5k", false, &v), ==, 0);
	g_assert_cmpuint(v, ==, 1536);
	g_assert_cmpint(parse_size("12Q", true, &v), <, 0);
	g_assert_cmpint(parse_size("-1", true, &v), <, 0);
	g_assert_cmpint(parse_size("99999999999T", true, &v), <, 0);
	g_assert_cmpint(parse_bool("on", &b), ==, 0);
	g_assert_true(b);
	g_assert_cmpint(parse_bool("maybe", &b), <, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/memory/split", test_split);
	g_test_add_func("/core/memory/widen", test_widen);
	g_test_add_func("/core/memory/unassigned-boundary", test_unassigned_and_boundary);
	g_test_add_func("/core/memory/overlap-priority", test_overlap_priority);
	g_test_add_func("/core/memory/ram-listener", test_ram_listener);
	g_test_add_func("/core/timer/order", test_timers);
	g_test_add_func("/core/vmstate/roundtrip", test_vmstate);
	g_test_add_func("/core/opts", test_opts);
	return g_test_run();
}
