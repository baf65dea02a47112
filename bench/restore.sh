#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Save and restore time of a guest's RAM through the machine state stream
# (docs/migration-stream.md), kvmpc under qtest (no vCPU, so no KVM needed):
# a machine of SIZE (its RAM as a fresh guest has it: the restore cost
# depends on the size, not the contents; the save of untouched RAM is
# cheaper than of written RAM) is saved with QMP migrate to file:, then
# restored into a new kvmpc with migrate-incoming file: (RAM
# mapped from the file) and with migrate-incoming exec:cat (RAM read and
# checksummed).  Prints the stream size and each side's query-migrate
# total-time in ms (median of RUNS).  QEMU 7.2 cannot read kvmpc's stream,
# so no side-by-side ratio here.
# Usage: bench/restore.sh [SIZE, e.g. 1G] [runs]
set -u
cd "$(dirname "$0")/.."
SIZE=${1:-1G}
RUNS=${2:-3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "${KVMPC:-./kvmpc}" "$T" "$SIZE" "$RUNS" <<'PYEOF'
import json, os, socket, subprocess, sys, time

KVMPC, T, SIZE, RUNS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def start(extra):
    sock = os.path.join(T, "q%d.sock" % time.monotonic_ns())
    p = subprocess.Popen([KVMPC, "-accel", "qtest", "-qtest", "null", "-display", "none",
                          "-nodefaults", "-m", SIZE, "-qmp", "unix:%s,server=on,wait=off" % sock]
                         + extra, stdin=subprocess.DEVNULL)
    while not os.path.exists(sock):
        if p.poll() is not None:
            sys.exit("kvmpc exited")
        time.sleep(0.02)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    f = s.makefile("rw")
    json.loads(f.readline())
    vm = (p, f)
    qmp(vm, "qmp_capabilities")
    return vm

def qmp(vm, cmd, **args):
    vm[1].write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    vm[1].flush()
    while True:
        r = json.loads(vm[1].readline())
        if "return" in r or "error" in r:
            if "error" in r:
                sys.exit("%s: %s" % (cmd, r["error"]["desc"]))
            return r["return"]

def stop(vm):
    qmp(vm, "quit")
    vm[0].wait(60)

state = os.path.join(T, "state")
src = start([])
qmp(src, "migrate", uri="file:" + state)
save_ms = qmp(src, "query-migrate")["total-time"]
stop(src)
size = os.path.getsize(state)
res = {"file": [], "exec": []}
for _ in range(RUNS):
    for kind, uri in (("file", "file:" + state), ("exec", "exec:cat " + state)):
        dst = start(["-incoming", "defer", "-sandbox", "on,spawn=allow"])
        qmp(dst, "migrate-incoming", uri=uri)
        res[kind].append(qmp(dst, "query-migrate")["total-time"])
        stop(dst)
med = lambda v: sorted(v)[len(v) // 2]
print("guest RAM %s, stream %d MiB, save %d ms" % (SIZE, size >> 20, save_ms))
print("restore file: (mapped)   %d ms (runs %s)" % (med(res["file"]), res["file"]))
print("restore exec:cat (read)  %d ms (runs %s)" % (med(res["exec"]), res["exec"]))
PYEOF
