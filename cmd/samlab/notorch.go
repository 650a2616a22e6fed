//go:build !torch

package main

import (
	"context"
	"errors"
	"flag"
)

// The LibTorch commands need cgo and LibTorch; the default build registers
// them with an error that says how to get them.
func init() {
	for _, c := range [][2]string{
		{"train", "train a ResNet18/CNN with one method on CIFAR10 or Fashion-MNIST (needs `make torch`)"},
		{"sweep", "run or script a grid of train runs, locally or as a Slurm array (needs `make torch`)"},
		{"collect", "merge the metrics of sweep runs into one CSV + Markdown table (needs `make torch`)"},
		{"speed", "images/s of each method's training step (needs `make torch`)"},
		{"env", "the LibTorch this binary runs on: version, threads, CUDA (needs `make torch`)"},
	} {
		register(c[0], c[1], func(_ context.Context, args []string) error {
			if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
				return flag.ErrHelp
			}
			return errors.New("built without LibTorch: run `make torch` (builds bin/samlab with -tags torch)")
		})
	}
}
