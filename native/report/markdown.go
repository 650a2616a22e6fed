package report

import (
	"fmt"
	"io"
	"os"
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
	fmt.Fprintln(w, "| # | claim | verdict | seeds | numbers (mean over seeds, [interval at the claim's level] of a difference) |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, c := range rep.Claims {
		title := c.Title
		if link {
			title = fmt.Sprintf("[%s](#%s)", c.Title, anchor(c))
		}
		fmt.Fprintf(w, "| %s | %s | **%s** | %s | %s |\n", c.ID, title, c.Verdict, seedsCell(c), esc(c.Headline))
	}
	fmt.Fprintln(w)
}

// seedsCell says how many seeds c's verdict rests on: "10", "30 (cap)"
// where an interval is still open at the cap.
func seedsCell(c *Claim) string {
	if c.Capped {
		return fmt.Sprintf("%d (cap)", c.Seeds)
	}
	return fmt.Sprint(c.Seeds)
}

// anchor is a claim's link target: claim-3 for claim 3, deep-1 for D1.
func anchor(c *Claim) string {
	if c.Deep() {
		return "deep-" + strings.TrimPrefix(c.ID, "D")
	}
	return "claim-" + c.ID
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
	fmt.Fprintf(w, "**How verdicts are computed.** Every claim is split into numeric tests computed from the runs below; nothing is tuned to agree with the paper. A comparison between methods is paired by seed (same data, same label noise, same initial weights) and judged on the Student t interval of the mean paired difference (mean ± t·sd/√n, n-1 degrees of freedom) at the claim's level (below): it passes when the interval lies above the stated margin, shows **no difference** when it lies inside ± the margin, and stays open (undecided) when it straddles a margin. A claim **holds** when all its tests pass and is **mixed** when some do; when none does it shows **no difference** if every interval lies inside its margin, is **inconclusive** if an interval is still open, and **does not hold** otherwise; it is also **inconclusive** when a premise fails (for example, there is no gain to recover). Seeds: %s; deciding at the first look that clears a margin then keeps that coverage. The seeds column says how many each needed (the first n seeds of the run, so a rerun repeats it). Accuracy margins are 1 percentage point; accuracies are percentages of the clean test set; ± is the standard deviation over seeds; [lo, hi] is the interval of a mean difference at its claim's level; \"(k/n)\" counts the seeds where the difference is positive.\n\n", rep.Options.Plan.describeLooks())
	fmt.Fprintf(w, "**Settings.** The presets are read when the report runs (their values are in each section's config). The nonlinear claims (2, 5-8) use preset `%s`, a wide one-hidden-layer ReLU network on few points that memorises the flipped labels within its training budget, which is the regime the paper is about. Claim 1 also reports the browser demo's MLP (preset `%s`) and the high-dimensional linear model (preset `%s`, also used by claim 3); claim 4 uses preset `%s`. The final flipped-train accuracy in claim 1's tables shows how much each setting memorises.\n\n", mainPreset, demoPreset, linearPreset, exactPreset)
	for _, c := range rep.Claims {
		rep.claimSection(w, c)
	}
	fmt.Fprintln(w, "## Reproduce")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "    %s\n\n", rep.Options.Command)
	fmt.Fprintln(w, "Every experiment config is written to `configs/` next to this file. The configs of claims 1, 2 and 5-8 are plain toy configs: `go run ./cmd/samlab toy --config configs/<name>.yaml` reruns one and prints its summary. Claims 3 and 4 measure per-example quantities and whole trajectories inside the report (native/report/claim3_measure.go and claim4.go) from the configs shown with them.")
}

func (rep *Report) claimSection(w io.Writer, c *Claim) {
	kind := "Claim"
	if c.Deep() {
		kind = "Deep claim"
	}
	fmt.Fprintf(w, "<a id=\"%s\"></a>\n## %s %s: %s\n\n", anchor(c), kind, c.ID, c.Title)
	fmt.Fprintf(w, "**Claim.** %s\n\n", c.Statement)
	fmt.Fprintf(w, "**Setting.** %s\n\n", c.Setting)
	for _, f := range c.Figures {
		fmt.Fprintf(w, "![%s](%s)\n\n*%s*\n\n", f.File, f.File, f.Caption)
	}
	for _, t := range c.Tables {
		writeTable(w, t)
	}
	fmt.Fprintf(w, "**Verdict: %s.** %s\n\n", c.Verdict, c.Headline)
	switch {
	case c.Deep():
		fmt.Fprintf(w, "*Seeds:* %d (the seeds of the run folders).\n\n", c.Seeds)
	case c.Capped:
		fmt.Fprintf(w, "*Seeds:* %d, the cap: an interval is still open there.\n\n", c.Seeds)
	default:
		fmt.Fprintf(w, "*Seeds:* %d: every interval decided.\n\n", c.Seeds)
	}
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
