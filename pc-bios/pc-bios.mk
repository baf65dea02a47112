# SPDX-License-Identifier: GPL-2.0-or-later
# The kvmpc boot option ROM: assembled with the system gcc in .code16,
# checksummed by a host tool and embedded in kvmpc as a generated C array
# (pc-bios/kvmpc-boot-rom.c, object linked into libkvmpc.a).

PCBIOS_HOSTCC ?= cc
PCBIOS_ROM = pc-bios/kvmpc-boot.bin
PCBIOS_GEN = pc-bios/kvmpc-boot-rom.c

pc-bios/romsum: pc-bios/romsum.c
	$(PCBIOS_HOSTCC) -O2 -Wall -o $@ $<

pc-bios/kvmpc-boot.o16: pc-bios/kvmpc-boot.S pc-bios/pc-bios.mk
	$(PCBIOS_HOSTCC) -m32 -c -o $@ $<

pc-bios/kvmpc-boot.elf: pc-bios/kvmpc-boot.o16 pc-bios/kvmpc-boot.ld
	ld -m elf_i386 -T pc-bios/kvmpc-boot.ld -o $@ $<

pc-bios/kvmpc-boot.raw: pc-bios/kvmpc-boot.elf
	objcopy -O binary $< $@

$(PCBIOS_ROM): pc-bios/kvmpc-boot.raw pc-bios/romsum
	pc-bios/romsum $< $@

$(PCBIOS_GEN): $(PCBIOS_ROM) pc-bios/romsum
	pc-bios/romsum -c kvmpc_boot_rom $< $@

libkvmpc.a: pc-bios/kvmpc-boot-rom.o

GUEST_CLEAN += pc-bios/romsum pc-bios/kvmpc-boot.o16 pc-bios/kvmpc-boot.elf \
	pc-bios/kvmpc-boot.raw $(PCBIOS_ROM) $(PCBIOS_GEN) pc-bios/kvmpc-boot-rom.o
