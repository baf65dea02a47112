# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the boot tests (tests/boot/*.sh).  A script changes to
# the repository root and then sources this file:
#     cd "$(dirname "$0")/../.." || exit 1
#     . tests/boot/lib.sh
# It gets:
#   - TAP output: ok, notok DESC [LOG], skip, check DESC EXPR [LOG],
#     done_testing (the plan line), skip_all REASON;
#   - need_kvm, need_tools TOOL...: skip the whole script when missing;
#   - $T, a private temporary directory, removed at exit together with every
#     process registered with track (a timeout's SIGTERM included);
#   - waits on events, never on time: wait_for FILE TEXT [COUNT],
#     wait_for_re FILE ERE [COUNT], wait_until DESC CMD...  Each polls every
#     0.1 s up to one generous deadline (WAIT_SECS, default 300 s, so that
#     a loaded machine only makes a test slower), stops early when the
#     process in $pid has ended, and says on stderr (a TAP comment) what
#     it waited for when it gives up;
#   - QMP from the shell: qmp_open SOCK, qmp_send JSON, qmp_close (all the
#     server says, events included, lands in $T/qmp.out), and qmp SOCK
#     JSON... for a whole exchange that waits for every reply.
# Nothing here sleeps for a fixed time: a test that must see something
# happen waits for it; one that must see nothing happen says what event
# bounds the observation.

KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
WAIT_SECS=${WAIT_SECS:-300}
n=0
pid=
bg_pids=

# ---- TAP ----------------------------------------------------------------

# show_tail FILE [LINES]: the end of a log as TAP comments, escapes removed
show_tail() {
	text_of "$1" | tail -n "${2:-15}" | sed 's/^/#   /'
}
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -n "$2" ] && [ -f "$2" ] && show_tail "$2"
	return 0
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# check DESC EXPR [LOG]: ok when the shell expression EXPR is true
check() { if eval "$2"; then ok "$1"; else notok "$1" "$3"; fi; }
done_testing() { echo "1..$n"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

need_kvm() {
	[ -c /dev/kvm ] && [ -w /dev/kvm ] ||
		skip_all "no usable /dev/kvm: ${1:-this test runs guests under KVM}"
}
need_tools() {
	for _t in "$@"; do
		command -v "$_t" >/dev/null 2>&1 ||
			skip_all "$_t not installed (sh scripts/setup.sh)"
	done
}

# ---- temporary files and background processes ---------------------------

T=$(mktemp -d) || exit 1
# track PID: kill it at exit; it also becomes $pid, the process waits watch
track() { pid=$1; bg_pids="$bg_pids $1"; }
lib_cleanup() {
	for _p in $bg_pids; do
		kill "$_p" 2>/dev/null
	done
	rm -rf "$T"
}
trap lib_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# alive PID: the process exists and is not a zombie
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" in
	Z*) return 1 ;;
	esac
	return 0
}
# stop [PID]: end the process (default $pid), its exit status in $rc
stop() {
	_p=${1:-$pid}
	[ -n "$_p" ] || return 0
	kill "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	rc=$?
	[ "$_p" = "$pid" ] && pid=
	return 0
}
# wait_exit [PID]: wait for the process to end by itself, its exit status
# in $rc; false (and the process killed) if it is still there at the deadline
wait_exit() {
	local p saved w
	p=${1:-$pid}
	saved=$pid
	pid=
	wait_until "process $p to exit" eval "! alive $p"
	w=$?
	pid=$saved
	stop "$p"
	return $w
}

# ---- waiting on events ---------------------------------------------------

# wait_until DESC CMD...: until CMD succeeds (CMD may wait itself: the
# deadline is kept in locals, which dash and bash both have)
wait_until() {
	local desc end
	desc=$1
	shift
	end=$(($(date +%s) + WAIT_SECS))
	while :; do
		"$@" && return 0
		if [ -n "$pid" ] && ! alive "$pid"; then
			"$@" && return 0
			echo "# waited for $desc: process $pid ended first" >&2
			return 1
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "# waited for $desc: not there after $WAIT_SECS s (WAIT_SECS)" >&2
			return 1
		fi
		sleep 0.1
	done
}

