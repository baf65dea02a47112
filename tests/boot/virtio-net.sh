#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# virtio-net with user-mode networking under KVM: after SeaBIOS, the vnet
# payload drives virtio-net-pci (a -nic user shorthand, restrict=on, a
# hostfwd on 127.0.0.1 only: the guest reaches nothing but slirp and the
# loopback forward).  It gets a DHCP offer (discover sent with and without
# checksum offload), then the host connects to the forwarded port and the
# payload must see the SYN arrive on guest port 2222.  Then it reads a
# random file (256 KiB and a short last block) from slirp's TFTP server
# (tftp=DIR) and its byte count and CRC-32 must equal the host's; a
# missing file must fail with a TFTP error.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "virtio-net boot tests need KVM"
[ -f tests/guest/vnet.elf ] || skip_all "tests/guest/vnet.elf not built (make guests)"

# run NAME CSUM: boot the payload; once it is ready, connect to the forward
# and hold the connection until the payload has ended
run() {
	name=$1
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	: >"$T/$name.serial"
	timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none -serial file:"$T/$name.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -d guest_errors \
		-nic user,model=virtio-net-pci,mac=52:54:00:12:34:99,restrict=on,hostfwd=tcp:127.0.0.1:$port-:2222 \
		-kernel tests/guest/vnet.elf -append "csum=$2 wait=60" >"$T/$name.out" 2>&1 &
	track $!
	hold=
	if wait_for "$T/$name.serial" "vnet: ready"; then
		python3 - "$port" <<'PY' &
import socket, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    s.recv(1)  # until slirp closes it, or this process is killed
except OSError:
    pass
PY
		hold=$!
	fi
	wait_exit
	echo $rc >"$T/$name.rc"
	[ -n "$hold" ] && stop "$hold"
}

run plain 0
S=$T/plain.serial
check "payload reads the MAC from the config space" "grep -aq 'vnet: mac 52:54:0:12:34:99' $S" $S
check "DHCP offer from slirp (10.0.2.15)" "grep -aq 'vnet: offer 10.0.2.15' $S" $S
check "hostfwd on 127.0.0.1 reaches guest port 2222" "grep -aq 'vnet: syn to 2222' $S" $S
check "payload exit status 1 (code 0)" "[ \$(cat $T/plain.rc) = 1 ]" $T/plain.out

run offload 1
S=$T/offload.serial
check "checksum offload: the device completes the UDP checksum (offer)" \
	"grep -aq 'vnet: offer 10.0.2.15' $S" $S
check "checksum offload: payload passes" "[ \$(cat $T/offload.rc) = 1 ]" $T/offload.out

# tftp NAME FILE: boot the payload with tftp=FILE served from $T/tftp
tftp() {
	: >"$T/$1.serial"
	timeout "$WAIT_SECS" $KVMPC -m 512 -nodefaults -display none -serial file:"$T/$1.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -d guest_errors \
		-nic user,model=virtio-net-pci,restrict=on,tftp="$T/tftp" \
		-kernel tests/guest/vnet.elf -append "tftp=$2" >"$T/$1.out" 2>&1
	echo $? >"$T/$1.rc"
}

mkdir "$T/tftp"
head -c 262500 /dev/urandom >"$T/tftp/blob.bin"
want=$(python3 -c 'import sys, zlib; d = open(sys.argv[1], "rb").read(); print("bytes=%d crc32=%08x" % (len(d), zlib.crc32(d)))' "$T/tftp/blob.bin")
tftp get blob.bin
S=$T/get.serial
check "TFTP over virtio-net: $want as on the host" \
	"grep -aq 'vnet: tftp blob.bin $want' $S" $S
check "TFTP: payload exit status 1 (code 0)" "[ \$(cat $T/get.rc) = 1 ]" $T/get.out

tftp missing nosuch.bin
S=$T/missing.serial
check "TFTP: a missing file gets an error packet" "grep -aq 'vnet: tftp error 1' $S" $S
check "TFTP: missing file, payload exit status 3 (code 1)" "[ \$(cat $T/missing.rc) = 3 ]" $T/missing.out

done_testing
