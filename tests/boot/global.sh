#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -global and the -machine pit=/vmport=/kernel-irqchip= switches, run on
# kvmpc and on QEMU 7.2 with the same arguments: same exit status and the
# same message (program name and QEMU's host CPUID warnings left out).  The
# machine is built (KVM, paused with -S) and quit over QMP, so a global is
# checked against the devices that really exist, as QEMU does.  Then the
# kvm-pit lost-tick policy is seen reaching KVM (KVM_REINJECT_CONTROL).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm

have_qemu=0
command -v "$QEMU" >/dev/null 2>&1 && have_qemu=1
[ $have_qemu = 1 ] || echo "# QEMU ($QEMU) missing: kvmpc's answers are checked alone (NOT compared)"

# run VMM OUTPREFIX ARGS...: build the machine, quit; status in $rc
run() {
	vmm=$1; out=$2; shift 2
	printf '%s\n' '{"execute":"qmp_capabilities"}' $QMP_EXTRA '{"execute":"quit"}' |
		timeout 60 "$vmm" -machine pc,accel=kvm -nodefaults -display none -S \
			-qmp stdio "$@" >"$out.out" 2>"$out.raw"
	rc=$?
	sed -e '/host doesn.t support requested feature/d' -e 's/^[^ :]*\(kvmpc\|qemu-system-[^ :]*\): //' \
		"$out.raw" >"$out.err"
}

# same DESC STATUS TEXT ARGS...: kvmpc exits STATUS printing TEXT (a grep
# pattern, "" for nothing), and QEMU does the same
same() {
	desc=$1; want=$2; text=$3; shift 3
	run "$KVMPC" "$T/k" "$@"; krc=$rc
	kerr=$(cat "$T/k.err")
	if [ "$krc" != "$want" ]; then
		notok "$desc: kvmpc exit $krc, want $want" "$T/k.raw"; return
	fi
	if [ -n "$text" ] && ! grep -q -- "$text" "$T/k.err"; then
		notok "$desc: kvmpc said '$kerr', want '$text'" "$T/k.raw"; return
	fi
	if [ -z "$text" ] && [ -s "$T/k.err" ]; then
		notok "$desc: kvmpc said '$kerr', want nothing" "$T/k.raw"; return
	fi
	if [ $have_qemu = 1 ]; then
		run "$QEMU" "$T/q" "$@"
		if [ "$rc" != "$krc" ] || ! cmp -s "$T/k.err" "$T/q.err"; then
			notok "$desc: QEMU exit $rc '$(cat "$T/q.err")', kvmpc exit $krc '$kerr'"
			return
		fi
	fi
	ok "$desc: exit $krc${kerr:+ '$kerr'}"
}

# only DESC STATUS TEXT ARGS...: kvmpc alone (where kvmpc deliberately differs)
only() {
	desc=$1; want=$2; text=$3; shift 3
	run "$KVMPC" "$T/k" "$@"
	check "$desc: exit $rc '$(cat "$T/k.err")'" \
		"[ $rc = $want ] && grep -q -- '$text' '$T/k.err'" "$T/k.raw"
}

img=$T/disk.img
dd if=/dev/zero of="$img" bs=1M count=1 2>/dev/null
hd="-drive file=$img,format=raw,if=ide"

same "unknown driver warns" 0 "warning: global foo.bar has invalid class name" -global foo.bar=1
same "kvm-pit unknown property" 1 "can't apply global kvm-pit.foo=1: Property 'kvm-pit.foo' not found" \
	-global kvm-pit.foo=1
