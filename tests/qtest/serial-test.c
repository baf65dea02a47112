// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 16550A UART through qtest: the SeaBIOS probe (docs/machine-contract.md §6.6),
 * register values after reset, the divisor latch, scratch, loopback, the
 * receive FIFO (trigger level, overrun), the THRE interrupt on IOAPIC input
 * 4, output to a file chardev and both directions over a unix socket
 * chardev.  Everything but the character timeout (needs the virtual clock)
 * runs against QEMU too, with the same assertions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "tests/lib/libqtest.h"

#define COM1 0x3f8
#define COM2 0x2f8
#define RBR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

static struct qtest *start_com1(void)
{
	return qtest_start("-nodefaults -serial null");
}

static char *tmp_path(const char *name)
{
	g_autofree char *dir = g_dir_make_tmp("kvmpc-serial-XXXXXX", NULL);

	g_assert(dir);
	return g_build_filename(dir, name, NULL);
}

static void rm_tmp(char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);

	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
}

static void test_probe(void)
{
	struct qtest *q = start_com1();

	/* What SeaBIOS does at each candidate base. */
	qtest_outb(q, COM1 + IER, 0x02);
	g_assert_cmphex(qtest_inb(q, COM1 + IER), ==, 0x02);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR) & 0x3f, ==, 0x02);
	qtest_outb(q, COM1 + IER, 0x00);
	/* No UART at COM3: the probe must fail there. */
	qtest_outb(q, 0x3e8 + IER, 0x02);
	g_assert_cmphex(qtest_inb(q, 0x3e8 + IER), ==, 0xff);
	qtest_quit(q);
}

static void test_reset_values(void)
{
	struct qtest *q = start_com1();

	g_assert_cmphex(qtest_inb(q, COM1 + IER), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x01);
	g_assert_cmphex(qtest_inb(q, COM1 + LCR), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, COM1 + MCR), ==, 0x08);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0xb0);
	g_assert_cmphex(qtest_inb(q, COM1 + SCR), ==, 0x00);
	/* divisor 12: 9600 baud */
	qtest_outb(q, COM1 + LCR, 0x80);
	g_assert_cmphex(qtest_inb(q, COM1 + 0), ==, 0x0c);
	g_assert_cmphex(qtest_inb(q, COM1 + 1), ==, 0x00);
	qtest_quit(q);
}

static void test_divisor_scratch(void)
{
	struct qtest *q = start_com1();

	qtest_outb(q, COM1 + LCR, 0x83);
	qtest_outb(q, COM1 + 0, 0x01);
	qtest_outb(q, COM1 + 1, 0x02);
	g_assert_cmphex(qtest_inb(q, COM1 + 0), ==, 0x01);
	g_assert_cmphex(qtest_inb(q, COM1 + 1), ==, 0x02);
	g_assert_cmphex(qtest_inb(q, COM1 + LCR), ==, 0x83);
	/* DLAB off: offsets 0/1 are RBR/IER again, the divisor is kept */
	qtest_outb(q, COM1 + LCR, 0x03);
	g_assert_cmphex(qtest_inb(q, COM1 + IER), ==, 0x00);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);
	qtest_outb(q, COM1 + LCR, 0x83);
	g_assert_cmphex(qtest_inb(q, COM1 + 0), ==, 0x01);
	g_assert_cmphex(qtest_inb(q, COM1 + 1), ==, 0x02);
	qtest_outb(q, COM1 + LCR, 0x03);

	qtest_outb(q, COM1 + SCR, 0x5a);
	g_assert_cmphex(qtest_inb(q, COM1 + SCR), ==, 0x5a);
	qtest_outb(q, COM1 + SCR, 0xa5);
	g_assert_cmphex(qtest_inb(q, COM1 + SCR), ==, 0xa5);
	qtest_quit(q);
}

static void test_loopback(void)
{
	struct qtest *q = start_com1();

	qtest_outb(q, COM1 + LCR, 0x03);
	qtest_outb(q, COM1 + MCR, 0x10);
	qtest_outb(q, COM1 + RBR, 'A');
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x61);
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 'A');
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);

	/* Without FIFO a second byte overruns the first. */
	qtest_outb(q, COM1 + RBR, 'B');
	qtest_outb(q, COM1 + RBR, 'C');
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x63);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x61); /* OE cleared by the read */
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 'C');
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);

	/* Modem outputs come back as inputs. */
	qtest_outb(q, COM1 + MCR, 0x11);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0x20);
	qtest_outb(q, COM1 + MCR, 0x12);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0x10);
	qtest_outb(q, COM1 + MCR, 0x14);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0x40);
	qtest_outb(q, COM1 + MCR, 0x18);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0x80);
	qtest_outb(q, COM1 + MCR, 0x1f);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0xf0);
	qtest_outb(q, COM1 + MCR, 0x08);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0xb0);
	qtest_quit(q);
}

