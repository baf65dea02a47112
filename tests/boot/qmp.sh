#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The monitors as a user drives them, under KVM (-S, so no guest code has
# to run until "cont"): a real QMP client (python3's standard library) on
# -qmp unix:...,server=on,wait=off does capabilities negotiation, queries,
# stop/cont with their events, screendump (PPM and PNG), CD eject/change
# with DEVICE_TRAY_MOVED, send-key, human-monitor-command, system_reset,
# error classes, malformed JSON, a 2 MiB and a 2000-deep message (errors,
# connection alive), 50 connections opened and closed, two clients seeing
# the same events, a client leaving mid-command, and quit (SHUTDOWN, exit
# status 0).  Then QMP over tcp: and -chardev/-mon, the human monitor on
# -monitor stdio with commands piped in, and the guest-initiated SHUTDOWN
# event of an ACPI S5 power-off.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "the monitor tests run kvmpc under KVM"
need_tools python3
truncate -s 1M "$T/cd1.iso"
truncate -s 2M "$T/cd2.iso"

# S5 power-off boot sector (PMBA = 0xb000, PMREGMISC = 1, PM1_CNT = SLP_EN)
mksector() {
	f=$1; shift
	for b in "$@"; do
		printf "\\$(printf %03o "$b")"
	done > "$f"
	truncate -s 510 "$f"
	printf '\125\252' >> "$f"
	truncate -s 32256 "$f"
}
outl() {
	v=$1; p=$2
	echo 0x66 0xb8 $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)) \
		0xba $((p & 255)) $((p >> 8))  0x66 0xef
}
mksector "$T/s5.img" $(outl 0x80000b40 0xcf8) $(outl 0xb001 0xcfc) \
	$(outl 0x80000b80 0xcf8) $(outl 0x1 0xcfc) \
	0xba 0x04 0xb0  0xb8 0x00 0x20  0xef  0xf4 0xeb 0xfd
# outb 0xcf9, 0x02 ; outb 0xcf9, 0x06 (PIIX3 hard reset) ; hlt loop
mksector "$T/cf9.img" 0xba 0xf9 0x0c  0xb0 0x02 0xee  0xb0 0x06 0xee  0xf4 0xeb 0xfd

python3 - "$KVMPC" "$T" "$WAIT_SECS" <<'EOF'
import json, os, socket, subprocess, sys, time

KVMPC, T, SECS = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
    """A client; connecting retries (the server may still be starting) and
    every read waits up to the deadline (WAIT_SECS)."""
    def __init__(self, path=None, tcp=None):
        end = time.time() + SECS
        while True:
            try:
                if tcp:
                    self.s = socket.create_connection(("127.0.0.1", tcp))
                else:
                    self.s = socket.socket(socket.AF_UNIX)
                    self.s.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise RuntimeError("cannot connect within %d s" % SECS)
                time.sleep(0.1)
        self.s.settimeout(SECS)
        self.buf = b""
        self.events = []
        self.raw = []

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        self.raw.append(l + b"\n")
        return json.loads(l)

    def send(self, text):
        self.s.sendall(text if isinstance(text, bytes) else text.encode())

    def reply(self):
        while True:
            m = self.line()
            if "event" in m:
                self.events.append(m)
            else:
                return m

    def cmd(self, name, args=None, **kw):
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        msg.update(kw)
        self.send(json.dumps(msg) + "\n")
        return self.reply()

    def event(self, name):
        for i, e in enumerate(self.events):
            if e["event"] == name:
                return self.events.pop(i)
        while True:
            m = self.line()
            if m.get("event") == name:
                return m
            if "event" in m:
                self.events.append(m)

    def close(self):
        self.s.close()

def start(*args):
    log = open(os.path.join(T, "kvmpc.log"), "ab")
    return subprocess.Popen([KVMPC, "-S", "-nodefaults", "-display", "none", "-m", "64"] +
                            list(args), stdin=subprocess.DEVNULL, stdout=log, stderr=log)

def log_tail():
    try:
        return open(os.path.join(T, "kvmpc.log"), "rb").read()[-1500:].decode("ascii", "replace")
    except OSError:
        return ""

def err_class(r):
    return r.get("error", {}).get("class"), r.get("error", {}).get("desc")

def check(desc, fn):
    try:
        ok, detail = fn()
    except Exception as e:
        ok, detail = False, "%s: %s" % (type(e).__name__, e)
    report(ok, desc, detail)
    return ok

