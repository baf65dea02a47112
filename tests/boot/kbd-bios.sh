#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Typing into real SeaBIOS under KVM, end to end: QMP send-key -> PS/2
# keyboard (set 2) -> i8042 translation to set 1 -> IRQ 1 -> SeaBIOS's INT 9
# handler -> INT 16h in a boot sector, which prints each key's scan code and
# ASCII byte on the debug console.  Covers a plain letter, Shift, an E0
# extended key, Enter, and Caps Lock (SeaBIOS answers it with the keyboard's
# set-LEDs command and then shifts letters; the letter proves the
# keyboard went on answering).  The boot sector is assembled
# here with binutils; the test skips without them, python3 or KVM.
# The boot sector prints "KBDTEST WAIT" before each INT 16h call, and each
# key is sent only once that line is complete: a key never arrives while
# the previous one is still being printed, or before SeaBIOS is ready.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"
need_tools as ld python3

cat >"$T/boot.S" <<'EOF'
	.code16
	.text
	.globl _start
_start:
	ljmp $0, $go
go:	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	cli
	mov %ax, %ss
	mov $0x7c00, %sp
	sti
	mov $msg_r, %si
	call puts
	mov $5, %bp
next:	mov $msg_w, %si
	call puts
	mov $0x00, %ah		/* wait for a key: AH scan code, AL ASCII */
	int $0x16
	push %ax
	mov $msg_k, %si
	call puts
	pop %ax
	push %ax
	mov %ah, %al
	call hex8
	pop %ax
	call hex8
	mov $'\n', %al
	call putc
	dec %bp
	jnz next
	mov $0x10, %al		/* isa-debug-exit: status 33 */
	out %al, $0xf4
	hlt

hex8:	push %ax
	shr $4, %al
	call nibble
	pop %ax
	and $0x0f, %al
nibble:	add $'0', %al
	cmp $'9', %al
	jbe putc
	add $7, %al
putc:	push %dx
	mov $0x402, %dx
	out %al, %dx
	pop %dx
	ret

puts:	lodsb
	test %al, %al
	jz 1f
	call putc
	jmp puts
1:	ret

msg_r:	.asciz "KBDTEST READY\n"
msg_w:	.asciz "KBDTEST WAIT\n"
msg_k:	.asciz "KBDTEST KEY="
	.org 510
	.word 0xaa55
EOF
if ! as --32 -o "$T/boot.o" "$T/boot.S" 2>"$T/as.err" ||
   ! ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$T/boot.bin" "$T/boot.o" 2>>"$T/as.err"; then
	echo "1..0 # SKIP cannot assemble the boot sector: $(head -n 1 "$T/as.err")"
	exit 0
fi
dd if=/dev/zero of="$T/disk.img" bs=1024 count=1024 2>/dev/null
dd if="$T/boot.bin" of="$T/disk.img" conv=notrunc 2>/dev/null

python3 - "$KVMPC" "$T" "$WAIT_SECS" <<'EOF'
import json, os, socket, subprocess, sys, time

KVMPC, T, SECS = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = os.path.join(T, "dbg.log")
sock = os.path.join(T, "qmp.sock")
n = 0

def report(ok, desc):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and os.path.exists(log):
        for line in open(log, "rb").read().decode("latin-1").splitlines()[-10:]:
            print("#   " + line)
    sys.stdout.flush()

def log_text():
    try:
        return open(log, "rb").read().decode("latin-1")
    except OSError:
        return ""

def wait_for(pred, what):
    """Poll pred up to the deadline (WAIT_SECS); say what was missing."""
    end = time.time() + SECS
    while time.time() < end:
        if pred():
            return True
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if pred():
        return True
    print("# waited for %s: not there (%s)" % (what, "kvmpc exited"
          if proc.poll() is not None else "after %d s" % SECS))
    return False

def complete(text):
    """Lines of the debug log that are complete (newline written)."""
    t = log_text()
    return t[:t.rfind("\n") + 1].count(text)

proc = subprocess.Popen([KVMPC, "-m", "128", "-nodefaults", "-display", "none",
                         "-hda", os.path.join(T, "disk.img"),
                         "-chardev", "file,id=dbg,path=" + log,
                         "-device", "isa-debugcon,iobase=0x402,chardev=dbg",
                         "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                         "-qmp", "unix:%s,server=on,wait=off" % sock],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    def connected():
        # the socket file appears at bind(), a moment before listen()
        global s
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
            return True
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            return False
    wait_for(connected, "the QMP socket")
    f = s.makefile("rw")

    def qmp(cmd, args=None):
        msg = {"execute": cmd}
        if args is not None:
            msg["arguments"] = args
        f.write(json.dumps(msg) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                return r

    json.loads(f.readline())  # greeting
    qmp("qmp_capabilities")
    report(wait_for(lambda: complete("KBDTEST WAIT\n") >= 1, "KBDTEST WAIT"),
           "boot sector waits in INT 16h")

    cases = [
        (["a"], "1E61", "a: scan code 1E, 'a'"),
        (["shift", "a"], "1E41", "Shift+a: 'A'"),
        (["up"], "4800", "Up (E0 48): scan code 48, no ASCII"),
        (["ret"], "1C0D", "Enter: 1C, CR"),
        (["caps_lock"], None, None),
        (["a"], "1E41", "Caps Lock then a: 'A'"),
    ]
    seen = 0
    for keys, want, desc in cases:
        # the boot sector is in INT 16h for key number seen + 1
        wait_for(lambda: complete("KBDTEST WAIT\n") > seen, "KBDTEST WAIT %d" % (seen + 1))
        r = qmp("send-key", {"keys": [{"type": "qcode", "data": k} for k in keys]})
        if "return" not in r:
            report(False, "send-key %s: %s" % (keys, r))
            continue
        if want is None:
            continue  # Caps Lock only changes state: the next key shows it
        got = wait_for(lambda: complete("KBDTEST KEY=") > seen, "key line %d" % (seen + 1))
        lines = [l for l in log_text().splitlines() if "KBDTEST KEY=" in l]
        val = lines[seen].split("=")[1].strip() if got else "nothing"
        seen += 1
        report(val == want, "%s (got %s)" % (desc, val))
    try:
        status = proc.wait(timeout=SECS)
    except subprocess.TimeoutExpired:
        status = None
    report(status == 33, "boot sector exited through isa-debug-exit (status %s)" % status)
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
print("1..%d" % n)
EOF
