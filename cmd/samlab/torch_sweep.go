//go:build torch

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/runner"
)

func init() {
	register("sweep", "run or script a grid (methods x noise x rho x seeds) of train runs, locally or as a Slurm array", runSweep)
	register("collect", "merge the metrics of sweep runs into one CSV + Markdown table", runCollect)
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func parseFloats(name, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("-%s: %q is not a finite number", name, f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runSweep(ctx context.Context, args []string) error {
	f := newConfigFlags("sweep")
	fs := f.fs
	methods := fs.String("methods", "sgd,sam,jsam,regsgd", "comma-separated methods")
	noises := fs.String("noises", "0.3", "comma-separated noise rates")
	rhos := fs.String("rhos", "0.01", "comma-separated rho values (one cell for sgd/regsgd)")
	seeds := fs.Int("seeds", 1, "number of seeds, starting at -seed")
	root := fs.String("root", "runs/sweep", "sweep folder: one sub-folder per cell")
	parallel := fs.Int("parallel", 1, "cells run at the same time locally")
	slurm := fs.Bool("slurm", false, "only write the cells and a Slurm job-array script (submit it with sbatch)")
	var slurmArgs stringList
	fs.Var(&slurmArgs, "slurm-arg", "extra #SBATCH line, e.g. --gres=gpu:1 (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	base, err := f.resolve()
	if err != nil {
		return err
	}
	g := runner.Grid{Base: base, Methods: strings.Split(*methods, ",")}
	if g.Noises, err = parseFloats("noises", *noises); err != nil {
		return err
	}
	if g.Rhos, err = parseFloats("rhos", *rhos); err != nil {
		return err
	}
	if *parallel < 1 || *parallel > runner.MaxCells {
		return fmt.Errorf("-parallel must be in [1, %d], the cells run at once (got %d)", runner.MaxCells, *parallel)
	}
	if *seeds < 1 || *seeds > runner.MaxCells {
		return fmt.Errorf("-seeds must be in [1, %d] (got %d)", runner.MaxCells, *seeds)
	}
	for s := 0; s < *seeds; s++ {
		g.Seeds = append(g.Seeds, base.Seed+uint64(s))
	}
	cells, err := g.Cells(*root)
	if err != nil {
		return err
	}
	// One cell's data must be there before anything is written or launched;
	// a local sweep loads it as its cells will (an empty or mismatched set
	// is refused once, not by every cell).
	if err := dataset.Check(base.Dataset, base.DataDir); err != nil {
		return err
	}
	if err := checkWritable(*root); err != nil {
		return fmt.Errorf("cannot create sweep folder %s: %w", *root, err)
	}
	if !*slurm {
		if _, _, _, _, err := runner.LoadData(cells[0]); err != nil {
			return err
		}
	}
	// A cell that already holds a run must be resumable with its new
	// config.yaml before any is rewritten.
	if err := runner.CheckCells(cells); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	script, err := runner.WriteSweep(*root, cells, exe, slurmArgs)
	if err != nil {
		return err
	}
	if *slurm {
		fmt.Printf("%d cells in %s; submit with: sbatch %s\n", len(cells), *root, runner.ShellQuote(script))
		return nil
	}
	fmt.Printf("%d cells in %s, %d at a time (logs: <cell>/train.log)\n", len(cells), *root, min(*parallel, len(cells)))
	err = runner.RunLocal(ctx, cells, exe, *parallel, func(s string) { fmt.Println(s) })
	if errors.Is(err, context.Canceled) {
		return interrupted{errors.New("interrupted: cells saved their state; run the same command again to continue")}
	}
	if err != nil {
		return err
	}
	return collectTo(*root, filepath.Join(*root, "results.csv"), filepath.Join(*root, "results.md"))
}

func collectTo(root, csvPath, mdPath string) error {
	rs, err := runner.Collect(root, os.Stderr)
	if err != nil {
		return err
	}
	md, err := runner.WriteResults(root, rs, csvPath, mdPath)
	if err != nil {
		return err
	}
	fmt.Print(md)
	fmt.Printf("wrote %s and %s\n", csvPath, mdPath)
	return nil
}

func runCollect(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	root := fs.String("root", "runs/sweep", "folder holding run folders (config.yaml + metrics.csv)")
	csvPath := fs.String("csv", "", "CSV output (default <root>/results.csv)")
	mdPath := fs.String("md", "", "Markdown output (default <root>/results.md)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *csvPath == "" {
		*csvPath = filepath.Join(*root, "results.csv")
	}
	if *mdPath == "" {
		*mdPath = filepath.Join(*root, "results.md")
	}
	return collectTo(*root, *csvPath, *mdPath)
}
