package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
	"github.com/samlab/samlab/native/configfile"
	"github.com/samlab/samlab/native/torchnet"
)

func init() {
	register("toy", "run toy experiments (presets or a YAML config) over methods x seeds", runToy)
}

// toyFlags are the overrides a user can put on top of a preset or config.
type toyFlags struct {
	fs                                  *flag.FlagSet
	preset, config, out, trace, methods string
	traceMethod                         string
	traceSeed                           uint64
	seeds, workers, steps, batch, every int
	firstSeed                           uint64
	noise, rho, lr, mom, wd, ga, gl     float64
	hidden, model, act                  string
	nTrain                              int
	quiet                               bool
}

func newToyFlags() *toyFlags {
	f := &toyFlags{fs: flag.NewFlagSet("toy", flag.ContinueOnError)}
	fs := f.fs
	fs.StringVar(&f.preset, "preset", "demo", "preset name: "+strings.Join(experiment.Presets(), ", "))
	fs.StringVar(&f.config, "config", "", "YAML config `file` (overrides -preset; may itself name a base preset with \"preset: NAME\")")
	fs.StringVar(&f.out, "out", "out", "output folder for config.yaml, metrics.csv, summary.json")
	fs.StringVar(&f.trace, "trace", "", "write a JSON trace of one run (first method, first seed unless -trace-method/-trace-seed) to this file")
	fs.StringVar(&f.traceMethod, "trace-method", "", "method of the traced run")
	fs.Uint64Var(&f.traceSeed, "trace-seed", 0, "seed of the traced run (default: first seed)")
	fs.StringVar(&f.methods, "methods", "", "comma-separated methods: "+strings.Join(optim.Names, ","))
	fs.IntVar(&f.seeds, "seeds", 0, "number of seeds")
	fs.Uint64Var(&f.firstSeed, "first-seed", 0, "first seed")
	fs.IntVar(&f.workers, "workers", 0, "parallel runs (default: number of CPUs)")
	fs.IntVar(&f.steps, "steps", 0, "training steps")
	fs.IntVar(&f.batch, "batch", 0, "batch size (0 in the config: full batch)")
	fs.IntVar(&f.every, "record-every", 0, "record metrics every N steps")
	fs.Float64Var(&f.noise, "noise", 0, "fraction of training labels flipped")
	fs.Float64Var(&f.rho, "rho", 0, "perturbation radius for every SAM variant (clears per-method rho)")
	fs.Float64Var(&f.lr, "lr", 0, "learning rate")
	fs.Float64Var(&f.mom, "momentum", 0, "momentum")
	fs.Float64Var(&f.wd, "weight-decay", 0, "weight decay")
	fs.Float64Var(&f.ga, "gamma-act", 0, "Reg-SGD penalty on hidden activations")
	fs.Float64Var(&f.gl, "gamma-last", 0, "Reg-SGD penalty on last-layer weights")
	fs.StringVar(&f.hidden, "hidden", "", "hidden widths, e.g. 64,64")
	fs.StringVar(&f.model, "model", "", "model kind: linear, twolayer, mlp")
	fs.StringVar(&f.act, "activation", "", "activation: relu, tanh")
	fs.IntVar(&f.nTrain, "n-train", 0, "number of training points")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	return f
}

