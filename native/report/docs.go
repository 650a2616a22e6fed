package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DocFigures are the two toy figures copied into the project docs; the deep
// claims' figures follow them when the report has deep runs.
var DocFigures = []string{"claim1_test_accuracy.png", "claim3_linear_weights.png"}

// WriteDocs writes docs/report.md (the verdict table and two key figures,
// for the project README) into dir, copying the figures to dir/figures.
func (rep *Report) WriteDocs(dir string) error {
	fig := filepath.Join(dir, "figures")
	if err := os.MkdirAll(fig, 0o755); err != nil {
		return fmt.Errorf("report docs: %w", err)
	}
	files := append([]string(nil), DocFigures...)
	var deep *Claim
	for _, c := range rep.Claims {
		if c.ID == deepSectionID { // the claim that carries the deep section
			deep = c
			for _, f := range c.Figures {
				files = append(files, f.File)
			}
		}
	}
	for _, f := range files {
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
	fmt.Fprintf(&b, "`make report` (or `go run ./cmd/samlab report --out report/`) runs the toy experiments behind each claim of the paper over several seeds, draws the figures and writes `report/README.md`: one section per claim with its figures, a results table (mean ± std over seeds), the config that produced it and a verdict computed from the numbers (paired by seed; a gain counts when the t interval of its mean lies above the margin, no difference when it lies inside ± the margin; %s). `--quick` is a smoke test; `--deep <run folders>` adds the deep-network claims (D1-D5) from the native CLI's run folders, and `--deep-run fashion-mnist` first trains them (docs/native.md).\n", rep.Options.Plan.describeLooks())
	fmt.Fprintln(&b)
	rep.header(&b, "This copy of the report's verdict table was generated")
	rep.VerdictTable(&b, false)
	fmt.Fprintln(&b, "![claim 1](figures/claim1_test_accuracy.png)")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "*Claim 1: test accuracy against steps at 0% and 30% label noise (mean ± 1 std over seeds; triangles: mean best point); rows: the wide MLP (preset wide2d), the demo MLP (demo) and the high-dimensional linear model (highdim).*")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "![claim 3](figures/claim3_linear_weights.png)")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "*Claim 3: in a linear model 1-SAM re-weights examples by (1+e^m)/(1+e^(m-rho||x||)) (measured points on the closed form), and the clean/flipped gradient-norm ratio decays more slowly as rho grows.*")
	if deep != nil {
		fmt.Fprintln(&b)
		fmt.Fprintf(&b, "### Deep networks\n\n%s\n\n", deep.Setting)
		for _, t := range deep.Tables {
			writeTable(&b, t)
		}
		for _, f := range deep.Figures {
			fmt.Fprintf(&b, "![%s](figures/%s)\n\n*%s*\n\n", f.File, f.File, f.Caption)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("report docs: %w", err)
	}
	return nil
}
