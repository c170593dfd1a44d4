# kilat -- one GNU Makefile.
#   make            build build/kilat-server (release, -O2)
#   make run        build and start the server on its defaults
#   make test       unit tests, integration tests (kilat, then redis-server
#                   as the differential reference), the Laravel tests (the
#                   same two ways), and the ASan/UBSan suite
#   make asan       build build-asan/kilat-server
#   make deps       install missing packages (root) or print the apt line

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

.PHONY: all run test unit integration differential laravel laravel-differential asan test-asan deps clean bench fuzz redis-suite redis-suite-differential

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

integration: all
	KILAT_SERVER=$(abspath $(BUILD)/kilat-server) /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

differential:
	KILAT_TARGET=redis /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

# The real Laravel stack (tests/laravel), against kilat, then redis-server.
laravel: all
	KILAT_SERVER=$(abspath $(BUILD)/kilat-server) /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel

laravel-differential:
	KILAT_TARGET=redis /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel

# Redis 7.0.15's own Tcl suite (Debian's source package of redis, unpacked
# into build/redis-suite) with kilat as the server, judged against
# tests/redis-suite/expected.txt; then the same units against redis-server.
# test-asan runs it once more on the ASan build: the suite reports any
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

asan:
	$(MAKE) BUILD=build-asan MALLOC=libc OPT="-O1 -g -DKILAT_CHECKS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" LDFLAGS="-fsanitize=address,undefined" all

test-asan: asan
	$(MAKE) BUILD=build-asan MALLOC=libc OPT="-O1 -g -DKILAT_CHECKS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" LDFLAGS="-fsanitize=address,undefined" unit
	KILAT_SERVER=$(abspath build-asan/kilat-server) KILAT_ASAN=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration
	KILAT_SERVER=$(abspath build-asan/kilat-server) KILAT_ASAN=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/laravel
	@scripts/redis-suite-fetch.sh $(REDIS_SUITE)
	LSAN_OPTIONS=detect_leaks=0 /usr/bin/python3 tests/redis-suite/run.py --server build-asan/kilat-server --workdir $(REDIS_SUITE)-asan

test: deps
	$(MAKE) unit integration differential laravel laravel-differential redis-suite redis-suite-differential test-asan

clean:
	rm -rf build build-asan

-include $(OBJS:.o=.d) $(BUILD)/src/main.d
