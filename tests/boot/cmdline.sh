#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad command lines: each gives exactly one line on stderr and exit status 1,
# before any guest runs.  Good informational options exit 0.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh

# bad DESC ARGS... : expect exit 1 and one stderr line
bad() {
	desc=$1; shift
	timeout 20 $KVMPC "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l < "$T/err")
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ]; then
		ok "$desc: $(cat "$T/err")"
	else
		notok "$desc (exit $rc, $lines stderr lines)"
		sed 's/^/#   /' "$T/err" | head -5
	fi
}

good() {
	desc=$1; pat=$2; shift 2
	timeout 20 $KVMPC "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ $rc -eq 0 ] && grep -q "$pat" "$T/out"; then
		ok "$desc"
	else
		notok "$desc (exit $rc)"
		head -5 "$T/out" "$T/err" | sed 's/^/#   /'
	fi
}

bad "unknown option" -frobnicate
bad "missing argument" -m
bad "-m 0" -m 0
bad "-m 99T" -m 99T
bad "-m garbage" -m lots
bad "-smp 0 (QEMU 7.2 warns that it is invalid and carries on)" -smp 0
bad "missing BIOS" -bios /nonexistent/bios.bin
bad "bad chardev backend" -chardev frob,id=x
bad "serial to a missing chardev" -serial chardev:nothere
bad "unknown device" -device no-such-device
bad "unknown CPU model" -cpu pentium9
bad "unknown machine" -machine q35
bad "unknown -d item" -d everything
bad "-initrd without -kernel" -initrd /etc/hostname
bad "kernel that cannot be opened" -kernel /nonexistent/vmlinuz
bad "bad -boot letter" -boot order=z
bad "-display with no type (a key=value first)" -display x=y
bad "-accel with no accelerator (a key=value first)" -accel x=y
# both DESC TEXT ARGS...: kvmpc refuses (exit 1, one stderr line) and so does
# QEMU 7.2 (exit 1); TEXT (QEMU's wording, or - for none) is in both messages.
# "-S -display none" come first so that a later -display in ARGS wins.
both() {
	desc=$1; text=$2; shift 2
	timeout 20 $KVMPC -S -display none "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l < "$T/err")
	if [ $rc -ne 1 ] || [ "$lines" -ne 1 ]; then
		notok "$desc: kvmpc exit $rc, $lines stderr lines"
		sed 's/^/#   /' "$T/err" | head -5
		return
	fi
	if [ "$text" != - ] && ! grep -qF -- "$text" "$T/err"; then
		notok "$desc: kvmpc says '$(cat "$T/err")', not '$text'"
		return
	fi
	if [ -z "$have_qemu" ]; then
		ok "$desc: $(cat "$T/err") (QEMU not installed: not compared)"
		return
	fi
	timeout 20 $QEMU -S -display none "$@" >"$T/qout" 2>"$T/qerr" </dev/null
	qrc=$?
	if [ $qrc -ne 1 ]; then
		notok "$desc: QEMU exits $qrc (the table says QEMU refuses this too)"
	elif [ "$text" != - ] && ! grep -qF -- "$text" "$T/qerr"; then
		notok "$desc: QEMU says '$(head -1 "$T/qerr")', not '$text'"
	else
		ok "$desc: $(cat "$T/err")"
	fi
}
have_qemu=
command -v "$QEMU" >/dev/null 2>&1 && have_qemu=1
[ -z "$have_qemu" ] && echo "# $QEMU not installed: the table below is checked against kvmpc only"

both "duplicate -device id" "Duplicate ID 'x' for device" \
	-device pc-testdev,id=x -device pc-testdev,id=x
both "duplicate -device id, different devices" "Duplicate ID 'x' for device" \
	-device isa-serial,id=x -device pc-testdev,id=x
both "-device id not an identifier" "Parameter 'id' expects an identifier" -device pc-testdev,id=1x
both "-device empty id" "Parameter 'id' expects an identifier" -device pc-testdev,id=
both "-smp threads beyond cpus" \
	"Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (1) * dies (1) * cores (1) * threads (3) != maxcpus (2)" \
	-smp 2,threads=3,cores=1,sockets=1
both "-smp maxcpus below cpus" \
	"Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets (1) * dies (1) * cores (2) * threads (1) == maxcpus (2) < smp_cpus (4)" \
	-smp 4,maxcpus=2
both "-smp threads left at 0" "sockets (2) * dies (1) * cores (2) * threads (0) != maxcpus (2)" \
	-smp 2,sockets=2,cores=2
