#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The RTC as real SeaBIOS uses it under KVM: a boot sector asks INT 1Ah for
# the date and time (they must match the host's UTC clock) and INT 15h
# AH=86h for a 2-second wait, which SeaBIOS counts with the RTC periodic
# interrupt (PIE, 1024 Hz, IRQ 8, acknowledged by reading register C): the
# wait must end, and take at least 2 s.  There is no upper bound: on a
# nested KVM only about 550 of the 1024 interrupts a second get through
# (QEMU alike: a 10 s wait takes 18-19 s with either), and fewer still on a
# loaded machine.  The boot sector is
# assembled here with binutils; the test skips without them or without KVM.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"
need_tools as ld

cat >"$T/boot.S" <<'EOF'
	.code16
	.text
	.globl _start
_start:
	ljmp $0, $go
go:	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	cli
	mov %ax, %ss
	mov $0x7c00, %sp
	sti
	mov $msg_d, %si
	call puts
	mov $0x04, %ah		/* date: CH century, CL year, DH month, DL day */
	int $0x1a
	jc fail
	mov %ch, %al
	call hex8
	mov %cl, %al
	call hex8
	mov %dh, %al
	call hex8
	mov %dl, %al
	call hex8
	mov $'\n', %al
	call putc
	call show_time
	mov $0x86, %ah		/* wait CX:DX = 2,000,000 us */
	mov $0x001e, %cx
	mov $0x8480, %dx
	int $0x15
	jc fail
	call show_time
	mov $0x10, %al		/* isa-debug-exit: status 33 */
	out %al, $0xf4
	hlt

show_time:
	mov $msg_t, %si
	call puts
	mov $0x02, %ah		/* time: CH hours, CL minutes, DH seconds */
	int $0x1a
	jc fail
	mov %ch, %al
	call hex8
	mov %cl, %al
	call hex8
	mov %dh, %al
	call hex8
	mov $'\n', %al
	call putc
	ret

fail:
	mov $msg_f, %si
	call puts
	mov $0x11, %al
	out %al, $0xf4
	hlt

hex8:	push %ax
	shr $4, %al
	call nibble
	pop %ax
	and $0x0f, %al
nibble:	add $'0', %al
	cmp $'9', %al
	jbe putc
	add $7, %al
putc:	push %dx
	mov $0x402, %dx
	out %al, %dx
	pop %dx
	ret

puts:	lodsb
	test %al, %al
	jz 1f
	call putc
	jmp puts
1:	ret

msg_d:	.asciz "RTCTEST D="
msg_t:	.asciz "RTCTEST T="
msg_f:	.asciz "RTCTEST FAIL\n"
	.org 510
	.word 0xaa55
EOF
if ! as --32 -o "$T/boot.o" "$T/boot.S" 2>"$T/as.err" ||
   ! ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$T/boot.bin" "$T/boot.o" 2>>"$T/as.err"; then
	echo "1..0 # SKIP cannot assemble the boot sector: $(head -n 1 "$T/as.err")"
	exit 0
fi
dd if=/dev/zero of="$T/disk.img" bs=1024 count=1024 2>/dev/null
dd if="$T/boot.bin" of="$T/disk.img" conv=notrunc 2>/dev/null

log=$T/dbg.log
start=$(date -u +%s)
timeout "$WAIT_SECS" $KVMPC -m 128 -nodefaults -display none -hda "$T/disk.img" \
	-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
	-device isa-debug-exit,iobase=0xf4,iosize=4 >"$T/out" 2>&1
status=$?
end=$(date -u +%s)

check "boot sector ran and exited through isa-debug-exit (33)" "[ $status -eq 33 ]" "$log"
check "no INT 1Ah / INT 15h failure" "! grep -aq 'RTCTEST FAIL' $log" "$log"

d=$(grep -a 'RTCTEST D=' "$log" | head -n 1 | sed 's/.*D=//' | tr -d '\r')
t1=$(grep -a 'RTCTEST T=' "$log" | sed -n 1p | sed 's/.*T=//' | tr -d '\r')
t2=$(grep -a 'RTCTEST T=' "$log" | sed -n 2p | sed 's/.*T=//' | tr -d '\r')
to_epoch() {
	date -u -d "$(echo "$1" | cut -c1-4)-$(echo "$1" | cut -c5-6)-$(echo "$1" | cut -c7-8) \
$(echo "$2" | cut -c1-2):$(echo "$2" | cut -c3-4):$(echo "$2" | cut -c5-6)" +%s 2>/dev/null
}
e1=$(to_epoch "$d" "$t1")
e2=$(to_epoch "$d" "$t2")
check "INT 1Ah date and time match host UTC (got $d $t1)" \
	"[ -n '$e1' ] && [ '$e1' -ge $((start - 2)) ] && [ '$e1' -le $((end + 2)) ]" "$log"
if [ -n "$e1" ] && [ -n "$e2" ] && [ "$e2" -lt "$e1" ]; then
	e2=$((e2 + 86400))
fi
check "INT 15h AH=86h 2 s wait (RTC IRQ 8) ended and took at least 2 s (got $t1 -> $t2)" \
	"[ -n '$e2' ] && [ $((e2 - e1)) -ge 2 ]" "$log"
done_testing
