# kilat -- one GNU Makefile.
#   make            build build/kilat-server (release, -O2)
#   make run        build and start the server on its defaults
#   make test       unit tests, integration tests (kilat, then redis-server
#                   as the differential reference), the Laravel tests (the
#                   same two ways), and the ASan/UBSan suite
#   make asan       build build-asan/kilat-server
#   make fuzz       build the libFuzzer targets (tests/fuzz, clang) into
#                   build-fuzz/ and run each for FUZZ_TIME seconds (60)
#   make fuzz-ci    every fuzz target for FUZZ_CI_TIME seconds (20), two at
#                   once, from the seeds in tests/fuzz/corpus-* (what
#                   `make test` runs; a crash, leak or hang fails it)
#   make fuzz-config FUZZ_TIME=3600   one target (fuzz-resp_parse,
#                   fuzz-script, fuzz-acl_rules, fuzz-rdb_value,
#                   fuzz-rdb_file, fuzz-aof_load, fuzz-config)
#   make fuzz-persist  the RDB and AOF targets (fuzz-rdb, fuzz-aof)
#   make deps       install missing packages (root) or print the apt line
#   make redis-suite-tls  Redis's suite in its TLS mode (runtest --tls)

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS+= -D_GNU_SOURCE -Isrc
LDLIBS  += -lm -lpthread

# Lua 5.1 with cjson and bitop (Debian: liblua5.1-0-dev lua-cjson-dev
# lua-bitop-dev). cjson and bit link statically: Debian ships them as Lua
# modules, not as libraries meant for embedding.
LUA_PC  := $(shell pkg-config --exists lua5.1 && echo yes)
ifeq ($(LUA_PC),yes)
CPPFLAGS += $(shell pkg-config --cflags lua5.1)
LDLIBS   := $(shell $(CC) -print-file-name=liblua5.1-cjson.a) $(shell $(CC) -print-file-name=liblua5.1-bitop.a) \
            $(shell pkg-config --libs lua5.1) $(LDLIBS)
else
CPPFLAGS += -I/usr/include/lua5.1
LDLIBS   := -llua5.1-cjson -llua5.1-bitop -llua5.1 $(LDLIBS)
endif

# LZF for RDB string compression (Debian: liblzf-dev).
CPPFLAGS += $(shell pkg-config --cflags liblzf 2>/dev/null || echo -I/usr/include/liblzf)
LDLIBS   += -llzf

# TLS with OpenSSL (Debian: libssl-dev): src/tls/.
LDLIBS   += -lssl -lcrypto

# Allocator with statistics from the distribution; libc fallback.
ifeq ($(MALLOC),libc)
else ifneq ($(wildcard /usr/include/jemalloc/jemalloc.h),)
CPPFLAGS += -DHAVE_JEMALLOC
LDLIBS   += -ljemalloc
endif

