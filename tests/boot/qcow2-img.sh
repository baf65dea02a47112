#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qcow2 and kvmpc-img against qemu-img, the oracle (no KVM needed):
#  - images made by qemu-img (cluster sizes 512 B, 4 KiB, 64 KiB, 2 MiB,
#    plain and compressed, v2, 1- and 64-bit refcounts, backing chains with
#    relative paths and zero clusters) read by `kvmpc-img convert -O raw`
#    give the bytes of `qemu-img convert -O raw`;
#  - images written by kvmpc-img (convert, convert -c, create -b,
#    preallocation, resize, bench -w) pass `qemu-img check` and
#    `qemu-img compare`;
#  - info, info --output=json, check and snapshot -l print what qemu-img
#    prints;
#  - dirty images (lazy refcounts, qemu-io killed) are read as they are and
#    get their refcounts rebuilt when opened writable;
#  - hostile images (huge L1, tables on the header or past the end, data
#    past the end, backing loops, unknown/encrypted/external/extended
#    features, data that inflates past a cluster, truncated header) fail
#    with a clear message and exit status 1, never a crash or a write.
# Prints TAP.

cd "$(dirname "$0")/../.." || exit 1
. tests/boot/lib.sh
IMG=${KVMPC_IMG:-./kvmpc-img}

if ! command -v qemu-img >/dev/null 2>&1 || ! command -v qemu-io >/dev/null 2>&1; then
	echo "1..0 # SKIP qemu-img/qemu-io missing (apt-get install qemu-utils)"
	exit 0
fi
if [ ! -x "$IMG" ]; then
	echo "1..0 # SKIP $IMG not built (make kvmpc-img)"
	exit 0
fi
IMG=$(cd "$(dirname "$IMG")" && pwd)/$(basename "$IMG")
cd "$T" || exit 1
[ -n "$QCOW2_KEEP" ] && trap - EXIT && echo "# temp dir $T"

