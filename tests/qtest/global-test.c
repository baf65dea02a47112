// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -global DRIVER.PROP=VALUE as a guest sees it, with the same assertions
 * against kvmpc and QEMU: PIIX4_PM.disable_s3/disable_s4/s4_val in fw_cfg
 * "etc/system-states", VGA.vgamem_mb in the size of BAR 0, ide-hd.model in
 * IDENTIFY of a -drive if=ide disk, isa-serial.iobase moving the board's
 * COM port, virtio-blk-pci.disable-legacy on a -drive if=virtio disk (its
 * PCI device id), and a -device line's own property winning over a -global.
 * (Refused globals and their messages: tests/boot/global.sh.)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"
#include "tests/qtest/ide-helpers.h"

#define FW_CTL 0x510
#define FW_DATA 0x511
#define VGA_DEVFN 0x10

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* fw_cfg file NAME into buf (len bytes); false when it is not there. */
static bool fw_file(struct qtest *q, const char *name, uint8_t *buf, uint32_t len)
{
	uint8_t e[64];
	uint32_t n;

	qtest_outw(q, FW_CTL, 0x19);
	for (int i = 0; i < 4; i++)
		e[i] = qtest_inb(q, FW_DATA);
	n = be32(e);
	g_assert_cmpuint(n, <, 1024);
	for (uint32_t i = 0; i < n; i++) {
		for (int j = 0; j < 64; j++)
			e[j] = qtest_inb(q, FW_DATA);
		if (strncmp((const char *)e + 8, name, 56))
			continue;
		g_assert_cmpuint(be32(e), ==, len);
		qtest_outw(q, FW_CTL, e[4] << 8 | e[5]);
		for (uint32_t j = 0; j < len; j++)
			buf[j] = qtest_inb(q, FW_DATA);
		return true;
	}
	return false;
}

static void check_states(const char *args, const uint8_t want[6])
{
	struct qtest *q = qtest_start(args);
	uint8_t st[6];

	g_assert_true(fw_file(q, "etc/system-states", st, 6));
	g_assert_cmpmem(st, 6, want, 6);
	qtest_quit(q);
}

static void test_system_states(void)
{
	/* S0 and S5 always; S3 byte 0x01 = hidden; S4 0x80 | SLP_TYP when offered */
	check_states("-global PIIX4_PM.disable_s3=1",
		     (const uint8_t[6]){ 0x80, 0, 0, 0x01, 0x82, 0x80 });
	check_states("-global PIIX4_PM.disable_s3=1 -global PIIX4_PM.disable_s4=1",
		     (const uint8_t[6]){ 0x80, 0, 0, 0x01, 0x02, 0x80 });
	check_states("-global driver=PIIX4_PM,property=disable_s3,value=1 "
		     "-global PIIX4_PM.s4_val=3",
		     (const uint8_t[6]){ 0x80, 0, 0, 0x01, 0x83, 0x80 });
}

static uint32_t vga_bar0_size(const char *args)
{
	struct qtest *q = qtest_start(args);
	uint32_t v;

	g_assert_cmphex(qtest_pci_readw(q, VGA_DEVFN, 0x0a), ==, 0x0300);
	qtest_pci_writel(q, VGA_DEVFN, 0x10, 0xffffffff);
	v = qtest_pci_readl(q, VGA_DEVFN, 0x10) & ~0xfu;
	qtest_quit(q);
	return ~v + 1;
}

static void test_vgamem(void)
{
	g_assert_cmphex(vga_bar0_size("-vga std"), ==, 16 << 20);
	g_assert_cmphex(vga_bar0_size("-vga std -global VGA.vgamem_mb=8"), ==, 8 << 20);
	g_assert_cmphex(vga_bar0_size("-vga std -global VGA.vgamem_mb=32"), ==, 32 << 20);
}

/* IDENTIFY words 27..46, byte-swapped pairs, trailing blanks cut. */
static void identify_model(struct qtest *q, char *out)
{
	uint16_t w[256];
	int n = 0;

	ide_identify(q, IDE0, IDE0_CTL, 0, 0xec, w);
	for (int i = 27; i < 47; i++) {
		out[n++] = w[i] >> 8;
		out[n++] = w[i] & 0xff;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = 0;
}

static void test_ide_model(void)
{
	char path[] = "/tmp/kvmpc-global-XXXXXX";
	int fd = g_mkstemp(path);
	char *args, model[41];
	struct qtest *q;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, 1 << 20), ==, 0);
	close(fd);
	args = g_strdup_printf("-drive file=%s,format=raw,if=ide -global ide-hd.model=GLOBAL-DISK",
			       path);
	q = qtest_start(args);
	identify_model(q, model);
	g_assert_cmpstr(model, ==, "GLOBAL-DISK");
	qtest_quit(q);
	g_free(args);
	/* a -device line's model= wins over the -global */
	args = g_strdup_printf("-drive file=%s,format=raw,if=none,id=d0 "
			       "-device ide-hd,drive=d0,bus=ide.0,unit=0,model=OWN "
			       "-global ide-hd.model=GLOBAL-DISK", path);
	q = qtest_start(args);
	identify_model(q, model);
	g_assert_cmpstr(model, ==, "OWN");
	qtest_quit(q);
	g_free(args);
	g_unlink(path);
}

/* The device id of the first virtio-blk function on bus 0 (0 if none). */
static uint16_t virtio_blk_id(struct qtest *q)
{
	for (int devfn = 0; devfn < 256; devfn += 8) {
		uint16_t id = qtest_pci_readw(q, devfn, 2);
		if (qtest_pci_readw(q, devfn, 0) == 0x1af4 && (id == 0x1001 || id == 0x1042))
			return id;
	}
	return 0;
}

static void test_virtio_blk_legacy(void)
{
	char path[] = "/tmp/kvmpc-global-XXXXXX";
	int fd = g_mkstemp(path);
	char *args;
	struct qtest *q;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, 1 << 20), ==, 0);
	close(fd);
	args = g_strdup_printf("-drive file=%s,format=raw,if=virtio", path);
	q = qtest_start(args);
	g_assert_cmphex(virtio_blk_id(q), ==, 0x1001); /* transitional */
	qtest_quit(q);
	g_free(args);
	args = g_strdup_printf("-drive file=%s,format=raw,if=virtio "
			       "-global virtio-blk-pci.disable-legacy=on", path);
	q = qtest_start(args);
	g_assert_cmphex(virtio_blk_id(q), ==, 0x1042); /* modern only */
	qtest_quit(q);
	g_free(args);
	g_unlink(path);
}

static void test_serial_iobase(void)
{
	struct qtest *q = qtest_start("-serial null -global isa-serial.iobase=0x2e8");

	/* the scratch register of the one UART moved to 0x2e8 + 7 */
	qtest_outb(q, 0x2ef, 0x5a);
	g_assert_cmphex(qtest_inb(q, 0x2ef), ==, 0x5a);
	qtest_outb(q, 0x3ff, 0xa5);
	g_assert_cmphex(qtest_inb(q, 0x3ff), ==, 0xff);
	qtest_quit(q);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/global/system-states", test_system_states);
	g_test_add_func("/global/vgamem_mb", test_vgamem);
	g_test_add_func("/global/ide-hd-model", test_ide_model);
	g_test_add_func("/global/isa-serial-iobase", test_serial_iobase);
	g_test_add_func("/global/virtio-blk-disable-legacy", test_virtio_blk_legacy);
	return g_test_run();
}
