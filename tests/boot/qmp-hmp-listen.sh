#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Where unauthenticated sockets listen.  A TCP server given no host
# (-qmp tcp::P, -monitor tcp::P, -chardev socket,port=P + -mon, -serial
# tcp::P, -qtest tcp::P) must listen on 127.0.0.1 only, seen in
# /proc/net/tcp and /proc/net/tcp6, answer there, and print no warning.
# Given a host outside loopback (0.0.0.0), it listens there and kvmpc
# warns once per monitor (QMP or HMP) or qtest socket; given 127.0.0.1
# explicitly, no warning.  kvmpc runs with -accel qtest: no KVM needed.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed for the socket checks"
	exit 0
fi

python3 - "$KVMPC" "$T" <<'EOF'
import os, socket, subprocess, sys, time

KVMPC, T = sys.argv[1], sys.argv[2]
n = 0
WARN = "has no authentication and listens beyond loopback"

def report(ok, desc, detail=None):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and detail is not None:
        for line in str(detail)[-1500:].splitlines():
            print("#   " + line)
    sys.stdout.flush()

def free_port():
    s = socket.socket()
    s.bind(("0.0.0.0", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def listeners(port):
    """Addresses listening on TCP port, from /proc/net/tcp and tcp6."""
    found = set()
    for name in ("tcp", "tcp6"):
        try:
            lines = open("/proc/net/" + name).read().splitlines()[1:]
        except OSError:
            continue
        for l in lines:
            f = l.split()
            addr, p = f[1].split(":")
            if int(p, 16) != port or f[3] != "0A":
                continue
            raw = bytes.fromhex(addr)
            if name == "tcp":
                found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
            else:
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found

def start(args, tag):
    err = open(os.path.join(T, tag + ".err"), "wb")
    return subprocess.Popen([KVMPC, "-accel", "qtest", "-nodefaults", "-display", "none",
                             "-m", "64"] + args, stdin=subprocess.DEVNULL,
                            stdout=err, stderr=err)

def wait_listen(p, port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p.poll() is None:
        if listeners(port):
            return listeners(port)
        time.sleep(0.05)
    return set()

def first_bytes(port, want):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    data = b""
    while want not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    s.close()
    return data

def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

def run_case(desc, args_fn, greet, expect_addrs, warn_count, tag):
    """args_fn(port, qport) -> command line; greet: bytes awaited on port."""
    port, qport = free_port(), free_port()
    args = args_fn(port, qport)
    if "-qtest" not in args:
        args += ["-qtest", "unix:%s,server=on,wait=off" % os.path.join(T, tag + ".qt")]
    p = start(args, tag)
    try:
        addrs = wait_listen(p, port)
        data = first_bytes(port, greet) if greet and addrs else b""
        # the warning, if any, is written before the main loop answers
        err = open(os.path.join(T, tag + ".err"), "rb").read().decode("ascii", "replace")
        ok = addrs == expect_addrs and (not greet or greet in data) and \
            err.count(WARN) == warn_count and p.poll() is None
        report(ok, desc, "listening on %r, expected %r\nfirst bytes %r\nstderr: %s" %
               (addrs, expect_addrs, data[:200], err))
    finally:
        stop(p)

LOOP = {"127.0.0.1"}
ANY = {"0.0.0.0"}
QMP_GREET = b'{"QMP"'
HMP_GREET = b"QEMU 7.2.0 monitor"

run_case("-qmp tcp::P listens on 127.0.0.1 only, no warning",
         lambda p, q: ["-qmp", "tcp::%d,server=on,wait=off" % p], QMP_GREET, LOOP, 0, "qmp")
run_case("-monitor tcp::P listens on 127.0.0.1 only, no warning",
         lambda p, q: ["-monitor", "tcp::%d,server=on,wait=off" % p], HMP_GREET, LOOP, 0, "hmp")
run_case("-chardev socket,port=P,server=on + -mon mode=control: 127.0.0.1 only",
         lambda p, q: ["-chardev", "socket,id=m0,port=%d,server=on,wait=off" % p,
                       "-mon", "chardev=m0,mode=control"], QMP_GREET, LOOP, 0, "mon")
run_case("-serial tcp::P,server=on listens on 127.0.0.1 only",
         lambda p, q: ["-serial", "tcp::%d,server=on,wait=off" % p], None, LOOP, 0, "serial")
run_case("-qtest tcp::P,server=on listens on 127.0.0.1 only, no warning",
         lambda p, q: ["-qtest", "tcp::%d,server=on,wait=off" % p], None, LOOP, 0, "qtest")
run_case("-qmp tcp:127.0.0.1:P given explicitly: no warning",
         lambda p, q: ["-qmp", "tcp:127.0.0.1:%d,server=on,wait=off" % p], QMP_GREET, LOOP, 0,
         "qmp-lo")
run_case("-qmp tcp:0.0.0.0:P listens everywhere and warns",
         lambda p, q: ["-qmp", "tcp:0.0.0.0:%d,server=on,wait=off" % p], QMP_GREET, ANY, 1,
         "qmp-any")
run_case("-monitor tcp:0.0.0.0:P listens everywhere and warns",
         lambda p, q: ["-monitor", "tcp:0.0.0.0:%d,server=on,wait=off" % p], HMP_GREET, ANY, 1,
         "hmp-any")
run_case("-chardev socket,host=0.0.0.0 + -mon: warns",
         lambda p, q: ["-chardev", "socket,id=m0,host=0.0.0.0,port=%d,server=on,wait=off" % p,
                       "-mon", "chardev=m0"], HMP_GREET, ANY, 1, "mon-any")
run_case("-qtest tcp:0.0.0.0:P listens everywhere and warns",
         lambda p, q: ["-qtest", "tcp:0.0.0.0:%d,server=on,wait=off" % p], None, ANY, 1,
         "qtest-any")

def t_text():
    port = free_port()
    p = start(["-qmp", "tcp:0.0.0.0:%d,server=on,wait=off" % port,
               "-qtest", "unix:%s,server=on,wait=off" % os.path.join(T, "text.qt")], "text")
    try:
        wait_listen(p, port)
        first_bytes(port, QMP_GREET)
        err = open(os.path.join(T, "text.err"), "rb").read().decode("ascii", "replace")
        want = ("kvmpc: warning: QMP monitor 'tcp:0.0.0.0:%d,server=on,wait=off' has no "
                "authentication and listens beyond loopback: anyone who can reach it "
                "controls the VM\n" % port)
        report(want in err, "the warning's text", err)
    finally:
        stop(p)
t_text()

print("1..%d" % n)
EOF
