package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/samlab/samlab/native/report"
)

func init() {
	register("report", "run the paper's claims on the toy models; write figures and report/README.md", runReport)
}

// runReport parses the report flags and writes the report.
func runReport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "report", "output folder for README.md, the figures and configs/")
	quick := fs.Bool("quick", false, "smoke test: 2 seeds, about an eighth of the steps, short sweeps (a few seconds to a minute)")
	seeds := fs.Int("seeds", 0, "fewest seeds a toy claim is judged on (default 10, quick 2)")
	firstSeed := fs.Int("first-seed", 0, "first toy seed (default 0, as the committed report); another value replicates the report on seeds it never saw")
	maxSeeds := fs.Int("max-seeds", 0, "most seeds a toy claim gets while an interval straddles its margin; its seeds double up to it (default 160, quick 2; at least -seeds)")
	workers := fs.Int("workers", 0, "parallel runs (default: number of CPUs)")
	docs := fs.String("docs", "", "also write <dir>/report.md and <dir>/figures/ (the README copy), e.g. docs")
	quiet := fs.Bool("quiet", false, "no progress lines")
	var deep, only listFlag
	fs.Var(&only, "claims", "build only these claims (IDs such as 5 or D1; repeat or separate with commas): a follow-up on a few claims, e.g. at a larger -max-seeds; not with -docs")
	fs.Var(&deep, "deep", "deep-network run folder (config.yaml + metrics.csv) or a folder holding them; repeat or separate with commas")
	deepRunData := fs.String("deep-run", "", "first train the small deep grid on this dataset (fashion-mnist, mnist, cifar10) with the native CLI (LibTorch build), then report it")
	deepSize := addDeepFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, v := range []struct {
		name string
		n    int
	}{{"seeds", *seeds}, {"max-seeds", *maxSeeds}, {"workers", *workers}} {
		if v.n < 0 || v.n > 1000 {
			return fmt.Errorf("-%s must be in [0, 1000], 0 meaning the default (got %d)", v.name, v.n)
		}
	}
	plan := report.DefaultPlan()
	if *quick {
		plan = report.QuickPlan()
	}
	if *seeds > 0 {
		plan.Seeds = *seeds
		plan.MaxSeeds = max(plan.MaxSeeds, *seeds)
	}
	if *maxSeeds > 0 {
		plan.MaxSeeds = *maxSeeds
	}
	if *firstSeed < 0 || *firstSeed > 1_000_000 {
		return fmt.Errorf("-first-seed must be in [0, 1000000] (got %d)", *firstSeed)
	}
	plan.FirstSeed = uint64(*firstSeed)
	if err := plan.Validate(); err != nil {
		return fmt.Errorf("-max-seeds %d: %w", *maxSeeds, err)
	}
	size, err := deepSize.size() // a bad plan is refused before anything is written
	if err != nil {
		return err
	}
	if *deepRunData != "" {
		if _, err := deepPlan(*deepRunData, *quick, size); err != nil {
			return err
		}
	}
	if err := report.CheckClaims(only); err != nil {
		return fmt.Errorf("-claims %s: %w", strings.Join(only, ","), err)
	}
	if len(only) > 0 && *docs != "" {
		return fmt.Errorf("-claims %s with -docs %s: the docs copy needs every claim", strings.Join(only, ","), *docs)
	}
	if err := checkWritable(*out); err != nil {
		return fmt.Errorf("-out %s: %w", *out, err)
	}
	if *docs != "" {
		if err := checkWritable(*docs); err != nil {
			return fmt.Errorf("-docs %s: %w", *docs, err)
		}
	}
	if len(deep) > 0 { // the run folders must be readable before minutes of toy runs
		if _, err := report.FindDeepRuns(deep); err != nil {
			return fmt.Errorf("-deep: %w", err)
		}
	}
	if *deepRunData != "" {
		var log io.Writer = os.Stderr
		if *quiet {
			log = nil
		}
		dirs, err := deepRun(ctx, *deepRunData, *out, *quick, size, log)
		if errors.Is(err, context.Canceled) {
			return interrupted{fmt.Errorf("interrupted: finished deep runs are kept; run the same command again to continue")}
		}
		if err != nil {
			return err
		}
		deep = append(deep, dirs...)
	}
	opts := report.Options{Out: *out, Plan: plan, Quick: *quick, Workers: *workers, Deep: deep, Claims: only,
		Command: "samlab report " + strings.Join(args, " "), Log: os.Stderr}
	if *quiet {
		opts.Log = nil
	}
	start := time.Now()
	rep, err := report.Run(ctx, opts)
	if errors.Is(err, context.Canceled) {
		return interrupted{fmt.Errorf("interrupted: the report was not written")}
	}
	if err != nil {
		return err
	}
	if *docs != "" {
		if err := rep.WriteDocs(*docs); err != nil {
			return err
		}
	}
	rep.VerdictTable(os.Stdout, false)
	fmt.Fprintf(os.Stderr, "report written to %s in %.1fs\n", filepath.Join(*out, "README.md"), time.Since(start).Seconds())
	return nil
}

// listFlag collects a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
