#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Foundation benchmarks, kvmpc against QEMU 7.2 in one run, as ratios
# (kvmpc / QEMU; below 1.0 means kvmpc is better):
#   1. wall time from exec to SeaBIOS's "No bootable device" (median of N),
#   2. resident memory (VmRSS) of the VMM once the guest idles there,
#   3. userspace I/O exit round trip: a payload doing outb to an unused port,
#      timed with rdtsc inside the guest.
# Usage: bench/boot.sh [runs]   (default 5)
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-5}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now_ms() { date +%s%3N; }

# boot_once NAME CMD... : prints "ms rss_kb"
boot_once() {
	name=$1; shift
	log=$T/$name.log
	: > "$log"
	start=$(now_ms)
	"$@" -display none -m 512 -nodefaults \
		-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
		>/dev/null 2>&1 &
	pid=$!
	ms=-1
	i=0
	while [ $i -lt 6000 ]; do
		if grep -q "No bootable device" "$log" 2>/dev/null; then
			ms=$(( $(now_ms) - start ))
			break
		fi
		kill -0 $pid 2>/dev/null || break
		sleep 0.01
		i=$((i + 1))
	done
	sleep 0.5
	rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$ms ${rss:-0}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

: > "$T/k.ms"; : > "$T/q.ms"; : > "$T/k.rss"; : > "$T/q.rss"
r=0
while [ $r -lt "$RUNS" ]; do
	set -- $(boot_once kvmpc ./kvmpc -enable-kvm)
	echo "$1" >> "$T/k.ms"; echo "$2" >> "$T/k.rss"
	set -- $(boot_once qemu "$QEMU" -enable-kvm -M pc)
	echo "$1" >> "$T/q.ms"; echo "$2" >> "$T/q.rss"
	r=$((r + 1))
done
kms=$(median < "$T/k.ms"); qms=$(median < "$T/q.ms")
krss=$(median < "$T/k.rss"); qrss=$(median < "$T/q.rss")
echo "boot to 'No bootable device' (median of $RUNS): kvmpc ${kms} ms, qemu ${qms} ms, ratio $(ratio "$kms" "$qms")"
echo "VMM RSS at idle (median):                   kvmpc ${krss} KiB, qemu ${qrss} KiB, ratio $(ratio "$krss" "$qrss")"

# I/O exit round trip
P=tests/guest/ioexit.elf
if [ -f "$P" ]; then
	args="-display none -m 128 -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel $P"
	k=$(timeout 300 ./kvmpc -enable-kvm $args 2>/dev/null | sed -n 's/.*per_exit=\([0-9]*\).*/\1/p' | head -1)
	q=$(timeout 300 "$QEMU" -enable-kvm -M pc $args 2>/dev/null | sed -n 's/.*per_exit=\([0-9]*\).*/\1/p' | head -1)
	echo "I/O exit round trip (TSC cycles per outb):  kvmpc ${k:-?}, qemu ${q:-?}, ratio $(ratio "${k:-0}" "${q:-0}")"
else
	echo "I/O exit round trip: $P not built (make guests)"
fi
