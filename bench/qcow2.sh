#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# qcow2 I/O benchmark: kvmpc's qcow2 driver against kvmpc's raw driver and
# against QEMU 7.2's qcow2 on the same images, in one run, as ratios.
# Both sides use their image tool's bench mode with the same parameters:
#   kvmpc:  kvmpc-img bench   (synchronous requests through the block layer)
#   QEMU:   qemu-img bench -d 1 (queue depth 1, so both issue one at a time)
# cache=writeback for both (host page cache: this measures format overhead,
# not the disk).  Workloads on a SIZE image (default 256 MiB):
#   1. sequential 64 KiB writes to a fresh image (the allocating path),
#   2. sequential 64 KiB reads of the written image,
#   3. 4 KiB "random" reads: offset advances by 4 KiB * 7919 modulo the size
#      (qemu-img bench's step mode; a fixed pseudo-random permutation).
# Each figure is the best of REPS (default 3) runs.
# Part 2 (with /dev/kvm and tests/guest/vblk.elf built): the same comparison
# from inside a guest, the vblk payload's bench mode over virtio-blk
# (sequential 64 KiB reads and writes of 64 MiB, 4000 random 4 KiB reads,
# 8 requests in flight), kvmpc vs qemu-system-x86_64 -accel kvm, best of
# GUEST_REPS (default 2); figures in MB/s and IOPS as the payload reports.
# Reported: MB/s for each, and ratios (time A / time B; below 1.0 means A is
# faster).  Usage: bench/qcow2.sh [SIZE_MIB]
set -u
cd "$(dirname "$0")/.."
MIB=${1:-256}
SIZE=$((MIB * 1048576))
KIMG=${KVMPC_IMG:-./kvmpc-img}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -x "$KIMG" ] || { echo "build kvmpc-img first (make kvmpc-img)"; exit 1; }
command -v qemu-img >/dev/null || { echo "qemu-img missing (apt-get install qemu-utils)"; exit 1; }

SEQ=$((SIZE / 65536))
RND=100000
REPS=${REPS:-3}
STEP=$((4096 * 7919))

# run TOOL FMT IMAGE ARGS...: prints the seconds of the run
run() {
	tool=$1 fmt=$2 img=$3
	shift 3
	if [ "$tool" = kvmpc ]; then
		"$KIMG" bench -f "$fmt" -t writeback "$@" "$img"
	else
		qemu-img bench -f "$fmt" -t writeback -d 1 "$@" "$img"
	fi | sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p'
}

fresh() {
	rm -f "$T/img"
	if [ "$1" = qcow2 ]; then
		qemu-img create -q -f qcow2 -o cluster_size=65536 "$T/img" "$SIZE"
	else
		qemu-img create -q -f raw "$T/img" "$SIZE"
	fi
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

# bench TOOL FMT: sets W R X (seconds, best of $REPS)
bench() {
	W= R= X=
	for _r in $(seq $REPS); do
		fresh "$2"
		W=$(min "$W" "$(run "$1" "$2" "$T/img" -w -c $SEQ -s 65536)")
		R=$(min "$R" "$(run "$1" "$2" "$T/img" -c $SEQ -s 65536)")
		X=$(min "$X" "$(run "$1" "$2" "$T/img" -c $RND -s 4096 -S $STEP)")
	done
}

mbs() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%8.1f", (t > 0 ? b / t / 1048576 : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%6.2f", (b > 0 ? a / b : 0) }'; }

bench kvmpc qcow2; KQW=$W KQR=$R KQX=$X
bench kvmpc raw;   KRW=$W KRR=$R KRX=$X
bench qemu qcow2;  QQW=$W QQR=$R QQX=$X
bench qemu raw;    QRW=$W QRR=$R QRX=$X

echo "qcow2 bench, $MIB MiB image, 64 KiB clusters, cache=writeback, $(date -u +%F)"
echo "MB/s                      kvmpc-qcow2 kvmpc-raw qemu-qcow2 qemu-raw"
printf "seq write (allocating)   %s %s %s %s\n" "$(mbs $SIZE $KQW)" "$(mbs $SIZE $KRW)" \
	"$(mbs $SIZE $QQW)" "$(mbs $SIZE $QRW)"
printf "seq read                 %s %s %s %s\n" "$(mbs $SIZE $KQR)" "$(mbs $SIZE $KRR)" \
	"$(mbs $SIZE $QQR)" "$(mbs $SIZE $QRR)"