// isSet reports whether the flag called name was given.
func (f *toyFlags) isSet(name string) bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// resolve builds the config from preset/config plus the flags that were set.
func (f *toyFlags) resolve() (*experiment.Config, error) {
	var c *experiment.Config
	var err error
	if f.config != "" {
		c, err = configfile.Load(f.config)
	} else {
		c, err = experiment.Preset(f.preset)
	}
	if err != nil {
		return nil, err
	}
	var ferr error
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "methods":
			c.Methods = splitList(f.methods)
		case "seeds":
			c.Seeds = f.seeds
		case "first-seed":
			c.FirstSeed = f.firstSeed
		case "steps":
			c.Train.Steps = f.steps
		case "batch":
			c.Train.Batch = f.batch
		case "record-every":
			c.Train.RecordEvery = f.every
		case "noise":
			c.Data.Noise = f.noise
		case "rho":
			c.Train.Rho, c.MethodRho = f.rho, nil
		case "lr":
			c.Train.LR = f.lr
		case "momentum":
			c.Train.Momentum = f.mom
		case "weight-decay":
			c.Train.WeightDecay = f.wd
		case "gamma-act":
			c.Train.GammaAct = f.ga
		case "gamma-last":
			c.Train.GammaLast = f.gl
		case "hidden":
			c.Model.Hidden = nil
			for _, s := range splitList(f.hidden) {
				n, err := strconv.Atoi(s)
				if err != nil {
					ferr = fmt.Errorf("-hidden: %q is not a width", s)
				}
				c.Model.Hidden = append(c.Model.Hidden, n)
			}
		case "model":
			c.Model.Kind = f.model
		case "activation":
			c.Model.Activation = f.act
		case "n-train":
			c.Data.NTrain = f.nTrain
		}
	})
	if ferr != nil {
		return nil, ferr
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Normalize()
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runToy(ctx context.Context, args []string) error {
	f := newToyFlags()
	if err := parseFlags(f.fs, args); err != nil {
		return err
	}
	c, err := f.resolve()
	if err != nil {
		return err
	}
	// Every check before any work: the trace's method and file, the output
	// folder. Nothing is written until the runs are done.
	traceMethod := c.Methods[0]
	if f.trace != "" {
		if f.traceMethod != "" {
			if traceMethod, err = optim.Canonical(f.traceMethod); err != nil {
				return fmt.Errorf("-trace-method: %w", err)
			}
		}
		if err := checkFolder(filepath.Dir(f.trace)); err != nil {
			return fmt.Errorf("-trace %s: %w", f.trace, err)
		}
	}
	if err := checkMemory(c, f.workers); err != nil {
		return err
	}
	if err := checkWritable(f.out); err != nil {
		return fmt.Errorf("-out %s: %w", f.out, err)
	}
	y, err := configfile.Marshal(c)
	if err != nil {
		return err
	}
	total := len(c.Methods) * c.Seeds
	var bar *progressbar.ProgressBar
	if !f.quiet && term.IsTerminal(int(os.Stderr.Fd())) {
		bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription(c.Name), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	results, err := experiment.Run(ctx, c, f.workers, func(done, total int, r *experiment.Result) {
		if bar != nil {
			_ = bar.Add(1)
		}
	})
	if errors.Is(err, context.Canceled) {
		return interrupted{fmt.Errorf("interrupted: nothing written to %s", f.out)}
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	if err := os.WriteFile(filepath.Join(f.out, "config.yaml"), y, 0o644); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	var runErrs []string
	for _, r := range results {
		if r.Err != nil {
			runErrs = append(runErrs, r.Err.Error())
		}
	}
	if err := writeMetricsCSV(filepath.Join(f.out, "metrics.csv"), results); err != nil {
		return err
	}
	sum := experiment.Summarize(c, results)
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(f.out, "summary.json"), b, 0o644); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	printSummary(os.Stdout, c, sum)
	if f.trace != "" {
		m := traceMethod
		seed := c.FirstSeed
		if f.isSet("trace-seed") { // -trace-seed 0 means seed 0
			seed = f.traceSeed
		}
		if err := writeTrace(ctx, f.trace, c, m, seed); errors.Is(err, context.Canceled) {
			return interrupted{fmt.Errorf("interrupted: the trace %s was not written", f.trace)}
		} else if err != nil {
			return err
		}
	}
	if len(runErrs) > 0 {
		return fmt.Errorf("%d of %d runs failed:\n%s", len(runErrs), total, strings.Join(runErrs, "\n"))
	}
	return nil
}

func writeMetricsCSV(path string, results []experiment.Result) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write metrics: %w", err)
	}
	w := csv.NewWriter(fh)
	_ = w.Write(append([]string{"method", "seed"}, train.Columns...))
	for _, r := range results {
		for _, m := range r.History {
			row := []string{r.Method, strconv.FormatUint(r.Seed, 10)}
			for _, v := range m.Values() {
				row = append(row, strconv.FormatFloat(v, 'g', 6, 64))
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fh.Close()
		return fmt.Errorf("write metrics: %w", err)
	}
	return fh.Close()
}

func printSummary(w io.Writer, c *experiment.Config, s experiment.Summary) {
	fmt.Fprintf(w, "%s: %d seeds, noise %.0f%%, %d steps\n", c.Name, c.Seeds, 100*c.Data.Noise, c.Train.Steps)
	share := fmt.Sprintf("flipped share 1-%d", min(experiment.ShareSteps, c.Train.Steps))
	fmt.Fprintf(w, "%-8s %6s  %-15s %-9s %-15s %-15s %-14s %s\n", "method", "rho", "best test acc", "best step", "final test acc", "final flipped", "memorised at", share)
	for _, m := range s.Methods {
		fmt.Fprintf(w, "%-8s %6.3g  %.3f ± %.3f   %7.0f   %.3f ± %.3f   %.3f ± %.3f   %6.0f (%d/%d)  %.3f ± %.3f\n", optim.Labels[m.Method], m.Rho,
			m.BestTestAcc.Mean, m.BestTestAcc.Std, m.BestStep.Mean, m.FinalTestAcc.Mean, m.FinalTestAcc.Std,
			m.FinalFlipped.Mean, m.FinalFlipped.Std, m.MemorizeStep.Mean, m.Memorized, m.BestTestAcc.N,
			m.FlippedShare.Mean, m.FlippedShare.Std)
	}
}

// writeTrace runs one method on one seed and writes its trace as JSON.
func writeTrace(ctx context.Context, path string, c *experiment.Config, method string, seed uint64) error {
	t, err := experiment.NewTrace(ctx, c, method, seed)
	if err != nil {
		return fmt.Errorf("trace %s seed %d: %w", method, seed, err)
	}
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	return nil
}

// checkFolder reports whether dir is an existing folder files can be
// created in.
func checkFolder(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("folder %s does not exist", dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	return checkWritable(dir)
}

// checkWritable reports whether files can be created in dir, or, when dir
// does not exist yet, in the nearest folder above it that does; it creates
// nothing that stays.
func checkWritable(dir string) error {
	d := dir
	for {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("%s is not a folder", d)
			}
			break
		}
		if !os.IsNotExist(err) {
			return err
		}
		up := filepath.Dir(d)
		if up == d {
			return err
		}
		d = up
	}
	tmp, err := os.CreateTemp(d, ".samlab-write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", d, errors.Unwrap(err))
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// checkMemory refuses a toy experiment whose estimated memory
// (experiment.Config.MemoryBytes, with the runs -workers puts in parallel)
// exceeds what this machine has available now (Linux MemAvailable; no check
// where it is unknown), naming both and what to lower.
func checkMemory(c *experiment.Config, workers int) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	avail := 1024 * torchnet.ProcKiB("/proc/meminfo", "MemAvailable:")
	need := c.MemoryBytes(workers)
	if avail <= 0 || need <= avail {
		return nil
	}
	parallel := min(workers, len(c.Methods)*c.Seeds)
	return fmt.Errorf("this experiment needs about %.1f GB (%d runs at once; data.n_train %d, train.batch %d, model.hidden %v), more than the %.1f GB available: lower data.n_train, train.batch, model.hidden or -workers",
		float64(need)/1e9, parallel, c.Data.NTrain, c.Train.Batch, c.Model.Hidden, float64(avail)/1e9)
}
