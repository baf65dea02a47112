#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Power control from a real guest under KVM: SeaBIOS boots a hand-made boot
# sector from an IDE disk which
#   1. enables the PIIX4 PM I/O block and writes SLP_EN|SLP_TYP=0 to PM1_CNT
#      (ACPI S5): kvmpc must power off by itself with exit status 0;
#   2. writes 0x02 then 0x06 to 0xcf9 (PIIX3 reset control): the machine must
#      reset and SeaBIOS boot the sector again, while kvmpc keeps running.
# Also checks that SeaBIOS built its ACPI tables (it needs PIIX4 PM).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm

# mksector FILE BYTE... : a bootable 32 KiB disk whose first sector runs BYTEs
mksector() {
	f=$1; shift
	for b in "$@"; do
		printf "\\$(printf %03o "$b")"
	done > "$f"
	truncate -s 510 "$f"
	printf '\125\252' >> "$f"
	truncate -s 32256 "$f"
}

# mov eax,V ; mov dx,P ; out dx,eax  as bytes
outl() {
	v=$1; p=$2
	echo 0x66 0xb8 $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)) \
		0xba $((p & 255)) $((p >> 8))  0x66 0xef
}

# PMBA = 0xb000, PMREGMISC = 1, then outw 0xb004, 0x2000; hlt loop
mksector "$T/s5.img" $(outl 0x80000b40 0xcf8) $(outl 0xb001 0xcfc) \
	$(outl 0x80000b80 0xcf8) $(outl 0x1 0xcfc) \
	0xba 0x04 0xb0  0xb8 0x00 0x20  0xef  0xf4 0xeb 0xfd
# outb 0xcf9, 0x02 ; outb 0xcf9, 0x06 ; hlt loop
mksector "$T/cf9.img" 0xba 0xf9 0x0c  0xb0 0x02 0xee  0xb0 0x06 0xee  0xf4 0xeb 0xfd

# start IMG LOG : run kvmpc in the background ($pid)
start() {
	$KVMPC -nodefaults -display none -m 128 \
		-chardev file,id=d,path="$2" -device isa-debugcon,iobase=0x402,chardev=d \
		-drive file="$1",format=raw,if=ide $EXTRA >"$T/out" 2>&1 </dev/null &
	track $!
}

# report STATUS DESC [LOG]: ok when STATUS is 0
report() {
	if [ "$1" = 0 ]; then ok "$2"; else notok "$2" "$3"; fi
}

# 1: S5 power off
start "$T/s5.img" "$T/s5.log"
wait_for "$T/s5.log" "Booting from 0000:7c00"
report $? "SeaBIOS boots the S5 sector" "$T/s5.log"
grep -q "ACPI DSDT=" "$T/s5.log"
report $? "SeaBIOS built its ACPI tables (PIIX4 PM found)" "$T/s5.log"
wait_exit
report $? "S5 powers off (kvmpc ends by itself)" "$T/out"
[ "$rc" -eq 0 ]
report $? "exit status 0 after S5 (got $rc)" "$T/out"

# 1b: -no-shutdown: the guest's S5 pauses the VM instead of ending kvmpc.
# Seen on QMP: query-status turns to "shutdown" and kvmpc stays.
EXTRA="-no-shutdown -qmp unix:$T/nsd.sock,server=on,wait=off"
start "$T/s5.img" "$T/s5b.log"
wait_for "$T/s5b.log" "Booting from 0000:7c00"
report $? "SeaBIOS boots the S5 sector (-no-shutdown)" "$T/s5b.log"
stopped() {
	qmp "$T/nsd.sock" '{"execute": "query-status"}' &&
		grep -q '"status": *"shutdown"' "$T/qmp.out"
}
wait_until "query-status to say shutdown" stopped
report $? "-no-shutdown: the guest's S5 stops the VM (status shutdown)" "$T/qmp.out"
alive "$pid"
report $? "-no-shutdown: kvmpc is still there after the guest's S5" "$T/out"
stop
EXTRA=

# 2: 0xcf9 reset, twice through POST
start "$T/cf9.img" "$T/cf9.log"
wait_for "$T/cf9.log" "Booting from 0000:7c00" 2
report $? "0xcf9 reset boots the sector again" "$T/cf9.log"
alive "$pid"
report $? "kvmpc still runs after the reset" "$T/out"
stop

done_testing
