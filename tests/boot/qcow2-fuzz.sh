#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds tests/fuzz/qcow2-fuzz.c with clang's libFuzzer (plus ASan and
# UBSan) against the block layer sources and runs it for FUZZ_SECONDS
# (default 20) on a seed corpus of small images made by qemu-img (512 B..
# 4 KiB clusters, v2, zlib and zstd compressed, zero clusters, snapshots,
# 1-bit refcounts, a backing name).  A crash, sanitizer report, timeout (5 s per
# input) or allocation over 256 MiB fails; the reproducer is kept in
# build/fuzz/.  Skips loudly without clang/libFuzzer or qemu-img.
# Prints TAP.

cd "$(dirname "$0")/../.." || exit 1
SECS=${FUZZ_SECONDS:-20}
OUT=build/fuzz

skip() {
	echo "########################################################################"
	echo "SKIP: qcow2 fuzzing NOT run: $1"
	echo "########################################################################"
	echo "1..0 # SKIP $1"
	exit 0
}

command -v clang >/dev/null 2>&1 || skip "clang missing (apt-get install clang libclang-rt-dev)"
command -v qemu-img >/dev/null 2>&1 || skip "qemu-img missing (apt-get install qemu-utils)"
mkdir -p "$OUT" || exit 1
LIBS="glib-2.0 gio-2.0 zlib libseccomp"
grep -q CONFIG_ZSTD config.h 2>/dev/null && LIBS="$LIBS libzstd"
SRCS="tests/fuzz/qcow2-fuzz.c block/block.c block/probe.c core/log.c block/raw.c block/snapshot.c core/iov.c core/rw.c $(ls block/qcow2*.c) core/sandbox.c core/sandbox-rules.c core/sandbox-spawn.c core/opts.c"
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -I. $(pkg-config --cflags $LIBS) $SRCS \
	$(pkg-config --libs $LIBS) -lm -lpthread -o "$OUT/qcow2-fuzz" \
	2>"$OUT/build.log"; then
	if grep -q -i "fuzzer" "$OUT/build.log"; then
		skip "clang cannot link -fsanitize=fuzzer (apt-get install libclang-rt-dev)"
	fi
	cat "$OUT/build.log"
	echo "not ok 1 - build the qcow2 fuzz target"
	echo "1..1"
	exit 0
fi
echo "ok 1 - build the qcow2 fuzz target"

C=$(mktemp -d /tmp/kvmpc-fuzz-XXXXXX) || exit 1
trap 'rm -rf "$C"' EXIT
(
	cd "$C" || exit 1
	qemu-img create -q -f qcow2 -o cluster_size=512 a.qcow2 1M
	qemu-io -c "write -P 1 0 20k" -c "write -z 100k 10k" a.qcow2
	qemu-img create -q -f qcow2 -o cluster_size=4k,compat=0.10 b.qcow2 2M
	qemu-io -c "write -P 2 4k 8k" b.qcow2
	qemu-img create -q -f qcow2 -o cluster_size=4k c.qcow2 1M
	qemu-io -c "write -c -P 3 0 4k" -c "write -c -P 4 4k 4k" c.qcow2
	qemu-img snapshot -c s c.qcow2
	qemu-img create -q -f qcow2 -o cluster_size=1k,refcount_bits=1 -b c.qcow2 \
		-F qcow2 d.qcow2
	qemu-io -c "write -P 5 0 3k" d.qcow2
	qemu-img create -q -f qcow2 -o cluster_size=4k,compression_type=zstd e.qcow2 1M
	qemu-io -c "write -c -P 6 0 4k" -c "write -c -P 7 8k 4k" e.qcow2
) >/dev/null 2>&1
mkdir -p "$C/new"
log="$OUT/fuzz.log"
(cd "$OUT" && ./qcow2-fuzz -max_total_time="$SECS" -rss_limit_mb=1024 \
	-malloc_limit_mb=256 -timeout=5 -print_final_stats=1 "$C/new" "$C") \
	</dev/null >"$log" 2>&1
rc=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
if [ $rc -eq 0 ]; then
	echo "ok 2 - ${SECS} s of fuzzing (${runs:-?} inputs): no crash, leak, hang or huge allocation"
else
	tail -40 "$log"
	echo "not ok 2 - the fuzzer found a problem (exit $rc; reproducer in $OUT/, log $log)"
fi
echo "1..2"
