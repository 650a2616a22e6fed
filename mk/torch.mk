# The LibTorch benchmarks: ResNet18 / small CNN through gotch v0.8.0 (docs/torch-build.md).
#
#   make torch        build the samlab binary with the torch tag (train, sweep, collect, speed, env)
#   make test-torch   build and run the tagged tests (part of `make test`)
#   make gotch        only prepare the patched gotch copy and its go.work
#   make torch-venv   a virtualenv build/venv-torch with PyPI's torch==$(TORCH_PIP_VERSION) (CUDA wheel)
#   make gpu-bundle   build/gpu-bundle: a stripped CUDA binary + scripts/gpu_check.sh for a GPU machine
#   make gpu-dry-run  scripts/gpu_check.sh on the CPU with tiny models (part of test-torch)
#
# LibTorch flavour (each in its own folder, so switching never re-patches another):
#   default           Debian's libtorch-dev 1.13 (CPU), installed with apt when missing:
#                     build/gotch, build/go.work, bin/samlab
#   LIBTORCH=/dir     any LibTorch 2.x directory with include/ and lib/: a PyTorch wheel's
#                     <site-packages>/torch (CPU or CUDA) or a libtorch zip:
#                     build/torch-<version>/{gotch,go.work}, bin/samlab-torch-<version>
#                     (<version> from the wheel's version.py, '+' as '-': torch-2.11.0-cu130).
#   TORCH_NAME=name   the folder/binary name instead of torch-<version>
#   TORCH_BIN=path    the binary instead of bin/samlab or bin/samlab-<name>
#   TORCH_CUDA=0|1    link libtorch_cuda (default: when LIBTORCH/lib/libtorch_cuda.so exists)
#   TORCH_ABI=0|1     -D_GLIBCXX_USE_CXX11_ABI (default: read from the LibTorch itself)
#   TORCH_CXXFLAGS    extra C++ flags for gotch's wrappers
#
# The main go.mod only `require`s gotch (no replace, so `go install` of the module keeps
# working); the torch build uses the flavour's go.work, which replaces gotch with the
# patched copy.

GOTCH_VERSION := v0.8.0
# staticcheck (honnef.co/go/tools), run by test-torch on the tagged packages.
STATICCHECK_VERSION := v0.8.2
LIBTORCH ?=
TORCH_CUDA ?=
TORCH_ABI ?=
TORCH_CXXFLAGS ?=
TORCH_LDFLAGS ?=
TORCH_TEST_TIMEOUT ?= 20m
TORCH_PIP_VERSION ?= 2.11.0
TORCH_VENV := build/venv-torch

ifeq ($(strip $(LIBTORCH)),)
  TORCH_NAME := debian
  TORCH_DIR := build
  TORCH_UP := ..
  TORCH_BIN ?= bin/samlab
  TORCH_ABS :=
else
  TORCH_ABS := $(shell cd '$(LIBTORCH)' 2>/dev/null && pwd -P)
  ifeq ($(TORCH_ABS),)
    $(error LIBTORCH=$(LIBTORCH): no such directory)
  endif
  TORCH_VERSION := $(strip $(or \
    $(shell sed -n "s/^__version__ = ['\"]\([^'\"]*\)['\"].*/\1/p" '$(TORCH_ABS)/version.py' 2>/dev/null), \
    $(shell head -1 '$(TORCH_ABS)/build-version' 2>/dev/null), \
    custom))
  TORCH_NAME ?= torch-$(subst +,-,$(TORCH_VERSION))
  TORCH_DIR := build/$(TORCH_NAME)
  TORCH_UP := ../..
  TORCH_BIN ?= bin/samlab-$(TORCH_NAME)
endif
TORCH_GOWORK := $(CURDIR)/$(TORCH_DIR)/go.work
TORCH_GO := GOWORK=$(TORCH_GOWORK) CGO_ENABLED=1 $(GO)
TORCH_STAMP := $(TORCH_DIR)/gotch/.samlab-patched

TEST_TARGETS += test-torch

# A different flavour than the one the folder was patched for forces a re-patch
# (of that folder only).
TORCH_FLAVOUR := libtorch=$(TORCH_ABS) cuda=$(TORCH_CUDA) abi=$(TORCH_ABI) cxx=$(TORCH_CXXFLAGS)
ifneq ($(strip $(shell cat $(TORCH_STAMP) 2>/dev/null)),$(strip $(TORCH_FLAVOUR)))
  $(shell rm -f $(TORCH_STAMP))
