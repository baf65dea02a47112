#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# IDE benchmarks, kvmpc against QEMU 7.2 in one run (runs interleaved,
# median of RUNS), as ratios where above 1.0 means kvmpc is better:
#   1. time from exec to SeaBIOS's boot handoff ("Booting from DVD/CD..." /
#      "Booting from Hard Disk..." on the debug console) and on to GRUB's
#      menu on the serial line ("GNU GRUB"), for the Debian guest ISO
#      (tests/guest/mkguest.sh) on the IDE CD-ROM and the same hybrid image
#      on an IDE disk; ratio = QEMU time / kvmpc time;
#   2. bus-master DMA throughput seen by the ide payload (tests/guest/ide.c,
#      mode=bench): sequential READ DMA EXT of MB MiB of a raw image (page
#      cache warm), then WRITE DMA EXT of as much, in 1 MiB and 64 KiB
#      requests, timed on the ACPI PM timer; ratio = kvmpc / QEMU.
# QEMU runs with -net none (no iPXE option ROM), kvmpc has no NIC either.
# Here guest kernel-mode code is emulated (~1 MIPS) and the host is shared,
# so the figures include that cost for both VMMs alike; compare ratios.
# Output: a table on stdout, also saved to bench/results/ide-DATE.txt.
# Usage: bench/ide.sh [runs] [mb] [boot_runs]   (defaults 3, 128, runs)
# (a boot to GRUB takes minutes where guest kernel code is emulated).
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-3}
MB=${2:-128}
BRUNS=${3:-$RUNS}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
if [ ! -c /dev/kvm ] || [ ! -f tests/guest/ide.elf ] || ! command -v "$QEMU" >/dev/null; then
	echo "bench/ide.sh: needs /dev/kvm, $QEMU and tests/guest/ide.elf (make guests)" >&2
	exit 1
fi
ISO=$(sh tests/guest/mkguest.sh 2>"$T/mkguest.err" | tail -1)
if [ ! -f "$ISO" ]; then
	echo "bench/ide.sh: tests/guest/mkguest.sh failed:" >&2
	cat "$T/mkguest.err" >&2
	exit 1
fi
cp "$ISO" "$T/hd.img"
# 2 x MB MiB; MiB i starts with the 32-bit LE value i ^ 0x4b564d50
perl -e 'for $i (0 .. 2 * $ARGV[0] - 1) { print pack("V", $i ^ 0x4b564d50), "\0" x 1048572 }' \
	"$MB" >"$T/bench.img"

now_ms() { date +%s%3N; }
# seen FILE TEXT
seen() { tr -d '\r' <"$1" 2>/dev/null | grep -aqF -- "$2"; }

# boot NAME MEDIUM CMD...: prints "handoff_ms grub_ms" (-1 when not seen)
boot() {
	name=$1; medium=$2; shift 2
	: >"$T/$name.dbg"
	: >"$T/$name.ser"
	if [ "$medium" = cd ]; then
		media="-cdrom $ISO -boot d"
		msg="Booting from DVD/CD"
	else
		media="-drive file=$T/hd.img,format=raw,if=ide,index=0 -boot c"
		msg="Booting from Hard Disk"
	fi
	start=$(now_ms)
	"$@" -m 512 -display none $media -serial file:"$T/$name.ser" \
		-chardev file,id=dbg,path="$T/$name.dbg" -device isa-debugcon,iobase=0x402,chardev=dbg \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	h=-1; g=-1
	while [ $(($(now_ms) - start)) -lt 900000 ] && kill -0 $pid 2>/dev/null; do
		[ "$h" = -1 ] && seen "$T/$name.dbg" "$msg" && h=$(($(now_ms) - start))
		if seen "$T/$name.ser" "GNU GRUB"; then
			g=$(($(now_ms) - start))
			break
		fi
		sleep 0.1
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	pid=
	echo "$h $g"
}