sock = os.path.join(T, "qmp.sock")
p = start("-vga", "std", "-name", "qmptest", "-qmp", "unix:%s,server=on,wait=off" % sock,
          "-drive", "if=ide,media=cdrom,index=2,file=" + os.path.join(T, "cd1.iso"))
q = Qmp(sock)

def t_greeting():
    g = q.line()
    v = g["QMP"]["version"]
    ok = v["qemu"]["major"] == 7 and "oob" in g["QMP"]["capabilities"] and \
        q.raw[-1].endswith(b"}\r\n")
    return ok, g
check("greeting in QEMU's format, line ends in \\r\\n", t_greeting)

def t_neg():
    r = q.cmd("query-status")
    return err_class(r) == ("CommandNotFound",
                            "Expecting capabilities negotiation with 'qmp_capabilities'"), r
check("commands before qmp_capabilities are CommandNotFound", t_neg)

def t_caps():
    r = q.cmd("qmp_capabilities", id={"tag": [1, "x"]})
    return r == {"return": {}, "id": {"tag": [1, "x"]}}, r
check("qmp_capabilities returns {} and echoes the id", t_caps)

def t_prelaunch():
    r = q.cmd("query-status")["return"]
    return r == {"status": "prelaunch", "singlestep": False, "running": False}, r
check("query-status under -S: prelaunch", t_prelaunch)

def t_cont():
    r = q.cmd("cont")
    e = q.event("RESUME")
    st = q.cmd("query-status")["return"]
    ts = e["timestamp"]
    return r == {"return": {}} and st["status"] == "running" and st["running"] and \
        ts["seconds"] > 1600000000 and 0 <= ts["microseconds"] < 1000000, (r, e, st)
check("cont: RESUME event with a timestamp, status running", t_cont)

def t_stop():
    r = q.cmd("stop")
    e = q.event("STOP")
    st = q.cmd("query-status")["return"]
    return r == {"return": {}} and st["status"] == "paused" and not st["running"], (r, e, st)
check("stop: STOP event, status paused", t_stop)

def t_queries():
    v = q.cmd("query-version")["return"]
    name = q.cmd("query-name")["return"]
    kvm = q.cmd("query-kvm")["return"]
    cpus = q.cmd("query-cpus-fast")["return"]
    ok = v["qemu"] == {"major": 7, "minor": 2, "micro": 0} and name == {"name": "qmptest"} \
        and kvm == {"enabled": True, "present": True} and len(cpus) == 1 \
        and cpus[0]["cpu-index"] == 0 and cpus[0]["target"] == "x86_64"
    return ok, (v, name, kvm, cpus)
check("query-version, query-name, query-kvm, query-cpus-fast", t_queries)

def t_commands():
    names = {c["name"] for c in q.cmd("query-commands")["return"]}
    want = {"qmp_capabilities", "query-version", "query-status", "query-commands",
            "query-name", "query-block", "query-cpus-fast", "query-kvm", "stop", "cont",
            "system_reset", "system_powerdown", "quit", "screendump", "eject",
            "blockdev-change-medium", "human-monitor-command", "send-key"}
    return want <= names, sorted(want - names)
check("query-commands lists the commands", t_commands)

def t_pci():
    buses = q.cmd("query-pci")["return"]
    devs = {(d["slot"], d["function"]): d for d in buses[0]["devices"]}
    host, ide = devs.get((0, 0)), devs.get((1, 1))
    text = q.cmd("human-monitor-command", {"command-line": "info pci"})["return"]
    ok = buses[0]["bus"] == 0 and host["id"]["vendor"] == 0x8086 and \
        host["id"]["device"] == 0x1237 and host["class_info"]["desc"] == "Host bridge" and \
        ide["class_info"]["class"] == 0x0101 and \
        {"bar": 4, "size": 16, "type": "io"}.items() <= ide["regions"][0].items() and \
        "  Bus  0, device   1, function 1:\r\n    IDE controller: PCI device 8086:7010\r\n" in text
    return ok, (buses, text)
check("query-pci and info pci describe bus 0 (i440FX, PIIX3 IDE)", t_pci)

