package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/samlab/samlab/native/configfile"
)

// WriteMarkdown writes the report as Markdown to path (figures are linked
// by file name, so path should be in the output folder).
func (rep *Report) WriteMarkdown(path string) error {
	var b strings.Builder
	rep.markdown(&b)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func (rep *Report) header(w io.Writer, lead string) {
	mode := "default"
	if rep.Options.Quick {
		mode = "quick (smoke test: few seeds and steps; the numbers are too noisy to judge the claims)"
	}
	took := rep.Duration.Round(time.Second).String()
	if rep.CPU > 0 {
		took += fmt.Sprintf(" wall, %s CPU", rep.CPU.Round(time.Second))
	}
	if rep.Load != "" {
		took += fmt.Sprintf("; load average %s on a shared machine", rep.Load)
	}
	fmt.Fprintf(w, "%s %s on %s by `%s` in %s (%d training runs; mode: %s).\n\n", lead,
		rep.Started.Format("2006-01-02 15:04 UTC"), rep.Machine, rep.Options.Command, took, rep.Runs, mode)
}

// VerdictTable writes the claim-by-claim verdict table.
func (rep *Report) VerdictTable(w io.Writer, link bool) {
	fmt.Fprintln(w, "| # | claim | verdict | numbers (mean over seeds) |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, c := range rep.Claims {
		title := c.Title
		if link {
			title = fmt.Sprintf("[%s](#%s)", c.Title, anchor(c))
		}
		fmt.Fprintf(w, "| %s | %s | **%s** | %s |\n", claimNum(c), title, c.Verdict, esc(c.Headline))
	}
	fmt.Fprintln(w)
}

func claimNum(c *Claim) string {
	if c.N == DeepClaimN {
		return "deep"
	}
	return fmt.Sprint(c.N)
}

func anchor(c *Claim) string {
	if c.N == DeepClaimN {
		return "deep-networks"
	}
	return fmt.Sprintf("claim-%d", c.N)
}

func esc(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func (rep *Report) markdown(w io.Writer) {
	fmt.Fprintln(w, "# Why is SAM robust to label noise? Reproduction report")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Claims of Baek, Kolter and Raghunathan, \"Why is SAM Robust to Label Noise?\" (ICLR 2024), checked on the samlab toy models.")
	fmt.Fprintln(w)
	rep.header(w, "Generated")
	fmt.Fprintln(w, "## Verdicts")
	fmt.Fprintln(w)
	rep.VerdictTable(w, true)
	fmt.Fprintln(w, "**How verdicts are computed.** Every claim is split into numeric tests computed from the runs below; nothing is tuned to agree with the paper. A comparison between methods is paired by seed (same data, same label noise, same initial weights) and passes when the mean difference exceeds the stated margin *and* has the right sign in at least two thirds of the seeds. A claim **holds** when all its tests pass, **does not hold** when none does, is **mixed** otherwise, and is **inconclusive** when a premise fails (for example, there is no gain to recover). Accuracy margins are 1 percentage point; accuracies are percentages of the clean test set; ± is the standard deviation over seeds; \"(k/n)\" counts the seeds where the difference is positive.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "**Settings.** The presets are read when the report runs (their values are in each section's config). The nonlinear claims (2, 5-8) use preset `%s`, a wide one-hidden-layer ReLU network on few points that memorises the flipped labels within its training budget, which is the regime the paper is about. Claim 1 also reports the browser demo's MLP (preset `%s`) and the high-dimensional linear model (preset `%s`, also used by claim 3); claim 4 uses preset `%s`. The final flipped-train accuracy in claim 1's tables shows how much each setting memorises.\n\n", mainPreset, demoPreset, linearPreset, exactPreset)
	for _, c := range rep.Claims {
		rep.claimSection(w, c)
	}
	fmt.Fprintln(w, "## Reproduce")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "    %s\n\n", rep.Options.Command)
	fmt.Fprintln(w, "Every experiment config is written to `configs/` next to this file. The configs of claims 1, 2 and 5-8 are plain toy configs: `go run ./cmd/samlab toy --config configs/<name>.yaml` reruns one and prints its summary. Claims 3 and 4 measure per-example quantities and whole trajectories inside the report (native/report/claims_linear.go) from the configs shown with them.")
}

func (rep *Report) claimSection(w io.Writer, c *Claim) {
	if c.N == DeepClaimN {
		fmt.Fprintf(w, "<a id=\"%s\"></a>\n## Deep networks: %s\n\n", anchor(c), c.Title)
	} else {
		fmt.Fprintf(w, "<a id=\"%s\"></a>\n## Claim %d: %s\n\n", anchor(c), c.N, c.Title)
	}
	fmt.Fprintf(w, "**Claim.** %s\n\n", c.Statement)
	fmt.Fprintf(w, "**Setting.** %s\n\n", c.Setting)
	for _, f := range c.Figures {
		fmt.Fprintf(w, "![%s](%s)\n\n*%s*\n\n", f.File, f.File, f.Caption)
	}
	for _, t := range c.Tables {
		writeTable(w, t)
	}
	fmt.Fprintf(w, "**Verdict: %s.** %s\n\n", c.Verdict, c.Headline)
	fmt.Fprint(w, summarize(c.Tests))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "*Rule:* %s\n\n", c.Rule)
	for _, n := range c.Notes {
		fmt.Fprintf(w, "*Note:* %s\n\n", n)
	}
	if len(c.Configs) > 0 {
		var names []string
		for _, cfg := range c.Configs {
			names = append(names, "`configs/"+cfg.Name+".yaml`")
		}
		if len(names) > 6 {
			names = append(names[:5], fmt.Sprintf("and %d more", len(names)-5))
		}
		fmt.Fprintf(w, "*Produced by* `%s`; configs: %s.\n\n", rep.Options.Command, strings.Join(names, ", "))
		y, err := configfile.Marshal(c.Configs[0])
		if err == nil {
			fmt.Fprintf(w, "<details><summary>config %s</summary>\n\n```yaml\n%s```\n\n</details>\n\n", c.Configs[0].Name, y)
		}
	}
}

func writeTable(w io.Writer, t Table) {
	if t.Caption != "" {
		fmt.Fprintf(w, "%s\n\n", t.Caption)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(escAll(t.Header), " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(t.Header)))
	for _, r := range t.Rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(escAll(r), " | "))
	}
	fmt.Fprintln(w)
}

func escAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = esc(x)
	}
	return out
}

