#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# virtio-blk throughput as a guest payload sees it, kvmpc against QEMU 7.2
# in one run, as ratios (kvmpc / QEMU; above 1.0 means kvmpc is faster).
# The vblk payload (tests/guest/vblk.c, bench=1) runs after SeaBIOS under
# KVM and times, on the ACPI PM timer, sequential 64 KiB reads and writes
# (MB MiB each, 8 requests in flight) and 4 KiB random reads (OPS of them)
# against a raw image (cache=writeback, page cache warm after the first
# pass).  Runs are interleaved; the median of RUNS is reported.
# Note: here the payload's own ring-0 code is emulated (~1 MIPS), so the
# figures include that cost for both VMMs alike.
# Usage: bench/virtio.sh [runs] [mb] [ops]   (defaults 3, 32, 4000)
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-3}
MB=${2:-32}
OPS=${3:-4000}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ ! -c /dev/kvm ] || [ ! -f tests/guest/vblk.elf ]; then
	echo "bench/virtio.sh: needs /dev/kvm and tests/guest/vblk.elf (make guests)" >&2
	exit 1
fi
dd if=/dev/zero of="$T/disk.img" bs=1M count=$((MB + 16)) 2>/dev/null

# run NAME CMD...: prints "read_kib_s write_kib_s iops"
run() {
	name=$1; shift
	timeout 600 "$@" -m 512 -nodefaults -display none -serial file:"$T/$name.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$T/disk.img",if=none,id=d0,format=raw -device virtio-blk-pci,drive=d0 \
		-kernel tests/guest/vblk.elf -append "bench=1 mb=$MB ops=$OPS" >/dev/null 2>&1
	sed -n 's/.*read_kib_s=\([0-9]*\) write_kib_s=\([0-9]*\) iops=\([0-9]*\).*/\1 \2 \3/p' \
		"$T/$name.serial"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

: > "$T/k"; : > "$T/q"
r=0
while [ "$r" -lt "$RUNS" ]; do
	run kvmpc ./kvmpc >> "$T/k"
	run qemu "$QEMU" -enable-kvm -M pc >> "$T/q"
	r=$((r + 1))
done
col() { awk -v c="$2" '{print $c}' "$1" | median; }
kr=$(col "$T/k" 1); kw=$(col "$T/k" 2); ki=$(col "$T/k" 3)
qr=$(col "$T/q" 1); qw=$(col "$T/q" 2); qi=$(col "$T/q" 3)
printf '%-28s %12s %12s %8s\n' "virtio-blk (payload)" kvmpc qemu-7.2 ratio
printf '%-28s %12s %12s %8s\n' "seq read  MiB/s (64K, qd8)" \
	"$(awk -v v="$kr" 'BEGIN{printf "%.1f", v/1024}')" \
	"$(awk -v v="$qr" 'BEGIN{printf "%.1f", v/1024}')" "$(ratio "$kr" "$qr")"
printf '%-28s %12s %12s %8s\n' "seq write MiB/s (64K, qd8)" \
	"$(awk -v v="$kw" 'BEGIN{printf "%.1f", v/1024}')" \
	"$(awk -v v="$qw" 'BEGIN{printf "%.1f", v/1024}')" "$(ratio "$kw" "$qw")"
printf '%-28s %12s %12s %8s\n' "4K random read IOPS (qd8)" "$ki" "$qi" "$(ratio "$ki" "$qi")"
echo "runs=$RUNS mb=$MB ops=$OPS ($(date -u +%Y-%m-%d))"