def t_errors():
    a = q.cmd("no-such-command")
    b = q.cmd("stop", {"bogus": 1})
    c = q.cmd("screendump", {})
    d = q.cmd("screendump", {"filename": 5})
    e = q.cmd("screendump", {"filename": "/x", "format": "jpg"})
    f = q.cmd("eject", {"device": "nosuch"})
    g = q.cmd("balloon", {"value": 1 << 30})
    ok = err_class(a) == ("CommandNotFound", "The command no-such-command has not been found") \
        and err_class(b) == ("GenericError", "Parameter 'bogus' is unexpected") \
        and err_class(c) == ("GenericError", "Parameter 'filename' is missing") \
        and err_class(d) == ("GenericError", "Invalid parameter type for 'filename', expected: string") \
        and err_class(e) == ("GenericError", "Parameter 'format' does not accept value 'jpg'") \
        and err_class(f) == ("DeviceNotFound", "Device 'nosuch' not found") \
        and err_class(g)[0] == "DeviceNotActive"
    return ok, (a, b, c, d, e, f, g)
check("error classes and QEMU's messages", t_errors)

def t_badjson():
    q.send(b'{"execute": "query-status"\x01}\n')
    r1 = q.reply()
    r1b = q.reply()
    q.send(b'{"foo\n')
    r2 = q.reply()
    q.send(b'}\n')
    r3 = q.reply()
    q.send(b'[1, 2]\n')
    r4 = q.reply()
    q.send(b'{"execute": 1}\n')
    r5 = q.reply()
    q.send(b"{'execute': 'query-name', 'id': 'single'}\n")
    r6 = q.reply()
    ok = all(err_class(r)[0] == "GenericError" for r in (r1, r2, r3, r4, r5)) and \
        err_class(r1) == ("GenericError", "JSON parse error, stray '\x01'") and \
        err_class(r1b) == ("GenericError", "JSON parse error, expecting value") and \
        err_class(r2)[1].startswith("JSON parse error") and \
        err_class(r4)[1] == "QMP input must be a JSON object" and \
        r6 == {"return": {"name": "qmptest"}, "id": "single"}
    return ok, (r1, r1b, r2, r3, r4, r5, r6)
check("malformed JSON: one error per bad token; single quotes accepted", t_badjson)

def t_huge():
    big = b'{"execute": "query-name", "arguments": {"x": "' + b"A" * (2 << 20) + b'"}}\n'
    q.send(big)
    r = q.reply()
    r2 = q.cmd("query-name")
    deep = b"[" * 2000 + b"]" * 2000 + b"\n"
    q.send(deep)
    r3 = q.reply()
    r4 = q.cmd("query-status")
    ok = err_class(r)[0] == "GenericError" and r2 == {"return": {"name": "qmptest"}} and \
        err_class(r3)[0] == "GenericError" and r4["return"]["status"] == "paused"
    return ok, (r, r2, r3, r4)
check("2 MiB message and 2000-deep nesting: one error each, connection alive", t_huge)

def t_many():
    for i in range(50):
        c = Qmp(sock)
        g = c.line()
        if "QMP" not in g:
            return False, g
        if i % 2:
            c.cmd("qmp_capabilities")
        c.close()
    st = q.cmd("query-status")
    return st["return"]["status"] == "paused" and p.poll() is None, st
check("50 connections opened and closed, first client unaffected", t_many)

def t_two():
    c = Qmp(sock)
    c.line()
    c.cmd("qmp_capabilities")
    q.cmd("cont")
    e1 = q.event("RESUME")
    e2 = c.event("RESUME")
    c.cmd("stop")
    e3 = q.event("STOP")
    e4 = c.event("STOP")
    c.close()
    return e1["timestamp"] == e2["timestamp"] and e3["timestamp"] == e4["timestamp"], (e1, e2)
check("two clients at once both get RESUME and STOP", t_two)

def settle():
    """A full exchange on a new connection: by its reply kvmpc has read
    what earlier clients sent before they left."""
    c = Qmp(sock)
    c.line()
    c.cmd("qmp_capabilities")
    c.cmd("query-status")
    c.close()

def t_midcmd():
    c = Qmp(sock)
    c.line()
    c.cmd("qmp_capabilities")
    c.send(b'{"execute": "co')
    c.close()
    # kvmpc notices the close before it accepts and greets a later client
    settle()
    st = q.cmd("query-status")["return"]
    return st["status"] == "paused" and p.poll() is None, st
check("a client leaving mid-command leaves the VM as it was", t_midcmd)

