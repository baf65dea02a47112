# SPDX-License-Identifier: GPL-2.0-or-later
# libFuzzer targets (included by the Makefile).  Every tests/fuzz/*-fuzz.c
# is a target; the library sources are compiled again with clang, ASan,
# UBSan and libFuzzer's coverage into build/fuzz/.  `make fuzz` builds and
# runs them all, FUZZ_TIME seconds each (default 60), on the seeds in
# tests/fuzz/corpus/TARGET/; tests/boot/fuzz.sh runs them briefly in make
# check.  Needs clang and libclang-rt-dev (scripts/setup.sh installs them).

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_DIR = build/fuzz
FUZZ_CFLAGS = $(filter-out -O2 -fsanitize=%,$(CFLAGS)) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_OBJS = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS) $(PCBIOS_GEN))
FUZZ_SHARED_OBJS = $(FUZZ_DIR)/obj/tests/fuzz/fuzz-machine.o
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/*-fuzz.c))

$(FUZZ_DIR)/obj/%.o: %.c config.mak
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libkvmpc-fuzz.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/%-fuzz: $(FUZZ_DIR)/obj/tests/fuzz/%-fuzz.o $(FUZZ_SHARED_OBJS) \
		$(FUZZ_DIR)/libkvmpc-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/run.sh

.PHONY: fuzz fuzz-build
-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_SHARED_OBJS:.o=.d) \
	$(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/obj/tests/fuzz/%.d,$(wildcard tests/fuzz/*-fuzz.c))
