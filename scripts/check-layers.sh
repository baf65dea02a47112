#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The layering check behind `make check` (tests/run.sh step 0): reads every
# #include "..." line of the C sources and headers and fails, printing the
# offending line as FILE:LINE: TEXT, when a layer reaches above itself
# (docs/architecture.md, "Layers").  The layers, bottom up:
#
#   core/                        mechanisms only: includes core/ and config.h
#   accel/  block/  net/         include core/ and their own directory only
#   hw/                          core/, block/, hw/, and the public interface
#                                headers of the layers above it (below)
#   ui/ (display + monitor)      anything except system/
#   system/ (main, wiring)       anything
#
# hw/ talks to the accelerator only through the ops table it registers on
# the machine (struct accel_ops, core/machine.h), so hw/ includes no accel/
# header and does not touch the accelerator's private fields of struct
# machine (m->kvm, m->qtest), checked too.  The public interface headers hw/
# may include from above:
#   ui/console.h   the display surface and input routing a device draws into
#   net/net.h      the net backend interface a NIC sends and receives through
# Nothing else under ui/ or net/ (the monitor in particular) is for devices.
#
# Second part, when the objects are built: no object in core/ needs a symbol
# that only an object outside core/ defines (a call upwards by name that an
# include check cannot see, e.g. through a local extern declaration).
#
# Output is TAP; the exit status is 1 when a check fails.
# Usage: sh scripts/check-layers.sh [SRCDIR]   (default: the repository root)

cd "${1:-$(dirname "$0")/..}" || exit 2
export LC_ALL=C

HW_PUBLIC="ui/console.h net/net.h"

# forbidden LAYER: the include prefixes LAYER may not use
forbidden() {
	case "$1" in
	core) echo "accel/ block/ net/ hw/ ui/ system/" ;;
	accel) echo "block/ net/ hw/ ui/ system/" ;;
	block) echo "accel/ net/ hw/ ui/ system/" ;;
	net) echo "accel/ block/ hw/ ui/ system/" ;;
	hw) echo "accel/ ui/ net/ system/" ;;
	ui) echo "system/" ;;
	*) echo "" ;;
	esac
}

sources() {
	for d in core accel block net hw ui system; do
		[ -d "$d" ] && find "$d" -name '*.[ch]' -type f
	done | sort
}

n=0
fail=0
# check NAME LAYER: one TAP result for the include rules of LAYER
check() {
	layer=$1
	n=$((n + 1))
	files=$(sources | grep "^$layer/")
	[ -n "$files" ] || files=/dev/null
	bad=$(awk -v deny="$(forbidden "$layer")" -v allow="$([ "$layer" = hw ] && echo "$HW_PUBLIC")" '
		BEGIN { nd = split(deny, d, " "); na = split(allow, a, " ") }
		/^[ \t]*#[ \t]*include[ \t]*"/ {
			inc = $0
			sub(/^[^"]*"/, "", inc)
			sub(/".*$/, "", inc)
			for (i = 1; i <= na; i++)
				if (inc == a[i])
					next
			for (i = 1; i <= nd; i++)
				if (index(inc, d[i]) == 1) {
					print FILENAME ":" FNR ": " $0
					next
				}
		}' $files)
	if [ -n "$bad" ]; then
		echo "not ok $n - $layer/ includes only what its layer may"
		echo "$bad" | sed 's/^/# /'
		fail=1
	else
		echo "ok $n - $layer/ includes only what its layer may"
	fi
}

# check_fields: hw/ never touches the accelerator's state in struct machine
check_fields() {
	n=$((n + 1))
	bad=$(sources | grep '^hw/' | xargs grep -nE -- '->(kvm|qtest)\b|\bkvm_[a-z_]+\(' \
		/dev/null 2>/dev/null)
	if [ -n "$bad" ]; then
		echo "not ok $n - hw/ reaches the accelerator only through the machine's accel_ops"
		echo "$bad" | sed 's/^/# /'
		fail=1
	else
		echo "ok $n - hw/ reaches the accelerator only through the machine's accel_ops"
	fi
}

# check_symbols: core's objects need nothing defined outside core/
check_symbols() {
	n=$((n + 1))
	title="core/ objects call nothing defined outside core/"
	# objects of sources that exist (a stale .o of a moved file does not count)
	objs=$(sources | grep '^core/' | sed -n 's/\.c$/.o/p' | while read -r o; do
		[ -f "$o" ] && echo "$o"
	done)
	if [ -z "$objs" ] || ! command -v nm >/dev/null 2>&1; then
		echo "ok $n - $title # SKIP core/ is not built"
		return
	fi
	tmp=$(mktemp -d) || exit 2
	# "core/x.o: U sym" and "dir/y.o: ... T sym", one nm run each
	nm -A -u $objs | awk '{ sub(/:$/, "", $1); print $NF " " $1 }' | sort -u >"$tmp/undef"
	nm -A --defined-only $objs | awk '{ print $NF }' | sort -u >"$tmp/core"
	upper=$(sources | grep -v '^core/' | sed -n 's/\.c$/.o/p' | while read -r o; do
		[ -f "$o" ] && echo "$o"
	done)
	[ -n "$upper" ] && nm -A --defined-only $upper |
		awk '$(NF - 1) ~ /[TDBR]/ { sub(/:.*$/, "", $1); print $NF " " $1 }' |
		sort -u >"$tmp/upper"
	touch "$tmp/upper"
	bad=$(join "$tmp/undef" "$tmp/upper" | while read -r sym user def; do
		grep -qx "$sym" "$tmp/core" ||
			echo "${user%.o}.c uses $sym, defined in ${def%.o}.c"
	done)
	rm -rf "$tmp"
	if [ -n "$bad" ]; then
		echo "not ok $n - $title"
		echo "$bad" | sed 's/^/# /'
		fail=1
	else
		echo "ok $n - $title"
	fi
}

echo "1..9"
for layer in core accel block net hw ui system; do
	check "$layer"
done
check_fields
check_symbols
exit $fail