both "-smp 300" "Invalid SMP CPUs 300. The max CPUs supported by machine 'pc-i440fx-7.2' is 255" -smp 300
both "-smp -1" - -smp -1
both "-smp 2^64+1" - -smp 18446744073709551617
both "-smp garbage" - -smp abc
both "-smp unknown key" - -smp 2,frob=1
both "-smp empty key value" - -smp 2,sockets=
both "-m slots not a number" "Parameter 'slots' expects a number" -m 1G,slots=abc
both "-m slots without maxmem" "slots specified but no max-size" -m 1G,slots=2
both "-m maxmem below size" \
	"invalid value of maxmem: maximum memory size (0x20000000) must be at least the initial memory size (0x40000000)" \
	-m 1G,maxmem=512M,slots=2
both "-m maxmem garbage" - -m 1G,maxmem=abc,slots=2
both "-m unknown key" - -m 1G,frob=1
both "-m negative" - -m -5
both "-m empty size" - -m size=
both "-m beyond 2^64" - -m 99999999999999999999
both "-m bare 0x" - -m 0x
both "-m empty key" - -m 1G,,
both "-qtest none" "'none' is not a valid char driver" -qtest none
both "-qtest socket nobody listens on (not ignored without -accel)" - -qtest unix:"$T/nobody.sock"
both "-machine hpet=2" "Parameter 'hpet' expects 'on' or 'off'" -machine pc,hpet=2
both "-machine empty key" - -machine ,
both "-accel unknown property" "Property 'kvm-accel.frob' not found" -accel kvm,frob=1
both "-chardev id not an identifier" "Parameter 'id' expects an identifier" -chardev null,id=1x
both "-chardev empty id" "Parameter 'id' expects an identifier" -chardev null,id=
both "duplicate -chardev id" "Duplicate ID 'a' for chardev" -chardev null,id=a -chardev null,id=a
both "-netdev empty id" "Parameter 'id' expects an identifier" -netdev user,id=
both "-drive id not an identifier" "Parameter 'id' expects an identifier" \
	-drive file=/dev/null,format=raw,id=9
both "duplicate -drive id" "Duplicate ID 'a' for drive" \
	-drive file=/dev/null,format=raw,id=a -drive file=/dev/null,format=raw,id=a
both "-drive aio=frob" "invalid aio option" -drive file=/dev/null,format=raw,aio=frob
both "-drive cache=frob" "invalid cache option" -drive file=/dev/null,format=raw,cache=frob
both "-display none with an unknown key" "Parameter 'frob' is unexpected" -display none,frob=1
both "unknown device" "'no-such-device' is not a valid device model name" -device no-such-device
both "-device with no driver" "'' is not a valid device model name" -device ,
both "-device iobase=-1" - -device isa-serial,iobase=-1
both "-device iosize beyond 32 bits" - -device isa-debug-exit,iosize=99999999999
both "-device virtio-net-pci addr slot 0x20" - -device virtio-net-pci,addr=0x20
both "-device virtio-net-pci addr function 8" - -device virtio-net-pci,addr=0x3.8
both "-device on the host bridge's slot" - -device virtio-net-pci,addr=0
both "-cpu empty model" "unable to find CPU model ''" -cpu ,
both "-cpu unknown +feature" "Property 'qemu64-x86_64-cpu.nosuchfeat' not found" -cpu qemu64,+nosuchfeat
both "-cpu unknown feature=on" "Property 'qemu64-x86_64-cpu.foo' not found" -cpu qemu64,foo=on
both "-cpu feature=maybe" "Parameter 'svm' expects 'on' or 'off'" -cpu qemu64,svm=maybe
both "-vnc display out of range" - -vnc :99999
both "-boot menu=maybe" - -boot menu=maybe
both "-boot splash-time=-5" - -boot splash-time=-5
both "-sandbox on,spawn=frob" "invalid argument for spawn" -sandbox on,spawn=frob
both "-runas unknown user" - -runas nosuchuserxyz
both "-incoming unknown protocol" - -incoming frob:
bad "-qtest with an explicit -accel kvm (kvmpc serves qtest only under -accel qtest)" \
	-accel kvm -qtest unix:"$T/nobody.sock"

# -qtest alone selects the qtest accelerator, as in QEMU (it was ignored)
mkfifo "$T/qt.in"
$KVMPC -qtest stdio -display none <"$T/qt.in" >"$T/qt.out" 2>"$T/qt.err" &
track $!
exec 7>"$T/qt.in"
printf 'readb 0x0\n' >&7
check "-qtest without -accel answers qtest" "wait_for $T/qt.out 'OK 0x'" "$T/qt.err"
exec 7>&-
stop

good "--help" "usage: kvmpc" --help
good "--version" "kvmpc version" --version
good "-device help lists isa-serial" 'name "isa-serial", bus ISA' -device help
good "-device help lists isa-debug-exit" 'name "isa-debug-exit", bus ISA' -device help
done_testing