// DocFigures are the two figures copied into the project docs.
var DocFigures = []string{"claim1_test_accuracy.png", "claim3_linear_weights.png"}

// WriteDocs writes docs/report.md (the verdict table and two key figures,
// for the project README) into dir, copying the figures to dir/figures.
func (rep *Report) WriteDocs(dir string) error {
	fig := filepath.Join(dir, "figures")
	if err := os.MkdirAll(fig, 0o755); err != nil {
		return fmt.Errorf("report docs: %w", err)
	}
	for _, f := range DocFigures {
		b, err := os.ReadFile(filepath.Join(rep.Options.Out, f))
		if err != nil {
			return fmt.Errorf("report docs: %w", err)
		}
		if err := os.WriteFile(filepath.Join(fig, f), b, 0o644); err != nil {
			return fmt.Errorf("report docs: %w", err)
		}
	}
	var b strings.Builder
	fmt.Fprintln(&b, "## The paper's claims, reproduced")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "`make report` (or `go run ./cmd/samlab report --out report/`) runs the toy experiments behind each claim of the paper over several seeds, draws the figures and writes `report/README.md`: one section per claim with its figures, a results table (mean ± std over seeds), the config that produced it and a verdict computed from the numbers (paired by seed; a gain counts when its mean exceeds the margin and its sign agrees in two thirds of the seeds). `--quick` is a smoke test; `--deep <run folders>` adds the deep-network table from the native CLI's `metrics.csv` files.")
	fmt.Fprintln(&b)
	rep.header(&b, "This copy of the report's verdict table was generated")
	rep.VerdictTable(&b, false)
	fmt.Fprintln(&b, "![claim 1](docs/figures/claim1_test_accuracy.png)")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "*Claim 1: test accuracy against steps at 0% and 30% label noise (mean ± 1 std over seeds; triangles: mean best point); rows: the wide MLP (preset wide2d), the demo MLP (demo) and the high-dimensional linear model (highdim).*")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "![claim 3](docs/figures/claim3_linear_weights.png)")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "*Claim 3: in a linear model 1-SAM re-weights examples by (1+e^m)/(1+e^(m-rho||x||)) (measured points on the closed form), and the clean/flipped gradient-norm ratio decays more slowly as rho grows.*")
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("report docs: %w", err)
	}
	return nil
}
