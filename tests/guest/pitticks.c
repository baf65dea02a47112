// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "pitticks" payload: how the PIT's lost ticks are treated (QEMU's
 * kvm-pit.lost_tick_policy, KVM's PIT reinjection).  Channel 0 runs at
 * about 1 kHz (mode 2, divisor 1193) on IRQ 0 through the 8259 (vectors
 * 0x20-0x2f, only IRQ 0 unmasked); the handler counts ticks.  The payload
 * keeps interrupts off for 200 ms (timed on PIT channel 2, which raises
 * no interrupt), so about 200 ticks are missed, then turns them on for
 * 20 ms and prints "pitticks: after=N" with the ticks taken in that
 * window: with delay the missed ones are delivered then (N well above 20),
 * with discard they are dropped (N about 20).  Then it exits through
 * isa-debug-exit (status 1).
 */
#include "rt.h"

#define PIC1 0x20
#define PIC2 0xa0
#define IRQ_BASE 0x20

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));
static volatile uint32_t ticks;

void pit_tick(void);
void pit_fault(void);

/* IRET cannot be emulated here (see tests/guest/uart.c): POPF; RET instead */
__asm__(".text\n"
	".globl pit_tick_stub\n"
	"pit_tick_stub:\n"
	"	pusha\n"
	"	cld\n"
	"	call pit_tick\n"
	"	popa\n"
	"	push %eax\n"
	"	mov 4(%esp), %eax\n"
	"	xchg %eax, 12(%esp)\n"
	"	mov %eax, 8(%esp)\n"
	"	pop %eax\n"
	"	add $4, %esp\n"
	"	popf\n"
	"	ret\n"
	".globl pit_fault_stub\n"
	"pit_fault_stub:\n"
	"	cld\n"
	"	call pit_fault\n"
	"1:	hlt\n"
	"	jmp 1b\n");
void pit_tick_stub(void);
void pit_fault_stub(void);

void pit_tick(void)
{
	ticks++;
	outb(PIC1, 0x20);
}

void pit_fault(void)
{
	rt_puts("pitticks: unexpected exception\n");
	rt_exit(0x7e);
}

static void set_gate(int vec, void (*fn)(void))
{
	uint32_t off = (uint32_t)fn;
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt[vec].off_lo = off & 0xffff;
	idt[vec].off_hi = off >> 16;
	idt[vec].sel = cs;
	idt[vec].zero = 0;
	idt[vec].type = 0x8e;
}

static void setup(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };

	for (int v = 0; v < 256; v++)
		set_gate(v, pit_fault_stub);
	set_gate(IRQ_BASE, pit_tick_stub);
	__asm__ volatile("lidt %0" :: "m"(idtr));
	outb(PIC1, 0x11);
	outb(PIC2, 0x11);
	outb(PIC1 + 1, IRQ_BASE);
	outb(PIC2 + 1, IRQ_BASE + 8);
	outb(PIC1 + 1, 0x04);
	outb(PIC2 + 1, 0x02);
	outb(PIC1 + 1, 0x01);
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, 0xfe);
	outb(PIC2 + 1, 0xff);
	outb(0x43, 0x34); /* channel 0, lo/hi, mode 2 */
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
}

/* Spin for ms milliseconds on PIT channel 2 (mode 0 one-shots, OUT2 in port 0x61 bit 5). */
static void pit2_wait(uint32_t ms)
{
	while (ms) {
		uint32_t chunk = ms > 50 ? 50 : ms;
		uint32_t count = 1193 * chunk;

		outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
		outb(0x43, 0xb0);                       /* channel 2, lo/hi, mode 0 */
		outb(0x42, count & 0xff);
		outb(0x42, count >> 8);
		while (!(inb(0x61) & 0x20))
			;
		ms -= chunk;
	}
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t before, after;

	rt_serial_init();
	setup();
	__asm__ volatile("sti");
	pit2_wait(20);
	__asm__ volatile("cli");
	before = ticks;
	pit2_wait(200);
	ticks = 0;
	__asm__ volatile("sti");
	pit2_wait(20);
	__asm__ volatile("cli");
	after = ticks;
	rt_printf("pitticks: warmup=%u after=%u\n", before, after);
	rt_exit(0);
}