SRCS    := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
OBJS    := $(SRCS:%.c=$(BUILD)/%.o)
UNIT    := $(wildcard tests/unit/test_*.c)
UNITBIN := $(UNIT:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test unit integration differential laravel laravel-differential laravel-both asan test-asan asan-unit asan-integration asan-laravel asan-suite deps clean bench fuzz fuzz-build fuzz-rdb fuzz-aof fuzz-persist fuzz-ci fuzz-bins redis-suite redis-suite-differential redis-suite-tls

all: $(BUILD)/kilat-server

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(OPT) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkilat.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

# -rdynamic: the crash report's stack trace (os/crash.c) names functions.
$(BUILD)/kilat-server: $(BUILD)/src/main.o $(BUILD)/libkilat.a
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkilat.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(OPT) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libkilat.a $(LDLIBS)

run: deps-build all
	$(BUILD)/kilat-server

deps:
	@scripts/deps.sh all
deps-build:
	@scripts/deps.sh build

unit: $(UNITBIN)
	@set -e; for t in $(UNITBIN); do echo "== $$t"; $$t; done

# The integration suite runs as SHARDS processes side by side (its tests
# mostly wait on servers; KILAT_SHARD in tests/integration/conftest.py
# splits the files by durations.txt). `make integration SHARDS=1` runs it
# as one process.
SHARDS := 2
SHARD_IDS := $(shell seq 0 $$(($(SHARDS) - 1)))
PYTEST_INTEGRATION := /usr/bin/python3 -m pytest -q -p no:cacheprovider --durations=8 tests/integration

integration: all
	$(MAKE) -j$(SHARDS) --output-sync=target --no-print-directory $(SHARD_IDS:%=integration-shard-%)
integration-shard-%:
	KILAT_SHARD=$*/$(SHARDS) KILAT_SERVER=$(abspath $(BUILD)/kilat-server) $(PYTEST_INTEGRATION)

differential:
	$(MAKE) -j$(SHARDS) --output-sync=target --no-print-directory $(SHARD_IDS:%=differential-shard-%)
differential-shard-%:
	KILAT_SHARD=$*/$(SHARDS) KILAT_TARGET=redis $(PYTEST_INTEGRATION)

# The real Laravel stack (tests/laravel), against kilat, then redis-server,
# in ACL mode (KILAT_LARAVEL_ACL=1: default user off, the app logged in as
# docs/security.md's restricted `laravel` user). asan-laravel runs the
# plain mode (the default user), so both modes are covered.
laravel: all
	KILAT_LARAVEL_ACL=1 KILAT_SERVER=$(abspath $(BUILD)/kilat-server) /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel

laravel-differential:
	KILAT_LARAVEL_ACL=1 KILAT_TARGET=redis /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel

# Redis 7.0.15's own Tcl suite (Debian's source package of redis, unpacked
# into build/redis-suite) with kilat as the server, judged against
# tests/redis-suite/expected.txt; then the same units against redis-server.
# test-asan runs it once more on the ASan build, in the suite's TLS mode
# (below): the suite reports any
# sanitizer output in a server's stderr as a failure. Leak checking is off
# there (LSAN_OPTIONS): the suite's SIGTERM+SIGCONT can land while
# LeakSanitizer stops the threads at exit and hang the exit; the pytest
# suites under ASan keep leak checking on.
REDIS_SUITE := build/redis-suite
redis-suite: all
	@scripts/redis-suite-fetch.sh $(REDIS_SUITE)
	/usr/bin/python3 tests/redis-suite/run.py --server $(BUILD)/kilat-server --workdir $(REDIS_SUITE)

redis-suite-differential:
	@scripts/redis-suite-fetch.sh $(REDIS_SUITE)
	/usr/bin/python3 tests/redis-suite/run.py --server /usr/bin/redis-server --target redis --workdir $(REDIS_SUITE)

# The same units in the suite's TLS mode (runtest --tls: every server on a
# TLS port only, every client over TLS; test certificates made by openssl
# at the start of the run), plus unit/tls. `make test` runs the suite this
# way on the ASan build (asan-suite), so each run covers both modes: plain
# TCP on the release build, TLS under the sanitizers.
redis-suite-tls: all
	@scripts/redis-suite-fetch.sh $(REDIS_SUITE)
	/usr/bin/python3 tests/redis-suite/run.py --tls --server $(BUILD)/kilat-server --workdir $(REDIS_SUITE)-tls

asan:
	$(MAKE) BUILD=build-asan MALLOC=libc OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" all

ASAN_OPT := -O1 -g -DKILAT_CHECKS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_ENV := KILAT_SERVER=$(abspath build-asan/kilat-server) KILAT_ASAN=1

test-asan: asan-unit asan-integration asan-laravel asan-suite

asan-unit: asan
	$(MAKE) BUILD=build-asan MALLOC=libc OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" unit
asan-integration: asan
	$(MAKE) -j$(SHARDS) --output-sync=target --no-print-directory $(SHARD_IDS:%=asan-integration-shard-%)
asan-integration-shard-%:
	KILAT_SHARD=$*/$(SHARDS) $(ASAN_ENV) $(PYTEST_INTEGRATION)
asan-laravel: asan
	$(ASAN_ENV) KILAT_LARAVEL_ACL=0 /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel
asan-suite: asan
	@scripts/redis-suite-fetch.sh $(REDIS_SUITE)
	LSAN_OPTIONS=detect_leaks=0 /usr/bin/python3 tests/redis-suite/run.py --tls --server build-asan/kilat-server --workdir $(REDIS_SUITE)-asan

# libFuzzer targets (tests/fuzz/fuzz_*.c), linked against the whole
# library built with clang, ASan and UBSan in build-fuzz/: the request
# parser (resp_parse), Lua scripting (script), the ACL rule parser
# (acl_rules), the RDB value and file decoders (rdb_value, rdb_file), the
# AOF loader (aof_load), the config parser with CONFIG REWRITE
# (config) and the HyperLogLog codec (hll). Each run starts from the checked-in seeds (tests/fuzz/corpus-*,
# read only: libFuzzer writes new inputs to its first corpus directory
# only) and keeps what it finds in build-fuzz/corpus-<target>; a crash,
# leak, timeout or out-of-memory fails the run and leaves crash-* (or
# leak-*, timeout-*, oom-*) in build-fuzz/, the log in build-fuzz/<target>.log.
#   make fuzz-ci              every target for FUZZ_CI_TIME s, two at once
#                             (what `make test` runs)
#   make fuzz-config FUZZ_TIME=3600   one target (fuzz-resp_parse,
#                             fuzz-script, fuzz-acl_rules, fuzz-rdb_value,
#                             fuzz-rdb_file, fuzz-aof_load, fuzz-config,
#                             fuzz-hll)
FUZZ_BUILD := build-fuzz
FUZZ_TIME ?= 60
FUZZ_CI_TIME ?= 20
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_ALL := fuzz_resp_parse fuzz_script fuzz_acl_rules fuzz_config fuzz_hll
FUZZ_RDB :=
ifneq ($(wildcard src/persist/rdb_dec.c),)
FUZZ_RDB += fuzz_rdb_value
endif
ifneq ($(wildcard src/persist/rdb_load.c),)
FUZZ_RDB += fuzz_rdb_file
endif
FUZZ_AOF := $(if $(wildcard src/persist/aof_load.c),fuzz_aof_load)
FUZZ_ALL += $(FUZZ_RDB) $(FUZZ_AOF)
FUZZ_DEFS := $(if $(wildcard src/persist/rdb_enc.c),-DKILAT_FUZZ_ROUNDTRIP)
FUZZ_ARGS_fuzz_resp_parse := -max_len=4096
FUZZ_ARGS_fuzz_script := -max_len=4096 -timeout=10 -rss_limit_mb=4096 -close_fd_mask=1
FUZZ_ARGS_fuzz_acl_rules := -max_len=4096 -timeout=10
FUZZ_ARGS_fuzz_config := -max_len=8192 -timeout=10 -close_fd_mask=3
FUZZ_ARGS_fuzz_hll := -max_len=16384 -timeout=10
FUZZ_ARGS_fuzz_rdb_value := -max_len=65536 -timeout=10 -rss_limit_mb=4096
FUZZ_ARGS_fuzz_rdb_file := -max_len=262144 -timeout=10 -rss_limit_mb=4096
FUZZ_ARGS_fuzz_aof_load := -max_len=262144 -timeout=10 -rss_limit_mb=4096
FUZZ_SEEDS_fuzz_resp_parse := tests/fuzz/corpus-resp
FUZZ_SEEDS_fuzz_script := tests/fuzz/corpus-script
FUZZ_SEEDS_fuzz_config := tests/fuzz/corpus-config
FUZZ_SEEDS_fuzz_hll := tests/fuzz/corpus-hll
FUZZ_SEEDS_fuzz_rdb_value := tests/fuzz/corpus-rdb
FUZZ_SEEDS_fuzz_rdb_file := tests/fuzz/corpus-rdb-file
FUZZ_SEEDS_fuzz_aof_load := tests/fuzz/corpus-aof
FUZZ_SEEDS_fuzz_acl_rules := tests/fuzz/corpus-acl
# the script target ends scripts that loop forever (see fuzz_script.c)
FUZZ_LDFLAGS_fuzz_script := -Wl,--wrap=server_serve_while_busy -Wl,--wrap=lua_sethook

# gcc's -Werror build is the warning gate; clang here warns without failing.
fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang MALLOC=libc OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  WARN="-std=c11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-for-loop-analysis" fuzz-bins

fuzz-bins: $(FUZZ_ALL:%=$(BUILD)/%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libkilat.a
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(FUZZ_DEFS) -o $@ $< $(BUILD)/libkilat.a \
	  $(FUZZ_LDFLAGS_fuzz_$*) $(LDLIBS)

# One target for FUZZ_TIME seconds: make fuzz-<name> (fuzz_<name>); the
# binaries come from fuzz-build (run it first, or use `make fuzz`).
FUZZ_ONE := $(FUZZ_ALL:fuzz_%=fuzz-%)
.PHONY: $(FUZZ_ONE) $(FUZZ_ONE:%=%-run)
$(FUZZ_ONE): fuzz-%: fuzz-build
	$(call fuzz_run_one,fuzz_$*)

# $(1): one target, run for FUZZ_TIME seconds in build-fuzz/.
define fuzz_run_one
	@mkdir -p $(FUZZ_BUILD)/corpus-$(1)
	@echo "== $(1) ($(FUZZ_TIME) s, log $(FUZZ_BUILD)/$(1).log)"
	@if (cd $(FUZZ_BUILD) && ./$(1) corpus-$(1) $(abspath $(FUZZ_SEEDS_$(1))) $(FUZZ_ARGS_$(1)) \
	    -artifact_prefix=$(abspath $(FUZZ_BUILD))/ -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    >$(1).log 2>&1); then grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)|(INITED|DONE) +cov:' $(FUZZ_BUILD)/$(1).log | tail -4; \
	else tail -80 $(FUZZ_BUILD)/$(1).log; echo "$(1): FAILED (input saved in $(FUZZ_BUILD)/)"; exit 1; fi
endef

# Every target one after the other, FUZZ_TIME seconds each.
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_ONE); do $(MAKE) --no-print-directory $$t-run; done