endif

.PHONY: gotch torch test-torch torch-deps torch-bench-deps torch-venv gpu-bundle gpu-dry-run
# libtorch-dev to build; Debian's Fashion-MNIST (30 MB) so the loader test
# reads the real dataset; python3-torch only for the PyTorch speed twin.
# libopenblas0-pthread becomes the system's libblas.so.3 (Debian's
# alternatives), which Debian's libtorch calls for matrix products: the
# per-example passes' batched products are 3x faster than on the reference
# BLAS (docs/speed.md). g++ builds gotch's C++ wrappers (every flavour).
torch-deps:
	$(call apt-install,g++)
ifeq ($(strip $(LIBTORCH)),)
	$(call apt-install,libtorch-dev libopenblas0-pthread dataset-fashion-mnist)
endif

## torch-bench-deps: Debian's python3-torch (same libtorch) for bench/pytorch_resnet18.py
torch-bench-deps:
	$(call apt-install,python3-torch)

## torch-venv: build/venv-torch with torch from PyPI (TORCH_PIP_VERSION, default 2.11.0) (the CUDA wheel, ~4.6 GB with its nvidia-* packages)
torch-venv:
	$(call apt-install,python3-venv)
	@[ -x $(TORCH_VENV)/bin/python ] || python3 -m venv $(TORCH_VENV)
	@$(TORCH_VENV)/bin/python -c 'import torch,sys; sys.exit(torch.__version__.split("+")[0] != "$(TORCH_PIP_VERSION)")' 2>/dev/null || \
	  $(TORCH_VENV)/bin/pip install --no-cache-dir torch==$(TORCH_PIP_VERSION)
	@echo "LIBTORCH=$$(ls -d $(CURDIR)/$(TORCH_VENV)/lib/python3*/site-packages/torch)"

gotch: $(TORCH_STAMP)

$(TORCH_STAMP): native/gotchpatch/patch.sh | torch-deps
	@mkdir -p $(TORCH_DIR)
	@src=$$(GOFLAGS=-mod=mod $(GO) mod download -json github.com/sugarme/gotch@$(GOTCH_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$$/\1/p'); \
	  [ -n "$$src" ] || { echo "make gotch: cannot find gotch $(GOTCH_VERSION) in the module cache"; exit 1; }; \
	  echo "patching gotch $(GOTCH_VERSION) from $$src into $(TORCH_DIR)/gotch ($(if $(TORCH_ABS),LIBTORCH=$(TORCH_ABS),Debian libtorch))"; \
	  LIBTORCH='$(TORCH_ABS)' TORCH_CUDA='$(TORCH_CUDA)' TORCH_ABI='$(TORCH_ABI)' TORCH_CXXFLAGS='$(TORCH_CXXFLAGS)' \
	    native/gotchpatch/patch.sh "$$src" $(TORCH_DIR)/gotch
	@printf 'go 1.26\n\nuse $(TORCH_UP)\n\nreplace github.com/sugarme/gotch $(GOTCH_VERSION) => ./gotch\n' > $(TORCH_DIR)/go.work
	@echo "$(TORCH_FLAVOUR)" > $(TORCH_STAMP)

# The flavour, embedded for `samlab env` (cmd/samlab/torch_env.go).
torch_xflags = -X 'main.torchBuild=$(shell cat $(TORCH_DIR)/gotch/.samlab-flavour 2>/dev/null)' \
  -X 'main.torchVersion=$(shell cat $(TORCH_DIR)/gotch/.samlab-version 2>/dev/null)'

## torch: build the samlab binary with the LibTorch commands (bin/samlab; bin/samlab-<name> with LIBTORCH)
torch: $(TORCH_STAMP)
	@mkdir -p $(dir $(TORCH_BIN))
	$(TORCH_GO) build -tags torch -ldflags "$(torch_xflags) $(TORCH_LDFLAGS)" -o $(TORCH_BIN) ./cmd/samlab
	@echo "built $(TORCH_BIN): $$(cat $(TORCH_DIR)/gotch/.samlab-flavour)"

## test-torch: vet and staticcheck with the torch tag, then the tagged tests (LibTorch backend, models, training loop, resume)
test-torch: $(TORCH_STAMP)
	$(TORCH_GO) vet -tags torch ./native/... ./cmd/samlab
	$(TORCH_GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) -tags torch ./native/... ./cmd/samlab
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-2} $(TORCH_GO) test -tags torch -count=1 -timeout $(TORCH_TEST_TIMEOUT) ./native/...
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-2} $(TORCH_GO) test -tags torch -count=1 -timeout $(TORCH_TEST_TIMEOUT) -run 'Torch' ./cmd/samlab
	@$(MAKE) --no-print-directory gpu-dry-run

