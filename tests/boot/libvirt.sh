#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# virsh end to end: Debian's libvirtd (9.0) runs kvmpc as the emulator of a
# domain, in a private mount namespace (tmpfs over /etc/libvirt,
# /var/lib/libvirt, /run/libvirt, /var/cache/libvirt, /var/log/libvirt)
# so the host's libvirt configuration is never read or touched.  The
# capability probe must pass (virsh domcapabilities), then, with a domain
# whose kernel is tests/guest/pwrbtn.elf (SeaBIOS boots it; it waits for
# the ACPI power button and then enters S5; its and SeaBIOS's reports come
# through a debug port added with <qemu:commandline>): define, start,
# domstate running, the guest armed, domblklist and query-block show the CD
# given as a <disk> (libvirt writes -blockdev for it), screenshot (a PNG of SeaBIOS's text
# screen), suspend/paused, resume/running, shutdown (the guest sees the
# button and powers off: shut off), start again, destroy/shut off, the
# emulator process gone, undefine.  The same sequence runs with QEMU 7.2 as
# the emulator, for reference.  Skipped loudly where libvirt is not
# installed or no mount namespace can be made.  The same sequence runs with
# QEMU 7.2 as the emulator for reference.
cd "$(dirname "$0")/../.." || exit 1
if [ -z "$KVMPC_LIBVIRT_NS" ]; then
	for t in libvirtd virsh unshare; do
		if ! command -v $t >/dev/null 2>&1; then
			echo "1..0 # SKIP $t not installed (libvirt-daemon-system, libvirt-clients: sh scripts/setup.sh)"
			exit 0
		fi
	done
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP cannot make a private mount namespace for libvirtd (needs root)"
		exit 0
	fi
	KVMPC=$(readlink -f "${KVMPC:-./kvmpc}")
	export KVMPC KVMPC_LIBVIRT_NS=1
	exec unshare -m --propagation private sh "$0" "$@"
fi
. tests/boot/lib.sh
need_kvm
need_tools identify
PAYLOAD=$(pwd)/tests/guest/pwrbtn.elf
truncate -s 1M "$T/cd.iso" 2>/dev/null
[ -f "$PAYLOAD" ] || skip_all "tests/guest/pwrbtn.elf not built (make tests-build)"

for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/cache/libvirt /var/log/libvirt; do
	mkdir -p "$d" && mount -t tmpfs tmpfs "$d" || skip_all "cannot mount a tmpfs over $d"
done
mkdir -p /etc/libvirt/qemu /var/log/libvirt/qemu
# the domain runs as root without confinement or cgroups: nothing on the
# host to label, own or account, and no virtlogd
cat >/etc/libvirt/qemu.conf <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
stdio_handler = "file"
namespaces = [ ]
EOF
cat >/etc/libvirt/libvirtd.conf <<EOF
log_filters = "1:qemu.qemu_monitor_json 3:*"
log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
EOF

V="virsh -q -c qemu:///system"
cleanup() {
	for _n in kvmpc-virsh-kvmpc kvmpc-virsh-qemu; do
		$V destroy $_n >/dev/null 2>&1
		[ -f /run/libvirt/qemu/$_n.pid ] && kill "$(cat /run/libvirt/qemu/$_n.pid)" 2>/dev/null
	done
	lib_cleanup
}
trap cleanup EXIT

libvirtd -p /run/libvirt/test-libvirtd.pid >"$T/libvirtd.out" 2>&1 &
track $!
wait_until "libvirtd's socket" test -S /run/libvirt/libvirt-sock ||
	{ notok "libvirtd starts" "$T/libvirtd.out"; done_testing; exit 1; }

# run CMD..., its output in $T/out; show libvirt's logs when it fails
v() { $V "$@" >"$T/out" 2>&1; }
fail_logs() {
	cat "$T/out" /var/log/libvirt/qemu/$NAME.log 2>/dev/null >"$T/why"
	grep -a 'error :' /var/log/libvirt/libvirtd.log 2>/dev/null | tail -5 >>"$T/why"
	echo "$T/why"
}

state() { $V domstate $NAME 2>/dev/null | grep -qx "$1"; }

