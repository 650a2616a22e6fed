# The toy CLI.
.PHONY: build toy

## build: the CLI without the LibTorch commands into bin/samlab-notorch (never over make torch's bin/samlab)
build:
	mkdir -p bin
	$(GO) build -o bin/samlab-notorch ./cmd/samlab

## toy: run the demo preset over every method and 10 seeds into out/
toy:
	$(GO) run ./cmd/samlab toy --preset demo --seeds 10 --out out/