static void test_fifo(void)
{
	struct qtest *q = start_com1();

	qtest_outb(q, COM1 + FCR, 0x07);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	qtest_outb(q, COM1 + MCR, 0x10);
	for (int i = 0; i < 16; i++)
		qtest_outb(q, COM1 + RBR, 0x30 + i);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x61);
	/* The 17th byte is lost and flagged; the FIFO keeps the first 16. */
	qtest_outb(q, COM1 + RBR, 0x7e);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x63);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x61);
	for (int i = 0; i < 16; i++)
		g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 0x30 + i);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 0x00); /* empty FIFO */

	/* Clearing the receive FIFO drops what it holds. */
	qtest_outb(q, COM1 + RBR, 0x55);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x61);
	qtest_outb(q, COM1 + FCR, 0x03);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);

	/* FIFO off: IIR bits 7:6 clear again */
	qtest_outb(q, COM1 + FCR, 0x00);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x01);
	qtest_quit(q);
}

static void test_fifo_trigger(void)
{
	struct qtest *q = start_com1();

	qtest_irq_intercept_in(q, "ioapic");
	qtest_outb(q, COM1 + FCR, 0xc7); /* trigger level 14 */
	qtest_outb(q, COM1 + MCR, 0x10);
	qtest_outb(q, COM1 + IER, 0x01);
	for (int i = 0; i < 13; i++)
		qtest_outb(q, COM1 + RBR, i);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_outb(q, COM1 + RBR, 13);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc4);
	g_assert_true(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 0);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_quit(q);
}

static void test_thre_irq(void)
{
	struct qtest *q = start_com1();

	qtest_irq_intercept_in(q, "ioapic");
	g_assert_false(qtest_get_irq(q, 4));
	qtest_outb(q, COM1 + IER, 0x02);
	g_assert_true(qtest_get_irq(q, 4));
	/* Reading IIR reports THRE once and clears it. */
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x02);
	g_assert_false(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x01);
	/* Sending a byte empties THR again: interrupt back. */
	qtest_outb(q, COM1 + RBR, 'x');
	g_assert_true(qtest_get_irq(q, 4));
	qtest_outb(q, COM1 + IER, 0x00);
	g_assert_false(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x01);
	/* Turning THRI on again with THR empty re-arms it. */
	qtest_outb(q, COM1 + IER, 0x02);
	g_assert_true(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x02);
	g_assert_false(qtest_get_irq(q, 4));
	/* Line status beats THRE: an overrun in loopback with IER.RLSI. */
	qtest_outb(q, COM1 + MCR, 0x10);
	qtest_outb(q, COM1 + IER, 0x05);
	qtest_outb(q, COM1 + RBR, 1);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x04);
	qtest_outb(q, COM1 + RBR, 2);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x06);
	g_assert_true(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x63);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x04);
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 2);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x01);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_quit(q);
}

static void test_char_timeout(void)
{
	struct qtest *q = start_com1();

	if (!qtest_has_clock(q)) {
		qtest_quit(q);
		g_test_skip("needs the qtest virtual clock");
		return;
	}
	qtest_irq_intercept_in(q, "ioapic");
	qtest_outb(q, COM1 + FCR, 0xc7);
	qtest_outb(q, COM1 + MCR, 0x10);
	qtest_outb(q, COM1 + IER, 0x01);
	for (int i = 0; i < 3; i++)
		qtest_outb(q, COM1 + RBR, 'a' + i);
	/* 9600 baud 8N1: a character is ~1.04 ms, the timeout four of them */
	qtest_clock_step(q, 1000000);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_clock_step(q, 10000000);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xcc);
	g_assert_true(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 'a');
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_clock_step(q, 10000000);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xcc);
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 'b');
	g_assert_cmphex(qtest_inb(q, COM1 + RBR), ==, 'c');
	qtest_clock_step(q, 10000000);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_quit(q);
}

static void test_register_masks(void)
{
	struct qtest *q = start_com1();

	qtest_irq_intercept_in(q, "ioapic");
	/* IER keeps 4 bits, MCR 5, LCR all 8 */
	qtest_outb(q, COM1 + IER, 0xf0);
	g_assert_cmphex(qtest_inb(q, COM1 + IER), ==, 0x00);
	qtest_outb(q, COM1 + MCR, 0xe8);
	g_assert_cmphex(qtest_inb(q, COM1 + MCR), ==, 0x08);
	qtest_outb(q, COM1 + LCR, 0x7f);
	g_assert_cmphex(qtest_inb(q, COM1 + LCR), ==, 0x7f);
	qtest_outb(q, COM1 + LCR, 0x03);
	/* LSR and MSR ignore writes */
	qtest_outb(q, COM1 + LSR, 0x00);
	qtest_outb(q, COM1 + MSR, 0x00);
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);
	g_assert_cmphex(qtest_inb(q, COM1 + MSR), ==, 0xb0);
	/* Clearing the transmit FIFO re-arms a THRE interrupt read away. */
	qtest_outb(q, COM1 + IER, 0x02);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0x02);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_outb(q, COM1 + FCR, 0x07);
	g_assert_true(qtest_get_irq(q, 4));
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc2);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	/* Rewriting the same IER does not re-arm it (only a 0 -> 1 change). */
	qtest_outb(q, COM1 + IER, 0x02);
	g_assert_cmphex(qtest_inb(q, COM1 + IIR), ==, 0xc1);
	g_assert_false(qtest_get_irq(q, 4));
	qtest_quit(q);
}