# run_domain TAG EMULATOR: the whole virsh sequence with that emulator
run_domain() {
	TAG=$1 EMU=$2
	NAME=kvmpc-virsh-$TAG
	v domcapabilities --emulatorbin "$EMU" --virttype kvm
	check "$TAG: the capability probe passes: domcapabilities for kvm on pc-i440fx-7.2" \
		'grep -q "<domain>kvm</domain>" "$T/out" && grep -q "<machine>pc-i440fx-7.2</machine>" "$T/out"' \
		"$(fail_logs)"

	cat >"$T/$TAG.xml" <<EOF
<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$NAME</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$PAYLOAD</kernel></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>$EMU</emulator>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/><source file='$T/cd.iso'/>
      <target dev='hdc' bus='ide'/><readonly/>
    </disk>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <video><model type='vga'/></video>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-chardev'/>
    <qemu:arg value='file,id=seabios,path=$T/$TAG-debug.log,append=on'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='isa-debugcon,iobase=0x402,chardev=seabios'/>
  </qemu:commandline>
</domain>
EOF
	v define "$T/$TAG.xml"
	check "$TAG: virsh define" '[ $? = 0 ]' "$(fail_logs)"
	v start $NAME
	check "$TAG: virsh start" '[ $? = 0 ]' "$(fail_logs)"
	check "$TAG: domstate: running" 'state running' "$(fail_logs)"
	check "$TAG: SeaBIOS boots the guest; it waits for the power button" \
		'wait_for "$T/$TAG-debug.log" "pwrbtn: armed"' "$T/$TAG-debug.log"

	v domblklist $NAME
	check "$TAG: virsh domblklist: the CD (-blockdev file + raw, -device ide-cd)" \
		'grep -q "^ *hdc *$T/cd.iso\$" "$T/out"' "$(fail_logs)"
	v qemu-monitor-command $NAME '{"execute": "query-block"}'
	check "$TAG: the emulator has the image in the CD drive (query-block)" \
		'grep -q "\"file\": *\"$T/cd.iso\"" "$T/out"' "$T/out"

	v screenshot $NAME "$T/$TAG-shot.png"
	# a text screen: 720x400 and more than one colour (SeaBIOS's words are there)
	check "$TAG: virsh screenshot: SeaBIOS's text screen as a PNG ($(identify -format '%m %wx%h, %k colours' "$T/$TAG-shot.png" 2>/dev/null))" \
		'[ "$(identify -format "%m %w %h" "$T/$TAG-shot.png" 2>/dev/null)" = "PNG 720 400" ] &&
		 [ "$(identify -format "%k" "$T/$TAG-shot.png")" -gt 1 ]' "$(fail_logs)"

	v suspend $NAME
	check "$TAG: virsh suspend: domstate paused" '[ $? = 0 ] && state paused' "$(fail_logs)"
	v resume $NAME
	check "$TAG: virsh resume: domstate running" '[ $? = 0 ] && state running' "$(fail_logs)"
	v shutdown $NAME
	check "$TAG: virsh shutdown: the guest sees the power button" \
		'[ $? = 0 ] && wait_for "$T/$TAG-debug.log" "pwrbtn: pressed"' "$(fail_logs)"
	check "$TAG: ... and powers off: domstate shut off" 'wait_until "shut off" state "shut off"' \
		"$(fail_logs)"
	v start $NAME
	check "$TAG: virsh start again" '[ $? = 0 ] && wait_for "$T/$TAG-debug.log" "pwrbtn: armed" 2' \
		"$(fail_logs)"
	v destroy $NAME
	check "$TAG: virsh destroy: domstate shut off" '[ $? = 0 ] && state "shut off"' "$(fail_logs)"
	check "$TAG: the emulator process is gone" \
		'! pgrep -f "guest=$NAME" >/dev/null' "$(fail_logs)"
	v undefine $NAME
	check "$TAG: virsh undefine" '[ $? = 0 ] && ! $V dominfo $NAME >/dev/null 2>&1' "$(fail_logs)"
}

run_domain kvmpc "$KVMPC"
if command -v "$QEMU" >/dev/null; then
	run_domain qemu "$(command -v "$QEMU")"
else
	skip "$QEMU not installed: no reference run"
fi
done_testing
