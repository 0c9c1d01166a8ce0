# The project's front door. `make run` and `make test` do everything from a fresh Debian 12.
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps web-deps web-build configure build run migrate demo-base test bench sanitize clean

all: build

deps:
	./scripts/deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps web-deps web-build configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The npm tools of web/ (the API contract checks among the tests): installed from the lock file,
# again only when it changes. Without npm on the machine those tests say they are skipped.
web-deps: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	@if command -v npm >/dev/null; then \
	  cd web && npm ci --no-audit --no-fund && touch node_modules/.package-lock.json; \
	elif [ -n "$$CI" ]; then \
	  echo "web-deps: npm (Node 20) is required in CI for the API contract checks" >&2; exit 1; \
	else \
	  echo "web-deps: npm is not installed; the web.* tests will be skipped"; \
	fi

# The web application (vite build → web/dist, with .gz/.br beside each text file), which the
# service serves (WEB_ROOT, default web/dist). Rebuilt only when its sources change: dist's
# index.html is the stamp, written last by every build and removed when a build fails.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
  web/index.html web/vite.config.ts web/tsconfig.json web/package-lock.json

web-build: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES) web/node_modules/.package-lock.json
	@if command -v npm >/dev/null; then \
	  cd web && { npm run --silent build || { rm -f dist/index.html; exit 1; }; } && touch dist/index.html; \
	elif [ -n "$$CI" ]; then \
	  echo "web-build: npm (Node 20) is required in CI to build the web application" >&2; exit 1; \
	else \
	  echo "web-build: npm is not installed; the service will answer 404 for the web application"; \
	fi

migrate: build
	$(BUILD_DIR)/estimate-service migrate

# Migrates, loads the demo normative base once (a no-op when it is already there), creates the
# first admin once (printing how to sign in), serves the API and the web application (web/dist).
run: build
	$(BUILD_DIR)/estimate-service migrate
	$(BUILD_DIR)/estimate-service import demo/base --skip-if-loaded --name "Демо-база ФСНБ-2022"
	$(BUILD_DIR)/estimate-service user ensure-admin
	$(BUILD_DIR)/estimate-service serve

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: deps web-deps web-build
	cmake -S . -B $(BUILD_DIR)-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DESTIMATE_BENCH=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR)-bench -j $(JOBS)
	./bench/run.sh $(BUILD_DIR)-bench

# The unit and integration suites built with AddressSanitizer + UndefinedBehaviorSanitizer (a
# build of its own, $(BUILD_DIR)-sanitize) and run under them: any report fails its test. GCC's
# maybe-uninitialized warnings are off there: the sanitizers' instrumentation makes them false.
# UBSan's vptr check is off: it needs the typeinfo of SOCI's classes, which libsoci does not export.
# hnswlib 0.6.2's SSE search prefetches the id after the last of a link list (a 4-byte read past
# the list's block, in the library's header): NO_MANUAL_VECTORIZATION takes its scalar path here.
# The browser tests (web.*) are left to `make test`.
SANITIZE_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DNO_MANUAL_VECTORIZATION
sanitize: deps web-deps
	cmake -S . -B $(BUILD_DIR)-sanitize -G Ninja -DCMAKE_BUILD_TYPE=None \
	  "-DCMAKE_CXX_FLAGS=$(SANITIZE_FLAGS) -Wno-maybe-uninitialized" "-DCMAKE_C_FLAGS=$(SANITIZE_FLAGS)" \
	  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR)-sanitize -j $(JOBS)
	cd $(BUILD_DIR)-sanitize && \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^web\.'

# Rewrites demo/base from tools/make_demo_base.py (the files are committed).
demo-base:
	python3 tools/make_demo_base.py demo/base

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-bench $(BUILD_DIR)-sanitize
