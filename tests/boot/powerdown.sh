#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ACPI power button end to end under KVM: a boot sector (booted by real
# SeaBIOS, which set the PIIX4 PM base to 0xb000) enables ACPI through the
# APM port, enables PWRBTN in PM1_EN and polls PM1_STS; QMP system_powerdown
# presses the button; the guest acknowledges it and sleeps to S5; kvmpc
# must end with status 0 after the POWERDOWN and SHUTDOWN events.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm
need_tools python3
# 'W' to 0x402; out 0xb2,0xf1; PM1_EN = PWRBTN_EN; poll PM1_STS bit 8;
# clear it; 'P' to 0x402; PM1_CNT = SLP_EN | SLP_TYP 0; hlt
printf '\272\002\004\260\127\356\260\361\346\262\272\002\260\270\000\001\357' > "$T/bs.img"
printf '\272\000\260\355\251\000\001\164\367\270\000\001\357' >> "$T/bs.img"
printf '\272\002\004\260\120\356\272\004\260\270\000\040\357\364\353\375' >> "$T/bs.img"
truncate -s 510 "$T/bs.img"
printf '\125\252' >> "$T/bs.img"
truncate -s 1M "$T/bs.img"
python3 - "$KVMPC" "$T" "$WAIT_SECS" <<'PY'
import json, os, socket, subprocess, sys, time
kvmpc, t, secs = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = 0
def report(ok, desc, extra=""):
    global n
    n += 1
    print("%s %d - %s%s" % ("ok" if ok else "not ok", n, desc, extra), flush=True)
sock = os.path.join(t, "qmp.sock")
log = os.path.join(t, "dbg.log")
p = subprocess.Popen([kvmpc, "-m", "128", "-nodefaults", "-display", "none",
    "-drive", "file=%s/bs.img,format=raw,if=ide" % t,
    "-chardev", "file,id=d,path=" + log, "-device", "isa-debugcon,iobase=0x402,chardev=d",
    "-qmp", "unix:%s,server=on,wait=off" % sock],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def log_has(pat):
    try:
        return pat in open(log, "rb").read()
    except OSError:
        return False
def wait_until(pred, what):
    """Poll pred up to the deadline (WAIT_SECS), while kvmpc runs."""
    end = time.time() + secs
    while time.time() < end and p.poll() is None:
        if pred():
            return True
        time.sleep(0.1)
    if pred():
        return True
    print("# waited for %s: not there" % what, flush=True)
    return False
report(wait_until(lambda: log_has(b"Booting from 0000:7c00"), "SeaBIOS's boot line"),
       "SeaBIOS boots the power-button sector")
# 'W' comes right before the polling loop
report(wait_until(lambda: log_has(b"Booting from 0000:7c00\nW"), "the W marker"),
       "the guest waits for the button")
s = socket.socket(socket.AF_UNIX)
def connect():
    try:
        s.connect(sock)
        return True
    except OSError:
        return False
wait_until(connect, "the QMP socket")
s.settimeout(secs)
f = s.makefile("rwb")
f.readline()
def send(cmd):
    f.write((json.dumps(cmd) + "\r\n").encode()); f.flush()
send({"execute": "qmp_capabilities"})
f.readline()
report(p.poll() is None and not log_has(b"\nWP"), "kvmpc keeps running while the guest waits")
send({"execute": "system_powerdown"})
events = []
try:
    while True:
        line = f.readline()
        if not line:
            break
        msg = json.loads(line)
        if "event" in msg:
            events.append(msg)
            if msg["event"] == "SHUTDOWN":
                break
except (OSError, ValueError):
    pass
names = [e["event"] for e in events]
report("POWERDOWN" in names, "QMP POWERDOWN event", " (%s)" % names)
sd = [e for e in events if e["event"] == "SHUTDOWN"]
report(bool(sd) and sd[0]["data"].get("guest") is True, "SHUTDOWN event from the guest",
       " (%s)" % (sd[0]["data"] if sd else None))
try:
    rc = p.wait(timeout=secs)
except subprocess.TimeoutExpired:
    p.kill(); rc = "still running"
report(rc == 0, "kvmpc ends with status 0 after the guest's S5", " (got %s)" % rc)
report(log_has(b"P") and open(log, "rb").read().rstrip().endswith(b"P"),
       "the guest saw PWRBTN_STS before sleeping")
print("1..%d" % n)
PY