def t_garbage():
    import random
    rnd = random.Random(1234)
    c = Qmp(sock)
    c.line()
    c.cmd("qmp_capabilities")
    alphabet = b'{}[]"\':,\\ \n\r\x00\x01abcxyz0123456789-.eE\xff\xc3'
    for _ in range(64):
        chunk = bytes(rnd.choice(alphabet) for _ in range(4096))
        chunk = chunk.replace(b"quit", b"qu_t").replace(b"stop", b"st_p")
        c.send(chunk)
    c.close()
    settle()
    st = q.cmd("query-status")["return"]
    return p.poll() is None and st["status"] == "paused", st
check("256 KiB of random JSON-ish bytes: kvmpc survives, other clients unaffected", t_garbage)

def t_screendump():
    ppm = os.path.join(T, "s.ppm")
    png = os.path.join(T, "s.png")
    r1 = q.cmd("screendump", {"filename": ppm})
    r2 = q.cmd("screendump", {"filename": png, "format": "png"})
    data = open(ppm, "rb").read()
    hdr = data.split(b"\n", 3)
    w, h = (int(x) for x in hdr[1].split())
    pngd = open(png, "rb").read(8)
    ok = r1 == {"return": {}} and r2 == {"return": {}} and hdr[0] == b"P6" and \
        hdr[2] == b"255" and w > 0 and h > 0 and len(hdr[3]) == w * h * 3 and \
        pngd == b"\x89PNG\r\n\x1a\n"
    return ok, (r1, r2, data[:20], pngd)
check("screendump writes a valid PPM and PNG", t_screendump)

def t_block():
    blk = q.cmd("query-block")["return"]
    cd = [b for b in blk if b["device"] == "ide1-cd0"]
    ok = len(cd) == 1 and cd[0]["removable"] and not cd[0]["tray_open"] and \
        cd[0]["inserted"]["file"].endswith("cd1.iso") and cd[0]["inserted"]["ro"]
    return ok, blk
check("query-block shows the CD (ide1-cd0) with its medium", t_block)

def t_eject():
    r = q.cmd("eject", {"device": "ide1-cd0"})
    e = q.event("DEVICE_TRAY_MOVED")
    cd = [b for b in q.cmd("query-block")["return"] if b["device"] == "ide1-cd0"][0]
    ok = r == {"return": {}} and e["data"]["device"] == "ide1-cd0" and \
        e["data"]["tray-open"] is True and cd["tray_open"] and "inserted" not in cd
    return ok, (r, e, cd)
check("eject: DEVICE_TRAY_MOVED (open), no medium", t_eject)

def t_change():
    r = q.cmd("blockdev-change-medium", {"device": "ide1-cd0",
                                         "filename": os.path.join(T, "cd2.iso")})
    e = q.event("DEVICE_TRAY_MOVED")
    cd = [b for b in q.cmd("query-block")["return"] if b["device"] == "ide1-cd0"][0]
    ok = r == {"return": {}} and e["data"]["tray-open"] is False and \
        not cd["tray_open"] and cd["inserted"]["file"].endswith("cd2.iso") and \
        cd["inserted"]["image"]["virtual-size"] == 2 << 20
    return ok, (r, e, cd)
check("blockdev-change-medium: tray closes on the new medium", t_change)

def t_hmp():
    r = q.cmd("human-monitor-command", {"command-line": "info status"})
    r2 = q.cmd("human-monitor-command", {"command-line": "info name"})
    r3 = q.cmd("human-monitor-command", {"command-line": "nonsense"})
    ok = r == {"return": "VM status: paused\r\n"} and r2 == {"return": "qmptest\r\n"} and \
        r3 == {"return": "unknown command: 'nonsense'\r\n"}
    return ok, (r, r2, r3)
check("human-monitor-command returns HMP text with \\r\\n", t_hmp)

def t_sendkey():
    keys = [{"type": "qcode", "data": k} for k in ("ctrl", "alt", "delete")]
    r = q.cmd("send-key", {"keys": keys})
    r2 = q.cmd("send-key", {"keys": [{"type": "qcode", "data": "nokey"}]})
    ok = r == {"return": {}} and err_class(r2) == (
        "GenericError", "Parameter 'data' does not accept value 'nokey'")
    return ok, (r, r2)
check("send-key ctrl-alt-delete; unknown qcode refused", t_sendkey)