RB=$((RND * 4096))
printf "4K random read           %s %s %s %s\n" "$(mbs $RB $KQX)" "$(mbs $RB $KRX)" \
	"$(mbs $RB $QQX)" "$(mbs $RB $QRX)"
echo "time ratios (below 1.0: the first is faster)"
echo "                         kvmpc-qcow2/kvmpc-raw  kvmpc-qcow2/qemu-qcow2  qemu-qcow2/qemu-raw"
printf "seq write (allocating)   %22s  %22s  %19s\n" "$(ratio $KQW $KRW)" "$(ratio $KQW $QQW)" \
	"$(ratio $QQW $QRW)"
printf "seq read                 %22s  %22s  %19s\n" "$(ratio $KQR $KRR)" "$(ratio $KQR $QQR)" \
	"$(ratio $QQR $QRR)"
printf "4K random read           %22s  %22s  %19s\n" "$(ratio $KQX $KRX)" "$(ratio $KQX $QQX)" \
	"$(ratio $QQX $QRX)"

# ---- part 2: a guest driving virtio-blk ----
VBLK=tests/guest/vblk.elf
QEMU=${QEMU:-qemu-system-x86_64}
if [ ! -c /dev/kvm ] || [ ! -f $VBLK ] || ! command -v "$QEMU" >/dev/null; then
	echo "(guest part skipped: needs /dev/kvm, $VBLK (make guests) and $QEMU)"
	exit 0
fi
GREPS=${GUEST_REPS:-2}
# guest VMM FMT: sets GR GW GI (best read KiB/s, write KiB/s, IOPS)
guest() {
	GR=0 GW=0 GI=0
	for _r in $(seq $GREPS); do
		fresh "$2"
		if [ "$1" = kvmpc ]; then vmm=./kvmpc; else vmm="$QEMU -accel kvm"; fi
		timeout 300 $vmm -m 512 -nodefaults -display none -serial file:"$T/serial" \
			-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel $VBLK \
			-append "bench=1 mb=64 ops=4000" -drive file="$T/img",if=virtio,format="$2" \
			>/dev/null 2>&1
		line=$(grep -a 'vblk bench:' "$T/serial")
		r=$(echo "$line" | sed -n 's/.*read_kib_s=\([0-9]*\).*/\1/p')
		w=$(echo "$line" | sed -n 's/.*write_kib_s=\([0-9]*\).*/\1/p')
		i=$(echo "$line" | sed -n 's/.*iops=\([0-9]*\).*/\1/p')
		[ "${r:-0}" -gt $GR ] && GR=$r
		[ "${w:-0}" -gt $GW ] && GW=$w
		[ "${i:-0}" -gt $GI ] && GI=$i
	done
}
guest kvmpc qcow2; GKQ="$GR $GW $GI"
guest kvmpc raw; GKR="$GR $GW $GI"
guest qemu qcow2; GQQ="$GR $GW $GI"
guest qemu raw; GQR="$GR $GW $GI"
echo
echo "guest (vblk payload over virtio-blk, 64 MiB, 8 in flight, best of $GREPS)"
awk -v kq="$GKQ" -v kr="$GKR" -v qq="$GQQ" -v qr="$GQR" 'BEGIN {
	split(kq, a); split(kr, b); split(qq, c); split(qr, d)
	printf "%-24s %11s %9s %10s %8s\n", "", "kvmpc-qcow2", "kvmpc-raw", "qemu-qcow2", "qemu-raw"
	printf "%-24s %11.1f %9.1f %10.1f %8.1f\n", "seq read MB/s", a[1]/1024, b[1]/1024, c[1]/1024, d[1]/1024
	printf "%-24s %11.1f %9.1f %10.1f %8.1f\n", "seq write MB/s (alloc)", a[2]/1024, b[2]/1024, c[2]/1024, d[2]/1024
	printf "%-24s %11d %9d %10d %8d\n", "4K random read IOPS", a[3], b[3], c[3], d[3]
}' 2>/dev/null || true
awk -v kq="$GKQ" -v kr="$GKR" -v qq="$GQQ" 'BEGIN {
	split(kq, a); split(kr, b); split(qq, c)
	print "throughput ratios (above 1.0: kvmpc-qcow2 is faster)"
	printf "  vs kvmpc-raw:  read %.2f  write %.2f  iops %.2f\n", a[1]/b[1], a[2]/b[2], a[3]/b[3]
	printf "  vs qemu-qcow2: read %.2f  write %.2f  iops %.2f\n", a[1]/c[1], a[2]/c[2], a[3]/c[3]
}'
