/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-mode part of the "linux" test payload: a minimal image in the
 * Linux/x86 boot protocol 2.06 format (Documentation/arch/x86/boot.rst),
 * two sectors long (setup_sects = 1), flagged LOADED_HIGH.  The loader
 * enters at setup + 0x200 with CS = seg + 0x20 and DS = ES = SS = seg.
 * This code switches to flat 32-bit protected mode and jumps to the
 * protected-mode part at 0x100000 (linux32.S) with ESI = the setup base,
 * where the header fields the loader patched can be checked.  Data is
 * addressed through DS (offsets from the setup base); code uses only
 * relative jumps, so running at CS = seg + 0x20 is fine.
 */
	.code16
	.text
	.globl _start
_start:
	.org 0x1f1
	.byte 1			/* setup_sects */
	.word 0			/* root_flags */
	.long 0			/* syssize */
	.word 0			/* ram_size */
	.word 0xffff		/* vid_mode */
	.word 0			/* root_dev */
	.word 0xaa55		/* boot_flag */
	/* 0x200: entry */
	jmp setup_entry
	.ascii "HdrS"		/* 0x202 */
	.word 0x0206		/* version */
	.long 0			/* realmode_swtch */
	.word 0x1000		/* start_sys_seg */
	.word 0			/* kernel_version */
	.byte 0			/* 0x210 type_of_loader */
	.byte 0x01		/* 0x211 loadflags: LOADED_HIGH */
	.word 0x8000		/* setup_move_size */
	.long 0x100000		/* 0x214 code32_start */
	.long 0			/* 0x218 ramdisk_image */
	.long 0			/* 0x21c ramdisk_size */
	.long 0			/* bootsect_kludge */
	.word 0			/* 0x224 heap_end_ptr */
	.byte 0, 0		/* ext_loader_ver, ext_loader_type */
	.long 0			/* 0x228 cmd_line_ptr */
	.long 0x37ffffff	/* 0x22c initrd_addr_max */
	.long 0			/* kernel_alignment */
	.byte 0, 0		/* relocatable_kernel, min_alignment */
	.word 0			/* xloadflags */
	.long 2047		/* 0x238 cmdline_size */

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 flat code */
	.quad 0x00cf92000000ffff	/* 0x10 flat data */
gdtr:
	.word 23
	.long 0			/* base, set at run time */
farptr:
	.long 0			/* pm32 linear address, set at run time */
	.word 0x08

setup_entry:
	cli
	cld
	xorl %ebx, %ebx
	movw %ds, %bx
	shll $4, %ebx		/* setup base (linear) */
	leal gdt(%ebx), %eax
	movl %eax, gdtr + 2
	leal pm32(%ebx), %eax
	movl %eax, farptr
	lgdtl gdtr
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *farptr

	.code32
pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl %ebx, %esi
	movl $0x100000, %eax
	jmp *%eax

	.org 1024
