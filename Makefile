# ctlite: make | make test | make demo | make bench | make fuzz | make install PREFIX=...
# `make test SANITIZE=1` builds and tests everything with ASan and UBSan under build/asan/.

VERSION := $(shell cat VERSION)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
PREFIX  ?= /usr/local

# Debian 12 packages, by need. tools/deps installs what is missing (as root) or prints the line.
BUILD_PKGS := gcc make pkg-config libsqlite3-dev libpsl-dev publicsuffix libidn2-dev \
              libunistring-dev libpcre2-dev libcurl4-openssl-dev libjansson-dev libssl-dev \
              libmicrohttpd-dev libc-ares-dev libwebsockets-dev
TEST_PKGS  := sqlite3 libcmocka-dev psl idn2 python3 python3-cryptography openssl bc clang-format \
              dnsmasq-base python3-websockets chromium
DEMO_PKGS  := sqlite3 python3 python3-cryptography
FUZZ_PKGS  := clang libclang-rt-dev
BENCH_PKGS := sqlite3 time python3 python3-cryptography certspotter gunicorn python3-flask \
              python3-diskcache python3-dateutil python3-yaml python3-requests python3-websocket \
              python3-websockets

CC      ?= cc
LIBS_PC := sqlite3 libpsl libidn2 libpcre2-8 libcurl jansson libcrypto
WRK_PC  := libmicrohttpd libcares libwebsockets
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
DEFS    := -D_POSIX_C_SOURCE=200809L -DCTLITE_VERSION='"$(VERSION)"' -DCTLITE_COMMIT='"$(COMMIT)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(LIBS_PC))
PKG_LIBS   = $(shell pkg-config --libs $(LIBS_PC)) -lunistring -lm
WRK_CFLAGS = $(shell pkg-config --cflags $(WRK_PC))
WRK_LIBS   = $(shell pkg-config --libs $(WRK_PC)) -lpthread

ifeq ($(SANITIZE),1)
SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OUT  := build/asan
else
SAN  :=
OUT  := .
endif
OBJ := build/obj$(if $(SAN),-asan)
TESTBIN := $(if $(SAN),build/asan,build)/tests

EXT_SRC  := $(wildcard ext/*.c)
WRK_SRC  := $(wildcard worker/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

SO_OBJ   := $(EXT_SRC:%.c=$(OBJ)/so/%.o)
CORE_OBJ := $(EXT_SRC:%.c=$(OBJ)/core/%.o)
WRK_OBJ  := $(WRK_SRC:%.c=$(OBJ)/core/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(TESTBIN)/%)
BENCH_BIN := build/bench/distance_gen build/bench/domain_libpsl

SO     := $(OUT)/ctlite.so
WORKER := $(OUT)/ctlite-worker

.PHONY: all deps test-deps test demo bench fuzz install uninstall clean format check-format

all: $(SO) $(WORKER)

deps:
	@tools/deps $(BUILD_PKGS)

test-deps: deps
	@tools/deps $(TEST_PKGS)

$(OBJ)/so/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(DEFS) $(PKG_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

$(OBJ)/core/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(DEFS) $(PKG_CFLAGS) -DSQLITE_CORE -Iext -MMD -MP -c $< -o $@

$(OBJ)/core/worker/%.o: worker/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(DEFS) $(PKG_CFLAGS) $(WRK_CFLAGS) -DSQLITE_CORE -Iext -MMD -MP -c $< -o $@

# The worker embeds the files of sql/ (.incbin), so it depends on them.
$(OBJ)/core/worker/sqlfiles.o: $(wildcard sql/*.sql sql/*.json)

# The commit shows in --version and ctlite_debug(): build/commit changes with it, and the
# two objects that print it are rebuilt then.
$(shell mkdir -p build && [ "$$(cat build/commit 2>/dev/null)" = "$(COMMIT)" ] || echo "$(COMMIT)" >build/commit)
$(OBJ)/core/worker/main.o $(OBJ)/so/ext/ctlite.o $(OBJ)/core/ext/ctlite.o: build/commit

$(SO): $(SO_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -shared -o $@ $^ $(PKG_LIBS)

$(WORKER): $(WRK_OBJ) $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) $(WRK_LIBS)

$(TESTBIN)/test_%: tests/unit/test_%.c $(CORE_OBJ) | test-deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(DEFS) $(PKG_CFLAGS) -DSQLITE_CORE -Iext -o $@ $^ $(PKG_LIBS) -lcmocka

test: test-deps all $(UNIT_BIN)
	@CTLITE_OUT=$(OUT) CTLITE_TESTBIN=$(TESTBIN) SANITIZE=$(SANITIZE) tests/run

demo: all
	@tools/deps $(DEMO_PKGS)
	@examples/tour.sh $(OUT)

build/bench/%: bench/%.c bench/rand.h | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEFS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

bench: all $(BENCH_BIN)
	@tools/deps $(BENCH_PKGS)
	@bench/run

FUZZ_TIME ?= 30
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
# Targets of worker code name its files here.
FUZZ_WORKER_fuzz_alert_format := worker/alert_format.c
FUZZ_WORKER_fuzz_html_title   := worker/probe.c
FUZZ_WORKER_fuzz_certstream_message := worker/certstream_message.c
FUZZ_WORKER_fuzz_certificate_stream_page := worker/certificate_stream_page.c
build/fuzz/%: tests/fuzz/%.c $(EXT_SRC) $(WRK_SRC) | deps
	@tools/deps $(FUZZ_PKGS)
	@mkdir -p $(@D)
	clang -g -O1 -std=c11 $(DEFS) $(PKG_CFLAGS) -DSQLITE_CORE -Iext -Iworker \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(EXT_SRC) $(FUZZ_WORKER_$*) $(PKG_LIBS)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	    n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_TIME)s"; \
	    $$f -max_total_time=$(FUZZ_TIME) -max_len=4096 -print_final_stats=1 \
	        -artifact_prefix=build/fuzz/$$n- \
	        build/fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>build/fuzz/$$n.log \
	        || { tail -50 build/fuzz/$$n.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units' build/fuzz/$$n.log; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/ctlite \
	    $(DESTDIR)$(PREFIX)/share/ctlite/sql $(DESTDIR)$(PREFIX)/share/doc/ctlite
	install -m 755 $(WORKER) $(DESTDIR)$(PREFIX)/bin/ctlite-worker
	install -m 644 $(SO) $(DESTDIR)$(PREFIX)/lib/ctlite/ctlite.so
	install -m 644 sql/*.sql $(DESTDIR)$(PREFIX)/share/ctlite/sql/
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/ctlite/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/ctlite-worker $(DESTDIR)$(PREFIX)/lib/ctlite \
	    $(DESTDIR)$(PREFIX)/share/ctlite $(DESTDIR)$(PREFIX)/share/doc/ctlite

C_FILES = $(wildcard ext/*.[ch] worker/*.[ch] tests/unit/*.c tests/fuzz/*.c bench/*.[ch])
format:
	clang-format -i $(C_FILES)

check-format:
	clang-format --dry-run --Werror $(C_FILES)

clean:
	rm -rf build ctlite.so ctlite-worker

-include $(shell find build -name '*.d' 2>/dev/null)
