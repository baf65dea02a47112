#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test runner behind `make check` (run from anywhere; it works in the repo
# root).  Runs, in order:
#   0. the source checks scripts/check-*.sh (TAP; e.g. the layering check);
#   1. every executable in tests/unit/ and tests/qtest/ (GLib TAP output),
#      timeout 900 s each, against ./kvmpc;
#   2. every tests/qtest/ binary again with QTEST_BINARY=qemu-system-x86_64
#      as the reference, results labelled "[qemu]" (a loud SKIP if absent);
#   3. every tests/boot/*.sh with sh, timeout 1800 s each (TAP lines),
#      BOOT_JOBS (default 2) at a time.
# A binary that crashes, times out or exits non-zero without reporting a
# failure counts as one failure; "1..0 # SKIP" counts as one skip.  Full
# logs go to build/test-logs/; failures show the tail of theirs.  The last
# line is "N passed, N failed[, N skipped]"; the exit status is 1 if any
# test failed.  Each run writes its logs to its own directory,
# build/test-logs/run-DATE-PID/ (build/test-logs/latest points to it), so
# runs started at the same time in one tree do not mix their logs.
#
# In a build configured with --enable-asan (seen in config.mak), the QMP
# and HMP tests (paths containing "qmp" or "hmp") run with LeakSanitizer
# on and GLib's slice allocator off, so that a leak makes kvmpc (or the
# unit test) exit non-zero with the report in the test's log.
#
# Usage: sh tests/run.sh [SUBSTRING...]   (only tests whose path matches)
# Environment: KVMPC (default ./kvmpc), QEMU (default qemu-system-x86_64),
# UNIT_TIMEOUT / BOOT_TIMEOUT in seconds.

cd "$(dirname "$0")/.." || exit 2

LOGROOT=build/test-logs
LOGDIR=$LOGROOT/run-$(date +%Y%m%d-%H%M%S)-$$
KVMPC=${KVMPC:-./kvmpc}
QEMU=${QEMU:-qemu-system-x86_64}
# Deadlines that only catch a hung test: a loaded machine (many engineers'
# builds, stress-ng) makes a minute's work take ten, and must not fail it.
UNIT_TIMEOUT=${UNIT_TIMEOUT:-900}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800}
TAIL_LINES=30

mkdir -p "$LOGDIR" || exit 2
ln -sfn "$(basename "$LOGDIR")" "$LOGROOT/latest"
# keep the ten most recent runs
nruns=$(ls -1d "$LOGROOT"/run-* 2>/dev/null | wc -l)
if [ "$nruns" -gt 10 ]; then
	ls -1d "$LOGROOT"/run-* | sort | head -n $((nruns - 10)) | while read -r old; do
		rm -rf "$old"
	done
fi
counts=$(mktemp) || exit 2
trap 'rm -f "$counts"' EXIT
trap 'exit 130' INT TERM

npass=0
nfail=0
nskip=0

FILTERS="$*"

# selected PATH: true when no filter was given or PATH contains one of them
selected() {
	[ -z "$FILTERS" ] && return 0
	for pat in $FILTERS; do
		case "$1" in
		*"$pat"*) return 0 ;;
		esac
	done
	return 1
}

# parse LABEL LOG: print the TAP results prefixed with LABEL, write counts
parse() {
	awk -v label="$1" -v cf="$counts" '
	function out(s) { print label ": " s }
	/^ok [0-9]+/ {
		seen++
		if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) skip++; else pass++
		out($0); next
	}
	/^not ok [0-9]+/ {
		seen++
		if ($0 ~ /# *TODO/) skip++; else fail++
		out($0); next
	}
	/^1\.\.[0-9]+/ {
		hasplan = 1; plan = substr($1, 4) + 0
		if (plan == 0) { allskip = 1; out($0) }
		next
	}
	/^Bail out!/ { out($0); next }
	END {
		printf "%d %d %d %d %d %d %d\n", pass, fail, skip, hasplan, plan,
			seen, allskip > cf
	}' "$2"
}

# show_tail LOG
show_tail() {
	echo "---- last $TAIL_LINES lines of $1 ----"
	tail -n "$TAIL_LINES" "$1" | sed 's/^/    /'
	echo "----"
}

# run_test LABEL LOG TIMEOUT CMD...: run, parse, count
run_test() {
	label=$1 log=$2 limit=$3
	shift 3
	mkdir -p "$(dirname "$log")"
	timeout -k 10 "$limit" "$@" </dev/null >"$log" 2>&1
	report_test "$label" "$log" "$limit" $?
}

