// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "uart" payload: drives COM1 with interrupts, the way an OS driver does,
 * through the 8259 (remapped to vectors 0x20-0x2f, only IRQ 4 unmasked):
 *   thre    - enabling IER.THRI with THR empty interrupts once; IIR 0xc2
 *   tx      - a line sent one byte per THRE interrupt (each THR write must
 *             give a new edge)
 *   loop    - loopback with IER.RDI: the byte comes back by interrupt
 *   rx      - prints "uart: ready", then takes a line from the host by
 *             RDI/timeout interrupts and answers "uart: echo <LINE>" in
 *             upper case
 * Each step prints "uart: NAME ok" or "uart: NAME FAIL ..."; the exit code
 * (isa-debug-exit) has one bit per failed step, 0 when all passed.
 */
#include "rt.h"

#define COM1 0x3f8
#define PIC1 0x20
#define PIC2 0xa0
#define IRQ_BASE 0x20

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));

static volatile uint32_t irq_count, fault_vector;
static volatile uint8_t last_iir;
static volatile int tx_pos = -1;
static const char *volatile tx_str;
static volatile char rx_buf[128];
static volatile uint32_t rx_len;

void uart_irq(void);
void uart_fault(void);
void uart_spurious(void);

/*
 * Entry stubs: save registers, call C, return.  The return avoids IRET,
 * which the nested KVM here cannot emulate in protected mode (see
 * test-platform.md): the frame (EIP, CS, EFLAGS) becomes (EFLAGS, EIP) and
 * POPF; RET resumes the interrupted code on the same code segment.
 */
#define IRQ_RETURN \
	"	push %eax\n" \
	"	mov 4(%esp), %eax\n" \
	"	xchg %eax, 12(%esp)\n" \
	"	mov %eax, 8(%esp)\n" \
	"	pop %eax\n" \
	"	add $4, %esp\n" \
	"	popf\n" \
	"	ret\n"
__asm__(".text\n"
	".globl uart_irq_stub\n"
	"uart_irq_stub:\n"
	"	pusha\n"
	"	cld\n"
	"	call uart_irq\n"
	"	popa\n"
	IRQ_RETURN
	".globl uart_fault_stub\n"
	"uart_fault_stub:\n"
	"	cld\n"
	"	call uart_fault\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	".globl uart_spurious_stub\n"
	"uart_spurious_stub:\n"
	"	pusha\n"
	"	call uart_spurious\n"
	"	popa\n"
	IRQ_RETURN);
void uart_irq_stub(void);
void uart_fault_stub(void);
void uart_spurious_stub(void);

static void set_gate(int vec, void (*fn)(void))
{
	uint32_t off = (uint32_t)fn;
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt[vec].off_lo = off & 0xffff;
	idt[vec].off_hi = off >> 16;
	idt[vec].sel = cs;
	idt[vec].zero = 0;
	idt[vec].type = 0x8e; /* present, 32-bit interrupt gate */
}

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };

	for (int v = 0; v < 256; v++)
		set_gate(v, uart_fault_stub);
	for (int v = IRQ_BASE; v < IRQ_BASE + 16; v++)
		set_gate(v, uart_spurious_stub);
	set_gate(IRQ_BASE + 4, uart_irq_stub);
	__asm__ volatile("lidt %0" :: "m"(idtr));
}

/* ICW1-4: edge triggered, cascade, vectors 0x20/0x28; then only IRQ 4. */
static void pic_init(void)
{
	outb(PIC1, 0x11);
	outb(PIC2, 0x11);
	outb(PIC1 + 1, IRQ_BASE);
	outb(PIC2 + 1, IRQ_BASE + 8);
	outb(PIC1 + 1, 0x04);
	outb(PIC2 + 1, 0x02);
	outb(PIC1 + 1, 0x01);
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, (uint8_t)~(1 << 4));
	outb(PIC2 + 1, 0xff);
}

void uart_fault(void)
{
	rt_puts("uart: unexpected exception\n");
	rt_exit(0x7e);
}

void uart_spurious(void)
{
	outb(PIC1, 0x20);
}

static void uart_rx_drain(void)
{
	while (inb(COM1 + 5) & 0x01) {
		uint8_t c = inb(COM1);

		if (rx_len < sizeof(rx_buf))
			rx_buf[rx_len++] = c;
	}
}

