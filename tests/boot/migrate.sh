#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Migration of a running KVM guest through the machine state stream
# (docs/migration-stream.md).  The counter payload (tests/guest/counter.c)
# prints "counter N" rounds and verifies a RAM checksum every 8 rounds.
#   1. kvmpc A runs it; once it has printed 20 rounds, QMP migrate to
#      file:STATE (A pauses: query-status "paused", no more output);
#   2. kvmpc B starts with -incoming file:STATE and runs on: the counter
#      goes on from where A stopped, no number missing or repeated, every
#      verify ok;
#   3. B migrates to exec:"cat > STATE2", kvmpc C starts with -incoming
#      defer and gets migrate-incoming exec:"cat STATE2": the counter goes
#      on again;
#   4. C migrates to D over tcp: (D: -incoming tcp:127.0.0.1:PORT, its
#      monitor answering "inmigrate" meanwhile), D to E over unix: (E:
#      -incoming defer + migrate-incoming unix:PATH); the count goes on;
#   5. a kvmpc with another RAM size refuses STATE with one line, exit 1.
# The serial output of A, B and C joined must read as one run.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
G=tests/guest
need_kvm
need_tools python3
if [ ! -f "$G/counter.elf" ]; then
	echo "1..1"
	echo "not ok 1 - $G/counter.elf missing (run make guests)"
	exit 1
fi

python3 - "$KVMPC" "$T" "$G/counter.elf" "$WAIT_SECS" <<'PYEOF'
import json, os, re, socket, subprocess, sys, time

KVMPC, T, PAYLOAD = sys.argv[1:4]
DEADLINE = int(sys.argv[4])  # WAIT_SECS (tests/boot/lib.sh)
n = 0
procs = []

def report(ok, desc, detail=None):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and detail:
        for line in str(detail).splitlines()[-15:]:
            print("#   " + line)
    sys.stdout.flush()
    return ok

def start(name, extra):
    out = os.path.join(T, name + ".out")
    sock = os.path.join(T, name + ".sock")
    args = [KVMPC, "-display", "none", "-m", "64", "-nodefaults",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-serial", "file:" + out, "-kernel", PAYLOAD,
            "-qmp", "unix:%s,server=on,wait=off" % sock] + extra
    err = open(os.path.join(T, name + ".err"), "w")
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    procs.append(p)
    end = time.time() + DEADLINE
    while not os.path.exists(sock):
        if p.poll() is not None or time.time() > end:
            raise RuntimeError("%s did not start: %s" % (name, open(err.name).read()))
        time.sleep(0.05)
    # the socket file appears at bind(), a moment before listen()
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
            break
        except ConnectionRefusedError:
            s.close()
            if time.time() > end:
                raise
            time.sleep(0.05)
    f = s.makefile("rw")
    json.loads(f.readline())
    vm = {"p": p, "f": f, "s": s, "out": out, "name": name}
    qmp(vm, "qmp_capabilities")
    return vm

def qmp(vm, cmd, **args):
    vm["f"].write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    vm["f"].flush()
    while True:
        r = json.loads(vm["f"].readline())
        if "return" in r or "error" in r:
            return r

def counters(path):
    try:
        text = open(path, errors="replace").read()
    except FileNotFoundError:
        return [], ""
    return [int(x) for x in re.findall(r"counter (\d+) sum", text)], text

def wait_counter(vm, at_least):
    end = time.time() + DEADLINE
    while time.time() < end:
        c, _ = counters(vm["out"])
        if c and c[-1] >= at_least:
            return True
        if vm["p"].poll() is not None:
            return False
        time.sleep(0.1)
    return False

def stop(vm):
    try:
        qmp(vm, "quit")
    except Exception:
        pass
    try:
        vm["p"].wait(30)
    except subprocess.TimeoutExpired:
        vm["p"].kill()

def joined(*vms):
    text = "".join(open(vm["out"], errors="replace").read() for vm in vms)
    nums = [int(x) for x in re.findall(r"counter (\d+) sum", text)]
    verifies = re.findall(r"verify \d+ (\w+)", text)
    return text, nums, verifies

