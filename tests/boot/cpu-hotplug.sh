#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vCPU hot-plug under KVM, with SeaBIOS as the guest that starts CPUs:
# boot with -smp 1,maxcpus=4 (SeaBIOS: "Found 1 cpu(s) max supported 4"),
# device_add two qemu64-x86_64-cpu (core-id 1 and 3) over QMP, check
# query-cpus-fast lists three CPUs with three host threads, then
# system_reset: SeaBIOS wakes every present CPU with INIT/SIPI and waits
# for each to check in, so "Found 3 cpu(s)" proves the hot-added KVM
# vCPUs run.  A -device CPU at start-up is counted from power-on.  The
# same sequences run under QEMU 7.2 (KVM) for comparison.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
need_tools socat
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}

# run NAME CMD...: the whole sequence; results in $T/NAME.*
run() {
	name=$1; shift
	s=$T/$name
	: >"$s.log"
	"$@" -nodefaults -display none -m 128 -smp 1,maxcpus=4 -cpu qemu64 \
		-chardev file,id=d,path="$s.log" -device isa-debugcon,iobase=0x402,chardev=d \
		-qmp unix:"$s.qmp",server=on,wait=off >"$s.out" 2>&1 &
	track $!
	wait_for "$s.log" "Found 1 cpu(s) max supported 4 cpu(s)" || return 1
	qmp_open "$s.qmp" || return 1
	qmp_send '{"execute": "device_add", "arguments": {"driver": "qemu64-x86_64-cpu", "id": "c1", "socket-id": 0, "core-id": 1, "thread-id": 0}}'
	qmp_send '{"execute": "device_add", "arguments": {"driver": "qemu64-x86_64-cpu", "id": "c3", "socket-id": 0, "core-id": 3, "thread-id": 0}}'
	qmp_send '{"execute": "query-cpus-fast"}'
	qmp_wait || return 1
	cp "$T/qmp.out" "$s.fast"
	qmp_send '{"execute": "system_reset"}'
	qmp_wait || return 1
	wait_for "$s.log" "Found 3 cpu(s) max supported 4 cpu(s)"
	r=$?
	qmp_close
	stop
	return $r
}

# threads FILE: distinct thread-ids in the query-cpus-fast reply
threads() {
	grep -a '"cpu-index"' "$1" | tr -d ' ' | grep -o '"thread-id":[0-9]*,"props"' |
		sort -u | wc -l
}

for vmm in kvmpc qemu; do
	if [ $vmm = qemu ]; then
		command -v "$QEMU" >/dev/null || { skip "$vmm: $QEMU not installed"; continue; }
		set -- "$QEMU" -machine pc -accel kvm
	else
		set -- "$KVMPC"
	fi
	run $vmm "$@"
	check "$vmm: SeaBIOS counts the two hot-added vCPUs after system_reset" "[ $? = 0 ]" "$T/$vmm.log"
	check "$vmm: device_add of both CPUs succeeded" \
		"[ \$(grep -ac '^{\"return\": {}}' $T/$vmm.fast) -ge 3 ]" "$T/$vmm.fast"
	check "$vmm: query-cpus-fast lists 3 CPUs on 3 host threads" \
		"[ \$(threads $T/$vmm.fast) = 3 ]" "$T/$vmm.fast"
	check "$vmm: the hot-added CPUs carry their device path" \
		"grep -aq '/machine/peripheral/c3' $T/$vmm.fast" "$T/$vmm.fast"
	# -device at start-up: present from power-on, SeaBIOS waits for it too
	s=$T/$vmm-cold
	: >"$s.log"
	"$@" -nodefaults -display none -m 128 -smp 1,maxcpus=4 -cpu qemu64 \
		-device qemu64-x86_64-cpu,id=cc,socket-id=0,core-id=2,thread-id=0 \
		-chardev file,id=d,path="$s.log" -device isa-debugcon,iobase=0x402,chardev=d \
		>"$s.out" 2>&1 &
	track $!
	wait_for "$s.log" "Found 2 cpu(s) max supported 4 cpu(s)"
	check "$vmm: -device qemu64-x86_64-cpu at start-up: SeaBIOS finds 2 CPUs" "[ $? = 0 ]" "$s.log"
	stop
done
done_testing