same "kvm-pit discard" 0 "" -global kvm-pit.lost_tick_policy=discard
same "kvm-pit delay" 0 "" -global kvm-pit.lost_tick_policy=delay
same "kvm-pit slew" 1 "Lost tick policy not supported." -global kvm-pit.lost_tick_policy=slew
same "kvm-pit bad policy" 1 "does not accept value 'bogus'" -global kvm-pit.lost_tick_policy=bogus
same "kvm-pit not there with pit=off" 0 "" -machine pit=off -global kvm-pit.lost_tick_policy=discard
same "PIIX4_PM.disable_s3=1" 0 "" -global PIIX4_PM.disable_s3=1
same "PIIX4_PM.disable_s4=1, keyed form" 0 "" -global driver=PIIX4_PM,property=disable_s4,value=1
same "PIIX4_PM.disable_s3=x" 1 "expects uint64" -global PIIX4_PM.disable_s3=x
same "PIIX4_PM.disable_s3=256" 1 "expects uint8_t" -global PIIX4_PM.disable_s3=256
same "PIIX4_PM unknown property" 1 "Property 'PIIX4_PM.foo' not found" -global PIIX4_PM.foo=1
for d in i8042 mc146818rtc fw_cfg_io PIIX3 piix3-ide i440FX-pcihost; do
	same "$d unknown property" 1 "Property '$d.xyz' not found" -global $d.xyz=1
done
same "VGA global without a VGA" 0 "warning: global VGA.vgamem_mb=8 not used" -global VGA.vgamem_mb=8
same "VGA.vgamem_mb=8 with -vga std" 0 "" -vga std -global VGA.vgamem_mb=8
same "VGA unknown property" 1 "Property 'VGA.foo' not found" -vga std -global VGA.foo=1
same "isa-serial unknown property" 1 "Property 'isa-serial.foo' not found" \
	-serial null -global isa-serial.foo=1
same "isa-serial global, no serial port" 0 "" -global isa-serial.foo=1
same "ide-hd on a -drive if=ide disk" 0 "" $hd -global ide-hd.model=GLOBALDISK
same "ide-hd unknown property" 1 "Property 'ide-hd.foo' not found" $hd -global ide-hd.foo=1
same "-device wins over -global" 0 "" -device isa-debugcon,iobase=0x402,chardev=c \
	-chardev null,id=c -global isa-debugcon.iobase=0x3000
same "keyed form without value" 1 "options 'driver', 'property', and 'value' are required" \
	-global driver=PIIX4_PM,property=disable_s3
same "no driver.property" 1 "-global foo=1: Invalid parameter 'foo'" -global foo=1
same "-machine pit=bogus" 1 "Parameter 'pit' does not accept value 'bogus'" -machine pit=bogus
same "-machine vmport=bogus" 1 "Parameter 'vmport' does not accept value 'bogus'" \
	-machine vmport=bogus
same "-machine kernel-irqchip=bogus" 1 "does not accept value 'bogus'" -machine kernel-irqchip=bogus
same "-machine pit=off" 0 "" -machine pit=off
same "-machine pit=on,vmport=off,kernel-irqchip=on" 0 "" -machine pit=on,vmport=off,kernel-irqchip=on
# device_add: QEMU only warns about a global a hot-plugged device cannot take
QMP_EXTRA='{"execute":"device_add","arguments":{"driver":"virtio-rng-pci","id":"r"}}'
same "device_add with a bad global: a warning" 0 \
	"warning: can't apply global virtio-rng-pci.foo=1: Property 'virtio-rng-pci.foo' not found" \
	-global virtio-rng-pci.foo=1
QMP_EXTRA=
# kvmpc refuses what it cannot do (QEMU runs these)
only "kernel-irqchip=split refused" 1 "kernel-irqchip=split: not supported by kvmpc" \
	-machine kernel-irqchip=split
only "kernel-irqchip=off refused" 1 "kernel-irqchip=off: not supported by kvmpc" \
	-machine kernel-irqchip=off
only "vmport=on refused" 1 "vmport=on: kvmpc has no VMware I/O port" -machine vmport=on
only "a QEMU device kvmpc lacks" 0 "isa-fdc.driveA=x not used: kvmpc has no isa-fdc device" \
	-global isa-fdc.driveA=x

# the policy reaches KVM: the ioctl succeeded (kvmpc logs it with -d int)
for p in discard delay; do
	run "$KVMPC" "$T/k" -global kvm-pit.lost_tick_policy=$p -d int -D "$T/int-$p.log"
	want=1; [ $p = discard ] && want=0
	check "lost_tick_policy=$p: KVM_REINJECT_CONTROL pit_reinject=$want" \
		"[ $rc = 0 ] && grep -q 'pit_reinject=$want' '$T/int-$p.log'" "$T/k.raw"
done
done_testing
