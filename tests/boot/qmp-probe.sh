#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The QMP queries of libvirt's capability probe, against kvmpc and QEMU 7.2
# started the way libvirt starts them (-machine none,accel=kvm:tcg -S):
#   - query-qmp-schema is well formed (every type an entity refers to is
#     defined, names unique) and lists exactly the commands query-commands
#     lists; for kvmpc, a command that takes no argument refuses one, and
#     screendump's format enum holds exactly ppm and png (and kvmpc refuses
#     another value with QEMU's error);
#   - query-machines names pc as an alias and has none; qom-list-types
#     has the machine, a -device class (VGA) and a CPU type; an unknown
#     device or class is DeviceNotFound; query-cpu-definitions has qemu64;
#   - query-sev-capabilities and query-sgx-capabilities give QEMU's errors
#     on a host without them; TPM lists are lists; query-migrate-capabilities
#     has "events" and migrate-set-capabilities sets it;
#   - query-command-line-options refuses an unknown option;
#   - query-cpu-model-expansion: "host" (full) and qemu64 (static, named
#     "base") give {"model": {"name", "props"}} with boolean features, host
#     has sse2 and lm, a requested prop is applied, an unknown model gets
#     QEMU's error; and the features both list for host agree (sse2, lm,
#     fpu, syscall, nx, hypervisor), kvmpc's against QEMU's.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_kvm "the probe asks for accel=kvm"
need_tools python3

python3 - "$KVMPC" "$QEMU" "$T" <<'EOF'
import json, os, shutil, socket, subprocess, sys, time

KVMPC, QEMU, T = sys.argv[1:4]
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
        deadline = time.time() + 300
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.f = self.s.makefile("rb")
        json.loads(self.f.readline())
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.s.sendall(json.dumps(req).encode() + b"\n")
        while True:
            r = json.loads(self.f.readline())
            if "event" not in r:
                return r

def check_schema(tag, schema, commands):
    names = [e["name"] for e in schema]
    byname = {e["name"]: e for e in schema}
    report(len(names) == len(set(names)), "%s: schema entity names are unique" % tag)
    missing = []
    for e in schema:
        refs = [e.get("arg-type"), e.get("ret-type"), e.get("element-type")]
        refs += [m["type"] for m in e.get("members", []) if "type" in m]
        refs += [v["type"] for v in e.get("variants", [])]
        missing += ["%s -> %s" % (e["name"], r) for r in refs if r and r not in byname]
    report(not missing, "%s: every type the schema refers to is defined" % tag, missing[:10])
    in_schema = {e["name"] for e in schema if e["meta-type"] == "command"}
    report(in_schema == set(commands),
           "%s: the schema's commands are exactly query-commands' (%d)" % (tag, len(commands)),
           sorted(in_schema ^ set(commands))[:20])
    return byname

