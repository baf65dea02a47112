#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot benchmarks, kvmpc against QEMU 7.2 in one run, as ratios
# (kvmpc / QEMU; below 1.0 means kvmpc is better).  Runs alternate
# kvmpc, QEMU, kvmpc, QEMU ... (RUNS pairs, default 5) so load changes hit
# both alike; each row gives min and median of each and both ratios.
# Both VMMs run the same machine: -nodefaults -m 512 -display none, KVM,
# SeaBIOS from Debian, a debugcon on 0x402; once without and once with a
# std VGA (-vga std).  Rows, for each of the two machines:
#   1. wall time from exec to SeaBIOS's "No bootable device";
#   2. CPU time (user + system) of the VMM process until then;
#   3. userspace exits until then (perf's kvm:kvm_userspace_exit tracepoint;
#      "n/a" where perf cannot count it);
#   4. resident memory (VmRSS) of the VMM there.
# Then the userspace I/O exit round trip: a payload doing outb to an unused
# port, timed with rdtsc inside the guest (one run each).
# Usage: bench/boot.sh [pairs]
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-5}
QEMU=${QEMU:-qemu-system-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now_ms() { date +%s%3N; }
HZ=$(getconf CLK_TCK)
PERF=
if perf stat -x, -e kvm:kvm_userspace_exit -o /dev/null -- true 2>/dev/null; then
	PERF=yes
fi

# cpu_ms PID: user + system CPU time of PID so far, in ms
cpu_ms() {
	awk -v hz="$HZ" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# boot_once NAME CMD... : prints "ms cpu_ms exits rss_kb"
boot_once() {
	name=$1; shift
	log=$T/$name.log
	: > "$log"
	start=$(now_ms)
	if [ -n "$PERF" ]; then
		perf stat -x, -e kvm:kvm_userspace_exit -o "$T/$name.perf" -- \
			"$@" -display none -m 512 -nodefaults \
			-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
			>/dev/null 2>&1 &
		wrapper=$!
		pid=
		while [ -z "$pid" ] && kill -0 "$wrapper" 2>/dev/null; do
			pid=$(pgrep -P "$wrapper")
		done
	else
		"$@" -display none -m 512 -nodefaults \
			-chardev file,id=dbg,path="$log" -device isa-debugcon,iobase=0x402,chardev=dbg \
			>/dev/null 2>&1 &
		wrapper=$!
		pid=$wrapper
	fi
	ms=-1
	i=0
	while [ $i -lt 60000 ] && [ -n "$pid" ]; do
		if grep -q "No bootable device" "$log" 2>/dev/null; then
			ms=$(( $(now_ms) - start ))
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
		i=$((i + 1))
	done
	cpu=$(cpu_ms "$pid")
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null)
	kill "$pid" 2>/dev/null
	wait "$wrapper" 2>/dev/null
	exits=n/a
	if [ -n "$PERF" ]; then
		exits=$(grep -v '^#' "$T/$name.perf" | cut -d, -f1 | grep -E '^[0-9]+$' | head -1)
		exits=${exits:-n/a}
	fi
	echo "$ms $cpu $exits ${rss:-0}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
minimum() { sort -n | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "n/a" }'; }

# row LABEL UNIT KFILE QFILE
row() {
	kmin=$(minimum < "$3"); kmed=$(median < "$3")
	qmin=$(minimum < "$4"); qmed=$(median < "$4")
	if grep -q n/a "$3" "$4"; then
		printf '  %-34s n/a (perf cannot count kvm:kvm_userspace_exit here)\n' "$1"
		return
	fi
	printf '  %-34s kvmpc min %s med %s, qemu min %s med %s %s; ratio min %s med %s\n' \
		"$1" "$kmin" "$kmed" "$qmin" "$qmed" "$2" "$(ratio "$kmin" "$qmin")" \
		"$(ratio "$kmed" "$qmed")"
}

# machine LABEL EXTRA_ARGS: RUNS alternating pairs, then the rows
machine() {
	label=$1; extra=$2
	for f in ms cpu exits rss; do : > "$T/k.$f"; : > "$T/q.$f"; done
	r=0
	while [ $r -lt "$RUNS" ]; do
		set -- $(boot_once kvmpc ./kvmpc -enable-kvm $extra)
		echo "$1" >> "$T/k.ms"; echo "$2" >> "$T/k.cpu"
		echo "$3" >> "$T/k.exits"; echo "$4" >> "$T/k.rss"
		set -- $(boot_once qemu "$QEMU" -enable-kvm -M pc $extra)
		echo "$1" >> "$T/q.ms"; echo "$2" >> "$T/q.cpu"
		echo "$3" >> "$T/q.exits"; echo "$4" >> "$T/q.rss"
		r=$((r + 1))
	done
	echo "$label ($RUNS pairs, alternating):"
	row "wall to 'No bootable device'" ms "$T/k.ms" "$T/q.ms"
	row "VMM CPU time until then" ms "$T/k.cpu" "$T/q.cpu"
	row "userspace exits until then" "" "$T/k.exits" "$T/q.exits"
	row "VMM RSS there" KiB "$T/k.rss" "$T/q.rss"
}

echo "bench/boot.sh $(date -u +%Y-%m-%dT%H:%MZ), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
machine "-nodefaults (no display adapter)" ""
machine "-nodefaults -vga std" "-vga std"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

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
