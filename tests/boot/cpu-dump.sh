#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Where a guest stopped, as QEMU 7.2 says it (tests/guest/regs.c payload):
#   - HMP "info registers" of a payload halted with known registers:
#     EAX..EBP, EIP just after its HLT, HLT=1, the CS32 descriptor, and
#     the general-register lines the same as QEMU's for the same payload;
#     "info registers -a" lists both vCPUs of -smp 2;
#   - an instruction this host's KVM cannot emulate (INT3 at CPL 0): QEMU's
#     "KVM internal error. Suberror: 1" / "emulation failure" lines and the
#     register dump with the Code= line (the byte at EIP in <>) on stderr,
#     the VM paused in "internal-error" (kvmpc stays up, as QEMU), and the
#     Code= and EIP lines byte for byte those of QEMU;
#   - -machine pit=off: no in-kernel PIT, and SeaBIOS still reaches the
#     payload, as under QEMU;
#   - under -accel qtest (no vCPU runs) the power-on state, the same text
#     as QEMU's never-started CPU.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
need_tools socat
[ -f $G/regs.elf ] || { echo "1..1"; echo "not ok 1 - $G/regs.elf missing (make guests)"; exit 1; }

have_qemu=0
command -v "$QEMU" >/dev/null 2>&1 && have_qemu=1
[ $have_qemu = 1 ] || echo "# QEMU ($QEMU) missing: dumps are NOT compared with QEMU's"

# start NAME VMM MODE [ARGS...]: the payload on VMM, serial in $T/NAME.ser,
# stderr in $T/NAME.err, monitor socket $T/NAME.mon
start() {
	name=$1; vmm=$2; mode=$3; shift 3
	"$vmm" -machine pc,accel=kvm -display none -nodefaults "$@" \
		-serial file:"$T/$name.ser" -monitor unix:"$T/$name.mon",server=on,wait=off \
		-kernel $G/regs.elf -append "mode=$mode" </dev/null >"$T/$name.out" 2>"$T/$name.err" &
	track $!
}
addr() { sed -n "s/.*regs: hlt at \([0-9a-f]*\), int3 at \([0-9a-f]*\).*/\\$2/p" "$T/$1.ser"; }
# halted NAME: "info registers" until it shows HLT=1 (the HLT is reached)
halted() { hmp "$T/$1.mon" "info registers" >"$T/$1.regs" && grep -q "HLT=1" "$T/$1.regs"; }

# ---- halted payload ----
start khalt "$KVMPC" halt -smp 2
wait_for "$T/khalt.ser" "regs: halting" && wait_until "HLT=1 in info registers" halted khalt
hlt=$(addr khalt 1)
next=$(printf '%08x' $((0x$hlt + 1)))
check "info registers: the payload's registers" \
	"grep -q '^EAX=11111111 EBX=22222222 ECX=33333333 EDX=44444444\$' $T/khalt.regs &&
	 grep -q '^ESI=55555555 EDI=66666666 EBP=77777777 ESP=' $T/khalt.regs" "$T/khalt.regs"
check "info registers: EIP=$next just after the HLT at $hlt, HLT=1, CPL=0" \
	"grep -q '^EIP=$next EFL=.* CPL=0 II=0 A20=1 SMM=0 HLT=1\$' $T/khalt.regs" "$T/khalt.regs"
check "info registers: segments, CR0, EFER, FPU lines as QEMU lays them out" \
	"grep -q '^CS =0008 00000000 ffffffff 00c09b00 DPL=0 CS32 \[-RA\]\$' $T/khalt.regs &&
	 grep -q '^CR0=00000011 CR2=00000000 CR3=00000000 CR4=00000000\$' $T/khalt.regs &&
	 grep -q '^EFER=0000000000000000\$' $T/khalt.regs &&
	 grep -q '^FCW=037f FSW=0000 \[ST=0\] FTW=00 MXCSR=00001f80\$' $T/khalt.regs &&
	 grep -q '^XMM06=0* 0* XMM07=0* 0*\$' $T/khalt.regs" "$T/khalt.regs"
hmp "$T/khalt.mon" "info registers -a" >"$T/khalt.all"
check "info registers -a: CPU#0 and CPU#1" \
	"grep -q '^CPU#0\$' $T/khalt.all && grep -q '^CPU#1\$' $T/khalt.all" "$T/khalt.all"
