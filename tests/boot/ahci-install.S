/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * El Torito no-emulation boot image for tests/boot/ahci-install.sh: started
 * by SeaBIOS from the AHCI CD-ROM (port 1) at 0000:7c00, it "installs" onto
 * the AHCI disk (port 0) through the BIOS, as ide-install.S does over IDE:
 * INT 13h AH=42h reads the payload block from the CD, AH=43h writes it to
 * LBA 1-2 of drive 0x80 and AH=42h reads it back.  Then it drives the HBA
 * itself the way an OS driver does, through the index/data pair in BAR4 (so
 * real mode reaches every register): both ports get a command list, FIS area
 * and command tables in low memory, an NCQ WRITE FPDMA QUEUED (tag 1) puts
 * the payload at LBA 5-6, an NCQ READ FPDMA QUEUED (tag 2) and a READ DMA
 * EXT (slot 0) read LBA 5-6 and 1-2 back, and an ATAPI READ(10) by DMA
 * fetches the payload block from the CD again; each is checked (PxSACT or
 * PxCI, no TFES, the SDB FIS, the data).
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

	movb cd_drive, %dl	/* the payload block (ISO LBA 21) from the CD */
	movw $dap_cd, %si
	movb $0x42, %ah
	int $0x13
	jc fail
	movb $0x80, %dl		/* to the disk, LBA 1..2 */
	movw $dap_wr, %si
	movw $0x4300, %ax
	int $0x13
	jc fail
	movb $0x80, %dl		/* and back into 0x9800 */
	movw $dap_rd, %si
	movb $0x42, %ah
	int $0x13
	jc fail
	movw $0x9800, %di
	movw $1024, %cx
	call same
	movw $msg_ok, %si
	call puts

	call ahci_find
	call ahci_test
	movw $msg_ahci, %si
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

/* Compare %cx bytes at 0x9000 (the payload) with %di; fail if they differ. */
same:
	movw $0x9000, %si
	repe cmpsb
	jne fail
	ret

/* Find 8086:2922 on bus 0; keep its BAR4 (I/O) in idp, enable it. */
ahci_find:
	movl $0x80000000, %ebx
1:	movl %ebx, %eax
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	inl %dx, %eax
	cmpl $0x29228086, %eax
	je 2f
	addl $0x800, %ebx
	cmpl $0x80010000, %ebx
	jb 1b
	jmp fail
2:	leal 0x20(%ebx), %eax
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	inl %dx, %eax
	andw $0xfffc, %ax
	movw %ax, idp
	leal 0x4(%ebx), %eax
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	movw $0x7, %ax
	outw %ax, %dx		/* I/O, memory, bus master */
	ret

/* ABAR register %bx <- %eax, and %eax <- register %bx */
awr:
	pushl %eax
	movzwl %bx, %eax
	movw idp, %dx
	addw $0x10, %dx
	outl %eax, %dx
	popl %eax
	addw $4, %dx
	outl %eax, %dx
	ret
ard:
	movzwl %bx, %eax
	movw idp, %dx
	addw $0x10, %dx
	outl %eax, %dx
	addw $4, %dx
	inl %dx, %eax
	ret

/* Wait until register %bx has none of the bits in %ecx; fail on PxIS.TFES. */
await:
	movl $2000000, %edi
1:	call ard
	testl %ecx, %eax
	jz 2f
	pushw %bx
	andw $0xff80, %bx
	orw $0x10, %bx		/* the same port's PxIS */
	call ard
	popw %bx
	testl $0x40000000, %eax
	jnz fail
	decl %edi
	jnz 1b
	jmp fail
2:	pushw %bx		/* done: no error in PxTFD either */
	andw $0xff80, %bx
	orw $0x20, %bx
	call ard
	popw %bx
	testb $0x81, %al
	jnz fail
	ret

/*
 * Port %bx (0x100 or 0x180): stop it, give it the command list at %si,
 * the FIS area at %si+0x400, clear its errors and start it.
 */
port_setup:
	movw %bx, %bp
	leaw 0x10(%bp), %bx
	movl $0xffffffff, %eax
	call awr		/* PxIS: what the BIOS left */
	leaw 0x18(%bp), %bx
	xorl %eax, %eax
	call awr		/* PxCMD: ST and FRE off */
	movl $0xc000, %ecx	/* CR, FR */
	call await
	movw %bp, %bx
	movzwl %si, %eax
	call awr		/* PxCLB */
	leaw 4(%bp), %bx
	xorl %eax, %eax
	call awr
	leaw 8(%bp), %bx
	movzwl %si, %eax
	addl $0x400, %eax
	call awr		/* PxFB */
	leaw 0xc(%bp), %bx
	xorl %eax, %eax
	call awr
	leaw 0x30(%bp), %bx
	movl $0xffffffff, %eax
	call awr		/* PxSERR */
	leaw 0x10(%bp), %bx
	call awr		/* PxIS */
	leaw 0x18(%bp), %bx
	movl $0x11, %eax
	call awr		/* FRE | ST */
	ret

