# SPDX-License-Identifier: GPL-2.0-or-later
# One non-recursive Makefile.  ./configure writes config.mak.

-include config.mak

ifeq ($(CC),)
CC = cc
endif

SRC_DIRS = core accel system hw/i386 hw/pci hw/isa hw/char hw/rtc hw/timer hw/input hw/usb \
	hw/nvram hw/acpi hw/misc hw/ide hw/display hw/virtio hw/net block net ui
ALL_SRCS = $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
ifneq ($(CONFIG_SDL),yes)
ALL_SRCS := $(filter-out ui/sdl.c,$(ALL_SRCS))
endif
MAIN_SRC = system/main.c
LIB_SRCS = $(filter-out $(MAIN_SRC),$(ALL_SRCS))
LIB_OBJS = $(LIB_SRCS:.c=.o)

TEST_LIB_SRCS = $(wildcard tests/lib/*.c)
TEST_LIB_OBJS = $(TEST_LIB_SRCS:.c=.o)
UNIT_TESTS = $(patsubst %.c,%,$(wildcard tests/unit/*.c))
QTEST_TESTS = $(patsubst %.c,%,$(wildcard tests/qtest/*.c))

DEPFLAGS = -MMD -MP
MAN_PAGES = kvmpc.1 kvmpc-img.1

all: kvmpc kvmpc-img $(MAN_PAGES) guests

config.mak:
	sh scripts/setup.sh
	./configure

kvmpc: system/main.o libkvmpc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

kvmpc-img: tools/kvmpc-img.o libkvmpc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

libkvmpc.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

%.o: %.c config.mak
	$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

tests/unit/%: tests/unit/%.o libkvmpc.a $(TEST_LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

tests/qtest/%: tests/qtest/%.o $(TEST_LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Guest payloads (freestanding, built with the system gcc)
GUEST_MK = tests/guest/guest.mk
-include $(GUEST_MK)
-include pc-bios/pc-bios.mk
include tests/fuzz/fuzz.mk
guests: $(GUEST_TARGETS)

tests-build: kvmpc kvmpc-img $(MAN_PAGES) guests $(UNIT_TESTS) $(QTEST_TESTS)

check: setup tests-build
	sh tests/run.sh

setup:
	sh scripts/setup.sh

demo: setup kvmpc
	sh scripts/demo.sh

# Manual pages, written from the programs' own option and command tables.
%.1: % scripts/gen-man.sh
	sh scripts/gen-man.sh $* ./$* "$$(cat VERSION 2>/dev/null)" > $@.tmp && mv $@.tmp $@

# As a distribution installs: make install DESTDIR=/tmp/x PREFIX=/usr
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MAN1DIR = $(DESTDIR)$(PREFIX)/share/man/man1
DOCDIR = $(DESTDIR)$(PREFIX)/share/doc/kvmpc
DOC_FILES = README COPYING $(wildcard docs/*.md)

install: kvmpc kvmpc-img $(MAN_PAGES)
	install -d $(BINDIR) $(MAN1DIR) $(DOCDIR)
	install -m 755 kvmpc kvmpc-img $(BINDIR)
	ln -sf kvmpc $(BINDIR)/kvmpc-system-x86_64
	install -m 644 $(MAN_PAGES) $(MAN1DIR)
	install -m 644 $(DOC_FILES) $(DOCDIR)

uninstall:
	rm -f $(BINDIR)/kvmpc $(BINDIR)/kvmpc-img $(BINDIR)/kvmpc-system-x86_64
	rm -f $(addprefix $(MAN1DIR)/,$(MAN_PAGES)) $(addprefix $(DOCDIR)/,$(notdir $(DOC_FILES)))
	-rmdir $(DOCDIR) 2>/dev/null

clean:
	rm -f kvmpc kvmpc-img $(MAN_PAGES) tools/*.o libkvmpc.a $(LIB_OBJS) system/main.o $(TEST_LIB_OBJS) \
		$(UNIT_TESTS) $(QTEST_TESTS) tests/unit/*.o tests/qtest/*.o \
		$(GUEST_TARGETS) $(GUEST_CLEAN)
	find . -path ./build -prune -o -name '*.d' -type f -print | xargs rm -f

distclean: clean
	rm -f config.mak config.h

.PHONY: all check demo install uninstall clean distclean guests tests-build setup
.SECONDARY:

-include $(shell find . -path ./build -prune -o -name '*.d' -type f -print 2>/dev/null)
