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

	.bss
	.balign 16
	.space 16384
stack_top:
