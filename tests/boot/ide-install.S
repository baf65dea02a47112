/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * El Torito no-emulation boot image for tests/boot/ide-install.sh: started
 * by SeaBIOS from the IDE CD-ROM at 0000:7c00, it "installs" onto the first
 * hard disk the way an installer's boot stage would, through the BIOS:
 * INT 13h AH=43h writes LBA 1 and 2 of drive 0x80, AH=42h reads them back,
 * and AH=42h on the CD (drive DL) reads the ISO block that holds the payload.
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
msg_fail:
	.asciz "ide-install: FAILED\n"
