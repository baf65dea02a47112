#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rtl8139 with user-mode networking under KVM: after SeaBIOS (which runs
# QEMU's default efi-rtl8139.rom), the pcinic payload drives the rtl8139 in
# C mode as Windows' and the BSDs' drivers do: a reset through CR, the MAC
# from the 93C46 EEPROM (bit-banged through 9346CR) equal to IDR0-5, the
# link in BMSR and MSR, slirp's ARP reply, then a TFTP read (restrict=on:
# slirp and nothing else) through the four transmit slots and the wrapping
# receive ring; the file's byte count and CRC-32 must equal the host's.
# -nic model=rtl8139 and legacy -net nic,model=rtl8139; QEMU 7.2 must print
# the same lines (but the transfer time).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "rtl8139 boot tests need KVM"
[ -f tests/guest/pcinic.elf ] || skip_all "tests/guest/pcinic.elf not built (make guests)"

mkdir "$T/tftp"
head -c 30000 /dev/urandom >"$T/tftp/blob.bin"
want=$(python3 -c 'import sys, zlib; d = open(sys.argv[1], "rb").read(); print("bytes=%d crc32=%08x" % (len(d), zlib.crc32(d)))' "$T/tftp/blob.bin")

# run NAME VMM NETARGS...: boot the payload, record serial and status
run() {
	name=$1 vmm=$2
	shift 2
	timeout "$WAIT_SECS" $vmm -m 512 -nodefaults -display none -serial file:"$T/$name.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		-kernel tests/guest/pcinic.elf -append "tftp=blob.bin" >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}

user="user,restrict=on,tftp=$T/tftp"

run nic "$KVMPC -d guest_errors" -nic "$user,model=rtl8139"
S=$T/nic.serial
check "-nic model=rtl8139: EEPROM MAC equals IDR0-5" "grep -aq 'rtl: eeprom ok' $S" $S
check "MAC 52:54:00:12:34:56" "grep -aq 'rtl: mac 52:54:0:12:34:56' $S" $S
check "BMSR: link up, autonegotiation complete" "grep -aq 'rtl: bmsr 782d' $S" $S
check "slirp answers ARP" "grep -aq 'rtl: arp reply from 52:55:a:0:2:2' $S" $S
check "TFTP over rtl8139: $want as on the host" "grep -aq 'rtl: tftp blob.bin $want' $S" $S
check "payload exit status 1 (code 0)" "[ \$(cat $T/nic.rc) = 1 ]" $T/nic.out
check "no guest errors logged" "! grep -aq 'rtl8139' $T/nic.out" $T/nic.out

run legacy "$KVMPC" -net nic,model=rtl8139 -net "$user"
check "-net nic,model=rtl8139 -net user: $want" \
	"grep -aq 'rtl: tftp blob.bin $want' $T/legacy.serial" $T/legacy.serial

if command -v "$QEMU" >/dev/null 2>&1; then
	run qemu "$QEMU -enable-kvm -M pc" -nic "$user,model=rtl8139"
	check "QEMU 7.2 prints the same lines as kvmpc" \
		"[ \"\$(text_of $T/qemu.serial | grep -v took)\" = \"\$(text_of $T/nic.serial | grep -v took)\" ]" \
		$T/qemu.serial
else
	skip "$QEMU not installed"
fi

done_testing