$(FUZZ_ONE:%=%-run): fuzz-%-run:
	$(call fuzz_run_one,fuzz_$*)

# What `make test` runs: every target for FUZZ_CI_TIME seconds, two at
# once (beside asan-integration, which mostly waits on its servers).
fuzz-ci: fuzz-build
	$(MAKE) -j2 --output-sync=target --no-print-directory FUZZ_TIME=$(FUZZ_CI_TIME) $(FUZZ_ONE:%=%-run)

# The persistence targets only (the old CI step).
fuzz-rdb: fuzz-build
	@set -e; for t in $(FUZZ_RDB:fuzz_%=fuzz-%); do $(MAKE) --no-print-directory $$t-run; done

fuzz-aof: fuzz-build
	@set -e; for t in $(FUZZ_AOF:fuzz_%=fuzz-%); do $(MAKE) --no-print-directory $$t-run; done

fuzz-persist: fuzz-rdb fuzz-aof

# Everything CI runs. Suites that mostly wait on a server run side by side
# (the machine has 2 cores; servers take free ports, so they do not meet):
# the integration suite against kilat (2 shards) beside the one against
# redis-server (2 shards), the Laravel pair beside the ASan build, the ASan
# integration suite (2 shards) beside the fuzzers. Redis's suite against
# kilat runs alone: it already runs 3 units at once. Redis's suite against
# redis-server (make redis-suite-differential, a check of the suite on this
# machine) is left out to keep CI under its 30 minutes on the 2-core
# machine; run it when expected.txt's [machine] entries need checking.
test: deps
	@scripts/redis-suite-fetch.sh $(REDIS_SUITE)  # once, before the suites that read its assets run in parallel
	@echo "== $$(date +%T) unit"
	$(MAKE) unit
	@echo "== $$(date +%T) integration, differential"
	$(MAKE) -j2 --output-sync=target integration differential
	@echo "== $$(date +%T) laravel-both, asan-unit"
	$(MAKE) -j2 --output-sync=target laravel-both asan-unit
	@echo "== $$(date +%T) redis-suite"
	$(MAKE) redis-suite
	@echo "== $$(date +%T) asan-integration, fuzz-ci"
	$(MAKE) -j2 --output-sync=target asan-integration fuzz-ci
	@echo "== $$(date +%T) asan-laravel, asan-suite"
	$(MAKE) -j2 --output-sync=target asan-laravel asan-suite
	@echo "== $$(date +%T) done"

laravel-both:
	$(MAKE) laravel laravel-differential

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJS:.o=.d) $(BUILD)/src/main.d
