#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Slirp throughput seen by a guest: the vnet payload fetches a random file
# from slirp's built-in TFTP server over virtio-net (512-byte blocks, one in
# flight: a latency-bound transfer), kvmpc against QEMU 7.2 in one run, plus
# the host's own read of the same file with dd as the ceiling.  Prints KiB/s
# and ratios (above 1.00 = kvmpc faster).  The TCP path through a host
# process needs a TCP stack in a payload and is not measured here.
# Usage: bench/slirp.sh [KiB] [runs]
set -u
cd "$(dirname "$0")/.."
KIB=${1:-256}
RUNS=${2:-3}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/tftp"
head -c $((KIB * 1024)) /dev/urandom > "$T/tftp/blob.bin"
printf x > "$T/tftp/tiny.bin"
# wall NAME VMM... : wall-clock ms of a whole run fetching NAME
wall() {
	name=$1; shift
	start=$(date +%s%N)
	timeout 600 "$@" -display none -m 128 -nodefaults -serial file:"$T/out" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-nic user,model=virtio-net-pci,restrict=on,tftp="$T/tftp" \
		-kernel tests/guest/vnet.elf -append "tftp=$name" >/dev/null 2>&1
	end=$(date +%s%N)
	if grep -q "vnet: tftp $name bytes=" "$T/out"; then
		echo $(( (end - start) / 1000000 ))
	else
		echo 999999999
	fi
}
# run VMM... : KiB/s of the transfer, from the wall time of a run fetching
# the big file minus one fetching a 1-byte file (boot, DHCP, exit cancel out)
run() {
	big=$(wall blob.bin "$@")
	[ -n "${DEBUG:-}" ] && echo "big=$big" >&2
	small=$(wall tiny.bin "$@")
	[ -n "${DEBUG:-}" ] && echo "small=$small" >&2
	awk -v k="$KIB" -v ms=$((big - small)) 'BEGIN { if (ms > 0 && ms < 900000000) printf "%.0f\n", k / (ms / 1000); else print 0 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
: > "$T/k"; : > "$T/q"
i=0
while [ $i -lt "$RUNS" ]; do
	run ./kvmpc >> "$T/k"
	run "$QEMU" -enable-kvm -M pc >> "$T/q"
	i=$((i + 1))
done
k=$(median < "$T/k"); q=$(median < "$T/q")
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null
d=$(dd if="$T/tftp/blob.bin" of=/dev/null bs=64k 2>&1 | sed -n 's/.* \([0-9.,]* [KMG]B\/s\)$/\1/p')
echo "slirp TFTP fetch of $KIB KiB over virtio-net (median of $RUNS): kvmpc $k KiB/s, qemu $q KiB/s, ratio $(awk -v a="$k" -v b="$q" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
echo "host dd of the same file (ceiling): $d"
