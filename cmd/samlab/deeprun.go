package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	ds "github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/deep"
)

// deepFlags are the flags that size `--deep-run` (deep.Size); zero values
// keep the plan's.
type deepFlags struct {
	train, epochs, searchEpochs, seeds *int
	noises, methods                    *string
	paper                              *bool
}

// addDeepFlags registers the --deep-* sizing flags on fs.
func addDeepFlags(fs *flag.FlagSet) *deepFlags {
	d := deep.DefaultPlan("fashion-mnist")
	return &deepFlags{
		train:        fs.Int("deep-train", 0, fmt.Sprintf("--deep-run: training images (default %d)", d.Base.TrainSubset)),
		epochs:       fs.Int("deep-epochs", 0, fmt.Sprintf("--deep-run: epochs of every grid run (default %d)", d.Base.Epochs)),
		searchEpochs: fs.Int("deep-search-epochs", 0, fmt.Sprintf("--deep-run: epochs of every search run (default %d)", d.SearchEpochs)),
		seeds:        fs.Int("deep-seeds", 0, fmt.Sprintf("--deep-run: seeds 0..N-1 (default %d)", len(d.Seeds))),
		noises:       fs.String("deep-noises", "", "--deep-run: comma-separated label-noise fractions, run in this order (default 0,0.4,0.6,0.8)"),
		methods:      fs.String("deep-methods", "", "--deep-run: comma-separated methods (default all six); the search trains only their candidates"),
		paper:        fs.Bool("deep-paper", d.Paper, "--deep-run: also train the paper's arm, untuned (lr 0.01, weight decay 5e-4, batch 128, rho 0.01)"),
	}
}

// size reads the flags into a deep.Size, naming a bad flag and value.
func (f *deepFlags) size() (deep.Size, error) {
	s := deep.Size{Train: *f.train, Epochs: *f.epochs, SearchEpochs: *f.searchEpochs, Seeds: *f.seeds, Paper: f.paper}
	for _, v := range []struct {
		name string
		n    int
	}{{"deep-train", s.Train}, {"deep-epochs", s.Epochs}, {"deep-search-epochs", s.SearchEpochs}, {"deep-seeds", s.Seeds}} {
		if v.n < 0 || v.n > 1000000 {
			return s, fmt.Errorf("-%s must be in [0, 1000000], 0 meaning the default (got %d)", v.name, v.n)
		}
	}
	if *f.noises != "" {
		for _, p := range strings.Split(*f.noises, ",") {
			n, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || n < 0 || n >= 1 {
				return s, fmt.Errorf("-deep-noises: %q is not a fraction in [0, 1)", p)
			}
			s.Noises = append(s.Noises, n)
		}
	}
	if *f.methods != "" {
		for _, m := range strings.Split(*f.methods, ",") {
			s.Methods = append(s.Methods, strings.TrimSpace(m))
		}
	}
	return s, nil
}

// deepRun trains the deep experiment (native/deep: the held-out search,
// the grid of the methods over noise rates and seeds, the paper's arm) on
// dataset under out/deep-<dataset> with this binary's `train` command
// (which needs the LibTorch build) and returns the run folders. Finished
// runs are kept, so a second call resumes. The dataset must be there
// first. size changes the default (or, with quick, the quick) plan.
func deepRun(ctx context.Context, dataset, out string, quick bool, size deep.Size, log io.Writer) ([]string, error) {
	p, err := deepPlan(dataset, quick, size)
	if err != nil {
		return nil, err
	}
	if !withTorch {
		return nil, fmt.Errorf("--deep-run needs the LibTorch build: run `make torch`, then `bin/samlab report --deep-run %s`", dataset)
	}
	if err := ds.Check(dataset, ""); err != nil {
		return nil, fmt.Errorf("--deep-run: %w", err)
	}
	root := filepath.Join(out, "deep-"+dataset)
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("deep run: %w", err)
	}
	dirs, _, err := deep.Run(ctx, p, root, exe, func(s string) {
		if log != nil {
			fmt.Fprintln(log, "deep run:", s)
		}
	})
	return dirs, err
}

// deepPlan returns the plan --deep-run trains, checked.
func deepPlan(dataset string, quick bool, size deep.Size) (deep.Plan, error) {
	p := deep.DefaultPlan(dataset)
	if quick {
		p = deep.QuickPlan(dataset)
	}
	p, err := p.Resize(size)
	if err != nil {
		return p, fmt.Errorf("--deep-run: %w", err)
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("--deep-run: %w", err)
	}
	return p, nil
}
