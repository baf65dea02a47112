#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# e1000 with user-mode networking under KVM: after SeaBIOS (which runs the
# e1000's option ROM when there is one), the pcinic payload resets the NIC,
# reads the MAC and the 0xBABA checksum from the EEPROM, the PHY id over
# MDIC, gets slirp's ARP reply and reads a random file from slirp's TFTP
# server (restrict=on: slirp and nothing else); its byte count and CRC-32
# must equal the host's.  Three command-line spellings: -nic user,model=e1000
# with QEMU's default option ROM, -netdev + -device e1000,romfile= with the
# IP and UDP checksums left to the NIC, and legacy -net nic -net user.  A
# missing file must fail with a TFTP error.  QEMU 7.2 runs the offload case
# too and must print the same lines (but the transfer time).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "e1000 boot tests need KVM"
[ -f tests/guest/pcinic.elf ] || skip_all "tests/guest/pcinic.elf not built (make guests)"

mkdir "$T/tftp"
head -c 40000 /dev/urandom >"$T/tftp/blob.bin"
want=$(python3 -c 'import sys, zlib; d = open(sys.argv[1], "rb").read(); print("bytes=%d crc32=%08x" % (len(d), zlib.crc32(d)))' "$T/tftp/blob.bin")

# run NAME VMM APPEND NETARGS...: boot the payload, record serial and status
run() {
	name=$1 vmm=$2 append=$3
	shift 3
	timeout "$WAIT_SECS" $vmm -m 512 -nodefaults -display none -serial file:"$T/$name.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		-kernel tests/guest/pcinic.elf -append "$append" >"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}

user="user,restrict=on,tftp=$T/tftp"

run nic "$KVMPC -d guest_errors" "tftp=blob.bin" -nic "$user,model=e1000,mac=52:54:00:12:34:99"
S=$T/nic.serial
check "-nic model=e1000: MAC from the EEPROM" "grep -aq 'e1k: mac 52:54:0:12:34:99' $S" $S
check "EEPROM checksum 0xBABA" "grep -aq 'e1k: eeprom ok' $S" $S
check "PHY id 0141:0c20 over MDIC" "grep -aq 'e1k: phy 01410c20' $S" $S
check "slirp answers ARP" "grep -aq 'e1k: arp reply from 52:55:a:0:2:2' $S" $S
check "TFTP over e1000: $want as on the host" "grep -aq 'e1k: tftp blob.bin $want' $S" $S
check "payload exit status 1 (code 0)" "[ \$(cat $T/nic.rc) = 1 ]" $T/nic.out
check "no guest errors logged" "! grep -aq 'e1000' $T/nic.out" $T/nic.out

run offload "$KVMPC -d guest_errors" "csum=1 tftp=blob.bin" \
	-netdev "$user,id=n0" -device e1000,netdev=n0,romfile=
S=$T/offload.serial
check "IP and UDP checksum offload: $want" "grep -aq 'e1k: tftp blob.bin $want' $S" $S
check "offload: payload exit status 1 (code 0)" "[ \$(cat $T/offload.rc) = 1 ]" $T/offload.out

run legacy "$KVMPC" "csum=1 tftp=blob.bin" -net nic,model=e1000 -net "$user"
S=$T/legacy.serial
check "-net nic,model=e1000 -net user: $want" "grep -aq 'e1k: tftp blob.bin $want' $S" $S

run missing "$KVMPC" "tftp=nosuch.bin" -nic "$user,model=e1000"
S=$T/missing.serial
check "TFTP: a missing file gets an error packet" "grep -aq 'e1k: tftp error 1' $S" $S
check "TFTP: missing file, payload exit status 3 (code 1)" "[ \$(cat $T/missing.rc) = 3 ]" \
	$T/missing.out

if command -v "$QEMU" >/dev/null 2>&1; then
	run qemu "$QEMU -enable-kvm -M pc" "csum=1 tftp=blob.bin" \
		-netdev "$user,id=n0" -device e1000,netdev=n0
	check "QEMU 7.2 prints the same lines as kvmpc" \
		"[ \"\$(text_of $T/qemu.serial | sed 's/34:56\$/34:99/' | grep -v took)\" = \"\$(text_of $T/nic.serial | grep -v took)\" ]" \
		$T/qemu.serial
else
	skip "$QEMU not installed"
fi

done_testing