# dma NAME REQ_KIB CMD...: prints "read_kib_s write_kib_s" (0 0 on failure)
dma() {
	name=$1; req=$2; shift 2
	timeout 900 "$@" -m 512 -nodefaults -display none -serial file:"$T/$name.ser" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$T/bench.img",format=raw,if=ide,index=0 \
		-kernel tests/guest/ide.elf -append "mode=bench mb=$MB req=$req" \
		</dev/null >/dev/null 2>&1
	res=$(sed -n 's/.*read_kib_s=\([0-9]*\) write_kib_s=\([0-9]*\) bad=0.*/\1 \2/p' "$T/$name.ser")
	echo "${res:-0 0}"
}

median() {
	sort -n | awk '{a[NR] = $1}
		END { if (NR == 0) print -1; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
col() { awk -v c="$2" '$c >= 0 {print $c}' "$1" | median; }

for f in kcd qcd khd qhd k1m q1m k64 q64; do : >"$T/$f"; done
r=0
while [ "$r" -lt "$RUNS" ]; do
	if [ "$r" -lt "$BRUNS" ]; then
		boot kcd cd ./kvmpc >>"$T/kcd"
		boot qcd cd "$QEMU" -enable-kvm -M pc -net none >>"$T/qcd"
		boot khd hd ./kvmpc >>"$T/khd"
		boot qhd hd "$QEMU" -enable-kvm -M pc -net none >>"$T/qhd"
	fi
	dma k1m 1024 ./kvmpc >>"$T/k1m"
	dma q1m 1024 "$QEMU" -enable-kvm -M pc >>"$T/q1m"
	dma k64 64 ./kvmpc >>"$T/k64"
	dma q64 64 "$QEMU" -enable-kvm -M pc >>"$T/q64"
	r=$((r + 1))
done

mkdir -p bench/results
OUT=bench/results/ide-$(date -u +%Y%m%d).txt
{
	printf '%-40s %10s %10s %7s\n' "IDE (median; boot runs $BRUNS, DMA runs $RUNS)" kvmpc qemu-7.2 ratio
	row_t() { # label file-k file-q column (times: ratio qemu/kvmpc)
		k=$(col "$T/$2" "$4"); q=$(col "$T/$3" "$4")
		printf '%-40s %10s %10s %7s\n' "$1" "$k" "$q" "$(ratio "$q" "$k")"
	}
	row_b() { # label file-k file-q column (KiB/s shown as MiB/s: kvmpc/qemu)
		k=$(col "$T/$2" "$4"); q=$(col "$T/$3" "$4")
		printf '%-40s %10s %10s %7s\n' "$1" \
			"$(awk -v v="$k" 'BEGIN{printf "%.1f", v / 1024}')" \
			"$(awk -v v="$q" 'BEGIN{printf "%.1f", v / 1024}')" "$(ratio "$k" "$q")"
	}
	row_t "CD: exec to 'Booting from DVD/CD' ms" kcd qcd 1
	row_t "CD: exec to GRUB menu (serial) ms" kcd qcd 2
	row_t "disk: exec to 'Booting from Hard Disk' ms" khd qhd 1
	row_t "disk: exec to GRUB menu (serial) ms" khd qhd 2
	row_b "DMA seq read MiB/s (1 MiB requests)" k1m q1m 1
	row_b "DMA seq write MiB/s (1 MiB requests)" k1m q1m 2
	row_b "DMA seq read MiB/s (64 KiB requests)" k64 q64 1
	row_b "DMA seq write MiB/s (64 KiB requests)" k64 q64 2
	echo "ratio: times QEMU/kvmpc, throughput kvmpc/QEMU; above 1.00 = kvmpc better"
	echo "runs=$RUNS boot_runs=$BRUNS mb=$MB load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" nproc=$(nproc)" \
		"($(date -u '+%Y-%m-%d %H:%M UTC'))"
	echo "raw (handoff grub / read write): kvmpc cd [$(tr '\n' ',' <"$T/kcd")]" \
		"qemu cd [$(tr '\n' ',' <"$T/qcd")] kvmpc hd [$(tr '\n' ',' <"$T/khd")]" \
		"qemu hd [$(tr '\n' ',' <"$T/qhd")] kvmpc 1M [$(tr '\n' ',' <"$T/k1m")]" \
		"qemu 1M [$(tr '\n' ',' <"$T/q1m")] kvmpc 64K [$(tr '\n' ',' <"$T/k64")]" \
		"qemu 64K [$(tr '\n' ',' <"$T/q64")]"
} | tee "$OUT"
