# SPDX-License-Identifier: GPL-2.0-or-later
# Guest test payloads: freestanding 32-bit multiboot ELFs and a boot sector,
# built with the system gcc/ld.  Included by the top-level Makefile.

GUEST_CC ?= gcc
GUEST_CFLAGS = -m32 -march=i686 -ffreestanding -nostdlib -fno-pic -fno-pie \
	-static -O2 -Wall -Wextra -std=gnu11 -fno-stack-protector \
	-fno-asynchronous-unwind-tables -mno-sse -mno-mmx -mno-80387 \
	-fno-builtin -Wno-unused-parameter
GUEST_LDFLAGS = -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-T,tests/guest/guest.ld -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

GUEST_PAYLOADS = hello storm ioexit reset vblk uart vnet ide counter hpet pcinic pwrbtn regs pitticks s3
GUEST_PAYLOADS += cpuid
GUEST_RT_OBJS = tests/guest/start.o32 tests/guest/rt.o32
GUEST_TARGETS = $(patsubst %,tests/guest/%.elf,$(GUEST_PAYLOADS)) \
	tests/guest/bootsect.bin tests/guest/linux.bin tests/guest/hello-low.elf
GUEST_CLEAN = tests/guest/*.o32 tests/guest/bootsect.elf \
	tests/guest/linux-setup.elf tests/guest/linux-setup.bin \
	tests/guest/linux32.elf tests/guest/linux32.bin

tests/guest/%.o32: tests/guest/%.c tests/guest/rt.h tests/guest/guest.mk
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

tests/guest/%.o32: tests/guest/%.S tests/guest/guest.mk
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

tests/guest/%.elf: tests/guest/%.o32 $(GUEST_RT_OBJS) tests/guest/guest.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_RT_OBJS) $<

# hello linked in conventional memory, at 0x8000 (the issue's multiboot kernel)
tests/guest/hello-low.elf: tests/guest/hello.o32 $(GUEST_RT_OBJS) tests/guest/guest.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -Wl,-Ttext=0x8000 -o $@ \
		$(GUEST_RT_OBJS) $<

tests/guest/bootsect.elf: tests/guest/bootsect.o32 tests/guest/bootsect.ld
	$(GUEST_CC) -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
		-Wl,-T,tests/guest/bootsect.ld -o $@ $<

# A Linux boot protocol 2.06 image: 1024-byte setup + flat 32-bit part
tests/guest/linux-setup.elf: tests/guest/linux-setup.o32 tests/guest/linux-setup.ld
	$(GUEST_CC) -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
		-Wl,-T,tests/guest/linux-setup.ld -o $@ $<

tests/guest/linux32.elf: tests/guest/linux32.o32 tests/guest/linux.o32 \
		tests/guest/rt.o32 tests/guest/guest.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ tests/guest/linux32.o32 \
		tests/guest/rt.o32 tests/guest/linux.o32

tests/guest/%.bin: tests/guest/%.elf
	objcopy -O binary $< $@

tests/guest/linux.bin: tests/guest/linux-setup.bin tests/guest/linux32.bin
	cat $^ > $@
