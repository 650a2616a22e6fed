package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/samlab/samlab/core/optim"
)

// Grid is a sweep: every combination of methods, noise rates, rho values
// and seeds is one run (a cell) of Base.
type Grid struct {
	Base    Config
	Methods []string
	Noises  []float64
	Rhos    []float64
	Seeds   []uint64
}

// MaxCells bounds the cells of one sweep (a typo in --seeds should not
// write thousands of folders).
const MaxCells = 1000

// CellName names a cell's folder: <method>_noise<noise>_rho<rho>_seed<seed>.
func CellName(c Config) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return fmt.Sprintf("%s_noise%s_rho%s_seed%d", c.Method, f(c.Noise), f(c.Rho), c.Seed)
}

// repeats reports the first value of an axis that repeats an earlier one
// (compared by key), which would make two identical cells.
func repeats[T comparable](axis string, vs []T, key func(T) T) error {
	at := map[T]int{}
	for i, v := range vs {
		if j, ok := at[key(v)]; ok {
			return fmt.Errorf("sweep: %s[%d]: %v repeats %s[%d]", axis, i, v, axis, j)
		}
		at[key(v)] = i
	}
	return nil
}

// count returns how many cells Cells writes: noises x seeds for each
// method, times the rhos for a method with a radius (a method Cells will
// refuse counts as one with a radius).
func (g Grid) count() int {
	n := 0
	for _, m := range g.Methods {
		k := len(g.Rhos)
		if c, err := optim.Canonical(m); err == nil && !optim.Of(c).Rho {
			k = 1
		}
		n += k * len(g.Noises) * len(g.Seeds)
	}
	return n
}

// CheckCells reports the first cell that already holds a run (its
// config.yaml or last.ckpt) which the cell's config could not resume
// (CheckResume: a changed --lr, fewer epochs...), naming the cell and the
// reason. A sweep calls it before writing anything, so that a changed
// setting refuses the sweep instead of every cell.
func CheckCells(cells []Config) error {
	for _, c := range cells {
		_, errC := os.Stat(filepath.Join(c.Out, ConfigFile))
		_, errL := os.Stat(filepath.Join(c.Out, LastFile))
		if errC != nil && errL != nil {
			continue
		}
		if err := CheckResume(c); err != nil {
			return fmt.Errorf("sweep: cell %s already holds a run (to sweep these settings, use another --root): %w", filepath.Base(c.Out), err)
		}
	}
	return nil
}

// Cells expands the grid into validated configs whose Out is root/CellName.
// Rho does not matter for a method without a radius (optim.Traits.Rho: SGD,
// Reg-SGD): it gets one cell per noise and seed (with the first rho).
func (g Grid) Cells(root string) ([]Config, error) {
	if len(g.Methods) == 0 || len(g.Noises) == 0 || len(g.Rhos) == 0 || len(g.Seeds) == 0 {
		return nil, fmt.Errorf("sweep: every grid axis (methods, noises, rhos, seeds) needs at least one value")
	}
	if n := g.count(); n > MaxCells {
		return nil, fmt.Errorf("sweep: the grid has %d cells (%d methods, %d noises, %d rhos, %d seeds; one rho for sgd and regsgd), more than %d: split the sweep",
			n, len(g.Methods), len(g.Noises), len(g.Rhos), len(g.Seeds), MaxCells)
	}
	if err := repeats("methods", g.Methods, func(m string) string {
		if c, err := optim.Canonical(m); err == nil {
			return c
		}
		return m // unknown: Validate names it below
	}); err != nil {
		return nil, err
	}
	for _, ax := range []struct {
		name string
		v    []float64
	}{{"noises", g.Noises}, {"rhos", g.Rhos}} {
		if err := repeats(ax.name, ax.v, func(x float64) float64 { return x }); err != nil {
			return nil, err
		}
	}
	var out []Config
	seen := map[string]bool{}
	for _, m := range g.Methods {
		for _, n := range g.Noises {
			for ri, r := range g.Rhos {
				for _, s := range g.Seeds {
					c := g.Base
					c.Method, c.Noise, c.Rho, c.Seed = m, n, r, s
					if err := c.Validate(); err != nil {
						return nil, fmt.Errorf("sweep: %w", err)
					}
					if !optim.Of(c.Method).Rho && ri > 0 { // one cell for a method without a radius
						continue
					}
					name := CellName(c)
					if seen[name] {
						continue
					}
					seen[name] = true
					c.Out = filepath.Join(root, name)
					out = append(out, c)
				}
			}
		}
	}
	return out, nil
}

