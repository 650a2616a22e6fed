# The LibTorch benchmarks (issue 4): ResNet18 / small CNN through gotch v0.8.0.
#
#   make torch        build bin/samlab with the torch tag (train, sweep, collect, speed)
#   make test-torch   build and run the tagged tests (part of `make test`)
#   make gotch        only prepare build/gotch (patched gotch copy) and build/go.work
#
# LibTorch flavour:
#   default           Debian's libtorch-dev 1.13 (CPU), installed with apt when missing
#   LIBTORCH=/dir     a LibTorch 2.0.x directory (include/, lib/), e.g. the CUDA build from
#                     pytorch.org; add TORCH_CUDA=1 to link libtorch_cuda. Run `make gotch`
#                     again (it re-patches) when switching flavours. TORCH_CXXFLAGS adds C++ flags,
#                     e.g. -D_GLIBCXX_USE_CXX11_ABI=0 for LibTorch taken from a pip wheel.
#
# The main go.mod only `require`s gotch (no replace, so `go install` of the module keeps
# working); the torch build uses build/go.work, which replaces gotch with the patched copy.

GOTCH_VERSION := v0.8.0
LIBTORCH ?=
TORCH_CUDA ?= 0
TORCH_CXXFLAGS ?=
TORCH_GOWORK := $(CURDIR)/build/go.work
TORCH_GO := GOWORK=$(TORCH_GOWORK) CGO_ENABLED=1 $(GO)
TORCH_STAMP := build/gotch/.samlab-patched
TORCH_TEST_TIMEOUT ?= 20m

TEST_TARGETS += test-torch

# A different flavour than the one build/gotch was patched for forces a re-patch.
TORCH_FLAVOUR := $(LIBTORCH) $(TORCH_CUDA) $(TORCH_CXXFLAGS)
ifneq ($(strip $(shell cat $(TORCH_STAMP) 2>/dev/null)),$(strip $(TORCH_FLAVOUR)))
  $(shell rm -f $(TORCH_STAMP))
endif

.PHONY: gotch torch test-torch torch-deps torch-bench-deps
# libtorch-dev to build; Debian's Fashion-MNIST (30 MB) so the loader test
# reads the real dataset; python3-torch only for the PyTorch speed twin.
torch-deps:
ifeq ($(LIBTORCH),)
	$(call apt-install,libtorch-dev dataset-fashion-mnist)
endif

## torch-bench-deps: Debian's python3-torch (same libtorch) for bench/pytorch_resnet18.py
torch-bench-deps:
	$(call apt-install,python3-torch)

gotch: $(TORCH_STAMP)

$(TORCH_STAMP): native/gotchpatch/patch.sh native/gotchpatch/stubs-v0.8.0.txt mk/torch.mk | torch-deps
	@mkdir -p build
	@src=$$(GOFLAGS=-mod=mod $(GO) mod download -json github.com/sugarme/gotch@$(GOTCH_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$$/\1/p'); \
	  [ -n "$$src" ] || { echo "make gotch: cannot find gotch $(GOTCH_VERSION) in the module cache"; exit 1; }; \
	  echo "patching gotch $(GOTCH_VERSION) from $$src into build/gotch ($(if $(LIBTORCH),LIBTORCH=$(LIBTORCH),Debian libtorch))"; \
	  LIBTORCH='$(LIBTORCH)' TORCH_CUDA='$(TORCH_CUDA)' TORCH_CXXFLAGS='$(TORCH_CXXFLAGS)' native/gotchpatch/patch.sh "$$src" build/gotch
	@printf 'go 1.26\n\nuse ..\n\nreplace github.com/sugarme/gotch $(GOTCH_VERSION) => ./gotch\n' > build/go.work
	@echo "$(TORCH_FLAVOUR)" > $(TORCH_STAMP)

## torch: build bin/samlab with the LibTorch commands (train, sweep, collect, speed)
torch: $(TORCH_STAMP)
	@mkdir -p bin
	$(TORCH_GO) build -tags torch -o bin/samlab ./cmd/samlab

## test-torch: the tagged tests (LibTorch backend, models, training loop, resume)
test-torch: $(TORCH_STAMP)
	$(TORCH_GO) vet -tags torch ./native/... ./cmd/samlab
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-2} $(TORCH_GO) test -tags torch -count=1 -timeout $(TORCH_TEST_TIMEOUT) ./native/...
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-2} $(TORCH_GO) test -tags torch -count=1 -timeout $(TORCH_TEST_TIMEOUT) -run 'Torch' ./cmd/samlab