def probe(tag, emu):
    sock = os.path.join(T, tag + ".sock")
    pidf = os.path.join(T, tag + ".pid")
    r = subprocess.run([emu, "-S", "-no-user-config", "-nodefaults", "-nographic",
                        "-machine", "none,accel=kvm:tcg",
                        "-qmp", "unix:%s,server=on,wait=off" % sock,
                        "-pidfile", pidf, "-daemonize"], capture_output=True, text=True)
    if r.returncode != 0:
        report(False, "%s: probe command line starts" % tag, r.stderr)
        return
    q = Qmp(sock)
    schema = q.cmd("query-qmp-schema")["return"]
    commands = [c["name"] for c in q.cmd("query-commands")["return"]]
    byname = check_schema(tag, schema, commands)
    sd = byname.get("screendump")
    args = byname.get(sd["arg-type"], {}) if sd else {}
    fmt = [m for m in args.get("members", []) if m["name"] == "format"]
    values = byname.get(fmt[0]["type"], {}).get("values") if fmt else None
    report(values is not None and set(values) == {"ppm", "png"},
           "%s: screendump format is an enum of ppm and png" % tag, values)

    machines = q.cmd("query-machines")["return"]
    pc = [mc for mc in machines if mc.get("alias") == "pc"]
    report(len(pc) == 1 and pc[0]["name"].startswith("pc-i440fx-") and
           any(mc["name"] == "none" for mc in machines),
           "%s: query-machines: pc is an alias of %s; none is there" %
           (tag, pc[0]["name"] if pc else "?"), machines)
    types = {t["name"] for t in q.cmd("qom-list-types")["return"]}
    report({"VGA", "none-machine", "qemu64-x86_64-cpu", pc[0]["name"] + "-machine"} <= types,
           "%s: qom-list-types has VGA, the machines and qemu64's CPU type" % tag)
    e = q.cmd("device-list-properties", typename="no-such-device")
    report(e.get("error", {}).get("class") == "DeviceNotFound" and
           e["error"]["desc"] == "Device 'no-such-device' not found",
           "%s: device-list-properties of an unknown device: DeviceNotFound" % tag, e)
    e = q.cmd("qom-list-properties", typename="no-such-class")
    report(e.get("error", {}).get("class") == "DeviceNotFound" and
           e["error"]["desc"] == "Class 'no-such-class' not found",
           "%s: qom-list-properties of an unknown class: DeviceNotFound" % tag, e)
    cpus = q.cmd("query-cpu-definitions")["return"]
    report(any(c["name"] == "qemu64" and c["typename"] == "qemu64-x86_64-cpu" for c in cpus),
           "%s: query-cpu-definitions has qemu64" % tag)
    for cmd, text in (("query-sev-capabilities", "SEV is not enabled in KVM"),
                      ("query-sgx-capabilities", "SGX is not enabled in KVM")):
        e = q.cmd(cmd)
        report(e.get("error") == {"class": "GenericError", "desc": text},
               "%s: %s: %s" % (tag, cmd, text), e)
    report(q.cmd("query-tpm-models")["return"] is not None and
           isinstance(q.cmd("query-tpm-types")["return"], list), "%s: TPM lists" % tag)
    caps = q.cmd("query-migrate-capabilities")["return"]
    r = q.cmd("migrate-set-capabilities",
              capabilities=[{"capability": "events", "state": True}])
    after = {c["capability"]: c["state"] for c in q.cmd("query-migrate-capabilities")["return"]}
    report(any(c["capability"] == "events" for c in caps) and r.get("return") == {} and
           after.get("events") is True,
           "%s: the migration 'events' capability can be set" % tag, (caps, r, after))
    e = q.cmd("query-command-line-options", option="no-such-option")
    report(e.get("error", {}).get("desc") == "invalid option name: no-such-option",
           "%s: query-command-line-options refuses an unknown option" % tag, e)
    r = q.cmd("query-cpu-model-expansion", type="full", model={"name": "host"})
    m = r.get("return", {}).get("model", {})
    props = m.get("props", {})
    report(m.get("name") == "host" and props and
           all(isinstance(v, bool) for k, v in props.items() if k in ("sse2", "lm", "fpu")) and
           props.get("sse2") is True and props.get("lm") is True,
           "%s: query-cpu-model-expansion host (full): props with sse2 and lm on" % tag, r)
    host_props[tag] = props
    r = q.cmd("query-cpu-model-expansion", type="static",
              model={"name": "qemu64", "props": {"sse2": False}})
    m = r.get("return", {}).get("model", {})
    report(m.get("name") == "base" and m.get("props", {}).get("sse2") is False and
           m["props"].get("lm") is True,
           "%s: static expansion of qemu64,sse2=off is 'base' with sse2 off, lm on" % tag, r)
    e = q.cmd("query-cpu-model-expansion", type="full", model={"name": "no-such-cpu"})
    report(e.get("error") == {"class": "GenericError",
                              "desc": "CPU model 'no-such-cpu' not found"},
           "%s: query-cpu-model-expansion of an unknown model: QEMU's error" % tag, e)
    if tag == "kvmpc":
        e = q.cmd("query-status", bogus=1)
        report(e.get("error", {}).get("desc") == "Parameter 'bogus' is unexpected",
               "kvmpc: a command without parameters refuses one", e)
        e = q.cmd("screendump", filename=os.path.join(T, "x"), format="gif")
        report(e.get("error", {}).get("desc") == "Parameter 'format' does not accept value 'gif'",
               "kvmpc: an enum parameter refuses a value its schema does not list", e)
    q.cmd("quit")

host_props = {}
probe("kvmpc", KVMPC)
if shutil.which(QEMU):
    probe("qemu", QEMU)
    a, b = host_props.get("kvmpc", {}), host_props.get("qemu", {})
    keys = ("sse2", "lm", "fpu", "syscall", "nx", "hypervisor")
    report(all(k in a and k in b and a[k] == b[k] for k in keys),
           "host expansion agrees with QEMU's on %s" % ", ".join(keys),
           [(k, a.get(k), b.get(k)) for k in keys])
else:
    print("ok %d # SKIP %s not installed: no reference run" % (n + 1, QEMU))
    n += 1
print("1..%d" % n)
EOF
