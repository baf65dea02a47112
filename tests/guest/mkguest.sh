#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the kvmpc test guest from Debian packages, cached in OUT (default
# build/guest): Debian's kernel (linux-image-amd64) with an initramfs of
# busybox-static and our init (tests/guest/linux/init), plus memtest86+ and
# grub-invaders, packed by grub-mkrescue into a hybrid ISO that boots as a
# CD and as a hard disk.  GRUB's menu: the Linux guest, memtest86+,
# grub-invaders.  Rebuilt only when this script or the init changes.
set -e
cd "$(dirname "$0")/../.."
OUT=${1:-build/guest}
ISO=$OUT/kvmpc-guest.iso
mkdir -p "$OUT"
# one builder at a time (make check and make demo may race)
exec 9>"$OUT/.lock"
flock 9
stamp=$(cat tests/guest/mkguest.sh tests/guest/linux/init | sha256sum | cut -c1-16)
if [ -f "$ISO" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$ISO"
	exit 0
fi
for t in grub-mkrescue xorriso depmod cpio; do
	command -v $t >/dev/null || { echo "mkguest: $t missing (run scripts/setup.sh)" >&2; exit 1; }
done
rm -rf "$OUT/debs" "$OUT/x" "$OUT/initramfs" "$OUT/iso"
mkdir -p "$OUT/debs" "$OUT/x" "$OUT/initramfs" "$OUT/iso/boot/grub"
fetch() {
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	[ -n "$kpkg" ] && (cd "$OUT/debs" &&
		apt-get download "$kpkg" busybox-static memtest86+ grub-invaders >/dev/null 2>&1)
}
if ! fetch; then
	apt-get update -q >/dev/null 2>&1 || true
	fetch || { echo "mkguest: apt-get download of the guest packages failed" >&2; exit 1; }
fi
for f in "$OUT"/debs/*.deb; do dpkg-deb -x "$f" "$OUT/x"; done
kver=$(ls "$OUT/x/lib/modules")
depmod -b "$OUT/x" "$kver"

# modules the guest needs, with their dependencies, in load order
want="ata_piix sd_mod sr_mod virtio_pci virtio_blk virtio_net virtio_balloon virtio_rng ext4 e1000"
order=""
add_mod() {
	local path file dep
	path=$(grep -E "(^|/)$1\.ko(\.xz|\.zst)?:" "$OUT/x/lib/modules/$kver/modules.dep" | head -1)
	[ -n "$path" ] || return 0
	file=${path%%:*}
	case " $order " in *" $file "*) return 0 ;; esac
	for dep in ${path#*:}; do
		add_mod "$(basename "$dep" | sed 's/\.ko.*//')"
	done
	case " $order " in *" $file "*) ;; *) order="$order $file" ;; esac
}
for m in $want; do add_mod "$m"; done
I=$OUT/initramfs
mkdir -p "$I/bin" "$I/etc" "$I/lib/modules"
cp "$OUT/x/bin/busybox" "$I/bin/busybox"
cp tests/guest/linux/init "$I/init"
chmod 755 "$I/init" "$I/bin/busybox"
: > "$I/etc/modules.list"
for f in $order; do
	mkdir -p "$I/lib/modules/$(dirname "$f")"
	cp "$OUT/x/lib/modules/$kver/$f" "$I/lib/modules/$f"
	echo "$f" >> "$I/etc/modules.list"
done
(cd "$I" && find . | cpio -o -H newc --quiet | gzip -9) > "$OUT/iso/boot/initrd.gz"
cp "$OUT/x/boot/vmlinuz-$kver" "$OUT/iso/boot/vmlinuz"
cp "$OUT/x/boot/memtest86+x64.bin" "$OUT/iso/boot/memtest.bin"
cp "$OUT/x/boot/invaders.exec" "$OUT/iso/boot/invaders.exec"
cat > "$OUT/iso/boot/grub/grub.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=10
set default=0
menuentry "kvmpc Linux guest (Debian kernel, busybox)" {
	linux /boot/vmlinuz console=tty0 console=ttyS0,115200 quiet kvmpc.check=disk-write
	initrd /boot/initrd.gz
}
menuentry "memtest86+" {
	linux16 /boot/memtest.bin
}
menuentry "grub-invaders" {
	multiboot /boot/invaders.exec
}
CFG
grub-mkrescue -o "$ISO" "$OUT/iso" >/dev/null 2>&1
cp "$OUT/iso/boot/vmlinuz" "$OUT/bzImage"
cp "$OUT/iso/boot/initrd.gz" "$OUT/initrd.gz"
rm -rf "$OUT/debs" "$OUT/x" "$I"
echo "$stamp" > "$OUT/stamp"
echo "$ISO"