# putbe FILE OFFSET NBYTES VALUE: big-endian patch
putbe() {
	_i=$(($3 - 1)) _s=""
	while [ $_i -ge 0 ]; do
		_s="$_s$(printf '\\%03o' $((($4 >> (8 * _i)) & 255)))"
		_i=$((_i - 1))
	done
	printf "$_s" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# putcopied FILE OFFSET VALUE: a table entry with bit 63 (COPIED) set
putcopied() { putbe "$1" "$2" 1 128; putbe "$1" $(($2 + 1)) 7 "$3"; }
# getbe FILE OFFSET NBYTES
getbe() { echo $((0x$(od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'))); }

# A 32 MiB source: random extents over zeros (deterministic)
head -c 33554432 /dev/zero > src.raw
i=0
while [ $i -lt 40 ]; do
	off=$(((i * 7919 * 4096 + i * 1234) % 33000000))
	len=$(((i * 104729) % 300000 + 1))
	head -c "$len" /dev/urandom | dd of=src.raw bs=1 seek="$off" conv=notrunc \
		status=none 2>/dev/null || true
	i=$((i + 1))
done

# same_raw IMAGE: kvmpc-img's raw view equals qemu-img's
same_raw() {
	rm -f k.raw q.raw
	"$IMG" convert -O raw "$1" k.raw && qemu-img convert -O raw "$1" q.raw && cmp -s k.raw q.raw
}
# clean IMAGE: qemu-img check finds nothing and the content equals src.raw
clean_as() {
	qemu-img check -q "$1" && qemu-img compare -q -f raw "$2" "$1"
}

for cs in 512 4k 64k 2M; do
	qemu-img convert -O qcow2 -o cluster_size=$cs src.raw q$cs.qcow2
	check "read qemu-img image, cluster_size=$cs" "same_raw q$cs.qcow2"
	qemu-img convert -c -O qcow2 -o cluster_size=$cs src.raw c$cs.qcow2
	check "read qemu-img compressed image, cluster_size=$cs" "same_raw c$cs.qcow2"
done
qemu-img convert -O qcow2 -o compat=0.10 src.raw v2.qcow2
check "read v2 (compat=0.10) image" "same_raw v2.qcow2"
for rb in 1 8 64; do
	qemu-img create -q -f qcow2 -o refcount_bits=$rb,cluster_size=4k rb$rb.qcow2 32M
	qemu-io -c "write -P 0x5a 0 3M" -c "write -P 0x17 20M 100k" rb$rb.qcow2 >/dev/null
	check "read image with refcount_bits=$rb" "same_raw rb$rb.qcow2"
done

# backing chain: relative names, subdirectory, zero clusters, v2 in the middle
mkdir -p d1/d2
qemu-img create -q -f qcow2 -b ../q64k.qcow2 -F qcow2 -o compat=0.10 d1/mid.qcow2
qemu-io -c "write -P 0x33 1M 3M" -c "write -P 0x44 10000k 5k" d1/mid.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b ../mid.qcow2 -F qcow2 -o cluster_size=4k d1/d2/top.qcow2
qemu-io -c "write -z 2M 128k" -c "write -P 0x55 30M 70k" -c "write -z -u 8M 1M" \
	d1/d2/top.qcow2 >/dev/null
check "read 3-level backing chain (relative paths, zero clusters)" "same_raw d1/d2/top.qcow2"
qemu-img create -q -f qcow2 -b q64k.qcow2 -F qcow2 nofmt.qcow2
putbe nofmt.qcow2 112 4 305419896 # backing format extension -> unknown type
check "backing file without backing_fmt is probed" "same_raw nofmt.qcow2"

# written by kvmpc-img
for cs in 512 64k 2M; do
	"$IMG" convert -O qcow2 -o cluster_size=$cs src.raw w$cs.qcow2
	check "kvmpc-img convert -O qcow2 cluster_size=$cs: check + compare" \
		"clean_as w$cs.qcow2 src.raw"
	"$IMG" convert -p -c -O qcow2 -o cluster_size=$cs src.raw wc$cs.qcow2 >progress.txt
	check "kvmpc-img convert -c cluster_size=$cs: check + compare" \
		"clean_as wc$cs.qcow2 src.raw"
done
check "convert -p prints progress to 100%" "grep -q '100.00/100%' progress.txt"
"$IMG" convert -c -O qcow2 -o cluster_size=4k,refcount_bits=1 src.raw rc1.qcow2
check "convert -c with 1-bit refcounts (no refcount overflow)" "clean_as rc1.qcow2 src.raw"
"$IMG" convert -O qcow2 -o compat=0.10 d1/d2/top.qcow2 flat.qcow2
qemu-img convert -O raw d1/d2/top.qcow2 top.raw
check "convert a chain to a flat v2 image" "clean_as flat.qcow2 top.raw"
"$IMG" create -q -f qcow2 -b ../../q4k.qcow2 -F qcow2 d1/d2/ov.qcow2
check "create -b: qemu-img sees the backing file and size" \
	"qemu-img info d1/d2/ov.qcow2 | grep -q '^backing file: ../../q4k.qcow2' &&
	 qemu-img info d1/d2/ov.qcow2 | grep -q '(33554432 bytes)' &&
	 qemu-img check -q d1/d2/ov.qcow2"
qemu-io -c "write -P 0x66 5M 200k" d1/d2/ov.qcow2 >/dev/null
check "qemu-io writes into a kvmpc-img overlay read back" "same_raw d1/d2/ov.qcow2"
for p in metadata full; do
	"$IMG" create -q -f qcow2 -o cluster_size=4k,preallocation=$p pre$p.qcow2 8M
	head -c 8388608 /dev/zero > zero8.raw
	check "create preallocation=$p" \
		"clean_as pre$p.qcow2 zero8.raw && [ \$(qemu-img map --output=json \
		 pre$p.qcow2 | grep -c '\"data\": false') -eq 0 ]"
done
"$IMG" convert -O qcow2 -o cluster_size=512 src.raw rs.qcow2
"$IMG" resize rs.qcow2 +1G >/dev/null
check "resize +1G (the L1 table moves): check, size, content" \
	"qemu-img check -q rs.qcow2 && qemu-img info rs.qcow2 | grep -q '(1107296256 bytes)' &&
	 qemu-img compare -q -f raw src.raw rs.qcow2"
qemu-img create -q -f qcow2 -o cluster_size=4k bw.qcow2 64M
check "bench -w (sequential allocating writes) leaves a clean image" \
	"'$IMG' bench -w -c 2000 -s 16k bw.qcow2 >/dev/null && qemu-img check -q bw.qcow2"
"$IMG" create -q -f raw raw.img 1M
check "create -f raw" "[ \$(stat -c %s raw.img) -eq 1048576 ]"

# output compatibility
qemu-img snapshot -c snap1 q4k.qcow2
qemu-img snapshot -c second-snapshot q4k.qcow2
for f in q4k.qcow2 c64k.qcow2 v2.qcow2 d1/d2/top.qcow2 src.raw; do
	check "info $f as qemu-img" "[ \"\$('$IMG' info $f)\" = \"\$(qemu-img info $f)\" ]"
	check "info --output=json $f as qemu-img" \
		"[ \"\$('$IMG' info --output=json $f)\" = \"\$(qemu-img info --output=json $f)\" ]"
done
for f in q4k.qcow2 c2M.qcow2 w512.qcow2 rb1.qcow2; do
	check "check $f as qemu-img" "[ \"\$('$IMG' check $f)\" = \"\$(qemu-img check $f)\" ]"
done
check "snapshot -l as qemu-img" \
	"[ \"\$('$IMG' snapshot -l q4k.qcow2)\" = \"\$(qemu-img snapshot -l q4k.qcow2)\" ]"
check "reading an image with snapshots" "same_raw q4k.qcow2"
qemu-io -c "write -P 0x12 0 1M" q4k.qcow2 >/dev/null
"$IMG" convert -O qcow2 q4k.qcow2 fromsnap.qcow2 && "$IMG" bench -w -c 64 -s 64k q4k.qcow2 \
	>/dev/null
check "writing over snapshot-shared clusters (copy-on-write) stays clean" \
	"qemu-img check -q q4k.qcow2 && [ \"\$(qemu-img snapshot -l q4k.qcow2 | wc -l)\" -eq 4 ]"

# check -r all: a refcount too high (a leak and a wrong COPIED flag) is repaired
qemu-img create -q -f qcow2 lk.qcow2 64M
qemu-io -c "write -P 3 0 256k" lk.qcow2 >/dev/null
rb=$(getbe lk.qcow2 $(($(getbe lk.qcow2 48 8) + 1)) 7)
putbe lk.qcow2 $((rb + 2 * 5)) 2 2
cp lk.qcow2 lk.before
check "check reports the leak and the error as qemu-img does (exit 2)" \
	"'$IMG' check lk.qcow2 >k.txt 2>&1; [ \$? -eq 2 ] && qemu-img check lk.qcow2 >q.txt 2>&1;
	 [ \$? -eq 2 ] && cmp -s k.txt q.txt"
check "check -r all repairs it: qemu-img check clean, data unchanged" \
	"'$IMG' check -r all lk.qcow2 >/dev/null 2>&1 && qemu-img check -q lk.qcow2 &&
	 qemu-img compare -q lk.before lk.qcow2"

# hostile images: each must fail with a clear message, exit status 1
# refuse NAME IMAGE PATTERN [COMMAND]: kvmpc-img fails with PATTERN on stderr
refuse() {
	_cmd=${4:-convert -O raw}
	"$IMG" $_cmd "$2" out.raw >/dev/null 2>err.txt
	_rc=$?
	if [ $_rc -eq 1 ] && grep -qi -- "$3" err.txt; then
		ok "$1: $(head -c 150 err.txt | tr '\n' ' ')"
	else
		notok "$1 (exit $_rc): $(cat err.txt)"
	fi
}
qemu-img create -q -f qcow2 h.qcow2 64M
qemu-io -c "write -P 0x5a 0 128k" h.qcow2 >/dev/null
mk() { cp h.qcow2 "$1"; }
mk h1.qcow2; putbe h1.qcow2 36 4 2147483647
refuse "huge L1 table" h1.qcow2 "L1 table too large"
mk h2.qcow2; putbe h2.qcow2 40 8 0
refuse "L1 table on the header" h2.qcow2 "L1 table offset"
mk h3.qcow2; putbe h3.qcow2 48 8 4294967296
refuse "refcount table past the end" h3.qcow2 "refcount table offset"
# (entries are read without their top byte: the shell's arithmetic is signed)
l1=$(getbe h.qcow2 40 8); l2=$(($(getbe h.qcow2 $((l1 + 1)) 7) & 0xfffffffffffe00))
mk h4.qcow2; putcopied h4.qcow2 "$l2" $((1 << 40))
refuse "data cluster past the end of the file" h4.qcow2 "past the end"
mk h5.qcow2; putcopied h5.qcow2 "$l1" 512
refuse "L2 table misaligned onto the header" h5.qcow2 "on the header"
mk h6.qcow2; putcopied h6.qcow2 "$l2" 0
cp h6.qcow2 h6.before
refuse "write through an entry pointing at the header" h6.qcow2 "offset" \
	"bench -w -c 1 -s 4k"
check "...and the header was not written" "cmp -s h6.qcow2 h6.before"
mk h7.qcow2; putbe h7.qcow2 "$(getbe h.qcow2 48 8)" 8 4097
refuse "misaligned refcount block" h7.qcow2 "refcount table entry"
mk h8.qcow2; putbe h8.qcow2 60 4 4000000000
refuse "absurd snapshot count" h8.qcow2 "snapshot"
# dirty images (lazy refcounts, not closed cleanly): read as is, rebuilt when writable
qemu-img create -q -f qcow2 -o lazy_refcounts=on,cluster_size=4k lz.qcow2 16M
qemu-io -c "write -P 0x42 0 3M" -c "write -P 0x43 8M 100k" -c "sigraise 9" lz.qcow2 \
	>/dev/null 2>&1
check "qemu-io killed with lazy refcounts leaves a dirty, inconsistent image" \
	"[ \$(getbe lz.qcow2 72 8) -eq 1 ] && ! qemu-img check -q lz.qcow2 2>/dev/null"
check "dirty image reads as qemu-img reads it" "same_raw lz.qcow2"
qemu-img convert -O raw lz.qcow2 lz.raw
"$IMG" bench -w -c 16 -s 4k -o 12M lz.qcow2 >/dev/null 2>&1
check "opened writable, the dirty image gets its refcounts rebuilt (qemu-img check clean)" \
	"[ \$(getbe lz.qcow2 72 8) -eq 0 ] && qemu-img check -q lz.qcow2 &&
	 qemu-img convert -O raw lz.qcow2 lz2.raw && cmp -s -n 12582912 lz.raw lz2.raw"
mk h9.qcow2; putbe h9.qcow2 72 8 1; putbe h9.qcow2 $(getbe h.qcow2 48 8) 8 0
"$IMG" bench -w -c 1 -s 4k h9.qcow2 >/dev/null 2>err.txt
check "dirty image without refcount blocks: rebuilt on a writable open" \
	"[ \$(getbe h9.qcow2 72 8) -eq 0 ] && qemu-img check -q h9.qcow2"
mk h10.qcow2; putbe h10.qcow2 72 8 1024
refuse "unknown incompatible feature" h10.qcow2 "incompatible feature bit 10"
mk h11.qcow2; putbe h11.qcow2 72 8 2
refuse "corrupt bit: no writable open" h11.qcow2 "corrupt" "bench -w -c 1"
check "corrupt bit: still readable" "'$IMG' convert -O raw h11.qcow2 h11.raw"
head -c 8 h.qcow2 > h12.qcow2
refuse "truncated header" h12.qcow2 "truncated"
qemu-img create -q -f qcow2 la.qcow2 1M
qemu-img create -q -f qcow2 -b la.qcow2 -F qcow2 lb.qcow2
qemu-img rebase -u -b lb.qcow2 -F qcow2 la.qcow2
refuse "backing file loop" lb.qcow2 "loop"
qemu-img rebase -u -b ls.qcow2 -F qcow2 la.qcow2 2>/dev/null; cp la.qcow2 ls.qcow2
refuse "image backed by itself" ls.qcow2 "loop"
# qemu-img times its LUKS key derivation by CPU time and gives up ("Unable to
# get accurate CPU usage") on a loaded machine: try a few times, then mark a
# plain image LUKS-encrypted in the header (crypt_method 2) by hand.
for i in 1 2 3; do
	qemu-img create -q -f qcow2 --object secret,id=s0,data=pw -o \
		encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10 \
		enc.qcow2 1M 2>/dev/null && break
	rm -f enc.qcow2
done
[ -f enc.qcow2 ] || { mk enc.qcow2; putbe enc.qcow2 32 4 2; }
refuse "LUKS encryption" enc.qcow2 "encrypt"
qemu-img create -q -f qcow2 -o data_file=ext.raw ext.qcow2 1M
refuse "external data file" ext.qcow2 "external data file"
qemu-img create -q -f qcow2 -o extended_l2=on xl2.qcow2 1M
refuse "extended L2 entries" xl2.qcow2 "extended L2"
if qemu-img convert -c -O qcow2 -o compression_type=zstd,cluster_size=4k src.raw \
	zstd.qcow2 2>/dev/null; then
	if "$IMG" convert -O raw zstd.qcow2 out.raw 2>/dev/null; then
		check "read zstd-compressed image (built with libzstd)" "same_raw zstd.qcow2"
		# a zstd frame asking for a 1 GiB window
		qemu-img create -q -f qcow2 -o cluster_size=4k,compression_type=zstd zw.qcow2 1M
		qemu-io -c "write -c -P 0x61 0 4k" zw.qcow2 >/dev/null
		l1=$(getbe zw.qcow2 40 8)
		l2=$(($(getbe zw.qcow2 $((l1 + 1)) 7) & 0xfffffffffffe00))
		coff=$(($(getbe zw.qcow2 "$l2" 8) & ((1 << 58) - 1)))
		putbe zw.qcow2 "$coff" 6 $((0x28b52ffd00a0))
		refuse "zstd frame with a 1 GiB window" zw.qcow2 "decompress"
	else
		refuse "zstd compression type (built without libzstd)" zstd.qcow2 "zstd"
	fi
fi
# a compressed cluster whose stream inflates to twice the cluster size
qemu-img create -q -f qcow2 -o cluster_size=4k bz.qcow2 1M
yes abcdefgh | head -c 4096 > a4k.raw
qemu-io -f qcow2 -c "write -c -P 0x61 0 4k" bz.qcow2 >/dev/null
l1=$(getbe bz.qcow2 40 8); l2=$(($(getbe bz.qcow2 $((l1 + 1)) 7) & 0xfffffffffffe00))
ce=$(getbe bz.qcow2 "$l2" 8); coff=$((ce & ((1 << 58) - 1)))
head -c 8192 /dev/zero | gzip -n -c > z.gz
zl=$(($(stat -c %s z.gz) - 18))
dd if=z.gz of=bz.qcow2 bs=1 skip=10 seek="$coff" count="$zl" conv=notrunc status=none
refuse "compressed cluster inflating past the cluster" bz.qcow2 "decompress"
# rep FILE COUNT: FILE doubled until it holds COUNT copies of itself (power of 2)
rep() { _c=1; while [ $_c -lt "$2" ]; do cat "$1" "$1" > "$1.t"; mv "$1.t" "$1"; _c=$((_c * 2)); done; }
# every L1 entry of a 2 MiB-cluster image points at the same L2 table
qemu-img create -q -f qcow2 -o cluster_size=2M hl.qcow2 1G
qemu-io -c "write -P 7 0 2M" hl.qcow2 >/dev/null
l1=$(getbe hl.qcow2 40 8)
od -An -tx1 -j "$l1" -N 8 hl.qcow2 >/dev/null
dd if=hl.qcow2 of=ent bs=1 skip="$l1" count=8 status=none
rep ent 262144
dd if=ent of=hl.qcow2 bs=1M seek=$((l1 / 1048576)) conv=notrunc status=none
putbe hl.qcow2 36 4 262144
timeout 60 "$IMG" check hl.qcow2 >check.txt 2>&1
rc=$?
check "one L2 table behind 262144 L1 entries: check ends (rc $rc), reports errors" \
	"[ $rc -eq 2 ] && grep -q 'referenced too often' check.txt"
# every refcount table entry points at one refcount block full of refcounts
qemu-img create -q -f qcow2 hr.qcow2 64M
rt=$(getbe hr.qcow2 48 8); rb=$(getbe hr.qcow2 "$rt" 8)
printf '\377' > ff; rep ff 65536
dd if=ff of=hr.qcow2 bs=65536 seek=$((rb / 65536)) conv=notrunc status=none
printf "$(printf '\\%03o' 0 0 0 0 0 2 0 0)" > ent; rep ent 8192
dd if=ent of=hr.qcow2 bs=65536 seek=$((rt / 65536)) conv=notrunc status=none
timeout 60 "$IMG" bench -w -c 1 -s 4k hr.qcow2 >/dev/null 2>err.txt
rc=$?
check "refcounts claim every cluster: an allocating write fails fast (rc $rc)" \
	"[ $rc -eq 1 ] && grep -q 'no free cluster' err.txt"
if [ -x ./kvmpc ] || [ -x "$OLDPWD/kvmpc" ]; then
	vmm=$OLDPWD/kvmpc
	timeout 20 "$vmm" -nodefaults -display none -accel qtest -qtest /dev/null -drive file=h10.qcow2,if=ide \
		>/dev/null 2>err.txt
	rc=$?
	check "kvmpc -drive with an unknown feature exits with the message (rc $rc)" \
		"[ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q 'incompatible feature bit 10' err.txt"
fi

done_testing