hmp "$T/khalt.mon" "info registers 2" >"$T/khalt.none"
check "info registers 2 with two vCPUs: not available" "grep -q '^CPU#2 not available' $T/khalt.none"
stop "$pid"
if [ $have_qemu = 1 ]; then
	start qhalt "$QEMU" halt -smp 2
	wait_for "$T/qhalt.ser" "regs: halting" && wait_until "HLT=1 from QEMU" halted qhalt
	grep -E '^(EAX|EIP|CS |CR0|EFER|FCW)=' "$T/khalt.regs" >"$T/k.lines"
	grep -E '^(EAX|EIP|CS |CR0|EFER|FCW)=' "$T/qhalt.regs" >"$T/q.lines"
	check "info registers: EAX, EIP, CS, CR0, EFER, FCW lines as QEMU's" \
		"cmp -s $T/k.lines $T/q.lines" "$T/qhalt.regs"
	stop "$pid"
fi

# ---- emulation failure ----
start kfail "$KVMPC" emufail
wait_for "$T/kfail.err" "Code="
bad=$(printf "%08x" "0x$(addr kfail 2)")
check "emulation failure: QEMU's messages" \
	"grep -q '^KVM internal error. Suberror: 1\$' $T/kfail.err &&
	 grep -q '^emulation failure\$' $T/kfail.err" "$T/kfail.err"
check "emulation failure: EIP=$bad, the INT3" "grep -q '^EIP=$bad ' $T/kfail.err" "$T/kfail.err"
check "emulation failure: Code= with <cc> (20 bytes before, 29 after)" \
	"grep -qE '^Code=([0-9a-f?]{2} ){20}<cc>( [0-9a-f?]{2}){29}\$' $T/kfail.err" "$T/kfail.err"
hmp "$T/kfail.mon" "info status" >"$T/kfail.status"
check "emulation failure: VM paused (internal-error), kvmpc still up" \
	"grep -q 'VM status: paused (internal-error)' $T/kfail.status && alive $pid" "$T/kfail.status"
stop "$pid"
if [ $have_qemu = 1 ]; then
	start qfail "$QEMU" emufail
	wait_for "$T/qfail.err" "Code="
	check "emulation failure: Code= and EIP lines as QEMU's" \
		"[ \"\$(grep -E '^(Code|EIP)=' $T/kfail.err)\" = \"\$(grep -E '^(Code|EIP)=' $T/qfail.err)\" ]" \
		"$T/qfail.err"
	stop "$pid"
fi

# ---- -machine pit=off: no PIT at all, SeaBIOS still boots the payload ----
start kpit "$KVMPC" halt -machine pit=off
check "pit=off: SeaBIOS and the loader run without a PIT (payload reached)" \
	"wait_for '$T/kpit.ser' 'regs: halting'" "$T/kpit.err"
stop "$pid"
if [ $have_qemu = 1 ]; then
	start qpit "$QEMU" halt -machine pit=off
	check "pit=off: QEMU reaches the payload too" "wait_for '$T/qpit.ser' 'regs: halting'" \
		"$T/qpit.err"
	stop "$pid"
fi

# ---- qtest: the power-on state ----
"$KVMPC" -accel qtest -qtest unix:"$T/qt.sock",server=on,wait=off -display none -nodefaults \
	-monitor unix:"$T/qt.mon",server=on,wait=off </dev/null >"$T/qt.out" 2>&1 &
track $!
hmp "$T/qt.mon" "info registers" >"$T/qt.regs"
check "-accel qtest: the power-on state" \
	"grep -q '^EIP=0000fff0 EFL=00000002 \[-------\] CPL=0 II=0 A20=1 SMM=0 HLT=0\$' $T/qt.regs" \
	"$T/qt.regs"
stop "$pid"
if [ $have_qemu = 1 ]; then
	"$QEMU" -machine pc -accel tcg -S -display none -nodefaults \
		-monitor unix:"$T/qq.mon",server=on,wait=off </dev/null >"$T/qq.out" 2>&1 &
	track $!
	hmp "$T/qq.mon" "info registers" >"$T/qq.regs"
	sed -n '/^CPU#0/,/^XMM06/p' "$T/qt.regs" >"$T/qt.cut"
	sed -n '/^CPU#0/,/^XMM06/p' "$T/qq.regs" >"$T/qq.cut"
	check "-accel qtest: the same dump as QEMU's unstarted CPU" "cmp -s $T/qt.cut $T/qq.cut" \
		"$T/qq.regs"
	stop "$pid"
fi
done_testing
