#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the libFuzzer targets built by `make fuzz-build` (build/fuzz/*-fuzz),
# one after another, FUZZ_TIME seconds each (default 60), starting from the
# committed seeds in tests/fuzz/corpus/TARGET/ plus what earlier runs found
# (build/fuzz/corpus/TARGET/, outside the repository).  Limits: FUZZ_INPUT_TIMEOUT
# s per input (default 10; raise it on a loaded machine, where a niced
# fuzzer can be starved), 256 MiB per allocation, 2 GiB RSS; extra libFuzzer flags for a
# target come from tests/fuzz/TARGET.options.  A crash, sanitizer report,
# leak, timeout or out-of-memory fails, and the reproducer is kept as
# build/fuzz/TARGET-crash-*.  Prints TAP with executions and execs/s per
# target (libFuzzer's final stats).
#
# Usage: sh tests/fuzz/run.sh [TARGET...]   (names without -fuzz; default all)

cd "$(dirname "$0")/../.." || exit 1
SECS=${FUZZ_TIME:-60}
INPUT_TIMEOUT=${FUZZ_INPUT_TIMEOUT:-10}
OUT=build/fuzz

targets=$*
if [ -z "$targets" ]; then
	for f in tests/fuzz/*-fuzz.c; do
		targets="$targets $(basename "$f" -fuzz.c)"
	done
fi
n=0
failed=0
for t in $targets; do
	n=$((n + 1))
	bin=$OUT/$t-fuzz
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $t: $bin not built (make fuzz-build)"
		failed=1
		continue
	fi
	seeds=tests/fuzz/corpus/$t
	work=$OUT/corpus/$t
	mkdir -p "$work" "$seeds"
	opts=
	[ -f "tests/fuzz/$t-fuzz.options" ] && opts=$(cat "tests/fuzz/$t-fuzz.options")
	log=$OUT/$t.log
	# G_SLICE=always-malloc: GLib 2.74's slice allocator hands out GList
	# nodes from slabs, so LeakSanitizer could not see one leaked.
	# shellcheck disable=SC2086
	G_SLICE=always-malloc G_DEBUG=gc-friendly "$bin" -max_total_time="$SECS" -timeout="$INPUT_TIMEOUT" -malloc_limit_mb=256 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$OUT/$t-" $opts "$work" "$seeds" \
		</dev/null >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ $rc -eq 0 ] && [ -n "$runs" ]; then
		echo "ok $n - $t: ${SECS} s, ${runs} executions, ${speed} exec/s, no finding"
	else
		tail -30 "$log" | sed 's/^/#   /'
		echo "not ok $n - $t: finding or failure (exit $rc; log $log, reproducer $OUT/$t-*)"
		failed=1
	fi
done
echo "1..$n"
exit $failed
