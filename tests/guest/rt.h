/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tiny freestanding runtime for the test payloads: port I/O, COM1 output
 * (polling LSR), isa-debug-exit, a command-line parser, a seeded PRNG and
 * the Multiboot 1 information structure.
 */
#ifndef TESTS_GUEST_RT_H
#define TESTS_GUEST_RT_H

#include <stdint.h>
#include <stddef.h>

#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_INFO_MEM (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)
#define MB_INFO_LOADER (1u << 9)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

/* Port used by isa-debug-exit,iobase=0xf4,iosize=4 */
#define RT_DEBUG_EXIT_PORT 0xf4

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Reset COM1 to 115200 8N1, no loopback, FIFO on. */
void rt_serial_init(void);
void rt_putc(char c);
/* Send rt_putc output to the debug console port 0x402 instead of COM1. */
void rt_set_debugcon(int on);
void rt_puts(const char *s);
/* printf subset: %s %c %d %u %x %08x %lx(=x) %llu %llx %% */
void rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write code to the debug-exit port; kvmpc/QEMU exit with (code << 1) | 1. */
void rt_exit(uint32_t code) __attribute__((noreturn));

/* Find "key=value" in a space-separated command line. */
int rt_cmdline_get(const char *cmdline, const char *key, char *buf, size_t len);
/*
 * Fill the 512-byte h with a qcow2 v3 header (64 KiB clusters, 1 MiB) whose
 * backing file name (at most 200 bytes, at 0x100) is backing: the probe-guard
 * payloads' attack on a probed-raw disk.
 */
void rt_qcow2_header(uint8_t *h, const char *backing);
/* Same, parsed as a number (0x prefix for hex); def when absent. */
uint32_t rt_cmdline_num(const char *cmdline, const char *key, uint32_t def);
uint32_t rt_strtoul(const char *s, const char **end);

/* 64-bit unsigned division (no libgcc for -m32 here); rem may be NULL. */
uint64_t rt_udivmod64(uint64_t n, uint32_t d, uint32_t *rem);

/* xorshift64* PRNG */
void rt_srand(uint64_t seed);
uint32_t rt_rand(void);
/* Uniform-ish in [0, n) (n > 0). */
uint32_t rt_rand_below(uint32_t n);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

/*
 * Continue in fn at CPL 3 with IOPL 3 on the stack ending at esp (guest
 * user mode runs natively on the emulated-KVM hosts).  fn must end with
 * rt_exit(); it may use ports, rdtsc and all memory, but no cli/hlt.
 */
void rt_ring3(void (*fn)(void), uint32_t esp) __attribute__((noreturn));

/* The payload's main, called from start.S with EAX and EBX. */
uint32_t guest_main(uint32_t magic, const struct mb_info *mbi);

#endif
