package report

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot/vg"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/core/train"
)

// claim4: for a linear model L-SAM equals 1-SAM and J-SAM equals SGD, step
// for step.
func claim4(ctx context.Context, p *pool, plan Plan, seeds int, out string) (*Claim, error) {
	c, err := plan.preset(exactPreset, seeds)
	if err != nil {
		return nil, err
	}
	c.Name = "linear-exact"
	c.Methods = []string{"sgd", "jsam", "1sam", "lsam"}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("claim 4: %w", err)
	}
	c.Normalize()
	rho := rhoOf(c, "1sam")
	c.MethodRho = map[string]float64{"1sam": rho, "lsam": rho, "jsam": rho}
	cl := &Claim{Title: "For a linear model L-SAM equals 1-SAM and J-SAM equals SGD",
		Statement: "A linear model's Jacobian does not depend on the weights, so perturbing only the logit scale (L-SAM) is all of 1-SAM, and perturbing only the Jacobian (J-SAM) changes nothing (SGD).",
		Setting:   fmt.Sprintf("Preset %q (%s), %d seeds, rho %g for 1-SAM, L-SAM and J-SAM, from the same initial weights; the trajectories are compared after every step.", exactPreset, c.Description, c.Seeds, rho),
		Configs:   []*experiment.Config{c},
	}
	// Every run records its weights after every step.
	jobs := c.Jobs()
	ws := make([][][]float64, len(jobs)) // [job][step] weights
	for i := range jobs {
		jobs[i].Observe = func(_ *experiment.Setup, tr *train.Trainer) train.Recorder {
			tr.SetRecordEvery(1)
			return train.RecorderFunc(func(train.Metrics) error { ws[i] = append(ws[i], slices.Clone(tr.W)); return nil })
		}
	}
	res, err := p.jobs(ctx, "linear trajectories (claim 4)", jobs)
	if err != nil {
		return nil, fmt.Errorf("claim 4: %w", err)
	}
	run := func(m string, seed int) int { return slices.Index(c.Methods, m)*c.Seeds + seed }
	every := c.Train.Every()
	var steps, dLS, dJS []float64 // seed 0's differences at the recorded steps, for the figure
	var mls, mjs, sep []float64   // per seed: the largest relative differences
	for s := range c.Seeds {
		ls, one, js, sg := ws[run("lsam", s)], ws[run("1sam", s)], ws[run("jsam", s)], ws[run("sgd", s)]
		var maxLS, maxJS, sep1 float64
		for k := range ls {
			dls, djs := relDiff(ls[k], one[k]), relDiff(js[k], sg[k])
			maxLS, maxJS, sep1 = math.Max(maxLS, dls), math.Max(maxJS, djs), math.Max(sep1, relDiff(one[k], sg[k]))
			if s == 0 && (k%every == 0 || k == c.Train.Steps) {
				steps, dLS, dJS = append(steps, float64(k)), append(dLS, dls), append(dJS, djs)
			}
		}
		mls, mjs, sep = append(mls, maxLS), append(mjs, maxJS), append(sep, sep1)
	}
	acc := map[string][]float64{} // seed 0's test accuracy at the recorded steps
	for _, m := range c.Methods {
		for _, h := range res[run(m, 0)].History {
			if h.Step%every == 0 || h.Step == c.Train.Steps {
				acc[m] = append(acc[m], h.TestAcc)
			}
		}
	}
	pl := newPlot(fmt.Sprintf("test accuracy, seed %d", c.FirstSeed), "step", "test accuracy")
	for _, e := range []struct {
		m      string
		dashed bool
		w      vg.Length
	}{{"sgd", false, 4}, {"1sam", false, 4}, {"jsam", true, 1.5}, {"lsam", true, 1.5}} {
		pl.line(trace{Label: label(e.m), Color: palette.Method(e.m), Dashed: e.dashed, Width: vg.Points(float64(e.w)), X: steps, Y: acc[e.m]})
	}
	pl.Legend.Top = false
	pr := newPlot("relative difference ||w_a - w_b|| / ||w_b|| (log scale)", "step", "")
	logY(pr)
	floor := func(xs []float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = math.Max(x, 1e-17)
		}
		return out
	}
	pr.line(trace{Label: "L-SAM vs 1-SAM", Color: palette.Method("lsam"), X: steps, Y: floor(dLS)})
	pr.line(trace{Label: "J-SAM vs SGD", Color: palette.Method("jsam"), X: steps, Y: floor(dJS)})
	pr.line(trace{Label: fmt.Sprintf("tolerance %g", ExactTolerance), Color: color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}, Dashed: true, X: []float64{steps[0], steps[len(steps)-1]}, Y: []float64{ExactTolerance, ExactTolerance}})
	pr.Y.Min, pr.Y.Max = 1e-18, 1e-3
	pr.Legend.Top = true
	if err := row(pl, pr).save(filepath.Join(out, "claim4_exact_linear.png")); err != nil {
		return nil, err
	}
	cl.Figures = append(cl.Figures, Figure{File: "claim4_exact_linear.png", Caption: "Left: test accuracy of the four methods from the same start (SGD and 1-SAM thick, J-SAM and L-SAM dashed on top of them). Right: relative distance between the weight trajectories (values below 1e-17, including exact zeros, are drawn at 1e-17)."})
	maxLS, maxJS := floats.Max(mls), floats.Max(mjs)
	tb := Table{Header: []string{"pair", "largest relative difference over all steps and seeds", "for scale: 1-SAM vs SGD"}}
	tb.Rows = append(tb.Rows, []string{"L-SAM vs 1-SAM", fmt.Sprintf("%.2g", maxLS), statCell(sep, Plain)}, []string{"J-SAM vs SGD", fmt.Sprintf("%.2g", maxJS), statCell(sep, Plain)})
	cl.Tables = append(cl.Tables, tb)
	cl.Tests = []Test{
		Premise(Test{Name: "1-SAM and SGD themselves differ (the comparison is not vacuous)", Pass: mean(sep) > 1e-3, Detail: fmt.Sprintf("mean largest relative difference 1-SAM vs SGD %.3g (need > 1e-3)", mean(sep))}),
		Below("L-SAM's trajectory equals 1-SAM's", maxLS, ExactTolerance, "largest relative difference"),
		Below("J-SAM's trajectory equals SGD's", maxJS, ExactTolerance, "largest relative difference"),
	}
	cl.Rule = fmt.Sprintf("Holds when the largest relative weight difference over every step and seed is below %g for both pairs (float error), provided 1-SAM and SGD themselves differ by more than 1e-3.", ExactTolerance)
	cl.Headline = fmt.Sprintf("max relative difference L-SAM/1-SAM %.1g, J-SAM/SGD %.1g (1-SAM vs SGD %.2g)", maxLS, maxJS, mean(sep))
	return cl, nil
}

// relDiff is ||a - b|| / ||b|| (b = 0: the distance over 1e-300).
func relDiff(a, b []float64) float64 {
	return floats.Distance(a, b, 2) / math.Max(floats.Norm(b, 2), 1e-300)
}
