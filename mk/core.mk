# The toy CLI.
.PHONY: build toy
build:
	mkdir -p bin
	$(GO) build -o bin/samlab ./cmd/samlab

## toy: run the demo preset over every method and 10 seeds into out/
toy:
	$(GO) run ./cmd/samlab toy --preset demo --methods sgd,sam,1sam,lsam,jsam,regsgd --seeds 10 --out out/
