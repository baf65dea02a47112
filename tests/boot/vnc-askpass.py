# SPDX-License-Identifier: GPL-2.0-or-later
# vnc-askpass.py PASSWORD COMMAND...: run COMMAND (gvnccapture) on a pseudo
# terminal, type PASSWORD when it prints "Password:", pass its output
# through and exit with its status.  gvnccapture reads the password from a
# terminal only, after turning echo off and flushing what was typed: the
# password is typed once echo is off.
import os
import pty
import sys
import termios
import time

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
buf = b""
sent = False
while True:
    try:
        data = os.read(fd, 1024)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    buf += data
    if not sent and b"Password:" in buf:
        deadline = time.time() + 60
        while termios.tcgetattr(fd)[3] & termios.ECHO and time.time() < deadline:
            time.sleep(0.05)
        os.write(fd, sys.argv[1].encode() + b"\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
