#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# QMP memory use over time, the way a management tool polls: one kvmpc
# (-accel qtest: no guest code runs, no KVM needed) with an IDE disk, a CD
# and a virtio balloon answers 20,000 mixed commands (query-block,
# query-commands, query-cpus-fast, query-balloon, balloon, query-pci,
# human-monitor-command, errors, and a fresh connection with
# qmp_capabilities every 50 commands).  VmRSS from /proc/PID/status is
# read after a warm-up of 2,000 commands and again at the end; the growth
# must stay under 8 MiB.  A leak of even 1 KiB a command would add 20 MiB,
# issue 17 measured 2-14 KiB a command.  Each command's reply is checked,
# and kvmpc must then quit with status 0 (under --enable-asan that is also
# LeakSanitizer's verdict, see tests/run.sh).
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed for the QMP client"
	exit 0
fi
truncate -s 8M "$T/disk.img"
truncate -s 1M "$T/cd.iso"

python3 - "$KVMPC" "$T" <<'EOF'
import json, os, socket, subprocess, sys, time

KVMPC, T = sys.argv[1], sys.argv[2]
TOTAL, WARMUP, EVERY, LIMIT_KIB = 20000, 2000, 50, 8 * 1024
n = 0

def report(ok, desc, detail=None):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and detail is not None:
        for line in str(detail)[-1500:].splitlines():
            print("#   " + line)
    sys.stdout.flush()

class Qmp:
    def __init__(self, path):
        deadline = time.monotonic() + 60
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline or p.poll() is not None:
                    raise
                time.sleep(0.1)
        self.s.settimeout(60)
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return json.loads(l)

    def cmd(self, name, args=None):
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        self.s.sendall((json.dumps(msg) + "\n").encode())
        while True:
            m = self.line()
            if "event" not in m:
                return m

def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    raise RuntimeError("no VmRSS")

sock = os.path.join(T, "qmp.sock")
log = open(os.path.join(T, "kvmpc.log"), "wb")
# An --enable-asan kvmpc keeps freed blocks in quarantine (RSS grows by
# design); without it RSS measures leaks again, LeakSanitizer still runs.
env = dict(os.environ)
env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                             "quarantine_size_mb=0"]))
p = subprocess.Popen([KVMPC, "-accel", "qtest", "-qtest", "null", "-nodefaults",
                      "-display", "none", "-m", "64",
                      "-qmp", "unix:%s,server=on,wait=off" % sock,
                      "-drive", "file=%s,format=raw,if=ide,index=0" % os.path.join(T, "disk.img"),
                      "-drive", "file=%s,media=cdrom,if=ide,index=2" % os.path.join(T, "cd.iso"),
                      "-device", "virtio-balloon-pci"],
                     stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)

def log_tail():
    return open(os.path.join(T, "kvmpc.log"), "rb").read()[-1500:].decode("ascii", "replace")

# (command, arguments, check of the reply)
MIX = [
    ("query-block", None, lambda r: len(r["return"]) == 2),
    ("query-commands", None, lambda r: len(r["return"]) > 10),
    ("query-cpus-fast", None, lambda r: r["return"][0]["cpu-index"] == 0),
    ("query-balloon", None, lambda r: r["return"]["actual"] == 64 << 20),
    ("balloon", {"value": 64 << 20}, lambda r: r == {"return": {}}),
    ("query-pci", None, lambda r: len(r["return"][0]["devices"]) >= 4),
    ("query-status", None, lambda r: "status" in r["return"]),
    ("query-version", None, lambda r: r["return"]["qemu"]["major"] == 7),
    ("human-monitor-command", {"command-line": "info block"},
     lambda r: "ide1-cd0" in r["return"]),
    ("no-such-command", None, lambda r: r["error"]["class"] == "CommandNotFound"),
    ("eject", {"device": "nosuch"}, lambda r: r["error"]["class"] == "DeviceNotFound"),
    ("qmp_capabilities", None, lambda r: r["error"]["class"] == "CommandNotFound"),
]

def connect():
    c = Qmp(sock)
    g = c.line()
    r = c.cmd("qmp_capabilities")
    if "QMP" not in g or r != {"return": {}}:
        raise RuntimeError("negotiation: %r %r" % (g, r))
    return c

def run(c, first, last):
    for i in range(first, last):
        if i % EVERY == 0:
            c.s.close()
            c = connect()
        name, args, ok = MIX[i % len(MIX)]
        r = c.cmd(name, args)
        try:
            good = ok(r)
        except (KeyError, IndexError, TypeError):
            good = False
        if not good:
            raise RuntimeError("command %d %s: unexpected reply %r" % (i, name, r))
    return c

try:
    c = run(connect(), 0, WARMUP)
    before = rss_kib(p.pid)
    c = run(c, WARMUP, TOTAL)
    after = rss_kib(p.pid)
    report(True, "%d mixed QMP commands answered as expected" % TOTAL)
    growth = after - before
    print("# VmRSS %d KiB after %d commands, %d KiB after %d: growth %d KiB" %
          (before, WARMUP, after, TOTAL, growth))
    report(growth < LIMIT_KIB, "VmRSS grew by less than %d KiB over %d commands (%d KiB)" %
           (LIMIT_KIB, TOTAL - WARMUP, growth))
    r = c.cmd("quit")
    rc = p.wait(60)
    report(r == {"return": {}} and rc == 0, "quit: exit status 0 (no LeakSanitizer report)",
           "reply %r, exit status %d\n%s" % (r, rc, log_tail()))
except Exception as e:
    report(False, "QMP polling loop", "%s: %s\n%s" % (type(e).__name__, e, log_tail()))
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
print("1..%d" % n)
EOF
