/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 512-byte boot sector for the disk boot tests: loaded by the BIOS at
 * 0x7c00 (INT 19h), prints "kvmpc bootsect: ok" (with the boot drive DL)
 * to the debug port 0x402 and to COM1, then writes 0x10 to isa-debug-exit
 * (iobase 0xf4, iosize 4), so the VMM exits with status 33.  Ends with
 * the 0x55 0xaa signature.
 */
	.code16
	.text
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x7c00, %sp
	cld
	movb %dl, %al
	shrb $4, %al
	call hexdigit
	movb %al, drive_hex
	movb %dl, %al
	andb $0x0f, %al
	call hexdigit
	movb %al, drive_hex + 1
	movw $msg, %si
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $0x402, %dx
	outb %al, %dx
	movw $0x3fd, %dx	/* COM1 LSR: wait for THR empty (bounded) */
	movw $0xffff, %cx
2:	inb %dx, %al
	testb $0x20, %al
	loopz 2b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	movl $0x10, %eax
	outl %eax, $0xf4
4:	hlt
	jmp 4b

hexdigit:
	addb $'0', %al
	cmpb $'9', %al
	jbe 1f
	addb $('a' - '0' - 10), %al
1:	ret

msg:	.ascii "kvmpc bootsect: ok drive=0x"
drive_hex:
	.ascii "??\r\n"
	.byte 0

	.org 510
	.byte 0x55, 0xaa