try:
    state = os.path.join(T, "state")
    a = start("a", [])
    report(wait_counter(a, 20), "A: the payload counts", open(a["out"]).read()[-500:])
    r = qmp(a, "migrate", uri="file:" + state)
    report(r.get("return") == {}, "A: migrate to file: succeeds", r)
    r = qmp(a, "query-migrate")
    report(r["return"].get("status") == "completed", "A: query-migrate says completed", r)
    r = qmp(a, "query-status")
    report(r["return"].get("status") == "postmigrate",
           "A: paused after the migration (query-status postmigrate, as QEMU)", r)
    last_a = counters(a["out"])[0][-1]
    stop(a)

    # B and C start programs (exec:): the sandbox must allow it (core/sandbox.h)
    b = start("b", ["-incoming", "file:" + state, "-sandbox", "on,spawn=allow"])
    ok = wait_counter(b, last_a + 16)
    report(ok, "B: resumes from the file and counts past %d" % (last_a + 16),
           open(os.path.join(T, "b.err")).read() + open(b["out"]).read()[-500:])
    text, nums, ver = joined(a, b)
    report(nums == list(range(1, len(nums) + 1)) and len(nums) > last_a,
           "A+B: one unbroken count 1..%d" % (nums[-1] if nums else 0), text[-800:])
    report(ver and all(v == "ok" for v in ver) and len(ver) >= (last_a + 16) // 8,
           "A+B: every RAM checksum verifies (%d)" % len(ver), ver)

    state2 = os.path.join(T, "state2")
    r = qmp(b, "migrate", uri="exec:cat > '%s'" % state2)
    report(r.get("return") == {}, "B: migrate to exec: succeeds", r)
    last_b = counters(b["out"])[0][-1]
    stop(b)
    c = start("c", ["-incoming", "defer", "-sandbox", "on,spawn=allow"])
    r = qmp(c, "query-status")
    report(r["return"].get("status") in ("paused", "inmigrate", "prelaunch"),
           "C: waits for migrate-incoming", r)
    r = qmp(c, "migrate-incoming", uri="exec:cat '%s'" % state2)
    report(r.get("return") == {}, "C: migrate-incoming exec: succeeds", r)
    ok = wait_counter(c, last_b + 16)
    report(ok, "C: counts past %d" % (last_b + 16), open(c["out"]).read()[-500:])
    text, nums, ver = joined(a, b, c)
    report(nums == list(range(1, len(nums) + 1)), "A+B+C: one unbroken count", text[-800:])
    report(all(v == "ok" for v in ver), "A+B+C: every RAM checksum verifies", ver)

    # C -> D over TCP: D listens from its command line and starts by itself
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); port = ls.getsockname()[1]; ls.close()
    d = start("d", ["-incoming", "tcp:127.0.0.1:%d" % port])
    r = qmp(d, "query-status")
    report(r["return"].get("status") == "inmigrate",
           "D: -incoming tcp: waits for the source, monitor answering (inmigrate)", r)
    last_c = counters(c["out"])[0][-1]
    r = qmp(c, "migrate", uri="tcp:127.0.0.1:%d" % port)
    report(r.get("return") == {}, "C: migrate to tcp: succeeds", r)
    stop(c)
    ok = wait_counter(d, last_c + 16)
    report(ok, "D: counts past %d" % (last_c + 16),
           open(os.path.join(T, "d.err")).read() + open(d["out"]).read()[-500:])

    # D -> E over a unix socket, E given it with migrate-incoming (-incoming defer)
    e = start("e", ["-incoming", "defer"])
    qmp(e, "migrate-set-capabilities", capabilities=[{"capability": "events", "state": True}])
    usock = os.path.join(T, "mig.sock")
    r = qmp(e, "migrate-incoming", uri="unix:" + usock)
    report(r.get("return") == {} and os.path.exists(usock),
           "E: migrate-incoming unix: returns at once and listens", r)
    last_d = counters(d["out"])[0][-1]
    r = qmp(d, "migrate", uri="unix:" + usock)
    report(r.get("return") == {}, "D: migrate to unix: succeeds", r)
    stop(d)
    ok = wait_counter(e, last_d + 16)
    report(ok, "E: counts past %d" % (last_d + 16),
           open(os.path.join(T, "e.err")).read() + open(e["out"]).read()[-500:])
    r = qmp(e, "query-migrate")
    report(r["return"].get("status") == "completed" and not os.path.exists(usock),
           "E: query-migrate completed, the socket file is gone", r)
    text, nums, ver = joined(a, b, c, d, e)
    report(nums == list(range(1, len(nums) + 1)), "A..E: one unbroken count to %d" % nums[-1],
           text[-800:])
    report(all(v == "ok" for v in ver), "A..E: every RAM checksum verifies", ver)
    stop(e)

    p = subprocess.run([KVMPC, "-display", "none", "-m", "128", "-nodefaults",
                        "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                        "-kernel", PAYLOAD, "-incoming", "file:" + state],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    last = (p.stderr.splitlines() or [""])[-1]
    report(p.returncode == 1 and "RAM size" in last and "incoming migration" in last,
           "a machine with more RAM refuses the stream in one line", p.stderr)
except Exception as e:
    report(False, "unexpected: %r" % e)
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
print("1..%d" % n)
PYEOF
