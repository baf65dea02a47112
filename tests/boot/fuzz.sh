#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make check's share of fuzzing: builds every libFuzzer target in
# tests/fuzz/ (`make fuzz-build`: clang with ASan, UBSan and libFuzzer) and
# runs each for FUZZ_SECONDS (default 5) from its committed seeds through
# tests/fuzz/run.sh; a crash, sanitizer report, leak, hang or huge
# allocation fails.  Longer runs: `make fuzz FUZZ_TIME=600`.  Skips loudly
# without clang or libFuzzer's runtime.  Prints TAP.

cd "$(dirname "$0")/../.." || exit 1

skip() {
	echo "########################################################################"
	echo "SKIP: fuzzing NOT run: $1"
	echo "########################################################################"
	echo "1..0 # SKIP $1"
	exit 0
}

command -v clang >/dev/null 2>&1 || skip "clang missing (apt-get install clang libclang-rt-dev)"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' >"$T/t.c"
clang -fsanitize=fuzzer,address "$T/t.c" -o "$T/t" 2>/dev/null ||
	skip "clang cannot link -fsanitize=fuzzer (apt-get install libclang-rt-dev)"
mkdir -p build/fuzz
if ! nice make -j2 -s fuzz-build >build/fuzz/build.log 2>&1; then
	tail -30 build/fuzz/build.log | sed 's/^/#   /'
	echo "not ok 1 - build the fuzz targets (make fuzz-build; log build/fuzz/build.log)"
	echo "1..1"
	exit 0
fi
echo "ok 1 - build the fuzz targets"
FUZZ_TIME=${FUZZ_SECONDS:-5} sh tests/fuzz/run.sh | awk '
	/^(not )?ok [0-9]+/ { n = $0; sub(/ok [0-9]+/, "ok " (++i + 1), n); print n; next }
	/^1\.\./ { print "1.." (i + 1); next }
	{ print }'