# The GPU check's CPU dry run (tiny models): a change that breaks scripts/gpu_check.sh or the
# commands it drives fails here, not on the GPU machine. Debian's python3-torch is the same
# libtorch as the Debian build (its 1.13 has no torch.func: the vmap row reads n/a).
GPU_DRY := build/gpu-dry
GPU_DRY_PYTHON ?= /usr/bin/python3

## gpu-dry-run: scripts/gpu_check.sh on the CPU (DEVICE=cpu SMALL=1) with this build, the ghost and grouped rows included
gpu-dry-run: $(TORCH_STAMP) torch-bench-deps
	@mkdir -p $(GPU_DRY)
	$(TORCH_GO) build -tags torch -o $(GPU_DRY)/samlab ./cmd/samlab
	@DEVICE=cpu SMALL=1 THREADS=2 TIME_LIMIT=300 BUNDLE=$(CURDIR)/$(GPU_DRY) LOGDIR=$(CURDIR)/$(GPU_DRY)/log \
	  PYTHON=$(GPU_DRY_PYTHON) bash scripts/gpu_check.sh > $(GPU_DRY)/out.txt 2>&1 || \
	  { tail -40 $(GPU_DRY)/out.txt; echo "make gpu-dry-run: scripts/gpu_check.sh failed (log: $(GPU_DRY)/out.txt)"; exit 1; }
	@grep -q '^| 1sam grouped ' $(GPU_DRY)/log/summary.md || { echo "make gpu-dry-run: no ghost/grouped row in the summary"; exit 1; }
	@echo "gpu-dry-run: scripts/gpu_check.sh passed on the CPU ($(GPU_DRY)/log/summary.md)"

# The GPU bundle: a stripped samlab built against the CUDA wheel in GPU_LIBTORCH (the same
# PyTorch release as the GPU machine's Python), with scripts/gpu_check.sh and the PyTorch twin.
# The binary finds libtorch there through LD_LIBRARY_PATH (set by the script from python3).
GPU_LIBTORCH ?= $(firstword $(wildcard $(TORCH_VENV)/lib/python3*/site-packages/torch))
GPU_BUNDLE := build/gpu-bundle
GPU_BUNDLE_MAX_MIB := 64

## gpu-bundle: build/gpu-bundle (stripped CUDA samlab + scripts/gpu_check.sh), for a GPU machine without Go
gpu-bundle:
	@[ -n "$(GPU_LIBTORCH)" ] && [ -e "$(GPU_LIBTORCH)/lib/libtorch_cuda.so" ] || \
	  { echo "make gpu-bundle: GPU_LIBTORCH=$(GPU_LIBTORCH) is not a CUDA LibTorch (run make torch-venv, or set GPU_LIBTORCH=<site-packages>/torch)"; exit 1; }
	@rm -rf $(GPU_BUNDLE) && mkdir -p $(GPU_BUNDLE)
	$(MAKE) --no-print-directory torch LIBTORCH=$(GPU_LIBTORCH) TORCH_BIN=$(GPU_BUNDLE)/samlab TORCH_LDFLAGS='-s -w'
	cp scripts/gpu_check.sh bench/pytorch_resnet18.py $(GPU_BUNDLE)/
	@{ $(GPU_BUNDLE)/samlab env 2>&1 | sed -n 's/^built with: //p'; git log -1 --format='samlab commit %h %cs' 2>/dev/null || true; } > $(GPU_BUNDLE)/BUILD-INFO
	@cat $(GPU_BUNDLE)/BUILD-INFO
	@kib=$$(du -sk $(GPU_BUNDLE) | cut -f1); echo "$(GPU_BUNDLE): $$((kib / 1024)) MiB ($$kib KiB; limit $(GPU_BUNDLE_MAX_MIB) MiB)"; \
	  [ $$kib -lt $$(( $(GPU_BUNDLE_MAX_MIB) * 1024 )) ] || { echo "make gpu-bundle: the bundle is too large"; exit 1; }