// WriteSweep writes one folder per cell with its config.yaml, the list of
// cell folders (cells.txt, one per line) and a Slurm job-array script
// (sweep.sbatch) that runs cell $SLURM_ARRAY_TASK_ID with exe. It returns
// the script's path.
//
// Every path the script names is quoted for what reads it: bash (single
// quotes, ShellQuote) on the command lines, sbatch on the #SBATCH line
// (slurmQuote); a root or exe with a control character (a line break) is
// refused before anything is written.
func WriteSweep(root string, cells []Config, exe string, slurmArgs []string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	if err := scriptSafe("--root", abs); err != nil {
		return "", err
	}
	if err := scriptSafe("executable", exe); err != nil {
		return "", err
	}
	for _, a := range slurmArgs {
		if err := scriptSafe("--slurm-arg", a); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	var list strings.Builder
	for _, c := range cells {
		if err := os.MkdirAll(c.Out, 0o755); err != nil {
			return "", fmt.Errorf("sweep: %w", err)
		}
		if err := WriteConfig(filepath.Join(c.Out, "cell.yaml"), c); err != nil {
			return "", err
		}
		a, _ := filepath.Abs(c.Out)
		list.WriteString(a + "\n")
	}
	if err := os.WriteFile(filepath.Join(root, "cells.txt"), []byte(list.String()), 0o644); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "#!/bin/bash\n# samlab sweep: %d cells, one per array task. Submit with: sbatch %s\n", len(cells), ShellQuote(filepath.Join(abs, "sweep.sbatch")))
	fmt.Fprintf(&sb, "#SBATCH --job-name=samlab-sweep\n#SBATCH --array=0-%d\n#SBATCH --output=%s\n", len(cells)-1, slurmQuote(slurmPattern(abs, "slurm-%A_%a.out")))
	for _, a := range slurmArgs {
		fmt.Fprintf(&sb, "#SBATCH %s\n", a)
	}
	fmt.Fprintf(&sb, "set -euo pipefail\ncell=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" %s)\n", ShellQuote(filepath.Join(abs, "cells.txt")))
	fmt.Fprintf(&sb, "exec %s train --config \"$cell/cell.yaml\" --out \"$cell\" --resume --quiet\n", ShellQuote(exe))
	script := filepath.Join(root, "sweep.sbatch")
	if err := os.WriteFile(script, []byte(sb.String()), 0o755); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	return script, nil
}

// Done reports whether the cell's metrics.csv has all its epochs.
func Done(c Config) bool {
	rows, err := ReadMetrics(filepath.Join(c.Out, MetricsFile))
	return err == nil && len(rows) >= c.Epochs
}

// RunLocal runs the cells with exe (`exe train --config ... --resume`),
// parallel at a time, skipping finished cells; each cell appends its output to train.log
// in its folder. It returns the first error after all started cells end.
func RunLocal(ctx context.Context, cells []Config, exe string, parallel int, progress func(string)) error {
	if parallel < 1 {
		parallel = 1
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	for _, c := range cells {
		if Done(c) {
			progress(fmt.Sprintf("%s: already done", filepath.Base(c.Out)))
			continue
		}
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		if ctx.Err() != nil { // cancelled while waiting for a slot
			<-sem
			break
		}
		wg.Add(1)
		go func(c Config) {
			defer func() { <-sem; wg.Done() }()
			logf, err := os.OpenFile(filepath.Join(c.Out, "train.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
			if err != nil {
				mu.Lock()
				errs = append(errs, err.Error())
				mu.Unlock()
				return
			}
			defer logf.Close()
			cmd := exec.Command(exe, "train", "--config", filepath.Join(c.Out, "cell.yaml"), "--out", c.Out, "--resume", "--quiet")
			cmd.Stdout, cmd.Stderr = logf, logf
			if err := cmd.Start(); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("%s: %v", filepath.Base(c.Out), err))
				mu.Unlock()
				return
			}
			stop := context.AfterFunc(ctx, func() { cmd.Process.Signal(os.Interrupt) })
			err = cmd.Wait()
			stop()
			mu.Lock()
			defer mu.Unlock()
			if err != nil && ctx.Err() != nil { // interrupted by us: train saved its state (exit 130)
				progress(fmt.Sprintf("%s: interrupted, state saved", filepath.Base(c.Out)))
				return
			}
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v (see %s)", filepath.Base(c.Out), err, logf.Name()))
				progress(fmt.Sprintf("%s: failed", filepath.Base(c.Out)))
				return
			}
			if !Done(c) {
				progress(fmt.Sprintf("%s: stopped before its last epoch (continue with the same sweep command)", filepath.Base(c.Out)))
				return
			}
			progress(fmt.Sprintf("%s: done", filepath.Base(c.Out)))
		}(c)
	}
	wg.Wait()
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("sweep: %d cells failed: %s", len(errs), strings.Join(errs, "; "))
	}
	return ctx.Err()
}
