#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Disk throughput by controller, kvmpc against QEMU 7.2 in one run (runs
# alternate kvmpc/QEMU, median of RUNS pairs), as ratios where above 1.0
# means kvmpc is better.  Sequential reads of MB MiB of a raw image (page
# cache warm), then writes of as much, in REQ KiB requests, one at a time,
# timed on the ACPI PM timer by the ide payload (tests/guest/ide.c):
#   IDE  - PIIX3 bus-master READ/WRITE DMA EXT (mode=bench);
#   AHCI - -device ahci, port 0, READ/WRITE DMA EXT (mode=ahci);
#   NCQ  - the same with READ/WRITE FPDMA QUEUED, tag 0 (mode=ahci ncq=1);
# and virtio-blk by the vblk payload (tests/guest/vblk.c bench=1: 64 KiB
# requests, 8 in flight, so not the same access pattern).
# Guest kernel code is emulated here (~1 MIPS, nested KVM) and the host is
# shared, so compare ratios, not absolute figures.
# Output: a table on stdout, also saved to bench/results/ahci-DATE.txt.
# Usage: bench/ahci.sh [runs] [mb] [req_kib]   (defaults 5, 64, 1024)
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-5}
MB=${2:-64}
REQ=${3:-1024}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ ! -c /dev/kvm ] || [ ! -f tests/guest/ide.elf ] || [ ! -f tests/guest/vblk.elf ] ||
	! command -v "$QEMU" >/dev/null; then
	echo "bench/ahci.sh: needs /dev/kvm, $QEMU, tests/guest/ide.elf and vblk.elf (make guests)" >&2
	exit 1
fi
# 2 x MB MiB; MiB i starts with the 32-bit LE value i ^ 0x4b564d50
perl -e 'for $i (0 .. 2 * $ARGV[0] - 1) { print pack("V", $i ^ 0x4b564d50), "\0" x 1048572 }' \
	"$MB" >"$T/bench.img"

# run OUT KIND VMM...: prints "read_kib_s write_kib_s" (0 0 on failure)
run() {
	out=$1; kind=$2; shift 2
	case $kind in
	ide) dev="-drive file=$T/bench.img,format=raw,if=ide,index=0"
		pay="-kernel tests/guest/ide.elf -append mode=bench,mb=$MB,req=$REQ" ;;
	ahci|ncq) dev="-drive file=$T/bench.img,format=raw,if=none,id=d0 -device ahci,id=ahci0
		-device ide-hd,drive=d0,bus=ahci0.0"
		n=0; [ "$kind" = ncq ] && n=1
		pay="-kernel tests/guest/ide.elf -append mode=ahci,mb=$MB,req=$REQ,ncq=$n" ;;
	vblk) dev="-drive file=$T/bench.img,format=raw,if=virtio"
		pay="-kernel tests/guest/vblk.elf -append bench=1,mb=$MB,ops=1000" ;;
	esac
	# the payloads read "k=v k=v": commas above keep $pay one word until here
	app=$(echo "${pay#*-append }" | tr , ' ')
	timeout 900 "$@" -m 512 -nodefaults -display none -serial file:"$T/$out.ser" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 $dev \
		-kernel "$(echo "$pay" | cut -d' ' -f2)" -append "$app" </dev/null >/dev/null 2>&1
	res=$(sed -n 's/.*read_kib_s=\([0-9]*\) write_kib_s=\([0-9]*\).*/\1 \2/p' "$T/$out.ser")
	echo "${res:-0 0}"
}

median() {
	sort -n | awk '{a[NR] = $1}
		END { if (NR == 0) print -1; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
col() { awk -v c="$2" '$c > 0 {print $c}' "$1" | median; }

KINDS="ide ahci ncq vblk"
for k in $KINDS; do : >"$T/k-$k"; : >"$T/q-$k"; done
r=0
while [ "$r" -lt "$RUNS" ]; do
	for k in $KINDS; do
		run "k-$k" "$k" ./kvmpc >>"$T/k-$k"
		run "q-$k" "$k" "$QEMU" -enable-kvm -M pc >>"$T/q-$k"
	done
	r=$((r + 1))
done

mkdir -p bench/results
OUT=bench/results/ahci-$(date -u +%Y%m%d).txt
{
	printf '%-44s %10s %10s %7s\n' "MiB/s, median of $RUNS pairs" kvmpc qemu-7.2 ratio
	for k in $KINDS; do
		for c in 1 2; do
			kv=$(col "$T/k-$k" $c); qv=$(col "$T/q-$k" $c)
			what=$([ $c = 1 ] && echo read || echo write)
			case $k in
			ide) label="IDE bus-master DMA seq $what" ;;
			ahci) label="AHCI DMA EXT seq $what" ;;
			ncq) label="AHCI NCQ (depth 1) seq $what" ;;
			vblk) label="virtio-blk seq $what (64 KiB x 8)" ;;
			esac
			printf '%-44s %10s %10s %7s\n' "$label" \
				"$(awk -v v="$kv" 'BEGIN{printf "%.1f", v / 1024}')" \
				"$(awk -v v="$qv" 'BEGIN{printf "%.1f", v / 1024}')" "$(ratio "$kv" "$qv")"
		done
	done
	echo "ratio: kvmpc/QEMU throughput; above 1.00 = kvmpc better; req=${REQ} KiB, mb=$MB"
	echo "load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" nproc=$(nproc) ($(date -u '+%Y-%m-%d %H:%M UTC'))"
	for k in $KINDS; do
		echo "raw $k: kvmpc [$(tr '\n' ',' <"$T/k-$k")] qemu [$(tr '\n' ',' <"$T/q-$k")]"
	done
} | tee "$OUT"
