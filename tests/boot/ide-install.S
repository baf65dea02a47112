/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * El Torito no-emulation boot image for tests/boot/ide-install.sh: started
 * by SeaBIOS from the IDE CD-ROM at 0000:7c00, it "installs" onto the first
 * hard disk the way an installer's boot stage would, through the BIOS:
 * INT 13h AH=43h writes LBA 1 and 2 of drive 0x80, AH=42h reads them back,
 * and AH=42h on the CD (drive DL) reads the ISO block that holds the payload.
 * Then it drives the controller itself the way an OS driver does: bus-master
 * DMA (BAR4 as SeaBIOS assigned it, bus mastering switched on here) reads
 * LBA 1-2 back and writes the payload to LBA 3-4, and an ATAPI READ(10) by
 * DMA fetches the payload block from the CD again; completion is seen
 * through the BM interrupt bit with IRQ 14/15 enabled.
 * Reports on the debug port 0x402 and leaves through isa-debug-exit (0xf4):
 * 0x10 (status 33) on success, 0x11 (status 35) on any failure.
 */
	.code16
	.text
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7c00, %sp
	sti
	cld
	movb %dl, cd_drive
	movw $msg_start, %si
	call puts

	/* read the payload block (ISO LBA 21, one 2048-byte block) from the CD */
	movb cd_drive, %dl
	movw $dap_cd, %si
	movb $0x42, %ah
	int $0x13
	jc fail

	/* write it to the hard disk, LBA 1..2 (1024 bytes) */
	movb $0x80, %dl
	movw $dap_wr, %si
	movw $0x4300, %ax
	int $0x13
	jc fail

	/* read back into another buffer and compare */
	movb $0x80, %dl
	movw $dap_rd, %si
	movb $0x42, %ah
	int $0x13
	jc fail
	movw $0x8000, %si
	movw $0x9000, %di
	movw $1024, %cx
	repe cmpsb
	jne fail

	movw $msg_ok, %si
	call puts
	call dma_test
	movw $msg_dma, %si
	call puts
	movb $0x10, %al
	outb %al, $0xf4
	jmp halt

fail:
	movw $msg_fail, %si
	call puts
	movb $0x11, %al
	outb %al, $0xf4
halt:
	cli
	hlt
	jmp halt

/* PCI config dword of 00:01.1 at offset %al -> %eax */
pci_read:
	movzbl %al, %eax
	orl $0x80000900, %eax
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	inl %dx, %eax
	ret

/* One bus-master transfer: %al = ATA command, %bl = BM direction bits,
 * %cx = LBA (2 sectors), PRD table at 0x6000 already built. */
dma_cmd:
	pushw %ax
	movw bm_base, %dx
	xorb %al, %al
	outb %al, %dx		/* stop */
	addw $2, %dx
	movb $0x06, %al
	outb %al, %dx		/* clear interrupt and error */
	addw $2, %dx
	movl $0x6000, %eax
	outl %eax, %dx
	movw $0x1f6, %dx
	movb $0xe0, %al
	outb %al, %dx
	movw $0x1f2, %dx
	movb $2, %al
	outb %al, %dx
	incw %dx
	movb %cl, %al
	outb %al, %dx
	incw %dx
	xorb %al, %al
	outb %al, %dx
	incw %dx
	outb %al, %dx
	movw $0x1f7, %dx
	popw %ax
	outb %al, %dx
	movw bm_base, %dx
	movb %bl, %al
	outb %al, %dx		/* start */
	movl $5000000, %ecx
1:	movw bm_base, %dx
	addw $2, %dx
	inb %dx, %al
	testb $0x04, %al
	jnz 2f
	decl %ecx
	jnz 1b
	jmp fail
2:	testb $0x02, %al
	jnz fail
	movw bm_base, %dx
	xorb %al, %al
	outb %al, %dx		/* stop */
	movw $0x1f7, %dx
	inb %dx, %al		/* status: acknowledges IRQ 14 */
	testb $0x89, %al	/* BSY, DRQ, ERR all clear */
	jnz fail
	ret

dma_test:
	movb $0x20, %al		/* BAR4 */
	call pci_read
	andw $0xfffc, %ax
	jz fail
	movw %ax, bm_base
	movb $0x04, %al		/* command register: add bus mastering */
	call pci_read
	orw $0x05, %ax
	outw %ax, %dx
	/* READ DMA of LBA 1-2 into 0xa000 */
	movl $0xa000, 0x6000
	movl $0x80000400, 0x6004
	movb $0xc8, %al
	movb $0x09, %bl
	movw $1, %cx
	call dma_cmd
	movw $0x8000, %si
	movw $0xa000, %di
	movw $1024, %cx
	repe cmpsb
	jne fail
	/* WRITE DMA of the payload to LBA 3-4 */
	movl $0x8000, 0x6000
	movb $0xca, %al
	movb $0x01, %bl
	movw $3, %cx
	call dma_cmd
	call atapi_dma
	ret

/* ATAPI READ(10) of CD block 21 by DMA on the secondary channel into 0xb000 */
atapi_dma:
	movl $0xb000, 0x6100
	movl $0x80000800, 0x6104
	movw bm_base, %dx
	addw $8, %dx
	xorb %al, %al
	outb %al, %dx		/* stop */
	addw $2, %dx
	movb $0x06, %al
	outb %al, %dx
	addw $2, %dx
	movl $0x6100, %eax
	outl %eax, %dx
	movw $0x176, %dx
	movb $0xa0, %al
	outb %al, %dx
	movw $0x171, %dx
	movb $1, %al		/* FEATURES bit 0: DMA */
	outb %al, %dx
	movw $0x174, %dx
	xorb %al, %al
	outb %al, %dx
	incw %dx
	movb $0x08, %al
	outb %al, %dx
	movw $0x177, %dx
	movb $0xa0, %al		/* PACKET */
	outb %al, %dx
	movl $5000000, %ecx
1:	movw $0x376, %dx
	inb %dx, %al
	andb $0x88, %al
	cmpb $0x08, %al		/* DRQ, not BSY: send the CDB */
	je 2f
	decl %ecx
	jnz 1b
	jmp fail
2:	movw $cdb_read, %si
	movw $6, %cx
	movw $0x170, %dx
3:	lodsw
	outw %ax, %dx
	loop 3b
	movw bm_base, %dx
	addw $8, %dx
	movb $0x09, %al
	outb %al, %dx		/* start, device to memory */
	movl $5000000, %ecx
4:	movw bm_base, %dx
	addw $10, %dx
	inb %dx, %al
	testb $0x04, %al
	jnz 5f
	decl %ecx
	jnz 4b
	jmp fail
5:	testb $0x02, %al
	jnz fail
	movw bm_base, %dx
	addw $8, %dx
	xorb %al, %al
	outb %al, %dx
	movl $5000000, %ecx
6:	movw $0x177, %dx
	inb %dx, %al
	testb $0x80, %al
	jz 7f
	decl %ecx
	jnz 6b
	jmp fail
7:	testb $0x09, %al	/* DRQ, CHECK clear */
	jnz fail
	movw $0x8000, %si
	movw $0xb000, %di
	movw $2048, %cx
	repe cmpsb
	jne fail
	ret

puts:
	movw $0x402, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	ret

cd_drive:
	.byte 0
	.balign 2
cdb_read:		/* READ(10), LBA 21, 1 block */
	.byte 0x28, 0, 0, 0, 0, 21, 0, 0, 1, 0, 0, 0
bm_base:
	.word 0
	.balign 4
dap_cd:			/* 1 CD block (2048 bytes) at LBA 21 -> 0000:8000 */
	.byte 16, 0
	.word 1
	.word 0x8000, 0
	.long 21, 0
dap_wr:			/* 2 sectors 0000:8000 -> disk LBA 1 */
	.byte 16, 0
	.word 2
	.word 0x8000, 0
	.long 1, 0
dap_rd:			/* 2 sectors disk LBA 1 -> 0000:9000 */
	.byte 16, 0
	.word 2
	.word 0x9000, 0
	.long 1, 0
msg_start:
	.asciz "ide-install: booted from CD\n"
msg_ok:
	.asciz "ide-install: disk written and verified\n"
msg_dma:
	.asciz "ide-install: bus-master DMA read and write done, ATAPI DMA read done\n"
msg_fail:
	.asciz "ide-install: FAILED\n"