def t_reset():
    r = q.cmd("system_reset")
    e = q.event("RESET")
    return r == {"return": {}} and e["data"] == {"guest": False,
                                                 "reason": "host-qmp-system-reset"}, (r, e)
check("system_reset: RESET event (host-qmp-system-reset)", t_reset)

def t_powerdown():
    r = q.cmd("system_powerdown")
    e = q.event("POWERDOWN")
    return r == {"return": {}} and "timestamp" in e, (r, e)
check("system_powerdown: POWERDOWN event", t_powerdown)

def t_quit():
    r = q.cmd("quit")
    e = [m for m in q.events if m["event"] == "SHUTDOWN"]
    rc = p.wait(SECS)
    ok = r == {"return": {}} and e and e[0]["data"] == {"guest": False,
                                                        "reason": "host-qmp-quit"} \
        and rc == 0 and not os.path.exists(sock)
    return ok, (r, e, rc, log_tail())
check("quit: SHUTDOWN event before the reply, exit status 0, socket removed", t_quit)
if p.poll() is None:
    p.kill()

# QMP over TCP and over -chardev/-mon
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def t_tcp():
    port = free_port()
    p2 = start("-qmp", "tcp:127.0.0.1:%d,server=on,wait=off" % port)
    try:
        c = Qmp(tcp=port)
        g = c.line()
        c2 = Qmp(tcp=port)
        c2.line()
        r = c.cmd("qmp_capabilities")
        r2 = c2.cmd("qmp_capabilities")
        c2.close()
        st = c.cmd("query-status")["return"]["status"]
        c.cmd("quit")
        rc = p2.wait(SECS)
        return "QMP" in g and r == r2 == {"return": {}} and st == "prelaunch" and rc == 0, \
            (g, r, st, rc)
    finally:
        if p2.poll() is None:
            p2.kill()
check("-qmp tcp:127.0.0.1:P,server=on,wait=off: two clients, quit", t_tcp)

def t_mon():
    path = os.path.join(T, "mon.sock")
    p3 = start("-chardev", "socket,id=qmp0,path=%s,server=on,wait=off" % path,
               "-mon", "chardev=qmp0,mode=control")
    try:
        c = Qmp(path)
        g = c.line()
        c.cmd("qmp_capabilities")
        c.cmd("cont")
        e = c.event("RESUME")
        c.cmd("quit")
        ev = c.event("SHUTDOWN")
        rc = p3.wait(SECS)
        return "QMP" in g and ev["data"]["reason"] == "host-qmp-quit" and rc == 0, (g, ev, rc)
    finally:
        if p3.poll() is None:
            p3.kill()
check("-chardev socket + -mon chardev=ID,mode=control", t_mon)

def t_hmp_stdio():
    cmds = b"info status\ncont\ninfo status\nstop\ninfo status\ninfo version\n" \
        b"info block\nbogus\neject nosuch\nballoon 64\nsendkey ctrl-alt-nokey\n" \
        b"xp /5xb 0xfffffff0\nxp /2c 0xfffffff0\nxp /xw\ninfo mtree\nq\n"
    r = subprocess.run([KVMPC, "-S", "-nodefaults", "-display", "none", "-m", "64",
                        "-monitor", "stdio"], input=cmds, capture_output=True, timeout=SECS)
    out = r.stdout.decode("ascii", "replace")
    want = ["QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) ",
            "(qemu) info status\r\nVM status: paused (prelaunch)\r\n",
            "(qemu) info status\r\nVM status: running\r\n",
            "(qemu) info status\r\nVM status: paused\r\n",
            "(qemu) info version\r\n7.2.0 (kvmpc-",
            "(qemu) bogus\r\nunknown command: 'bogus'\r\n",
            "(qemu) eject nosuch\r\nError: Device 'nosuch' not found\r\n",
            "(qemu) balloon 64\r\nError: No balloon device has been activated\r\n",
            "(qemu) sendkey ctrl-alt-nokey\r\ninvalid parameter: nokey\r\n",
            "(qemu) xp /5xb 0xfffffff0\r\n00000000fffffff0: 0xea 0x5b 0xe0 0x00 0xf0\r\n",
            "(qemu) xp /2c 0xfffffff0\r\n00000000fffffff0: '\\xea' '['\r\n",
            "(qemu) xp /xw\r\nunexpected end of expression\r\n",
            "address-space: memory\r\n",
            "(prio 0, rom): bios\r\n",
            "(qemu) q\r\n"]
    missing = [w for w in want if w not in out]
    return not missing and r.returncode == 0, (missing, out, r.returncode)
