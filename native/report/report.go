// Package report reproduces the claims of "Why is SAM Robust to Label
// Noise?" (Baek, Kolter, Raghunathan, ICLR 2024) on the toy models: it runs
// the experiments over several seeds, draws the figures as PNG files with
// gonum/plot, computes a verdict for every claim from the numbers and
// writes a Markdown report (README.md) that embeds them. Optionally it adds
// a table and curves from deep-network run folders of the native CLI.
//
// Verdicts are never tuned: every claim has a rule stated in the report
// (a margin and the 95% t interval of a paired difference, see Combine and
// Greater; every margin, tolerance and the seed counts are in verdict.go),
// and a claim that fails its rule
// is reported as failing, with its numbers.
//
// The files stand on floors, each using only what its own floor and those
// below declare (floors_test.go): the tools (stats.go with gonum/stat,
// tables.go for cells and units, verdict.go for the rules, perseed.go,
// curves.go, figures.go, grid.go and axes.go with gonum/plot); a claim's
// shape (claim.go); the evidence (plan.go sizes the experiments, runs.go
// runs them through core/experiment, experiments.go holds the named run
// sets shared by claims 1, 2 and 5-8, deepruns.go and deepgroups.go read
// the native CLI's run folders through native/runner, evidence.go makes
// each once, on first use); the claims, a room each with its prose,
// measurement, figure, table and tests (claim1.go ... claim8.go, claim 3's
// measurement and figure in claim3_measure.go and claim3_figure.go; the
// deep claims D1-D5 in deepclaims.go with their tables in deep.go and
// figures in deepfigures.go); the ordered claim list with the IDs
// (claims.go); the report and its Markdown (report.go, markdown.go,
// docs.go).
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/samlab/samlab/native/configfile"
)

// Options configures a report run.
type Options struct {
	// Out is the output folder (created); README.md and the figures go there.
	Out string
	// Plan sizes the experiments (DefaultPlan or QuickPlan).
	Plan Plan
	// Quick is recorded in the report (the plan is QuickPlan's).
	Quick bool
	// Workers is the number of parallel runs (0: GOMAXPROCS).
	Workers int
	// Deep lists deep-network run folders (or folders holding them), each
	// with config.yaml and metrics.csv; empty: no deep section.
	Deep []string
	// Claims, when not empty, names the only claims to build ("5", "D1"):
	// a follow-up on a few claims at another plan. CheckClaims names an
	// unknown one.
	Claims []string
	// Command is the command line printed in the report.
	Command string
	// Log receives progress lines (nil: none).
	Log io.Writer
}

// Report is a finished report.
type Report struct {
	Options  Options
	Claims   []*Claim
	Started  time.Time
	Duration time.Duration
	// Runs is the number of training runs made.
	Runs int
	// Machine describes the computer.
	Machine string
	// CPU is the process CPU time (user + system; 0 where unknown), and
	// Load the 1-minute load averages at the start and the end ("" where
	// unknown): the machine may be shared, so wall time alone misleads.
	CPU  time.Duration
	Load string
}

// Run runs every experiment, writes the figures and README.md into
// opts.Out and returns the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Out == "" {
		return nil, fmt.Errorf("report: no output folder")
	}
	if err := opts.Plan.Validate(); err != nil {
		return nil, err
	}
	if err := CheckClaims(opts.Claims); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("report: create output folder: %w", err)
	}
	rep := &Report{Options: opts, Started: time.Now().UTC(), Machine: Machine()}
	cpu0, load0 := cpuTime(), loadAvg()
	p := newPool(opts.Workers, opts.Log)
	ev := &evidence{ctx: ctx, pool: p, plan: opts.Plan, out: opts.Out, deepPaths: opts.Deep}
	claims, err := buildClaims(ev, func(e claimEntry) bool {
		return (!e.Deep || len(opts.Deep) > 0) && (len(opts.Claims) == 0 || slices.Contains(opts.Claims, e.ID))
	})
	if err != nil {
		return nil, err
	}
	rep.Claims = claims
	rep.Runs = p.runs
	rep.Duration = time.Since(rep.Started)
	if c := cpuTime(); c > 0 {
		rep.CPU = c - cpu0
	}
	if l := loadAvg(); load0 != "" && l != "" {
		rep.Load = load0 + " at the start, " + l + " at the end"
	}
	if err := rep.WriteMarkdown(filepath.Join(opts.Out, "README.md")); err != nil {
		return nil, err
	}
	if err := rep.writeConfigs(); err != nil {
		return nil, err
	}
	return rep, nil
}

// writeConfigs writes every experiment config as YAML under configs/.
func (rep *Report) writeConfigs() error {
	dir := filepath.Join(rep.Options.Out, "configs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, c := range rep.Claims {
		for _, cfg := range c.Configs {
			y, err := configfile.Marshal(cfg)
			if err != nil {
				return fmt.Errorf("report: config %s: %w", cfg.Name, err)
			}
			if err := os.WriteFile(filepath.Join(dir, cfg.Name+".yaml"), y, 0o644); err != nil {
				return fmt.Errorf("report: %w", err)
			}
		}
	}
	return nil
}
