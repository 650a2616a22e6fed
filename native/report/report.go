// Package report reproduces the claims of "Why is SAM Robust to Label
// Noise?" (Baek, Kolter, Raghunathan, ICLR 2024) on the toy models: it runs
// the experiments over several seeds, draws the figures as PNG files with
// gonum/plot, computes a verdict for every claim from the numbers and
// writes a Markdown report (README.md) that embeds them. Optionally it adds
// a table and curves from deep-network run folders of the native CLI.
//
// Verdicts are never tuned: every claim has a rule stated in the report
// (a margin and a per-seed agreement, see Combine and Greater), and a claim
// that fails its rule is reported as failing, with its numbers.
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/samlab/samlab/core/experiment"
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
	// Command is the command line printed in the report.
	Command string
	// Log receives progress lines (nil: none).
	Log io.Writer
}

// Claim is one section of the report.
type Claim struct {
	// N is the claim's number (1-8, 9 for the deep section).
	N int
	// Title is a short name; Statement the claim as the paper makes it.
	Title, Statement string
	// Setting describes the experiment in words.
	Setting string
	// Figures are PNG files in the output folder.
	Figures []Figure
	// Tables hold the results (mean ± std over seeds).
	Tables []Table
	// Tests are the numeric checks; Verdict is Combine(Tests).
	Tests   []Test
	Verdict Verdict
	// Rule states how the verdict is computed.
	Rule string
	// Headline is the one-line summary in the verdict table.
	Headline string
	// Configs are the experiment configs that produced the numbers.
	Configs []*experiment.Config
	// Notes are remarks (caveats, what the measurement means).
	Notes []string
}

// Figure is one PNG file of the report.
type Figure struct {
	// File is the file name inside the output folder.
	File string
	// Caption describes the figure.
	Caption string
}

// Table is a Markdown table.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
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
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("report: create output folder: %w", err)
	}
	rep := &Report{Options: opts, Started: time.Now().UTC(), Machine: Machine()}
	cpu0, load0 := cpuTime(), loadAvg()
	r := newRunner(opts.Workers, opts.Log)
	claims, err := toyClaims(ctx, r, opts.Plan, opts.Out)
	if err != nil {
		return nil, err
	}
	rep.Claims = claims
	if len(opts.Deep) > 0 {
		c, err := deepClaim(opts.Deep, opts.Out)
		if err != nil {
			return nil, err
		}
		rep.Claims = append(rep.Claims, c)
	}
	for _, c := range rep.Claims {
		c.Verdict = Combine(c.Tests)
	}
	rep.Runs = r.runs
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

// Machine describes this computer: CPU model, core count, OS/arch and Go version.
func Machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if i := strings.Index(l, ":"); i >= 0 {
					cpu = strings.TrimSpace(l[i+1:])
				}
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s/%s, %s", cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
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

// cpuTime returns this process's user + system CPU time from /proc/self/stat
// (Linux; 0 elsewhere), assuming the usual 100 clock ticks per second.
func cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndex(s, ")")
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	// Fields after the command: state(0) ... utime(11) stime(12).
	var ut, st int64
	if _, err := fmt.Sscan(f[11], &ut); err != nil {
		return 0
	}
	if _, err := fmt.Sscan(f[12], &st); err != nil {
		return 0
	}
	return time.Duration(ut+st) * (time.Second / 100)
}

// loadAvg returns the 1-minute load average from /proc/loadavg ("" elsewhere).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
