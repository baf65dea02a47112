// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runtime for the freestanding test payloads: COM1 output by polling the
 * 16550 LSR (THR empty, bit 5), isa-debug-exit at port 0xf4 (4 bytes wide),
 * a small printf, a "key=value" command-line parser and an xorshift64*
 * PRNG.  No libgcc is available for -m32 here, so 64-bit division is done
 * by hand.  Ring-0 guest code is emulated at ~1 MIPS on the test hosts:
 * everything stays short and simple.
 */
#include <stdarg.h>
#include "rt.h"

#define COM1 0x3f8

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

void rt_serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* IER: no interrupts */
	outb(COM1 + 3, 0x80);	/* LCR: DLAB */
	outb(COM1 + 0, 0x01);	/* divisor 1: 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + 2, 0x07);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR RTS, loopback off */
}

static int use_debugcon;

void rt_set_debugcon(int on)
{
	use_debugcon = on;
}

void rt_putc(char c)
{
	unsigned spins = 0;

	if (use_debugcon) {
		outb(0x402, (uint8_t)c);
		return;
	}
	if (c == '\n')
		rt_putc('\r');
	/* bounded wait: a broken UART must not hang the payload */
	while (!(inb(COM1 + 5) & 0x20) && spins++ < 100000)
		;
	outb(COM1, (uint8_t)c);
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

uint64_t rt_udivmod64(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint64_t q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = (uint32_t)r;
	return q;
}

static void put_num(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;
	uint32_t digit;

	do {
		v = rt_udivmod64(v, base, &digit);
		buf[n++] = "0123456789abcdef"[digit];
	} while (v && n < (int)sizeof(buf));
	while (width-- > n)
		rt_putc(pad);
	while (n)
		rt_putc(buf[--n]);
}

void rt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';
		uint64_t v;

		if (*fmt != '%') {
			rt_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			rt_puts(s ? s : "(null)");
			break;
		}
		case 'c':
			rt_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int32_t i = va_arg(ap, int32_t);

			if (i < 0) {
				rt_putc('-');
				v = (uint64_t)-(int64_t)i;
			} else {
				v = (uint64_t)i;
			}
			put_num(v, 10, width, pad);
			break;
		}
		case 'u':
		case 'x':
			v = longs >= 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
			put_num(v, *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case '%':
			rt_putc('%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			rt_putc('?');
			break;
		}
	}
	va_end(ap);
}

void rt_exit(uint32_t code)
{
	uint16_t cs;

	outl(RT_DEBUG_EXIT_PORT, code);
	/* no debug-exit device: stop here (hlt only in ring 0) */
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (;;) {
		if (cs & 3)
			__asm__ volatile("pause");
		else
			__asm__ volatile("cli; hlt");
	}
}

int rt_cmdline_get(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	if (!p || !len)
		return -1;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t n = 0;

			p += klen + 1;
			while (*p && *p != ' ' && n + 1 < len)
				buf[n++] = *p++;
			buf[n] = '\0';
			return 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

uint32_t rt_strtoul(const char *s, const char **end)
{
	uint32_t v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		uint32_t d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	if (end)
		*end = s;
	return v;
}

uint32_t rt_cmdline_num(const char *cmdline, const char *key, uint32_t def)
{
	char buf[24];

	if (rt_cmdline_get(cmdline, key, buf, sizeof(buf)) || !buf[0])
		return def;
	return rt_strtoul(buf, NULL);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

void rt_srand(uint64_t seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

uint32_t rt_rand(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}

uint32_t rt_rand_below(uint32_t n)
{
	return n ? rt_rand() % n : 0;
}

static void rt_put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void rt_qcow2_header(uint8_t *h, const char *backing)
{
	uint32_t n = 0;

	for (int i = 0; i < 512; i++)
		h[i] = 0;
	h[0] = 'Q', h[1] = 'F', h[2] = 'I', h[3] = 0xfb;
	rt_put_be(h + 4, 3, 4);            /* version */
	rt_put_be(h + 8, 0x100, 8);        /* backing file name offset */
	while (backing[n] && n < 200) {
		h[0x100 + n] = (uint8_t)backing[n];
		n++;
	}
	rt_put_be(h + 16, n, 4);           /* backing file name length */
	rt_put_be(h + 20, 16, 4);          /* cluster bits */
	rt_put_be(h + 24, 1 << 20, 8);     /* virtual size */
	rt_put_be(h + 36, 1, 4);           /* L1 entries */
	rt_put_be(h + 40, 0x30000, 8);     /* L1 table */
	rt_put_be(h + 48, 0x10000, 8);     /* refcount table */
	rt_put_be(h + 56, 1, 4);           /* refcount table clusters */
	rt_put_be(h + 96, 4, 4);           /* refcount order */
	rt_put_be(h + 100, 104, 4);        /* header length */
}