check("-monitor stdio: HMP commands piped in, QEMU's prompt and messages", t_hmp_stdio)

def t_guest_shutdown():
    path = os.path.join(T, "g.sock")
    p4 = subprocess.Popen([KVMPC, "-nodefaults", "-display", "none", "-m", "64",
                           "-qmp", "unix:%s,server=on" % path,
                           "-drive", "file=%s,format=raw,if=ide" % os.path.join(T, "s5.img")],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        c = Qmp(path)
        c.line()
        c.cmd("qmp_capabilities")
        e = c.event("SHUTDOWN")
        rc = p4.wait(SECS)
        return e["data"] == {"guest": True, "reason": "guest-shutdown"} and rc == 0, (e, rc)
    finally:
        if p4.poll() is None:
            p4.kill()
check("guest ACPI S5 power-off: SHUTDOWN {guest: true, reason: guest-shutdown}",
      t_guest_shutdown)

def t_guest_reset():
    path = os.path.join(T, "r.sock")
    p5 = subprocess.Popen([KVMPC, "-nodefaults", "-display", "none", "-m", "64",
                           "-qmp", "unix:%s,server=on" % path,
                           "-drive", "file=%s,format=raw,if=ide" % os.path.join(T, "cf9.img")],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        c = Qmp(path)
        c.line()
        c.cmd("qmp_capabilities")
        e = c.event("RESET")
        c.cmd("quit")
        rc = p5.wait(SECS)
        return e["data"] == {"guest": True, "reason": "guest-reset"} and rc == 0, (e, rc)
    finally:
        if p5.poll() is None:
            p5.kill()
check("guest reset through 0xcf9: RESET {guest: true, reason: guest-reset}", t_guest_reset)

def t_hmp_socket():
    path = os.path.join(T, "hmp.sock")
    p6 = start("-monitor", "unix:%s,server=on,wait=off" % path)
    try:
        outs = []
        clients = []
        for i in range(2):
            c = Qmp(path)
            clients.append(c)
        for c in clients:
            c.send(b"info status\r\n")
        for c in clients:
            data = b""
            while b"VM status" not in data or not data.endswith(b"(qemu) "):
                d = c.s.recv(4096)
                if not d:
                    break
                data += d
            outs.append(data)
        clients[0].send(b"quit\n")
        rc = p6.wait(SECS)
        want = b"QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) info status\r\n" \
            b"VM status: paused (prelaunch)\r\n(qemu) "
        return all(o == want for o in outs) and rc == 0, (outs, rc)
    finally:
        if p6.poll() is None:
            p6.kill()
check("-monitor unix:...,server=on,wait=off: two HMP clients at once", t_hmp_socket)

def t_ctrl_a_c():
    import select
    p7 = subprocess.Popen([KVMPC, "-S", "-nographic", "-m", "64"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""

    def expect(what):
        """Read kvmpc's output until it shows what (or the deadline)."""
        nonlocal out
        end = time.time() + SECS
        while what not in out and time.time() < end:
            r, _, _ = select.select([p7.stdout], [], [], 0.1)
            if r:
                d = os.read(p7.stdout.fileno(), 4096)
                if not d:
                    break
                out += d
    try:
        # each chunk once the answer to the previous one is on the screen
        steps = ((b"\x01c", b"(qemu) "), (b"info status\r", b"VM status"),
                 (b"\x01c", None), (b"\x01cinfo kvm\r", b"kvm support"), (b"\x01x", None))
        for chunk, answer in steps:
            p7.stdin.write(chunk)
            p7.stdin.flush()
            if answer:
                expect(answer)
        rest, _ = p7.communicate(timeout=SECS)
        text = (out + rest).decode("ascii", "replace")
        ok = "QEMU 7.2.0 monitor - type 'help' for more information" in text and \
            "(qemu) info status\r\nVM status: paused (prelaunch)\r\n" in text and \
            "(qemu) info kvm\r\nkvm support: enabled\r\n" in text and p7.returncode == 0
        return ok, (text, p7.returncode)
    finally:
        if p7.poll() is None:
            p7.kill()
check("-nographic: Ctrl-A c switches to the monitor and back, Ctrl-A x quits", t_ctrl_a_c)

print("1..%d" % n)
EOF
