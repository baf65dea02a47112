/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protected-mode entry of the "linux" test payload, at 0x100000: ESI
 * points at the setup code (and so at the patched boot header at +0x1f1).
 * Clears .bss (the Linux loader copies the file only), sets a stack and
 * calls linux_main(setup), then exits with its result.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $stack_top, %esp
	pushl %esi
	call linux_main
	pushl %eax
	call rt_exit
1:	hlt
	jmp 1b

	.bss
	.balign 16
	.space 8192
stack_top:
