/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmpc direct kernel boot option ROM.
 *
 * SeaBIOS runs files named genroms/... as option ROMs; this one carries a
 * PnP expansion header with a Boot Entry Vector, so it becomes a boot
 * entry ("/rom@genroms/kvmpc-boot.bin" in the bootorder file).  When
 * booted it looks up the fw_cfg file "etc/kvmpc/boot" (layout below,
 * built by hw/i386/kernel_loader.c), copies each segment to its guest
 * physical address with fw_cfg DMA (so it can fill memory above 1 MiB
 * from real mode), then either
 *   mode 1: enters a Multiboot 1 kernel in flat 32-bit protected mode with
 *           EAX = 0x2BADB002 and EBX = the information structure, or
 *   mode 2: enters a Linux kernel's real-mode setup code at seg+0x20:0
 *           with DS = ES = FS = GS = SS = seg (Linux boot protocol).
 * Named files (not the numeric kernel keys) make the ROM testable on
 * QEMU with -fw_cfg.  Without fw_cfg DMA it prints an error and returns
 * to the BIOS, which tries the next boot device.
 *
 * etc/kvmpc/boot (little-endian):
 *   0 u32 magic "KVMB"   4 u32 mode      8 u32 segment count (<= 8)
 *  12 u32 entry (mode 1: EIP, mode 2: setup segment)
 *  16 u32 arg   (mode 1: EBX, mode 2: SP)   20 u32 reserved
 *  24 8 x { u32 address, u32 size }, then the segments' bytes in order.
 *
 * Facts used: PnP BIOS spec expansion header; QEMU fw_cfg.rst (ports,
 * big-endian DMA descriptor); Multiboot 0.6.96 §3.2; Linux boot.rst.
 * The emulated KVM here cannot execute bswap, so bytes are swapped with
 * xchg/rol.  Scratch memory is a frame on the stack the BIOS booted us
 * with (SS = DS = ES while loading, %bp points at it), so kernels may load
 * anywhere in conventional memory that the BIOS is not using; the GDT is
 * part of this ROM.
 */

#define FW_CFG_CTL 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_DMA_HI 0x514
#define FW_CFG_DMA_LO 0x518
#define FW_CFG_ID 0x01
#define FW_CFG_FILE_DIR 0x19
#define DMA_ERROR 0x01
#define DMA_READ 0x02
#define DMA_SELECT 0x08

/* the stack frame, offsets from %bp */
#define DESC 0			/* 16-byte DMA descriptor */
#define HDR 16			/* 88-byte boot header */
#define HDR_SIZE 88
#define DIRENT 104		/* one 64-byte directory entry */
#define LIN 168			/* linear address of the frame */
#define GDTR 172		/* 6-byte pseudo-descriptor */
#define FARPTR 180		/* 32-bit offset + selector */
#define FRAME 188
#define MAX_SEGS 8
#define BOOT_MAGIC 0x424d564b	/* "KVMB" */

	.code16
	.text
	.globl _start
_start:
	.byte 0x55, 0xaa
	.byte 0			/* size in 512-byte blocks: set by romsum */
	jmp init		/* offset 3: init vector */
	.org 0x18
	.word 0			/* no PCI data structure */
	.org 0x1a
	.word pnp_header

	.balign 16
pnp_header:
	.ascii "$PnP"
	.byte 1			/* revision */
	.byte 2			/* length: 2 x 16 bytes */
	.word 0			/* no next header */
	.byte 0
	.byte 0			/* checksum: set by romsum */
	.long 0			/* device id */
	.word manufacturer
	.word product
	.byte 0, 0, 0		/* device type code */
	.byte 0			/* device indicators */
	.word 0			/* boot connection vector */
	.word 0			/* disconnect vector */
	.word bev		/* boot entry vector */
	.word 0
	.word 0			/* static resource information */

manufacturer:
	.asciz "kvmpc"
product:
	.asciz "kvmpc direct kernel boot"
boot_file:
	.asciz "etc/kvmpc/boot"
msg_nofwcfg:
	.asciz "kvmpc-boot: no fw_cfg DMA interface\r\n"
msg_nofile:
	.asciz "kvmpc-boot: fw_cfg file etc/kvmpc/boot not found\r\n"
msg_badhdr:
	.asciz "kvmpc-boot: bad boot header\r\n"
msg_dmaerr:
	.asciz "kvmpc-boot: fw_cfg DMA error\r\n"
msg_start:
	.asciz "kvmpc-boot: starting kernel\r\n"

init:
	lret

/* %eax <- byte-swapped %eax (no bswap: the emulator lacks it) */
swap32:
	xchgb %al, %ah
	roll $16, %eax
	xchgb %al, %ah
	ret

/* Print the string at %cs:%si on the screen (INT 10h) and port 0x402. */
print:
	pushal
1:	movb %cs:(%si), %al
	testb %al, %al
	jz 2f
	movw $0x402, %dx
	outb %al, %dx
	pushw %si
	movb $0x0e, %ah
	movw $0x0007, %bx
	int $0x10
	popw %si
	incw %si
	jmp 1b
2:	popal
	ret

/* Print %cs:%si to port 0x402 only. */
debug_print:
	pushal
	movw $0x402, %dx
1:	movb %cs:(%si), %al
	testb %al, %al
	jz 2f
	outb %al, %dx
	incw %si
	jmp 1b
2:	popal
	ret

/*
 * One fw_cfg DMA transfer.  In: %ebx control (host order), %ecx length,
 * %edi guest physical address.  Out: CF set on error.  %bp = frame.
 */
fw_dma:
	pushal
	movl %ebx, %eax
	call swap32
	movl %eax, DESC(%bp)
	movl %ecx, %eax
	call swap32
	movl %eax, DESC + 4(%bp)
	movl $0, DESC + 8(%bp)
	movl %edi, %eax
	call swap32
	movl %eax, DESC + 12(%bp)
	xorl %eax, %eax
	movw $FW_CFG_DMA_HI, %dx
	outl %eax, %dx
	movl LIN(%bp), %eax
	addl $DESC, %eax
	call swap32
	movw $FW_CFG_DMA_LO, %dx
	outl %eax, %dx
	movl $0x1000000, %ecx	/* bounded poll */
1:	movl DESC(%bp), %eax
	call swap32
	testl $~DMA_ERROR, %eax
	jz 2f
	loopl 1b
	jmp 3f
2:	testl $DMA_ERROR, %eax
	jnz 3f
	popal
	clc
	ret
3:	popal
	stc
	ret

/* Select key %ax and read 4 bytes from the data port into %eax (LE). */
fw_read32:
	movw $FW_CFG_CTL, %dx
	outw %ax, %dx
	movw $FW_CFG_DATA, %dx
	inb %dx, %al
	movb %al, %bl
	inb %dx, %al
	movb %al, %bh
	inb %dx, %al
	movb %al, %cl
	inb %dx, %al
	movb %al, %ch
	movw %cx, %ax
	shll $16, %eax
	movw %bx, %ax
	ret

/*
 * Find "etc/kvmpc/boot" in the fw_cfg directory.  Out: %ax = key,
 * CF set when absent.
 */
find_file:
	movw $FW_CFG_FILE_DIR, %ax
	call fw_read32
	call swap32
	cmpl $4096, %eax
	jbe 1f
	movl $4096, %eax
1:	movw %ax, %bx		/* entries left */
2:	testw %bx, %bx
	jz 5f
	decw %bx
	movw $FW_CFG_DATA, %dx
	leaw DIRENT(%bp), %di
	movw $64, %cx
	rep insb
	movw $boot_file, %si
	leaw DIRENT + 8(%bp), %di
3:	movb %cs:(%si), %al
	cmpb (%di), %al
	jne 2b
	incw %si
	incw %di
	testb %al, %al
	jnz 3b
	movw DIRENT + 4(%bp), %ax	/* big-endian key */
	xchgb %al, %ah
	clc
	ret
5:	stc
	ret

bev:
	pushfl
	pushal
	pushw %ds
	pushw %es
	cld
	movw %ss, %ax
	movw %ax, %ds
	movw %ax, %es
	subw $FRAME, %sp
	movw %sp, %bp
	movzwl %ax, %eax
	shll $4, %eax
	movzwl %bp, %ecx
	addl %ecx, %eax
	movl %eax, LIN(%bp)

	/* fw_cfg present ("QEMU") with the DMA interface (ID bit 1)? */
	xorw %ax, %ax
	call fw_read32
	cmpl $0x554d4551, %eax
	jne no_fwcfg
	movw $FW_CFG_ID, %ax
	call fw_read32
	testl $2, %eax
	jz no_fwcfg

	call find_file
	jc no_file

	/* header: select the file and read HDR_SIZE bytes */
	movzwl %ax, %ebx
	shll $16, %ebx
	orl $(DMA_SELECT | DMA_READ), %ebx
	movl $HDR_SIZE, %ecx
	movl LIN(%bp), %edi
	addl $HDR, %edi
	call fw_dma
	jc dma_error
	cmpl $BOOT_MAGIC, HDR(%bp)
	jne bad_header
	movl HDR + 8(%bp), %ecx
	cmpl $MAX_SEGS, %ecx
	ja bad_header

	/* segments, continuing the same stream */
	leaw HDR + 24(%bp), %si
1:	jecxz 3f
	pushl %ecx
	movl (%si), %edi
	movl 4(%si), %ecx
	movl $DMA_READ, %ebx
	jecxz 2f
	call fw_dma
2:	popl %ecx
	jc dma_error
	addw $8, %si
	decl %ecx
	jmp 1b
3:
	movl HDR + 4(%bp), %eax
	cmpl $1, %eax
	je boot_multiboot
	cmpl $2, %eax
	je boot_linux
	jmp bad_header

no_fwcfg:
	movw $msg_nofwcfg, %si
	jmp fail
no_file:
	movw $msg_nofile, %si
	jmp fail
bad_header:
	movw $msg_badhdr, %si
	jmp fail
dma_error:
	movw $msg_dmaerr, %si
fail:
	call print
	addw $FRAME, %sp
	popw %es
	popw %ds
	popal
	popfl
	lret

boot_linux:
	movw $msg_start, %si
	call debug_print
	cli
	movl HDR + 12(%bp), %eax	/* setup segment */
	movl HDR + 16(%bp), %ebx	/* stack pointer */
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movw %bx, %sp
	addw $0x20, %ax
	pushw %ax
	pushw $0
	lret

boot_multiboot:
	movw $msg_start, %si
	call debug_print
	cli
	/* the flat GDT in this ROM, at its linear address */
	xorl %edx, %edx
	movw %cs, %dx
	shll $4, %edx
	movw $23, GDTR(%bp)
	leal gdt(%edx), %eax
	movl %eax, GDTR + 2(%bp)
	lgdtl GDTR(%bp)
	/* far pointer to pm32 at its linear address in the ROM */
	leal pm32(%edx), %eax
	movl %eax, FARPTR(%bp)
	movw $0x08, FARPTR + 4(%bp)
	movl HDR + 12(%bp), %ecx	/* entry */
	movl HDR + 16(%bp), %ebx	/* info */
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *FARPTR(%bp)

	.code32
pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $0x2badb002, %eax
	jmp *%ecx

	.code16
	.balign 8
gdt:	/* null, flat code 0x08, flat data 0x10 */
	.long 0, 0
	.long 0x0000ffff, 0x00cf9a00
	.long 0x0000ffff, 0x00cf9200

	.balign 16
	.globl _end_of_rom
_end_of_rom:
