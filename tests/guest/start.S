/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry point of the multiboot test payloads (Multiboot 1, §3.1/§3.2).
 * The header asks for page-aligned modules and memory information; the
 * ELF program headers give the load address.  We set up our own stack and
 * call guest_main(magic, info), then rt_exit() with its result.  No GDT/IDT is loaded: the payloads run
 * with interrupts off and never reload a segment register.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	cli
	cld
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	call guest_main
	pushl %eax
	call rt_exit
1:	hlt
	jmp 1b

/*
 * void rt_ring3(void (*fn)(void), uint32_t esp): load our flat GDT and
 * continue in fn at CPL 3 with IOPL 3 (ports stay usable), on stack esp.
 * Paging is turned on with an identity map of user 4 MiB pages (the
 * nested KVM here runs user mode natively only with paging), so all
 * memory stays reachable; fn must not return, and no
 * exception may happen in ring 3 (there is no TSS or IDT).
 */
	.globl rt_ring3
rt_ring3:
	movl 4(%esp), %ecx
	movl 8(%esp), %edx
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ss
	/* identity map all 4 GiB with 4 MiB user pages (PSE) */
	movl $rt_page_dir, %edi
	xorl %eax, %eax
2:	movl %eax, %ebx
	shll $22, %ebx
	orl $0x87, %ebx		/* present, writable, user, 4 MiB */
	movl %ebx, (%edi,%eax,4)
	incl %eax
	cmpl $1024, %eax
	jne 2b
	movl %cr4, %eax
	orl $0x10, %eax
	movl %eax, %cr4
	movl %edi, %cr3
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	pushl $0x23		/* user SS */
	pushl %edx		/* user ESP */
	pushl $0x3002		/* EFLAGS: IOPL 3, interrupts off */
	pushl $0x1b		/* user CS */
	pushl %ecx
	movw $0x23, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	iret

	.section .rodata, "a"
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 ring 0 code */
	.quad 0x00cf92000000ffff	/* 0x10 ring 0 data */
	.quad 0x00cffa000000ffff	/* 0x18 ring 3 code */
	.quad 0x00cff2000000ffff	/* 0x20 ring 3 data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt

	.bss
	.balign 4096
rt_page_dir:
	.space 4096
	.balign 16
	.space 16384
stack_top:
