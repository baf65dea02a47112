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
# run VMM... : prints the transfer's KiB/s (wall time of the whole run,
# minus the time to the payload's first line, is the transfer)
run() {
	start=$(date +%s%N)
	timeout 600 "$@" -display none -m 128 -nodefaults -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-nic user,model=virtio-net-pci,restrict=on,tftp="$T/tftp" \
		-kernel tests/guest/vnet.elf -append "tftp=blob.bin" 2>/dev/null |
	while IFS= read -r line; do
		case "$line" in
		*"vnet: mac"*) date +%s%N > "$T/t0" ;;
		*"vnet: tftp blob.bin bytes="*) date +%s%N > "$T/t1" ;;
		esac
	done
	t0=$(cat "$T/t0" 2>/dev/null || echo "$start")
	t1=$(cat "$T/t1" 2>/dev/null || echo 0)
	rm -f "$T/t0" "$T/t1"
	[ "$t1" -gt 0 ] || { echo 0; return; }
	awk -v k="$KIB" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", k / (ns / 1e9) }'
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