# text_of FILE: its text with CRs and terminal escapes removed
text_of() { { tr -d '\r' <"$1"; } 2>/dev/null | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'; }
# has FILE TEXT [COUNT]: TEXT (fixed string) on at least COUNT lines
has() { [ "$(text_of "$1" | grep -acF -- "$2")" -ge "${3:-1}" ]; }
has_re() { [ "$(text_of "$1" | grep -acE -- "$2")" -ge "${3:-1}" ]; }

# wait_for FILE TEXT [COUNT]: until TEXT is on COUNT (default 1) lines
wait_for() {
	wait_until "'$2' in $(basename "$1")" has "$@" && return 0
	show_tail "$1" 5 >&2
	return 1
}
wait_for_re() {
	wait_until "/$2/ in $(basename "$1")" has_re "$@" && return 0
	show_tail "$1" 5 >&2
	return 1
}

# ---- QMP ---------------------------------------------------------------

# qmp_open SOCK: a QMP connection on fd 8, negotiated; what the server
# sends (greeting, replies, events) is appended to $T/qmp.out
# (the socket file appears at bind(), a moment before listen(): wait
# until a connection is accepted)
sock_accepts() { test -S "$1" && socat -u OPEN:/dev/null UNIX-CONNECT:"$1" 2>/dev/null; }
qmp_open() {
	wait_until "QMP socket $1" sock_accepts "$1" || return 1
	: >"$T/qmp.out"
	rm -f "$T/qmp.fifo"
	mkfifo "$T/qmp.fifo" || return 1
	socat - UNIX-CONNECT:"$1" <"$T/qmp.fifo" >>"$T/qmp.out" 2>&1 &
	qmp_pid=$!
	bg_pids="$bg_pids $qmp_pid"
	exec 8>"$T/qmp.fifo"
	qmp_sent=0
	qmp_send '{"execute": "qmp_capabilities"}'
}
# qmp_send JSON: send one command (one line)
qmp_send() { printf '%s\n' "$1" >&8; qmp_sent=$((qmp_sent + 1)); }
# qmp_replies: how many replies (return or error) came so far
qmp_replies() { grep -ac '^{"\(return\|error\)"' "$T/qmp.out"; }
qmp_all_replied() { [ "$(qmp_replies)" -ge "$qmp_sent" ]; }
# qmp_wait: until every command sent so far has its reply
qmp_wait() { wait_until "$qmp_sent QMP replies" qmp_all_replied; }
qmp_close() {
	exec 8>&-
	wait "$qmp_pid" 2>/dev/null
	return 0
}
# qmp SOCK JSON...: negotiate, run the commands, wait for all the replies
qmp() {
	_sock=$1
	shift
	qmp_open "$_sock" || return 1
	for _c in "$@"; do
		qmp_send "$_c"
	done
	qmp_wait
	_r=$?
	qmp_close
	return $_r
}

# ---- X ---------------------------------------------------------------------

# start_xvfb: a private Xvfb on a display number it picks itself
# (-displayfd, so tests running at the same time never share or race for
# one), exported as DISPLAY; false if it does not come up.  Sets pid.
start_xvfb() {
	: >"$T/xvfb.fd"
	Xvfb -displayfd 9 -screen 0 1024x768x24 -nolisten tcp 9>"$T/xvfb.fd" \
		>"$T/xvfb.log" 2>&1 &
	track $!
	wait_until "Xvfb's display number" test -s "$T/xvfb.fd" || return 1
	DISPLAY=:$(head -n 1 "$T/xvfb.fd")
	export DISPLAY
	wait_until "Xvfb on $DISPLAY" xdotool getmouselocation >/dev/null 2>&1
}

# ---- qtest ---------------------------------------------------------------

# qtest_open SOCK: a qtest connection on fd 9; its output goes to $T/qt.out
qtest_open() {
	wait_until "qtest socket $1" test -S "$1" || return 1
	: >"$T/qt.out"
	rm -f "$T/qt.fifo"
	mkfifo "$T/qt.fifo" || return 1
	socat - UNIX-CONNECT:"$1" <"$T/qt.fifo" >>"$T/qt.out" 2>&1 &
	qt_pid=$!
	bg_pids="$bg_pids $qt_pid"
	exec 9>"$T/qt.fifo"
	qt_sent=0
}
qt_replies() { grep -acE '^(OK|FAIL|ERR)' "$T/qt.out"; }
qt_all_replied() { [ "$(qt_replies)" -ge "$qt_sent" ]; }
# qt CMD...: send qtest commands, wait for their replies and print them
# (IRQ lines left out)
qt() {
	_from=$qt_sent
	for _c in "$@"; do
		printf '%s\n' "$_c" >&9
		qt_sent=$((qt_sent + 1))
	done
	wait_until "$qt_sent qtest replies" qt_all_replied || return 1
	grep -aE '^(OK|FAIL|ERR)' "$T/qt.out" | sed -n "$((_from + 1)),${qt_sent}p"
}
qtest_close() {
	exec 9>&-
	wait "$qt_pid" 2>/dev/null
	return 0
}

# quiet_for SECS CMD...: CMD stays true for SECS seconds.  This is an
# observation window for something that must NOT happen (a still screen
# draws no frame); never use it to wait for something to happen.
quiet_for() {
	_q=$1
	shift
	_end=$(($(date +%s) + _q))
	while [ "$(date +%s)" -lt "$_end" ]; do
		"$@" || return 1
		sleep 0.1
	done
	"$@"
}

# hmp SOCK COMMAND: one human-monitor command over a -monitor unix socket;
# waits for the prompt that follows its output, which goes to stdout
hmp() {
	local hpid
	wait_until "monitor socket $1" test -S "$1" || return 1
	: >"$T/hmp.out"
	rm -f "$T/hmp.fifo"
	mkfifo "$T/hmp.fifo" || return 1
	socat - UNIX-CONNECT:"$1" <"$T/hmp.fifo" >>"$T/hmp.out" 2>&1 &
	hpid=$!
	exec 7>"$T/hmp.fifo"
	printf '%s\n' "$2" >&7
	wait_until "the monitor's prompt after '$2'" has "$T/hmp.out" "(qemu) " 2
	exec 7>&-
	wait "$hpid" 2>/dev/null
	tr -d '\r' <"$T/hmp.out"
}