void uart_irq(void)
{
	uint8_t iir = inb(COM1 + 2);

	irq_count++;
	last_iir = iir;
	switch (iir & 0x0f) {
	case 0x02: /* THR empty: the next byte of tx_str, if sending */
		if (tx_pos >= 0 && tx_str[tx_pos])
			outb(COM1, tx_str[tx_pos++]);
		break;
	case 0x04: /* data at the trigger level */
	case 0x0c: /* character timeout */
		uart_rx_drain();
		break;
	case 0x06:
		inb(COM1 + 5);
		break;
	default:
		break;
	}
	outb(PIC1, 0x20);
}

/* Spin (interrupts on) until *flag != 0 or about `spins` iterations pass. */
static int wait_for(volatile uint32_t *flag, uint32_t spins)
{
	for (uint32_t i = 0; i < spins && !*flag; i++)
		__asm__ volatile("pause");
	return *flag != 0;
}

static int step_thre(void)
{
	irq_count = 0;
	outb(COM1 + 1, 0x02);
	wait_for(&irq_count, 2000000);
	outb(COM1 + 1, 0x00);
	if (irq_count != 1 || last_iir != 0xc2) {
		rt_printf("uart: thre FAIL count=%u iir=%x\n", irq_count, last_iir);
		return 1;
	}
	rt_puts("uart: thre ok\n");
	return 0;
}

static int step_tx(void)
{
	static const char line[] = "uart: tx line sent by interrupts\n";
	uint32_t done = 0;

	irq_count = 0;
	tx_str = line;
	tx_pos = 0;
	outb(COM1 + 1, 0x02); /* the first THRE interrupt sends line[0] */
	for (uint32_t i = 0; i < 20000000 && !done; i++) {
		__asm__ volatile("pause");
		done = !line[tx_pos] && (inb(COM1 + 5) & 0x40);
	}
	for (uint32_t i = 0; i < 100000; i++) /* let the last THRE land */
		__asm__ volatile("pause");
	outb(COM1 + 1, 0x00);
	tx_pos = -1;
	/* one interrupt per byte, plus the last THRE after the final byte */
	if (!done || irq_count != sizeof(line)) {
		rt_printf("uart: tx FAIL done=%u count=%u want=%u\n", done, irq_count,
			  (uint32_t)sizeof(line));
		return 2;
	}
	rt_puts("uart: tx ok\n");
	return 0;
}

static int step_loop(void)
{
	outb(COM1 + 2, 0x07); /* FIFO, trigger level 1 */
	outb(COM1 + 4, 0x18); /* loopback, OUT2 */
	rx_len = 0;
	irq_count = 0;
	outb(COM1 + 1, 0x01);
	outb(COM1, 'Z');
	wait_for(&rx_len, 2000000);
	outb(COM1 + 1, 0x00);
	outb(COM1 + 4, 0x0b);
	/* RDI, or the character timeout if 4 character times passed first */
	if (rx_len != 1 || rx_buf[0] != 'Z' || (last_iir != 0xc4 && last_iir != 0xcc)) {
		rt_printf("uart: loop FAIL len=%u iir=%x\n", rx_len, last_iir);
		return 4;
	}
	rt_puts("uart: loop ok\n");
	return 0;
}

static int rx_has_newline(void)
{
	for (uint32_t i = 0; i < rx_len; i++)
		if (rx_buf[i] == '\n')
			return 1;
	return 0;
}

static int step_rx(void)
{
	uint64_t start;
	uint32_t spins;

	outb(COM1 + 2, 0x87); /* trigger level 8: short lines need the timeout */
	rx_len = 0;
	outb(COM1 + 1, 0x01);
	rt_puts("uart: ready\n");
	start = rdtsc();
	for (spins = 0; !rx_has_newline() && spins < 50000000; spins++)
		__asm__ volatile("pause");
	outb(COM1 + 1, 0x00);
	if (!rx_has_newline()) {
		rt_printf("uart: rx FAIL got %u bytes, %u spins, %llu cycles\n", rx_len,
			  spins, (unsigned long long)(rdtsc() - start));
		return 8;
	}
	rt_puts("uart: echo ");
	for (uint32_t i = 0; i < rx_len && rx_buf[i] != '\n'; i++) {
		char c = rx_buf[i];

		rt_putc(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	rt_putc('\n');
	rt_puts("uart: rx ok\n");
	return 0;
}

uint32_t guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t fails = 0;

	rt_serial_init();
	outb(COM1 + 4, 0x0b); /* DTR, RTS, OUT2 */
	rt_puts("uart: start\n");
	idt_init();
	pic_init();
	__asm__ volatile("sti");
	fails |= step_thre();
	fails |= step_tx();
	fails |= step_loop();
	fails |= step_rx();
	__asm__ volatile("cli");
	rt_printf("uart: done fails=%x\n", fails);
	return fails;
}
