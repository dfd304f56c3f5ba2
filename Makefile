# synclab: the two commands a new user runs.
#   make run    install what is missing, build, run the default scenario
#   make test   install what is missing, build, run every test
# Other targets: build, deps, test-tsan, test-asan, bench, clean.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test build deps configure test-tsan test-asan bench clean

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/run-default $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer over the native-runtime tests (the sim runtime switches
# fibers, which TSan is not told about), AddressSanitizer+UBSan over all.
# TSan builds only the suites that hold "native" tests (TSAN_TARGETS; the
# CI's time goes mostly into compiling).
TSAN_TARGETS ?= core_tests instrument_tests scenario_tests
test-tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNCLAB_SANITIZE=thread \
	  -DSYNCLAB_BUILD_BENCH=OFF -DSYNCLAB_BUILD_VIEWER=OFF >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target $(TSAN_TARGETS)
	@cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS) -L native
	@# A suite with native tests left out of TSAN_TARGETS would be skipped
	@# silently: where the full build is there, it must list as many.
	@if [ -d $(BUILD) ]; then \
	  full=$$(cd $(BUILD) && ctest -N -L native | sed -n 's/^Total Tests: //p'); \
	  ran=$$(cd build-tsan && ctest -N -L native | sed -n 's/^Total Tests: //p'); \
	  if [ "$$full" != "$$ran" ]; then \
	    echo "test-tsan: $$ran native tests built, $(BUILD)/ has $$full: add their suite to TSAN_TARGETS" >&2; exit 1; \
	  fi; \
	fi

test-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSYNCLAB_SANITIZE=address,undefined -DSYNCLAB_BUILD_BENCH=OFF -DSYNCLAB_BUILD_VIEWER=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_stack_use_after_return=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/run-bench $(BUILD)

clean:
	rm -rf $(BUILD) build-tsan build-asan
