# Fuzzing, included by the Makefile; fuzz/run drives it (see its header).
#   make fuzz          each target for FUZZ_SECONDS (60) of libFuzzer
#   make fuzz-check    regression inputs, then each target FUZZ_CHECK_SECONDS (10)
#   make fuzz-regress  regression inputs and seed corpora only
# FUZZ_ONLY="fuzz_server fuzz_packet" limits a run to some targets.
# Objects are built with clang, ASan + UBSan and -DSSHL_FUZZ (a seeded,
# deterministic random source: transport/crypto.c) into build-fuzz/. Where
# libFuzzer's runtime is missing (Debian: libclang-rt-14-dev) fuzz/run picks
# FUZZ_ENGINE=standalone: fuzz/standalone.c replays inputs, nothing mutates.
FUZZ_ENGINE ?= libfuzzer
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz$(if $(filter standalone,$(FUZZ_ENGINE)),/standalone)
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 10
FUZZ_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -DSSHL_FUZZ -std=c11 -D_GNU_SOURCE \
	-DLTM_DESC -Wall -Wextra -I. $(shell pkg-config --cflags $(PKGS))
FUZZ_TARGETS = $(sort $(basename $(notdir $(wildcard fuzz/fuzz_*.c))))
FUZZ_LIBOBJ = $(LIBSRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/fuzz/common.o
FUZZ_COV = $(if $(filter libfuzzer,$(FUZZ_ENGINE)),-fsanitize=fuzzer-no-link)
FUZZ_MAIN = $(if $(filter libfuzzer,$(FUZZ_ENGINE)),-fsanitize=fuzzer,fuzz/standalone.c)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIBOBJ) fuzz/standalone.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -MMD -MP -o $@ $< $(FUZZ_MAIN) $(FUZZ_LIBOBJ) $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz:
	fuzz/run long $(FUZZ_SECONDS) $(FUZZ_ONLY)
fuzz-check:
	fuzz/run check $(FUZZ_CHECK_SECONDS) $(FUZZ_ONLY)
fuzz-regress:
	fuzz/run regress 0 $(FUZZ_ONLY)

.PHONY: fuzz fuzz-build fuzz-check fuzz-regress
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