# report_test LABEL LOG TIMEOUT RC: parse a finished test's log, count
report_test() {
	label=$1 log=$2 limit=$3 rc=$4
	[ -f "$log" ] || echo "(log $log vanished)" >"$log"
	parse "$label" "$log"
	read -r p f s hasplan plan seen allskip <"$counts"
	npass=$((npass + p))
	nfail=$((nfail + f))
	nskip=$((nskip + s))
	why=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="timed out after ${limit}s"
	elif [ "$rc" -gt 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exited with status $rc without reporting a failure"
	elif [ "$rc" -eq 0 ] && [ "$hasplan" -eq 1 ] && [ "$seen" -lt "$plan" ]; then
		why="reported $seen of $plan planned results"
	fi
	if [ "$allskip" -eq 1 ] && [ "$rc" -eq 0 ] && [ "$seen" -eq 0 ]; then
		nskip=$((nskip + 1))
	elif [ -n "$why" ] && [ "$f" -eq 0 ]; then
		echo "$label: not ok - $why"
		nfail=$((nfail + 1))
		f=1
	elif [ -n "$why" ]; then
		echo "$label: ($why)"
	elif [ "$seen" -eq 0 ] && [ "$hasplan" -eq 0 ]; then
		echo "$label: ok - no TAP output, exit status 0"
		npass=$((npass + 1))
	fi
	[ "$f" -gt 0 ] && show_tail "$log"
	return 0
}

ASAN_BUILD=no
grep -q -- '-fsanitize=[a-z,]*address' config.mak 2>/dev/null && ASAN_BUILD=yes

# lsan_env PATH: the environment (VAR=VALUE words) to run test PATH in:
# leak checking for the QMP/HMP tests of an ASan build, else nothing.
# GLib 2.74 hands out JSON nodes from its slice allocator, whose blocks
# LeakSanitizer cannot see as leaked: G_SLICE=always-malloc.  Reports
# stop at g_malloc (GLib has no frame pointers); for whole stacks run again
# with ASAN_OPTIONS=fast_unwind_on_malloc=0 (about ten times slower).
lsan_env() {
	[ "$ASAN_BUILD" = yes ] || return 0
	case "$1" in
	*qmp*|*hmp*) ;;
	*) return 0 ;;
	esac
	echo "ASAN_OPTIONS=detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	echo "G_SLICE=always-malloc G_DEBUG=gc-friendly"
}

is_test_binary() {
	case "$1" in
	*.c|*.o|*.d|*.h|*.sh|*.txt|*.md) return 1 ;;
	esac
	[ -f "$1" ] && [ -x "$1" ]
}

# 0. source checks (scripts/check-layers.sh: includes follow the layers)
for t in scripts/check-*.sh; do
	[ -f "$t" ] || continue
	selected "$t" || continue
	name=$(basename "$t" .sh)
	run_test "$name" "$LOGDIR/static-$name.log" "$UNIT_TIMEOUT" sh "./$t"
done

# 1. unit and qtest binaries against kvmpc
for t in tests/unit/* tests/qtest/*; do
	is_test_binary "$t" || continue
	selected "$t" || continue
	dir=$(basename "$(dirname "$t")")
	name=$(basename "$t")
	QTEST_BINARY=$KVMPC run_test "$name" "$LOGDIR/$dir-$name.log" \
		"$UNIT_TIMEOUT" env $(lsan_env "$t") "./$t"
done

# 2. qtest binaries against QEMU, the reference
if command -v "$QEMU" >/dev/null 2>&1; then
	for t in tests/qtest/*; do
		is_test_binary "$t" || continue
		selected "$t" || continue
		name=$(basename "$t")
		QTEST_BINARY=$QEMU run_test "[qemu] $name" \
			"$LOGDIR/qtest-$name.qemu.log" "$UNIT_TIMEOUT" "./$t"
	done
else
	echo "########################################################################"
	echo "SKIP: $QEMU not found: the [qemu] reference runs of tests/qtest were NOT"
	echo "      done (apt-get install qemu-system-x86)"
	echo "########################################################################"
	nskip=$((nskip + 1))
fi

# 3. boot tests (KVM), BOOT_JOBS lanes at once (default 2): their guests
# spend most of their time in emulated guest code, one core each.  Results
# are reported in file order once all lanes are done.
BOOT_JOBS=${BOOT_JOBS:-2}
boot_list=
for t in tests/boot/*.sh; do
	[ -f "$t" ] || continue
	[ "$t" = tests/boot/lib.sh ] && continue # the helpers, sourced by the tests
	selected "$t" || continue
	boot_list="$boot_list $t"
done
# Each lane takes the next test nobody has claimed (mkdir is atomic), so a
# long test does not hold up the tests queued behind it in its lane.  Each
# test's wall time goes to boot-NAME.secs; the slowest are listed at the end.
lane=0
while [ "$lane" -lt "$BOOT_JOBS" ]; do
	(
		for t in $boot_list; do
			name=$(basename "$t" .sh)
			mkdir "$LOGDIR/claim-$name" 2>/dev/null || continue
			t0=$(date +%s)
			env $(lsan_env "$t") \
			timeout -k 10 "$BOOT_TIMEOUT" sh "./$t" </dev/null \
				>"$LOGDIR/boot-$name.log" 2>&1
			echo $? >"$LOGDIR/boot-$name.rc"
			echo $(($(date +%s) - t0)) >"$LOGDIR/boot-$name.secs"
		done
	) &
	lane=$((lane + 1))
done
wait
rm -rf "$LOGDIR"/claim-*
for t in $boot_list; do
	name=$(basename "$t" .sh)
	report_test "$name" "$LOGDIR/boot-$name.log" "$BOOT_TIMEOUT" \
		"$(cat "$LOGDIR/boot-$name.rc" 2>/dev/null || echo 1)"
done

if [ -n "$boot_list" ]; then
	echo "slowest boot tests (wall seconds):"
	for f in "$LOGDIR"/boot-*.secs; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .secs)
		echo "$(cat "$f") ${n#boot-}"
	done | sort -rn | head -n 5 | sed 's/^/    /'
fi

summary="$npass passed, $nfail failed"
[ "$nskip" -gt 0 ] && summary="$summary, $nskip skipped"
echo "$summary"
[ "$nfail" -eq 0 ]
