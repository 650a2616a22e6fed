package report

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/native/runner"
)

// figures draws test accuracy and clean-train accuracy per setting and,
// for the noisy settings, flipped-train accuracy (memorisation) per
// method, into out, the memorisation figure last; a second call returns
// the figures the first drew.
func (d *deepRuns) figures(out string) ([]Figure, error) {
	if d.figs != nil {
		return d.figs, nil
	}
	var acc, clean, mem []*panel
	for _, g := range d.groups {
		pa := newPlot(g.name(), "epoch", "test accuracy")
		pc := newPlot(g.name(), "epoch", "clean-train accuracy")
		pm := newPlot(g.name(), "epoch", "flipped-train accuracy (memorisation)")
		for _, k := range g.Keys {
			col := palette.Method(methodOf(k))
			x, m, sd := deepCurve(g.Runs[k], func(e runner.Row) float64 { return e.TestAcc })
			pa.line(trace{Label: keyLabel(k), Color: col, X: x, Y: m, Band: sd})
			x, m, sd = deepCurve(g.Runs[k], func(e runner.Row) float64 { return e.CleanAcc })
			pc.line(trace{Label: keyLabel(k), Color: col, X: x, Y: m, Band: sd})
			x, m, sd = deepCurve(g.Runs[k], func(e runner.Row) float64 { return e.FlippedAcc })
			pm.line(trace{Label: keyLabel(k), Color: col, X: x, Y: m, Band: sd})
		}
		pa.Legend.Top = false
		pc.Legend.Top = false
		pm.Legend.Top, pm.Legend.Left = false, true
		acc, clean = append(acc, pa), append(clean, pc)
		if g.Noise > 0 {
			mem = append(mem, pm)
		}
	}
	figs := []Figure{{File: "deep_test_accuracy.png", Caption: "Deep runs: test accuracy against epochs per method and noise rate (mean ± 1 std over seeds)."},
		{File: "deep_clean_train.png", Caption: "Deep runs: accuracy on the training examples whose labels were not flipped, against their (true) labels, per method and noise rate (mean ± 1 std over seeds)."}}
	for i, ps := range [][]*panel{acc, clean} {
		if err := grid(ps).save(filepath.Join(out, figs[i].File)); err != nil {
			return nil, err
		}
	}
	if len(mem) > 0 {
		f := Figure{File: "deep_flipped_train.png", Caption: "Deep runs: accuracy on the flipped training examples against their flipped labels (memorisation), per method, in the noisy settings (mean ± 1 std)."}
		if err := grid(mem).save(filepath.Join(out, f.File)); err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	d.figs = figs
	return figs, nil
}

// setting describes the runs in words.
func (d *deepRuns) setting() string {
	var names []string
	for _, g := range d.groups {
		names = append(names, g.name())
	}
	where := strings.Join(d.paths, ", ")
	if len(d.paths) > 3 {
		where = "under " + commonDir(d.paths)
	}
	s := fmt.Sprintf("%d run folders of the native CLI (%s) in %d settings: %s. Best test accuracy is the maximum over epochs (early stopping); comparisons are paired by seed.",
		len(d.runs), where, len(d.groups), strings.Join(names, "; "))
	if d.choice != nil {
		s += " Rho and the Reg-SGD coefficients were chosen on a held-out part of the training set (table below)."
	}
	return s
}

// commonDir returns the deepest folder holding every path.
func commonDir(paths []string) string {
	dir := filepath.Dir(paths[0])
	for _, p := range paths[1:] {
		for dir != "." && dir != "/" && !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			dir = filepath.Dir(dir)
		}
	}
	return dir
}
