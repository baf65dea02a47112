#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install` as a distribution runs it (DESTDIR=tmp PREFIX=/usr), then
# `make uninstall`: the binaries, the kvmpc-system-x86_64 link libvirt looks
# for (and that it runs: --version), the two manual pages (they render with
# man, have .TH and list every entry of the option and command tables that
# the programs themselves report), the documents; then uninstall leaves no
# file or link behind.  Runs no guest, so it needs no /dev/kvm.
cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
need_tools make

D=$T/destdir
P=$D/usr
make -s install DESTDIR="$D" PREFIX=/usr >"$T/install.out" 2>&1
check "make install DESTDIR= PREFIX=/usr exits 0" '[ $? = 0 ]' "$T/install.out"
for f in bin/kvmpc bin/kvmpc-img; do
	check "$f installed, executable" 'test -f "$P/$f" && test -x "$P/$f"'
done
check "bin/kvmpc-system-x86_64 is a link to kvmpc" \
	'[ "$(readlink "$P/bin/kvmpc-system-x86_64")" = kvmpc ]'
"$P/bin/kvmpc-system-x86_64" --version >"$T/version.out" 2>&1
check "the installed kvmpc-system-x86_64 --version answers" \
	'[ $? = 0 ] && has "$T/version.out" "kvmpc version $(cat VERSION)"' "$T/version.out"
for f in README COPYING $(cd docs && ls *.md); do
	check "doc $f installed" 'cmp -s "$P/share/doc/kvmpc/$f" "$(test -f "$f" && echo "$f" || echo "docs/$f")"'
done

M=$P/share/man/man1
for page in kvmpc kvmpc-img; do
	check "$page.1 installed with .TH" 'grep -q "^\.TH $(echo $page | tr a-z A-Z) 1" "$M/$page.1"'
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=200 man -l "$M/$page.1" 2>"$T/man.err" | col -b >"$T/$page.txt" 2>/dev/null
		check "man -l $page.1 renders without a warning" \
			'[ -s "$T/$page.txt" ] && ! [ -s "$T/man.err" ]' "$T/man.err"
	else
		skip "man -l $page.1: no man here"
		sed 's/\\-/-/g; s/\\f[BIR]//g' "$M/$page.1" >"$T/$page.txt"
	fi
done
./kvmpc -dump-options >"$T/opts" 2>&1
check "kvmpc -dump-options lists the table (at least -m, -smp, -drive, -device)" \
	'for o in m smp drive device; do grep -q "^$o " "$T/opts" || exit 1; done' "$T/opts"
missing=
while read -r o _; do
	grep -qE -- "^ +-$o( |\$)" "$T/kvmpc.txt" || missing="$missing -$o"
done <"$T/opts"
check "kvmpc(1) has an entry for each of the $(wc -l <"$T/opts") options$missing" '[ -z "$missing" ]'
missing=
for c in $(./kvmpc-img --dump-commands); do
	grep -qE "^ +$c\$" "$T/kvmpc-img.txt" || missing="$missing $c"
done
check "kvmpc-img(1) has an entry for each command$missing" \
	'[ -z "$missing" ] && [ "$(./kvmpc-img --dump-commands | wc -l)" -ge 7 ]'

make -s uninstall DESTDIR="$D" PREFIX=/usr >"$T/uninstall.out" 2>&1
check "make uninstall exits 0" '[ $? = 0 ]' "$T/uninstall.out"
find "$D" ! -type d >"$T/left"
check "uninstall removed every file and link install made" '! [ -s "$T/left" ]' "$T/left"
check "and the kvmpc doc directory" '! test -e "$P/share/doc/kvmpc"'
done_testing
