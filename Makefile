# samlab: `make run` serves the browser demo, `make test` runs every test.
# Each area keeps its targets in mk/<area>.mk; this file holds the shared
# pieces and the two top-level commands.

SHELL := /bin/bash
GO ?= go
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export GOFLAGS ?= -buildvcs=false

# apt-install installs Debian packages that are missing (one apt-get update at most).
define apt-install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

# Fragments add to these.
TEST_TARGETS :=
RUN_TARGET := serve

include $(sort $(wildcard mk/*.mk))

.PHONY: all help run test test-core test-extend vet bench clean
all: build

## help: list the make targets (from the "## target: what" comments)
help:
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## //' | awk -F': ' '{ printf "  %-18s %s\n", $$1, substr($$0, length($$1) + 3) }'

## run: set up everything and serve the browser demo on 127.0.0.1 (PORT=8080)
run: $(RUN_TARGET)

## test: install what tests need, then vet and run every test
test: vet test-core test-extend $(TEST_TARGETS)
	@echo "make test: all test groups passed"

## vet: go vet (native and js/wasm) and the import rules (no syscall/js anywhere; core without Ebiten, cgo, gotch)
vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./core/...
	@if grep -rl --include='*.go' -e '"syscall/js"' core wasm cmd native 2>/dev/null; then echo "no project package may import syscall/js"; exit 1; fi
	@if grep -rlE --include='*.go' -e 'import "C"' -e '^[[:space:]]*"C"$$' core wasm cmd 2>/dev/null; then echo "core/wasm/cmd must not use cgo"; exit 1; fi
	@if $(GO) list -deps ./core/... | grep -q 'hajimehoshi/ebiten\|sugarme/gotch'; then echo "core must not depend on Ebiten or gotch"; exit 1; fi
	@if CGO_ENABLED=0 GOOS=js GOARCH=wasm $(GO) list -deps ./core/... >/dev/null 2>&1; then :; else echo "core must build for js/wasm without cgo"; exit 1; fi

## test-core: go test ./... (the untagged tests)
test-core: desktop-deps
	$(GO) test -count=1 ./...

## test-extend: the method traits and every consumer's TestEveryMethod with a seventh method, USAM (build tag samlab_usam; README "Extending samlab")
test-extend:
	$(GO) test -count=1 -tags samlab_usam -run 'TestTraits|TestEveryMethod|TestMethodColours' ./core/... ./wasm/sim/... ./native/...

## bench: the toy engine's step benchmarks into build/bench.txt (docs/speed.md)
bench:
	mkdir -p build
	$(GO) test -run '^$$' -bench . -benchmem -count 6 -cpu 1 ./core/... | tee build/bench.txt

clean:
	rm -rf build bin out
