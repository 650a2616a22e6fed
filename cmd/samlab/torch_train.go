//go:build torch

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/runner"
	"github.com/samlab/samlab/native/torchnet"
)

func init() {
	register("train", "train a ResNet18/CNN with one method on CIFAR10 or Fashion-MNIST (LibTorch)", runTrain)
}

// configFlags binds every Config field to a flag; resolve applies the flags
// the user set on top of a YAML config, so flags override the file.
type configFlags struct {
	fs  *flag.FlagSet
	c   runner.Config
	cfg string
}

func newConfigFlags(name string) *configFlags {
	f := &configFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError), c: runner.Default()}
	bindConfig(f.fs, &f.c)
	f.fs.StringVar(&f.cfg, "config", "", "YAML config file (keys as in config.yaml); flags override it")
	return f
}

// bindConfig binds the flags of every Config field to c (defaults: c's values).
func bindConfig(fs *flag.FlagSet, c *runner.Config) {
	fs.StringVar(&c.Method, "method", c.Method, "method: "+strings.Join(optim.Names, ", "))
	fs.StringVar(&c.Dataset, "dataset", c.Dataset, "dataset: "+strings.Join(dataset.Names, ", "))
	fs.StringVar(&c.DataDir, "data", c.DataDir, "dataset folder (default: "+dataset.DefaultDir("fashion-mnist")+" for fashion-mnist, data/<dataset> otherwise)")
	fs.StringVar(&c.Model, "model", c.Model, "model: "+strings.Join(torchnet.Archs, ", "))
	fs.StringVar(&c.Norm, "norm", c.Norm, "normalisation: "+strings.Join(torchnet.Norms, ", ")+" (ln for the per-example methods, as in the paper)")
	fs.Float64Var(&c.Width, "width", c.Width, "channel width multiplier")
	fs.Float64Var(&c.Noise, "noise", c.Noise, "fraction of training labels flipped")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "epochs")
	fs.IntVar(&c.Batch, "batch", c.Batch, "batch size")
	fs.Float64Var(&c.LR, "lr", c.LR, "learning rate")
	fs.Float64Var(&c.Momentum, "momentum", c.Momentum, "momentum")
	fs.Float64Var(&c.WeightDecay, "weight-decay", c.WeightDecay, "weight decay")
	fs.Float64Var(&c.Rho, "rho", c.Rho, "SAM radius (sam, 1sam, lsam, jsam)")
	fs.Float64Var(&c.GammaAct, "gamma-act", c.GammaAct, "Reg-SGD penalty on mean ||h||^2 of the last hidden layer")
	fs.Float64Var(&c.GammaLast, "gamma-last", c.GammaLast, "Reg-SGD penalty on ||W_last||^2")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed (initialisation, noise, data order, augmentation)")
	fs.BoolVar(&c.Augment, "augment", c.Augment, "random crop + horizontal flip")
	fs.IntVar(&c.TrainSubset, "train-subset", c.TrainSubset, "use only the first N training examples (0: all)")
	fs.IntVar(&c.TestSubset, "test-subset", c.TestSubset, "use only the first N test examples (0: all)")
	fs.IntVar(&c.EvalTrain, "eval-train", c.EvalTrain, "training examples evaluated for train/clean/flipped accuracy (0: all)")
	fs.IntVar(&c.Holdout, "holdout", c.Holdout, "evaluate on the N training images after -train-subset (true labels) instead of the test set: a validation split (0: the test set)")
	fs.IntVar(&c.Chunk, "chunk", c.Chunk, "examples per per-example pass of 1sam, lsam, jsam (bounds memory; 0: automatic)")
	fs.StringVar(&c.Device, "device", c.Device, "device: auto, cpu, cuda")
	fs.IntVar(&c.Threads, "threads", c.Threads, "LibTorch threads (0: LibTorch's default)")
	fs.StringVar(&c.Out, "out", c.Out, "output folder")
}

// resolve returns the config: defaults, then the YAML file, then set flags.
func (f *configFlags) resolve() (runner.Config, error) {
	if f.cfg == "" {
		return f.c, nil
	}
	c, err := runner.LoadConfig(f.cfg, runner.Default())
	if err != nil {
		return c, err
	}
	g := flag.NewFlagSet(f.fs.Name(), flag.ContinueOnError)
	bindConfig(g, &c)
	var ferr error
	f.fs.Visit(func(fl *flag.Flag) {
		if g.Lookup(fl.Name) != nil && ferr == nil {
			ferr = g.Set(fl.Name, fl.Value.String())
		}
	})
	return c, ferr
}

func runTrain(ctx context.Context, args []string) error {
	f := newConfigFlags("train")
	resume := f.fs.Bool("resume", false, "continue the run in -out from its last.ckpt (with -out's config.yaml unless -config is given)")
	quiet := f.fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(f.fs, args); err != nil {
		return err
	}
	if *resume && f.cfg == "" {
		// Continue with the run's own resolved config; flags still override it
		// (runner.CheckResume refuses changes that alter the run).
		p := filepath.Join(f.c.Out, runner.ConfigFile)
		switch {
		case fileExists(p):
			f.cfg = p
		case f.setsRun():
			// The flags say which run: open checks them against last.ckpt.
		case fileExists(filepath.Join(f.c.Out, runner.LastFile)):
			return fmt.Errorf("cannot resume %s: %s is missing, so the run's settings are unknown: pass them with --config (or the flags they were started with); %s checks that they match", f.c.Out, runner.ConfigFile, runner.LastFile)
		default:
			return fmt.Errorf("cannot resume %s: no run was started there (no %s, no %s): start it without --resume, with its --config or flags", f.c.Out, runner.ConfigFile, runner.LastFile)
		}
	}
	c, err := f.resolve()
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := dataset.Check(c.Dataset, c.DataDir); err != nil {
		return err
	}
	if err := checkWritable(c.Out); err != nil {
		return fmt.Errorf("cannot create output folder %s: %w", c.Out, err)
	}
	o := runner.Options{Resume: *resume, Log: os.Stdout}
	if !*quiet && term.IsTerminal(int(os.Stderr.Fd())) {
		o.Progress = os.Stderr // a bar only on a terminal: no carriage returns in log files
	}
	err = runner.Train(ctx, c, o)
	if errors.Is(err, runner.ErrInterrupted) {
		return interrupted{err}
	}
	return err
}

// notRun lists the flags that do not say which run to train: with only
// these, a --resume of a folder that holds no run has nothing to start.
var notRun = map[string]bool{"out": true, "resume": true, "quiet": true, "threads": true, "device": true, "epochs": true}

// setsRun reports whether a flag that defines the run was given.
func (f *configFlags) setsRun() bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) { set = set || !notRun[fl.Name] })
	return set
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