static void send_str(struct qtest *q, uint16_t base, const char *s)
{
	for (; *s; s++) {
		g_assert_true(qtest_inb(q, base + LSR) & 0x20);
		qtest_outb(q, base + RBR, *s);
	}
}

static void test_output_file(void)
{
	char *p0 = tmp_path("com1.txt"), *p1 = tmp_path("com2.txt");
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -chardev file,id=s0,path=%s -serial chardev:s0 "
		"-chardev file,id=s1,path=%s -device isa-serial,chardev=s1,iobase=0x2f8,irq=3",
		p0, p1);
	g_autofree char *c0 = NULL, *c1 = NULL;
	struct qtest *q;

	/* A file chardev truncates what was there. */
	g_assert_true(g_file_set_contents(p0, "old contents\n", -1, NULL));
	q = qtest_start(args);
	qtest_outb(q, COM1 + LCR, 0x03);
	send_str(q, COM1, "Hello from COM1\n");
	send_str(q, COM2, "and COM2\n");
	g_assert_cmphex(qtest_inb(q, COM1 + LSR), ==, 0x60);
	g_assert_true(g_file_get_contents(p0, &c0, NULL, NULL));
	g_assert_true(g_file_get_contents(p1, &c1, NULL, NULL));
	g_assert_cmpstr(c0, ==, "Hello from COM1\n");
	g_assert_cmpstr(c1, ==, "and COM2\n");
	qtest_quit(q);
	rm_tmp(p0);
	rm_tmp(p1);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(strlen(path), <, sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	return fd;
}

/* Input is asynchronous: poll LSR.DR for up to 5 s, then read RBR. */
static int recv_byte(struct qtest *q, uint16_t base)
{
	for (int i = 0; i < 5000; i++) {
		if (qtest_inb(q, base + LSR) & 0x01)
			return qtest_inb(q, base + RBR);
		g_usleep(1000);
	}
	return -1;
}

static void sock_expect(int fd, const char *want)
{
	char buf[64] = { 0 };
	size_t got = 0, len = strlen(want);

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		g_assert_cmpint(n, >, 0);
		got += n;
	}
	g_assert_cmpstr(buf, ==, want);
}

static void test_socket_io(void)
{
	char *path = tmp_path("com1.sock");
	g_autofree char *args = g_strdup_printf(
		"-nodefaults -chardev socket,id=s0,path=%s,server=on,wait=off "
		"-serial chardev:s0", path);
	struct qtest *q = qtest_start(args);
	int fd = connect_unix(path);

	/* host -> guest, in order, one byte at a time without FIFO */
	g_assert_cmpint(write(fd, "ping", 4), ==, 4);
	g_assert_cmpint(recv_byte(q, COM1), ==, 'p');
	g_assert_cmpint(recv_byte(q, COM1), ==, 'i');
	g_assert_cmpint(recv_byte(q, COM1), ==, 'n');
	g_assert_cmpint(recv_byte(q, COM1), ==, 'g');
	/* guest -> host */
	send_str(q, COM1, "pong");
	sock_expect(fd, "pong");
	close(fd);

	/* The server takes the next client, and FIFO mode works too. */
	fd = connect_unix(path);
	qtest_outb(q, COM1 + FCR, 0x01);
	g_assert_cmpint(write(fd, "xyz", 3), ==, 3);
	g_assert_cmpint(recv_byte(q, COM1), ==, 'x');
	g_assert_cmpint(recv_byte(q, COM1), ==, 'y');
	g_assert_cmpint(recv_byte(q, COM1), ==, 'z');
	send_str(q, COM1, "ok");
	sock_expect(fd, "ok");
	close(fd);
	qtest_quit(q);
	rm_tmp(path);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/serial/probe", test_probe);
	g_test_add_func("/serial/reset-values", test_reset_values);
	g_test_add_func("/serial/divisor-scratch", test_divisor_scratch);
	g_test_add_func("/serial/loopback", test_loopback);
	g_test_add_func("/serial/fifo", test_fifo);
	g_test_add_func("/serial/fifo-trigger", test_fifo_trigger);
	g_test_add_func("/serial/thre-irq", test_thre_irq);
	g_test_add_func("/serial/register-masks", test_register_masks);
	g_test_add_func("/serial/char-timeout", test_char_timeout);
	g_test_add_func("/serial/output-file", test_output_file);
	g_test_add_func("/serial/socket-io", test_socket_io);
	return g_test_run();
}
