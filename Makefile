# cibscan - build, test, fuzz, bench.
#
#   make                      build ./cibscan
#   make check                unit tests, golden CLI tests
#   make check SAN=address,undefined
#   make regolden             refresh tests/golden/ (the sample's outputs)
#   make fuzz [FUZZ_SECONDS=20]
#   make bench
#   make mpi                  build build/cibscan-mpi (Open MPI; docs/scale.md)
#   make bench-mpi            1, 2, 4 ranks on a synth export
#
# Every .c under core/ collectors/ fetch/ features/ model/ report/ review/ synth/ goes into one static
# library; cli/ holds main(); tests/test_*.c are cmocka programs; fuzz/fuzz_*.c
# are libFuzzer targets; data/*.csv are embedded as C arrays.

CC ?= cc
SAN ?=
OPT ?= -O2
comma := ,
# one build folder per compiler and sanitizer setting, so switching either
# never links objects compiled for the other
BUILD ?= build$(if $(filter clang%,$(notdir $(CC))),-clang)$(if $(SAN),-san-$(subst $(comma),-,$(SAN)))

# Every library that ships a pkg-config file is found through it. libcsv
# is the one exception: Debian's libcsv-dev installs no .pc file, so it is
# named directly (-lcsv; its header is in /usr/include).
PKGS := igraph gsl libcjson libcurl libutf8proc libxxhash libzip zlib sqlite3 \
	gumbo libmicrohttpd nettle libexttextcat
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# a missing library is named now, not as a missing header later; the goals
# that install them (deps, and demo and test, which run install-deps.sh
# and re-enter make) and clean are let through
ifeq ($(filter deps demo test clean,$(MAKECMDGOALS)),)
PKG_MISSING := $(shell pkg-config --print-errors --exists $(PKGS) cmocka 2>&1 | head -n 3)
ifneq ($(PKG_MISSING),)
$(error $(PKG_MISSING) (sh scripts/install-deps.sh installs them))
endif
endif

WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings
# gcc's -Wformat-truncation fires on every bounded snprintf into a fixed
# buffer, which is how the code truncates on purpose; clang has no such
# warning and rejects the option under -Werror, so it is added for gcc only
CC_IS_GCC := $(shell $(CC) --version 2>/dev/null | grep -qi 'free software foundation' && echo 1)
ifeq ($(CC_IS_GCC),1)
WARN += -Wno-format-truncation
endif
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) $(PKG_CFLAGS) \
	-I. -I$(BUILD)/gen $(CFLAGS)
LDFLAGS_ALL := $(LDFLAGS)
ifneq ($(SAN),)
CFLAGS_ALL += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS_ALL += -fsanitize=$(SAN)
endif
LIBS := $(PKG_LIBS) -lm -lpthread

LIB_SRC := $(sort $(wildcard core/*.c collectors/*.c fetch/*.c features/*.c model/*.c report/*.c review/*.c synth/*.c))
DATA_SRC := $(sort $(wildcard data/*.csv data/*.txt data/*.json data/*.js))
GEN_SRC := $(patsubst data/%,$(BUILD)/gen/data_%.c,$(DATA_SRC))
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(GEN_SRC:.c=.o)
CLI_SRC := $(sort $(wildcard cli/*.c))
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
LIBA := $(BUILD)/libcibscan.a
BIN := $(BUILD)/cibscan

# cibscan-mpi: the cli compiled with -DCIB_MPI by mpicc (the same
# compiler underneath, OMPI_CC) plus mpi/*.c, linked with the same library.
# The library and build/cibscan never see MPI: a build without Open MPI
# works, and the ordinary binary needs no MPI runtime (docs/scale.md).
MPICC ?= mpicc
HAVE_MPI := $(shell command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 && echo 1)
MPI_SRC := $(sort $(wildcard mpi/*.c))
MPI_OBJ := $(patsubst %.c,$(BUILD)/mpi-obj/%.o,$(CLI_SRC) $(MPI_SRC))
MPI_BIN := $(BUILD)/cibscan-mpi

.PHONY: all check unit golden regolden fuzz bench clean deps mpi bench-mpi
all: $(BIN)
	@ln -sf $(BIN) cibscan

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# data/foo.csv -> const char data_foo_csv[] (NUL-terminated) + length
$(BUILD)/gen/data_%.c: data/% scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $< $@

$(BUILD)/gen/data_%.o: $(BUILD)/gen/data_%.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIBA) $(LIBS)

$(BUILD)/mpi-obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  MPICC $<"
	@OMPI_CC=$(CC) $(MPICC) -DCIB_MPI $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(MPI_BIN): $(MPI_OBJ) $(LIBA)
	OMPI_CC=$(CC) $(MPICC) $(LDFLAGS_ALL) -o $@ $(MPI_OBJ) $(LIBA) $(LIBS)

mpi: $(MPI_BIN)

bench-mpi: $(BIN) $(MPI_BIN)
	sh bench/mpi.sh $(BIN) $(MPI_BIN)

$(BUILD)/tests/%: tests/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -MMD -MP $(LDFLAGS_ALL) -o $@ $< $(LIBA) $(LIBS) $(CMOCKA_LIBS)

# the MPI tests (tests/cli/mpi_*.sh) need cibscan-mpi; they skip without
# mpirun
check: $(BIN) $(TEST_BIN) $(if $(HAVE_MPI),$(MPI_BIN))
	@ln -sf $(BIN) cibscan
	sh tests/run.sh $(BUILD)

# the sample's accounts.csv and clusters.csv that tests/cli/golden_sample.sh
# compares exactly; run on purpose when a change to them is meant
regolden: $(BIN)
	sh scripts/golden.sh $(BIN) tests/golden

# libFuzzer needs clang; the library is compiled once for fuzzing
# (instrumented, fuzzer-no-link) and every target links against it.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g $(filter-out -Wno-format-truncation,$(WARN)) \
	-I. -Ibuild-fuzz/gen $(PKG_CFLAGS)
# any sanitizer finding aborts the target, so fuzz/run.sh counts it failed
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ := $(patsubst %.c,build-fuzz/obj/%.o,$(LIB_SRC)) \
	$(patsubst data/%,build-fuzz/obj/gen/data_%.o,$(DATA_SRC))
FUZZ_SECONDS ?= 15

build-fuzz/gen/data_%.c: data/% scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $< $@

build-fuzz/obj/gen/data_%.o: build-fuzz/gen/data_%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c $< -o $@

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC (fuzz) $<"
	@clang $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

build-fuzz/libcibscan.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build-fuzz/%: fuzz/%.c build-fuzz/libcibscan.a
	clang $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
		build-fuzz/libcibscan.a $(PKG_LIBS) -lm -lpthread

fuzz: $(FUZZ_BIN)
	sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

bench: $(BIN)
	sh bench/run.sh $(BIN)

deps:
	sh scripts/install-deps.sh

clean:
	rm -rf build build-clang build-san-* build-clang-san-* build-fuzz cibscan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(MPI_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(TEST_BIN:=.d)

# The README's two commands. Both install what is missing first, then
# re-enter make so pkg-config sees the freshly installed libraries.
.PHONY: demo test
demo:
	sh scripts/install-deps.sh
	$(MAKE) all
	sh scripts/demo.sh $(BUILD)/cibscan

test:
	sh scripts/test.sh

# generated sources are kept, so concurrent or repeated builds never race
# on make deleting them as intermediates
.SECONDARY: $(GEN_SRC) $(patsubst data/%,build-fuzz/gen/data_%.c,$(DATA_SRC))