/*
 * Command slot %cl of the list at %si: header flags %eax (CFL, A, W,
 * PRDTL), table at %di, one PRD of %dx bytes at %bp.  The FIS bytes are
 * written by the caller at (%di) afterwards.
 */
slot_setup:
	pushw %di
	movzbw %cl, %bx
	shlw $5, %bx
	addw %si, %bx
	movl %eax, (%bx)
	movl $0, 4(%bx)
	movzwl %di, %eax
	movl %eax, 8(%bx)
	movl $0, 12(%bx)
	movw $0x90, %cx
	xorb %al, %al
	rep stosb		/* clear the CFIS, ACMD and the PRD */
	popw %di
	movzwl %bp, %eax
	movl %eax, 0x80(%di)
	movzwl %dx, %eax
	decl %eax
	movl %eax, 0x8c(%di)
	movl $0x00008027, (%di)	/* H2D register FIS, command bit */
	ret

/* NCQ command %al (0x60/0x61), tag %cl, LBA 5, 2 sectors, buffer %bp */
ncq_cmd:
	pushw %ax
	pushw %cx
	movw $0xc000, %si
	movw $1024, %dx
	movzbw %cl, %di
	shlw $8, %di
	addw $0xc800, %di
	movl $0x00010005, %eax
	popw %cx
	popw %bx
	pushw %cx
	cmpb $0x61, %bl
	jne 1f
	orb $0x40, %al		/* W */
1:	pushw %bx
	call slot_setup
	popw %bx
	popw %cx
	movb %bl, 2(%di)	/* command */
	movb $2, 3(%di)		/* count (FEATURES) */
	movb $5, 4(%di)		/* LBA 5 */
	movb $0x40, 7(%di)
	movb %cl, %al
	shlb $3, %al
	movb %al, 12(%di)	/* tag */
	movl $1, %eax
	shll %cl, %eax
	pushl %eax
	movw $0x134, %bx
	call awr		/* PxSACT */
	popl %eax
	pushl %eax
	movw $0x138, %bx
	call awr		/* PxCI */
	popl %ecx
	movw $0x134, %bx
	call await		/* the tag leaves PxSACT */
	cmpb $0xa1, 0xc458	/* an SDB FIS arrived */
	jne fail
	ret

ahci_test:
	movw $0x100, %bx	/* port 0: the disk */
	movw $0xc000, %si
	call port_setup
	movb $0x61, %al		/* NCQ write of the payload to LBA 5-6 */
	movb $1, %cl
	movw $0x9000, %bp
	call ncq_cmd
	movb $0x60, %al		/* NCQ read of LBA 5-6 into 0xd000 */
	movb $2, %cl
	movw $0xd000, %bp
	call ncq_cmd
	movw $0xd000, %di
	movw $1024, %cx
	call same

	movw $0xc000, %si	/* READ DMA EXT of LBA 1-2 (the BIOS's write) */
	movb $0, %cl
	movw $0xc800, %di
	movw $1024, %dx
	movw $0xe000, %bp
	movl $0x00010005, %eax
	call slot_setup
	movb $0x25, 2(%di)
	movb $1, 4(%di)
	movb $0x40, 7(%di)
	movb $2, 12(%di)
	movw $0x138, %bx
	movl $1, %eax
	call awr
	movl $1, %ecx
	call await
	movw $0xe000, %di
	movw $1024, %cx
	call same

	movw $0x180, %bx	/* port 1: the CD */
	movw $0xa000, %si
	call port_setup
	movb $0, %cl		/* PACKET (DMA), READ(10) of LBA 21 */
	movw $0xa800, %di
	movw $2048, %dx
	movw $0xe800, %bp
	movl $0x00010025, %eax
	call slot_setup
	movb $0xa0, 2(%di)
	movb $1, 3(%di)		/* DMA */
	movw $cdb_read, %si
	leaw 0x40(%di), %di
	movw $12, %cx
	rep movsb
	movw $0x1b8, %bx
	movl $1, %eax
	call awr
	movl $1, %ecx
	call await
	movw $0xe800, %di
	movw $2048, %cx
	call same
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
idp:
	.word 0
cdb_read:		/* READ(10), LBA 21, 1 block */
	.byte 0x28, 0, 0, 0, 0, 21, 0, 0, 1, 0, 0, 0
	.balign 4
dap_cd:			/* 1 CD block (2048 bytes) at LBA 21 -> 0000:9000 */
	.byte 16, 0
	.word 1
	.word 0x9000, 0
	.long 21, 0
dap_wr:			/* 2 sectors 0000:9000 -> disk LBA 1 */
	.byte 16, 0
	.word 2
	.word 0x9000, 0
	.long 1, 0
dap_rd:			/* 2 sectors disk LBA 1 -> 0000:9800 */
	.byte 16, 0
	.word 2
	.word 0x9800, 0
	.long 1, 0
msg_start:
	.asciz "ahci-install: booted from CD\n"
msg_ok:
	.asciz "ahci-install: disk written and verified through the BIOS\n"
msg_ahci:
	.asciz "ahci-install: NCQ write and read, READ DMA EXT, ATAPI DMA read done\n"
msg_fail:
	.asciz "ahci-install: FAILED\n"
