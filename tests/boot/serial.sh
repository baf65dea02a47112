#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Serial ports and character devices with real SeaBIOS under KVM: two
# -serial give "Found 2 serial ports"; -nographic copies the screen to a
# file chardev; input over a unix socket opens SeaBIOS' boot menu (ESC);
# server=on without wait=off holds the machine until a client connects;
# a guest driver works by interrupts (tests/guest/uart.c); on a terminal, Ctrl-A x quits with status 0 and restores the tty mode.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "SeaBIOS boot tests need KVM"

DBG="-chardev file,id=dbg,path=$T/dbg.log -device isa-debugcon,iobase=0x402,chardev=dbg"

# 1-3: two ports probed; -nographic screen copy lands in COM1's file
$KVMPC -nographic -m 256 -serial file:"$T/com1.txt" -serial null $DBG \
	</dev/null >"$T/ng.out" 2>&1 &
track $!
wait_for "$T/com1.txt" "No bootable device"
stop
check "SeaBIOS finds two serial ports" "grep -aq 'Found 2 serial ports' $T/dbg.log" $T/dbg.log
check "screen copied to the COM1 file" "grep -aq 'SeaBIOS (version' $T/com1.txt" $T/com1.txt
check "COM1 file shows No bootable device" "grep -aq 'No bootable device' $T/com1.txt" $T/ng.out

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 missing: socket and terminal tests"
	done_testing
	exit 0
fi

# serial_client.py SOCK EXPECT [TRIGGER BYTES]: connect (retrying), read
# until EXPECT, send BYTES once TRIGGER was seen; exit 0 when EXPECT came.
cat >"$T/serial_client.py" <<'EOF'
import os, socket, sys, time
path, expect = sys.argv[1], sys.argv[2].encode()
deadline = time.time() + int(os.environ.get("WAIT_SECS", "300"))
trigger = sys.argv[3].encode() if len(sys.argv) > 3 else None
send = sys.argv[4].encode().decode("unicode_escape").encode("latin-1") if len(sys.argv) > 4 else b""
s = None
while time.time() < deadline:
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        break
    except OSError:
        s = None
        time.sleep(0.1)
if s is None:
    sys.exit(2)
s.settimeout(0.2)
buf, sent = b"", False
while time.time() < deadline and expect not in buf:
    try:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    except socket.timeout:
        pass
    if trigger and not sent and trigger in buf:
        s.sendall(send)
        sent = True
sys.stdout.write(buf.decode(errors="replace"))
sys.exit(0 if expect in buf else 1)
EOF

# 4: input from a socket client reaches SeaBIOS (ESC opens the boot menu)
$KVMPC -nographic -m 256 -boot menu=on -serial unix:"$T/menu.sock",server=on,wait=off \
	</dev/null >"$T/menu.out" 2>&1 &
track $!
WAIT_SECS=$WAIT_SECS python3 "$T/serial_client.py" "$T/menu.sock" "Select boot device" \
	"Press ESC" '\x1b' >"$T/menu.txt" 2>&1
crc=$?
stop
check "ESC over a unix socket opens the boot menu" "[ $crc -eq 0 ]" $T/menu.txt

# 5-6: server=on waits for the first client before the machine starts:
# kvmpc says so and sits in accept() (Linux syscall 43 or 288) with no
# guest output yet
rm -f "$T/dbg.log"
$KVMPC -nographic -m 256 -serial unix:"$T/wait.sock",server=on $DBG \
	</dev/null >"$T/wait.out" 2>&1 &
track $!
in_accept() { case "$(cut -d' ' -f1 /proc/$pid/syscall 2>/dev/null)" in 43|288) true ;; *) false ;; esac; }
wait_for "$T/wait.out" "waiting for connection on: unix:$T/wait.sock,server=on" &&
	wait_until "kvmpc blocked in accept()" in_accept
check "server=on waits before starting the guest" \
	"in_accept && ! grep -aq SeaBIOS $T/dbg.log 2>/dev/null" $T/wait.out
WAIT_SECS=$WAIT_SECS python3 "$T/serial_client.py" "$T/wait.sock" "No bootable device" \
	>"$T/wait.txt" 2>&1
crc=$?
stop
check "the guest runs once a client connected" "[ $crc -eq 0 ]" $T/wait.txt

# 7-10: an interrupt-driven driver in a guest (tests/guest/uart.c): THRE,
# TX one byte per interrupt, loopback RX, host input by RX interrupts
P=tests/guest/uart.elf
if [ -f $P ]; then
	timeout "$WAIT_SECS" $KVMPC -display none -m 64 -nodefaults \
		-serial unix:"$T/uart.sock",server=on,wait=off \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel $P >"$T/uart.out" 2>&1 &
	track $!
	WAIT_SECS=$WAIT_SECS python3 "$T/serial_client.py" "$T/uart.sock" "uart: done" \
		"uart: ready" 'hello kvmpc\n' >"$T/uart.txt" 2>&1
	wait_exit
	cat "$T/uart.out" >>"$T/uart.txt"
	check "guest: THRE interrupt on IER write, IIR 0xc2" "grep -aq 'uart: thre ok' $T/uart.txt" $T/uart.txt
	check "guest: a line sent one byte per THRE interrupt" \
		"grep -aq 'uart: tx line sent by interrupts' $T/uart.txt && grep -aq 'uart: tx ok' $T/uart.txt" $T/uart.txt
	check "guest: loopback byte received by interrupt" "grep -aq 'uart: loop ok' $T/uart.txt" $T/uart.txt
	check "guest: host line received by RX/timeout interrupts" \
		"grep -aq 'uart: echo HELLO KVMPC' $T/uart.txt && [ $rc -eq 1 ]" $T/uart.txt
else
	notok "uart payload missing: run make guests" /dev/null
fi

# 11-12: on a terminal, Ctrl-A x quits (status 0) and the tty is cooked again
cat >"$T/ctrl_a.py" <<'EOF'
import os, pty, select, sys, time
secs = int(os.environ.get("WAIT_SECS", "300"))
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", sys.argv[1] + " -nographic -m 256; echo RC=$?; stty -a"])
out = b""
def pump(secs, until=None):
    global out
    end = time.time() + secs
    while time.time() < end and not (until and until in out):
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return
pump(secs, b"SeaBIOS (version")
os.write(fd, b"\x01x")
pump(secs, b"RC=")
pump(secs)  # until the shell ends (EOF): all of stty -a
sys.stdout.write(out.decode(errors="replace"))
EOF
WAIT_SECS=$WAIT_SECS timeout "$WAIT_SECS" python3 "$T/ctrl_a.py" "$KVMPC" >"$T/ctrl_a.txt" 2>&1
check "Ctrl-A x exits with status 0" "grep -aq 'RC=0' $T/ctrl_a.txt" $T/ctrl_a.txt
check "terminal back in canonical mode with echo" \
	"grep -aq ' icanon' $T/ctrl_a.txt && grep -aq ' echo ' $T/ctrl_a.txt" $T/ctrl_a.txt

done_testing
