#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Slirp TFTP throughput seen by a guest through each NIC model: the pcinic
# payload (e1000, rtl8139) and the vnet payload (virtio-net) fetch a random
# file from slirp's TFTP server (512-byte blocks, one in flight: latency
# bound, and the payload's polling runs as guest kernel code, which is
# emulated on this machine's KVM), kvmpc and QEMU 7.2 alternating in one
# run.  KiB/s come from the transfer time the pcinic payload measures in
# the guest (PM timer); the vnet payload has none, so virtio-net's figure
# is the whole run's wall time (boot included: a lower bound).  Median of
# the runs.
# Ratio above 1.00 = kvmpc faster.
# Usage: bench/nic.sh [KiB] [runs]   (defaults 128, 5)
set -u
cd "$(dirname "$0")/.."
KIB=${1:-128}
RUNS=${2:-5}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/tftp"
head -c $((KIB * 1024)) /dev/urandom > "$T/tftp/blob.bin"

# rate MODEL VMM... : KiB/s of a run fetching the file, from the transfer
# time the payload measures with the PM timer (boot and exit do not count)
rate() {
	model=$1
	shift
	case $model in
	virtio-net-pci) elf=tests/guest/vnet.elf; tag=vnet ;;
	e1000) elf=tests/guest/pcinic.elf; tag=e1k ;;
	*) elf=tests/guest/pcinic.elf; tag=rtl ;;
	esac
	: > "$T/out"
	start=$(date +%s%N)
	timeout 600 "$@" -display none -m 128 -nodefaults -serial file:"$T/out" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-netdev user,id=n0,restrict=on,tftp="$T/tftp" -device "$model,netdev=n0,romfile=" \
		-kernel "$elf" -append "tftp=blob.bin" >/dev/null 2>&1
	end=$(date +%s%N)
	us=$(sed -n "s/^$tag: tftp took \([0-9]*\) us.*/\1/p" "$T/out" | tr -d '\r')
	if [ -z "$us" ] && grep -q "$tag: tftp blob.bin bytes=" "$T/out"; then
		# a payload without the timing line: the whole run's wall time
		us=$(( (end - start) / 1000 ))
	fi
	awk -v k="$KIB" -v us="${us:-0}" 'BEGIN { if (us > 0) printf "%.0f\n", k / (us / 1e6); else print 0 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for model in e1000 rtl8139 virtio-net-pci; do
	: > "$T/k"; : > "$T/q"
	i=0
	while [ $i -lt "$RUNS" ]; do
		rate "$model" ./kvmpc >> "$T/k"
		rate "$model" "$QEMU" -enable-kvm -M pc >> "$T/q"
		i=$((i + 1))
	done
	k=$(median < "$T/k"); q=$(median < "$T/q")
	echo "$model: TFTP fetch of $KIB KiB (median of $RUNS): kvmpc $k KiB/s [$(tr '\n' ' ' < "$T/k")], qemu $q KiB/s [$(tr '\n' ' ' < "$T/q")], ratio $(awk -v a="$k" -v b="$q" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
done
