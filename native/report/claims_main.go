package report

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
)

// AccMargin is the accuracy margin of the toy claims: a gain counts when the
// mean paired gain exceeds one percentage point.
const AccMargin = 0.01

// NormMargin is the relative margin of claim 6: a norm is "smaller" when it
// is at least 5% below SGD's.
const NormMargin = 0.05

// Percent formats relative changes in percent.
var Percent = Unit{Scale: 100, Suffix: "%", Prec: 1}

var allMethods = []string{"sgd", "sam", "1sam", "lsam", "jsam", "regsgd"}

// mainRuns holds the results of the nonlinear experiments.
type mainRuns struct {
	noisy, clean       *experiment.Config
	noisyRes, cleanRes []experiment.Result
	grid               []*experiment.Config
	gridRes            [][]experiment.Result
	rho                []*experiment.Config
	rhoRes             [][]experiment.Result
	noise              []*experiment.Config
	noiseRes           [][]experiment.Result
	// The other settings of claim 1: the demo MLP and the high-dimensional
	// linear model.
	demoNoisy, demoClean       *experiment.Config
	demoNoisyRes, demoCleanRes []experiment.Result
	linNoisy, linClean         *experiment.Config
	linNoisyRes, linCleanRes   []experiment.Result
}

// pair returns a preset's config at its noise rate (0.3 if it has none)
// and a clean copy, for methods.
func (p Plan) pair(preset, name string, methods ...string) (noisy, clean *experiment.Config, err error) {
	if noisy, err = p.preset(preset, p.Seeds); err != nil {
		return nil, nil, err
	}
	noisy.Name, noisy.Methods = name+"-noisy", methods
	if noisy.Data.Noise == 0 {
		noisy.Data.Noise = 0.3
	}
	clean = noisy.Clone()
	clean.Name, clean.Data.Noise = name+"-clean", 0
	return noisy, clean, nil
}

// toyClaims runs the toy experiments and builds claims 1-8.
func toyClaims(ctx context.Context, r *runner, p Plan, out string) ([]*Claim, error) {
	mr, err := runMain(ctx, r, p)
	if err != nil {
		return nil, err
	}
	builders := []func(*mainRuns, string) (*Claim, error){claim1, claim2}
	var claims []*Claim
	for _, b := range builders {
		c, err := b(mr, out)
		if err != nil {
			return nil, err
		}
		claims = append(claims, c)
	}
	c3, err := claim3(ctx, r, p, out)
	if err != nil {
		return nil, err
	}
	c4, err := claim4(ctx, p, out)
	if err != nil {
		return nil, err
	}
	claims = append(claims, c3, c4)
	for _, b := range []func(*mainRuns, string) (*Claim, error){claim5, claim6, claim7, claim8} {
		c, err := b(mr, out)
		if err != nil {
			return nil, err
		}
		claims = append(claims, c)
	}
	return claims, nil
}

func runMain(ctx context.Context, r *runner, p Plan) (*mainRuns, error) {
	base, err := p.preset(mainPreset, p.Seeds)
	if err != nil {
		return nil, err
	}
	noise := base.Data.Noise
	if noise == 0 {
		noise = 0.3
	}
	mr := &mainRuns{}
	if mr.noisy, err = p.mainConfig("main-noisy", noise, p.Seeds, allMethods...); err != nil {
		return nil, err
	}
	if mr.clean, err = p.mainConfig("main-clean", 0, p.Seeds, "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	for _, ga := range p.Gammas {
		for _, gl := range p.Gammas {
			if ga == 0 && gl == 0 {
				continue
			}
			c, err := p.mainConfig(fmt.Sprintf("reg-ga%g-gl%g", ga, gl), noise, p.Seeds, "regsgd")
			if err != nil {
				return nil, err
			}
			c.Train.GammaAct, c.Train.GammaLast = ga, gl
			mr.grid = append(mr.grid, c)
		}
	}
	for _, s := range p.RhoScales {
		c, err := p.mainConfig(fmt.Sprintf("rho-x%g", s), noise, p.SweepSeeds, "sam", "1sam")
		if err != nil {
			return nil, err
		}
		c.MethodRho = map[string]float64{"sam": rhoOf(mr.noisy, "sam") * s, "1sam": rhoOf(mr.noisy, "1sam") * s}
		mr.rho = append(mr.rho, c)
	}
	for _, n := range p.Noises {
		c, err := p.mainConfig(fmt.Sprintf("noise-%g", n), n, p.SweepSeeds, "sgd", "sam", "1sam")
		if err != nil {
			return nil, err
		}
		mr.noise = append(mr.noise, c)
	}
	if mr.demoNoisy, mr.demoClean, err = p.pair(demoPreset, "demo", "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	if mr.linNoisy, mr.linClean, err = p.pair(linearPreset, "linear", "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	all := append([]*experiment.Config{mr.noisy, mr.clean, mr.demoNoisy, mr.demoClean, mr.linNoisy, mr.linClean}, mr.grid...)
	all = append(all, mr.rho...)
	all = append(all, mr.noise...)
	res, err := r.runAll(ctx, "nonlinear experiments (claims 1, 2, 5-8)", all...)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, rs := range res {
		errs = append(errs, runErrors(rs)...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("report: %d runs failed: %w", len(errs), errors.Join(errs...))
	}
	mr.noisyRes, mr.cleanRes, mr.demoNoisyRes, mr.demoCleanRes, mr.linNoisyRes, mr.linCleanRes = res[0], res[1], res[2], res[3], res[4], res[5]
	k := 6
	mr.gridRes, k = res[k:k+len(mr.grid)], k+len(mr.grid)
	mr.rhoRes, k = res[k:k+len(mr.rho)], k+len(mr.rho)
	mr.noiseRes = res[k : k+len(mr.noise)]
	return mr, nil
}

// statCell formats mean ± std of xs.
func statCell(xs []float64, u Unit) string {
	s := experiment.NewStat(xs)
	if s.N == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.*f ± %.*f", u.Prec, s.Mean*u.Scale, u.Prec, s.Std*u.Scale)
}

// gainCell formats the paired difference a-b: mean ± std (wins/n).
func gainCell(a, b []float64, u Unit) string {
	p := NewPaired(a, b)
	if len(p.Diff) == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%+.*f ± %.*f (%d/%d)", u.Prec, p.Mean()*u.Scale, u.Prec, p.Std()*u.Scale, p.Wins(), len(p.Diff))
}

func pctNoise(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// curvesPlot draws metric f against steps for methods, with seed bands;
// marks, if set, adds a triangle at (mean best step, mean best accuracy).
func curvesPlot(title, ylabel string, res []experiment.Result, methods []string, f func(train.Metrics) float64, marks, zoom bool) (*plot.Plot, error) {
	p := newPlot(title, "step", ylabel)
	var ss []series
	for _, m := range methods {
		s := curve(res, m, f)
		ss = append(ss, s)
		if err := addTrace(p, trace{Label: label(m), Color: methodColor(m), X: s.Steps, Y: s.Mean, Band: s.Std}); err != nil {
			return nil, err
		}
	}
	if zoom {
		zoomY(p, ss)
	}
	if marks {
		for _, m := range methods {
			x := mean(perSeed(res, m, bestStep))
			y := mean(perSeed(res, m, bestAcc))
			if err := addMarks(p, []float64{x}, []float64{y}, methodColor(m), draw.PyramidGlyph{}, vg.Points(5), ""); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// setting1 is one model setting of claim 1: the same methods at a noise
// rate and without noise.
type setting1 struct {
	name, preset       string
	noisy, clean       *experiment.Config
	noisyRes, cleanRes []experiment.Result
}

func claim1(mr *mainRuns, out string) (*Claim, error) {
	settings := []setting1{{"wide MLP", mainPreset, mr.noisy, mr.clean, mr.noisyRes, mr.cleanRes}}
	if mr.demoNoisy != nil {
		settings = append(settings, setting1{"demo MLP", demoPreset, mr.demoNoisy, mr.demoClean, mr.demoNoisyRes, mr.demoCleanRes})
	}
	if mr.linNoisy != nil {
		settings = append(settings, setting1{"linear", linearPreset, mr.linNoisy, mr.linClean, mr.linNoisyRes, mr.linCleanRes})
	}
	c := &Claim{N: 1, Title: "SAM and 1-SAM reach a higher early-stopping test accuracy under label noise",
		Statement: "With label noise, SAM and above all 1-SAM reach a higher best (early-stopping) test accuracy than SGD; without noise the gap is small.",
		Rule:      "Each \"beats\" test: the mean paired gain (same seed, same data and initial weights) exceeds the margin and the sign agrees in at least two thirds of the seeds. Holds when every test of every setting passes, does not hold when none does, mixed otherwise.",
	}
	var set, heads []string
	var plots [][]*plot.Plot
	ms := []string{"sgd", "sam", "1sam"}
	b := func(res []experiment.Result, m string) []float64 { return perSeed(res, m, bestAcc) }
	for _, st := range settings {
		noise := st.noisy.Data.Noise
		set = append(set, fmt.Sprintf("%s: preset %q (%s), %d seeds, at %s and 0%% label noise, metrics every %d steps", st.name, st.preset, st.noisy.Description, st.noisy.Seeds, pctNoise(noise), st.noisy.Train.RecordEvery))
		c.Configs = append(c.Configs, st.noisy, st.clean)
		pl, err := curvesPlot(st.name+", 0% label noise", "test accuracy", st.cleanRes, ms, func(m train.Metrics) float64 { return m.TestAcc }, true, true)
		if err != nil {
			return nil, err
		}
		pr, err := curvesPlot(st.name+", "+pctNoise(noise)+" label noise", "test accuracy", st.noisyRes, ms, func(m train.Metrics) float64 { return m.TestAcc }, true, true)
		if err != nil {
			return nil, err
		}
		pl.Legend.Left, pl.Legend.Top = false, false
		pr.Legend.Left, pr.Legend.Top = false, false
		plots = append(plots, []*plot.Plot{pl, pr})
		t := Table{Caption: st.name + " (preset " + st.preset + ").", Header: []string{"method", "rho", "best test acc, " + pctNoise(noise) + " noise (%)", "best step", "final test acc (%)", "final flipped-train acc (%)", "best test acc, 0% noise (%)", "gain over SGD, noisy (pts, wins)", "gain over SGD, clean (pts, wins)"}}
		for _, m := range ms {
			t.Rows = append(t.Rows, []string{label(m), fmtG(rhoOf(st.noisy, m)), statCell(b(st.noisyRes, m), Points), statCell(perSeed(st.noisyRes, m, bestStep), Unit{Scale: 1, Prec: 0}),
				statCell(perSeed(st.noisyRes, m, func(h []train.Metrics) float64 { return h[len(h)-1].TestAcc }), Points), statCell(perSeed(st.noisyRes, m, finalFlip), Points), statCell(b(st.cleanRes, m), Points),
				gainCell(b(st.noisyRes, m), b(st.noisyRes, "sgd"), Points), gainCell(b(st.cleanRes, m), b(st.cleanRes, "sgd"), Points)})
		}
		c.Tables = append(c.Tables, t)
		sgdN, samN, oneN := b(st.noisyRes, "sgd"), b(st.noisyRes, "sam"), b(st.noisyRes, "1sam")
		sgdC, samC, oneC := b(st.cleanRes, "sgd"), b(st.cleanRes, "sam"), b(st.cleanRes, "1sam")
		g1, gs := NewPaired(oneN, sgdN).Mean(), NewPaired(samN, sgdN).Mean()
		pre := st.name + ": "
		c.Tests = append(c.Tests,
			Greater(pre+"1-SAM beats SGD at "+pctNoise(noise)+" noise", oneN, sgdN, AccMargin, Points),
			Greater(pre+"SAM beats SGD at "+pctNoise(noise)+" noise", samN, sgdN, AccMargin, Points),
			Greater(pre+"1-SAM beats SAM at "+pctNoise(noise)+" noise (\"above all 1-SAM\")", oneN, samN, 0, Points),
			Within(pre+"1-SAM's gain over SGD without noise is small (at most max(1 pt, half its noisy gain))", NewPaired(oneC, sgdC).Mean(), math.Max(AccMargin, math.Abs(g1)/2), Points),
			Within(pre+"SAM's gain over SGD without noise is small (at most max(1 pt, half its noisy gain))", NewPaired(samC, sgdC).Mean(), math.Max(AccMargin, math.Abs(gs)/2), Points),
		)
		heads = append(heads, fmt.Sprintf("%s noisy: 1-SAM %s, SAM %s over SGD; clean: 1-SAM %s, SAM %s", st.name,
			Points.Signed(g1), Points.Signed(gs), Points.Signed(NewPaired(oneC, sgdC).Mean()), Points.Signed(NewPaired(samC, sgdC).Mean())))
	}
	c.Setting = strings.Join(set, ". ") + ". Best test accuracy is the maximum over the recorded steps."
	c.Headline = strings.Join(heads, "; ")
	f := figure{Plots: plots, Width: 2 * panelW, Height: panelH * vg.Length(len(plots))}
	if err := f.save(filepath.Join(out, "claim1_test_accuracy.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim1_test_accuracy.png",
		Caption: "Test accuracy against steps without and with label noise (mean over seeds, band ± 1 std); triangles mark the mean best step and mean best accuracy (a triangle far above its curve means the per-seed curves fluctuate from one record to the next, so part of each per-seed maximum is noise). Rows: the wide MLP (the main nonlinear setting), the demo MLP and the high-dimensional linear model."})
	return c, nil
}

func claim2(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.Data.Noise
	c := &Claim{N: 2, Title: "SAM fits the clean examples before the flipped ones",
		Statement: "SAM learns the clean training examples while it still gets the flipped (mislabeled) ones wrong, for longer than SGD does.",
		Setting:   fmt.Sprintf("The %s-noise runs of claim 1 (preset %q, %d seeds). Clean-train accuracy is measured against the true labels of the clean subset; flipped-train accuracy against the flipped labels (so it measures memorisation).", pctNoise(noise), mainPreset, mr.noisy.Seeds),
		Configs:   []*experiment.Config{mr.noisy},
	}
	ms := []string{"sgd", "sam", "1sam", "jsam"}
	pl, err := curvesPlot("clean training examples", "clean-train accuracy", mr.noisyRes, ms, func(m train.Metrics) float64 { return m.CleanAcc }, false, true)
	if err != nil {
		return nil, err
	}
	pr, err := curvesPlot("flipped training examples (memorisation)", "flipped-train accuracy", mr.noisyRes, ms, func(m train.Metrics) float64 { return m.FlippedAcc }, false, false)
	if err != nil {
		return nil, err
	}
	pl.Legend.Top = false
	pr.Legend.Top, pr.Legend.Left = true, false
	if err := row(pl, pr).save(filepath.Join(out, "claim2_clean_vs_flipped.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim2_clean_vs_flipped.png", Caption: "Train accuracy on the clean subset (left) and on the flipped subset against its flipped labels (right), mean ± 1 std over seeds."})
	t := Table{Header: []string{"method", "time-averaged clean − flipped acc (pts)", "final clean acc (%)", "final flipped acc (%)", "runs memorising (flipped acc > 50%)"}}
	for _, m := range ms {
		mem := 0
		for _, r := range byMethod(mr.noisyRes, m) {
			if experiment.MemorizeStep(r.History) >= 0 {
				mem++
			}
		}
		t.Rows = append(t.Rows, []string{label(m), statCell(perSeed(mr.noisyRes, m, meanGap), Points), statCell(perSeed(mr.noisyRes, m, finalClean), Points),
			statCell(perSeed(mr.noisyRes, m, finalFlip), Points), fmt.Sprintf("%d/%d", mem, len(byMethod(mr.noisyRes, m)))})
	}
	c.Tables = append(c.Tables, t)
	gap := func(m string) []float64 { return perSeed(mr.noisyRes, m, meanGap) }
	flip := func(m string) []float64 { return perSeed(mr.noisyRes, m, finalFlip) }
	c.Tests = []Test{
		Greater("SAM's clean − flipped gap, averaged over training, exceeds SGD's", gap("sam"), gap("sgd"), AccMargin, Points),
		Greater("1-SAM's clean − flipped gap, averaged over training, exceeds SGD's", gap("1sam"), gap("sgd"), AccMargin, Points),
		Greater("SAM has memorised fewer flipped labels than SGD at the last step", flip("sgd"), flip("sam"), AccMargin, Points),
		Greater("1-SAM has memorised fewer flipped labels than SGD at the last step", flip("sgd"), flip("1sam"), AccMargin, Points),
	}
	c.Rule = "Paired over seeds: the mean difference exceeds 1 pt and has the right sign in at least two thirds of the seeds. Holds when all four tests pass, does not hold when none does."
	c.Headline = fmt.Sprintf("clean − flipped gap: SGD %s, SAM %s, 1-SAM %s; final flipped acc SGD %s, SAM %s, 1-SAM %s",
		Points.Abs(mean(gap("sgd"))), Points.Abs(mean(gap("sam"))), Points.Abs(mean(gap("1sam"))), Points.Abs(mean(flip("sgd"))), Points.Abs(mean(flip("sam"))), Points.Abs(mean(flip("1sam"))))
	return c, nil
}

func claim5(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.Data.Noise
	c := &Claim{N: 5, Title: "In the nonlinear model, J-SAM recovers most of 1-SAM's gain and L-SAM does not",
		Statement: "Splitting 1-SAM's per-example perturbation into its logit-scale part (L-SAM) and its Jacobian part (J-SAM): in a network the Jacobian part carries nearly all the gain.",
		Setting:   fmt.Sprintf("The %s-noise runs of claim 1 (preset %q, %d seeds); L-SAM and J-SAM use 1-SAM's rho.", pctNoise(noise), mainPreset, mr.noisy.Seeds),
		Configs:   []*experiment.Config{mr.noisy},
	}
	ms := []string{"sgd", "1sam", "lsam", "jsam"}
	p, err := curvesPlot(fmt.Sprintf("%s label noise: logit vs Jacobian part", pctNoise(noise)), "test accuracy", mr.noisyRes, ms, func(m train.Metrics) float64 { return m.TestAcc }, true, true)
	if err != nil {
		return nil, err
	}
	p.Legend.Top = false
	if err := row(p).save(filepath.Join(out, "claim5_lsam_jsam.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim5_lsam_jsam.png", Caption: "Test accuracy of SGD, 1-SAM, L-SAM and J-SAM (mean ± 1 std); triangles mark the mean best point."})
	b := func(m string) []float64 { return perSeed(mr.noisyRes, m, bestAcc) }
	g1 := NewPaired(b("1sam"), b("sgd")).Mean()
	t := Table{Header: []string{"method", "rho", "best test acc (%)", "gain over SGD (pts, wins)", "share of 1-SAM's gain"}}
	for _, m := range ms {
		t.Rows = append(t.Rows, []string{label(m), fmtG(rhoOf(mr.noisy, m)), statCell(b(m), Points), gainCell(b(m), b("sgd"), Points), pct(NewPaired(b(m), b("sgd")).Mean(), g1)})
	}
	c.Tables = append(c.Tables, t)
	c.Tests = []Test{
		Premise(Greater("1-SAM has a gain over SGD to recover", b("1sam"), b("sgd"), AccMargin, Points)),
		AtLeastFraction("J-SAM recovers at least half of 1-SAM's gain", b("jsam"), b("1sam"), b("sgd"), 0.5, Points),
		BelowFraction("L-SAM recovers less than half of 1-SAM's gain", b("lsam"), b("1sam"), b("sgd"), 0.5, Points),
	}
	c.Rule = "Premise: 1-SAM beats SGD by more than 1 pt in at least two thirds of the seeds (otherwise the claim is inconclusive here). \"Most\" is read as at least half of 1-SAM's mean gain, with J-SAM ahead of SGD (resp. 1-SAM ahead of L-SAM) in at least two thirds of the seeds."
	c.Headline = fmt.Sprintf("gains over SGD: 1-SAM %s, J-SAM %s, L-SAM %s", Points.Signed(g1),
		Points.Signed(NewPaired(b("jsam"), b("sgd")).Mean()), Points.Signed(NewPaired(b("lsam"), b("sgd")).Mean()))
	return c, nil
}

func claim6(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.Data.Noise
	c := &Claim{N: 6, Title: "J-SAM and SAM keep the last-layer weight norm and the hidden-activation norm smaller",
		Statement: "J-SAM acts as SGD with l2 penalties on the last-layer weights and the last hidden activations; J-SAM and SAM keep both norms smaller than SGD does.",
		Setting:   fmt.Sprintf("The %s-noise runs of claim 1 (preset %q, %d seeds). ||W_last|| is the Frobenius norm of the last layer's weights; ||h|| the mean norm of the last hidden activations over the training set.", pctNoise(noise), mainPreset, mr.noisy.Seeds),
		Configs:   []*experiment.Config{mr.noisy},
	}
	ms := []string{"sgd", "sam", "1sam", "jsam", "regsgd"}
	pl, err := curvesPlot("last-layer weight norm", "||W_last||", mr.noisyRes, ms, func(m train.Metrics) float64 { return m.LastNorm }, false, false)
	if err != nil {
		return nil, err
	}
	pr, err := curvesPlot("hidden-activation norm", "mean ||h_i||", mr.noisyRes, ms, func(m train.Metrics) float64 { return m.HiddenNorm }, false, false)
	if err != nil {
		return nil, err
	}
	pl.Legend.Top, pl.Legend.Left = true, true
	pr.Legend.Top, pr.Legend.Left = true, true
	if err := row(pl, pr).save(filepath.Join(out, "claim6_norms.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim6_norms.png", Caption: "Last-layer weight norm (left) and mean last-hidden-activation norm (right) against steps, mean ± 1 std."})
	red := func(m string, f func([]train.Metrics) float64) []float64 {
		s, x := perSeed(mr.noisyRes, "sgd", f), perSeed(mr.noisyRes, m, f)
		out := make([]float64, len(s))
		for i := range s {
			out[i] = (s[i] - x[i]) / s[i]
		}
		return out
	}
	zero := make([]float64, mr.noisy.Seeds)
	t := Table{Header: []string{"method", "final ||W_last||", "reduction vs SGD", "final mean ||h||", "reduction vs SGD"}}
	for _, m := range ms {
		t.Rows = append(t.Rows, []string{label(m), statCell(perSeed(mr.noisyRes, m, finalLast), Plain), gainCell(red(m, finalLast), zero, Percent),
			statCell(perSeed(mr.noisyRes, m, finalHidden), Plain), gainCell(red(m, finalHidden), zero, Percent)})
	}
	c.Tables = append(c.Tables, t)
	c.Tests = []Test{
		Greater("J-SAM's final ||W_last|| is smaller than SGD's", red("jsam", finalLast), zero, NormMargin, Percent),
		Greater("J-SAM's final mean ||h|| is smaller than SGD's", red("jsam", finalHidden), zero, NormMargin, Percent),
		Greater("SAM's final ||W_last|| is smaller than SGD's", red("sam", finalLast), zero, NormMargin, Percent),
		Greater("SAM's final mean ||h|| is smaller than SGD's", red("sam", finalHidden), zero, NormMargin, Percent),
	}
	c.Rule = "Relative reduction (SGD − method)/SGD at the last step, paired by seed: the mean must exceed 5% and the reduction be positive in at least two thirds of the seeds."
	c.Headline = fmt.Sprintf("reduction vs SGD: J-SAM ||W_last|| %s, ||h|| %s; SAM ||W_last|| %s, ||h|| %s",
		Percent.Signed(mean(red("jsam", finalLast))), Percent.Signed(mean(red("jsam", finalHidden))), Percent.Signed(mean(red("sam", finalLast))), Percent.Signed(mean(red("sam", finalHidden))))
	return c, nil
}

func claim7(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.Data.Noise
	S := mr.noisy.Seeds
	c := &Claim{N: 7, Title: "Regularized SGD narrows the gap between SGD and SAM",
		Statement: "SGD with explicit penalties gamma_act*||h||^2 + gamma_last*||W_last||^2 (the penalties J-SAM induces) recovers part of SAM's gain.",
		Configs:   append([]*experiment.Config{mr.noisy}, mr.grid...),
	}
	gammas := gridValues(mr)
	nsel := S / 2
	if S == 1 {
		nsel = 1
	}
	c.Setting = fmt.Sprintf("Preset %q at %s noise, %d seeds, Reg-SGD over the grid gamma_act x gamma_last in %v (the cell 0,0 is SGD). The grid cell is chosen on seeds 0-%d and judged on the other seeds, so the choice is not fitted to the seeds it is judged on.",
		mainPreset, pctNoise(noise), S, gammas, nsel-1)
	if S == 1 {
		c.Notes = append(c.Notes, "Only one seed: the grid cell is chosen and judged on the same seed, so the Reg-SGD gain is optimistic.")
	}
	// best accuracy per grid cell, per seed.
	b := func(res []experiment.Result, m string) []float64 { return perSeed(res, m, bestAcc) }
	sgd := b(mr.noisyRes, "sgd")
	cell := map[[2]float64][]float64{{0, 0}: sgd}
	for i, g := range mr.grid {
		cell[[2]float64{g.Train.GammaAct, g.Train.GammaLast}] = b(mr.gridRes[i], "regsgd")
	}
	sel, held := func(xs []float64) []float64 { return xs[:nsel] }, func(xs []float64) []float64 {
		if S == 1 {
			return xs
		}
		return xs[nsel:]
	}
	var bestKey [2]float64
	bestVal := math.Inf(-1)
	for _, ga := range gammas {
		for _, gl := range gammas {
			if ga == 0 && gl == 0 {
				continue
			}
			if v := mean(sel(cell[[2]float64{ga, gl}])); v > bestVal {
				bestVal, bestKey = v, [2]float64{ga, gl}
			}
		}
	}
	// heat map
	z := make([][]float64, len(gammas))
	t := Table{Caption: "Best test accuracy (%) of Reg-SGD, mean ± std over all seeds; rows gamma_act, columns gamma_last.", Header: []string{"gamma_act \\ gamma_last"}}
	for _, gl := range gammas {
		t.Header = append(t.Header, fmtG(gl))
	}
	var labels plotter.XYLabels
	for i, ga := range gammas {
		row := []string{fmtG(ga)}
		for j, gl := range gammas {
			v := cell[[2]float64{ga, gl}]
			z[i] = append(z[i], mean(v))
			row = append(row, statCell(v, Points))
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(i)})
			labels.Labels = append(labels.Labels, fmt.Sprintf("%.1f", 100*mean(v)))
		}
		t.Rows = append(t.Rows, row)
	}
	hm := newPlot("Reg-SGD best test accuracy (%)", "gamma_last", "gamma_act")
	hm.Add(plotter.NewHeatMap(heatGrid{V: z}, lighten(moreland.SmoothBlueRed().Palette(64).Colors())))
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("claim 7: %w", err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].XAlign, lb.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
		lb.TextStyle[i].Font.Size = vg.Points(11)
	}
	hm.Add(lb)
	names := make(ticks, len(gammas))
	for i, g := range gammas {
		names[i] = fmtG(g)
	}
	hm.X.Tick.Marker, hm.Y.Tick.Marker = names, names
	hm.X.Padding, hm.Y.Padding = 0, 0
	// the selected cell
	sx, sy := indexOf(gammas, bestKey[1]), indexOf(gammas, bestKey[0])
	if err := addMarks(hm, []float64{float64(sx)}, []float64{float64(sy)}, color.Black, draw.RingGlyph{}, vg.Points(22), ""); err != nil {
		return nil, err
	}
	hm.Title.Text = "Reg-SGD best test accuracy (%); ring: selected cell"
	var selRes []experiment.Result
	for i, g := range mr.grid {
		if g.Train.GammaAct == bestKey[0] && g.Train.GammaLast == bestKey[1] {
			selRes = mr.gridRes[i]
		}
	}
	cp, err := curvesPlot(pctNoise(noise)+" label noise", "test accuracy", mr.noisyRes, []string{"sgd", "sam", "1sam", "regsgd"}, func(m train.Metrics) float64 { return m.TestAcc }, false, true)
	if err != nil {
		return nil, err
	}
	if selRes != nil {
		s := curve(selRes, "regsgd", func(m train.Metrics) float64 { return m.TestAcc })
		if err := addTrace(cp, trace{Label: fmt.Sprintf("Reg-SGD (%g, %g) selected", bestKey[0], bestKey[1]), Color: methodColor("regsgd"), Dashed: true, X: s.Steps, Y: s.Mean}); err != nil {
			return nil, err
		}
	}
	cp.Legend.Top = false
	if err := row(hm, cp).save(filepath.Join(out, "claim7_regsgd.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim7_regsgd.png", Caption: fmt.Sprintf("Left: best test accuracy over the Reg-SGD grid (mean over all seeds; the cell 0,0 is SGD; the ring marks the cell chosen on seeds 0-%d). Right: test accuracy against steps for SGD, SAM, 1-SAM, the preset's Reg-SGD (gamma_act %g, gamma_last %g) and the selected cell (dashed).", nsel-1, mr.noisy.Train.GammaAct, mr.noisy.Train.GammaLast)})
	c.Tables = append(c.Tables, t)

	regSel := cell[bestKey]
	samB, oneB := b(mr.noisyRes, "sam"), b(mr.noisyRes, "1sam")
	ref, refName := samB, "SAM"
	if mean(held(oneB)) > mean(held(samB)) {
		ref, refName = oneB, "1-SAM"
	}
	preset := b(mr.noisyRes, "regsgd")
	s2 := Table{Caption: fmt.Sprintf("On the held-out seeds (%d of %d).", len(held(sgd)), S), Header: []string{"method", "best test acc (%)", "gain over SGD (pts, wins)"}}
	for _, e := range []struct {
		n  string
		xs []float64
	}{{"SGD", sgd}, {"SAM", samB}, {"1-SAM", oneB}, {fmt.Sprintf("Reg-SGD preset (%g, %g)", mr.noisy.Train.GammaAct, mr.noisy.Train.GammaLast), preset}, {fmt.Sprintf("Reg-SGD selected (%g, %g)", bestKey[0], bestKey[1]), regSel}} {
		s2.Rows = append(s2.Rows, []string{e.n, statCell(held(e.xs), Points), gainCell(held(e.xs), held(sgd), Points)})
	}
	c.Tables = append(c.Tables, s2)
	c.Tests = []Test{
		Premise(Greater("the better SAM variant ("+refName+") beats SGD on the held-out seeds (a gap to narrow)", held(ref), held(sgd), AccMargin, Points)),
		Greater("selected Reg-SGD beats SGD on the held-out seeds", held(regSel), held(sgd), AccMargin, Points),
		AtLeastFraction("selected Reg-SGD closes at least a quarter of the gap to "+refName+" on the held-out seeds", held(regSel), held(ref), held(sgd), 0.25, Points),
		Greater("the preset's Reg-SGD beats SGD (all seeds, no selection)", preset, sgd, AccMargin, Points),
	}
	c.Rule = "Premise: a SAM variant beats SGD by more than 1 pt (else inconclusive). Then Reg-SGD must beat SGD by more than 1 pt in at least two thirds of the seeds and close at least 25% of the gap (the paper: 17 pts narrowed to 9, about half)."
	c.Headline = fmt.Sprintf("held-out gains over SGD: %s %s, selected Reg-SGD %s; preset Reg-SGD %s (all seeds)", refName,
		Points.Signed(NewPaired(held(ref), held(sgd)).Mean()), Points.Signed(NewPaired(held(regSel), held(sgd)).Mean()), Points.Signed(NewPaired(preset, sgd).Mean()))
	return c, nil
}

func gridValues(mr *mainRuns) []float64 {
	set := map[float64]bool{0: true}
	for _, g := range mr.grid {
		set[g.Train.GammaAct], set[g.Train.GammaLast] = true, true
	}
	var out []float64
	for v := range set {
		out = append(out, v)
	}
	sort.Float64s(out)
	return out
}

func indexOf(xs []float64, x float64) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func claim8(mr *mainRuns, out string) (*Claim, error) {
	S := mr.rho[0].Seeds
	noise := mr.noisy.Data.Noise
	c := &Claim{N: 8, Title: "Sensitivity to rho and to the noise rate",
		Statement: "SAM's advantage is not a single lucky setting: it holds over a range of rho and grows with the label-noise rate.",
		Setting:   fmt.Sprintf("Preset %q, %d seeds: SAM and 1-SAM at rho = preset rho x %v at %s noise; SGD, SAM and 1-SAM at noise rates %v with the preset rhos.", mainPreset, S, scalesOf(mr), pctNoise(noise), noisesOf(mr)),
		Configs:   append(append([]*experiment.Config{}, mr.rho...), mr.noise...),
	}
	b := func(res []experiment.Result, m string) []float64 { return perSeed(res, m, bestAcc) }
	// SGD at the noisy rate with the sweep seeds.
	var sgdNoisy []float64
	for i, cfg := range mr.noise {
		if cfg.Data.Noise == noise {
			sgdNoisy = b(mr.noiseRes[i], "sgd")
		}
	}
	if sgdNoisy == nil {
		sgdNoisy = b(mr.noisyRes, "sgd")[:S]
	}
	pr := newPlot(fmt.Sprintf("best test accuracy vs rho (%s noise)", pctNoise(noise)), "rho (log scale)", "best test accuracy")
	pr.X.Scale, pr.X.Tick.Marker = plot.LogScale{}, decades{}
	rt := Table{Caption: fmt.Sprintf("Best test accuracy (%%) against rho at %s noise; SGD: %s.", pctNoise(noise), statCell(sgdNoisy, Points)), Header: []string{"method"}}
	for _, s := range scalesOf(mr) {
		rt.Header = append(rt.Header, "rho x"+fmtG(s))
	}
	var tests []Test
	for _, m := range []string{"sam", "1sam"} {
		var xs, ys, sd []float64
		row := []string{label(m)}
		wins := 0
		for i, cfg := range mr.rho {
			v := b(mr.rhoRes[i], m)
			xs, ys, sd = append(xs, rhoOf(cfg, m)), append(ys, mean(v)), append(sd, std(v))
			row = append(row, fmt.Sprintf("%s (rho %g)", statCell(v, Points), rhoOf(cfg, m)))
			if Greater("", v, sgdNoisy, AccMargin, Points).Pass {
				wins++
			}
		}
		rt.Rows = append(rt.Rows, row)
		if err := addTrace(pr, trace{Label: label(m), Color: methodColor(m), X: xs, Y: ys, Band: sd, Points: true}); err != nil {
			return nil, err
		}
		half := (len(mr.rho) + 1) / 2
		tests = append(tests, Test{Name: label(m) + " beats SGD over a range of rho", Pass: wins >= half,
			Detail: fmt.Sprintf("beats SGD (mean gain > 1 pt, two thirds of seeds) at %d of %d rho values (need >= %d)", wins, len(mr.rho), half)})
	}
	lo, hi := pr.X.Min, pr.X.Max
	if err := addTrace(pr, trace{Label: "SGD", Color: methodColor("sgd"), Dashed: true, X: []float64{lo, hi}, Y: []float64{mean(sgdNoisy), mean(sgdNoisy)}}); err != nil {
		return nil, err
	}
	pr.Legend.Top = false
	pn := newPlot("best test accuracy vs label noise", "fraction of training labels flipped", "best test accuracy")
	nt := Table{Caption: "Best test accuracy (%) against the noise rate (preset rhos).", Header: []string{"method"}}
	for _, cfg := range mr.noise {
		nt.Header = append(nt.Header, pctNoise(cfg.Data.Noise))
	}
	for _, m := range []string{"sgd", "sam", "1sam"} {
		var xs, ys, sd []float64
		row := []string{label(m)}
		for i, cfg := range mr.noise {
			v := b(mr.noiseRes[i], m)
			xs, ys, sd = append(xs, cfg.Data.Noise), append(ys, mean(v)), append(sd, std(v))
			row = append(row, statCell(v, Points))
		}
		nt.Rows = append(nt.Rows, row)
		if err := addTrace(pn, trace{Label: label(m), Color: methodColor(m), X: xs, Y: ys, Band: sd, Points: true}); err != nil {
			return nil, err
		}
	}
	pn.Legend.Top = true
	if err := row(pr, pn).save(filepath.Join(out, "claim8_sensitivity.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim8_sensitivity.png", Caption: "Best test accuracy against rho (left, SGD dashed) and against the noise rate (right), mean ± 1 std over the sweep seeds."})
	c.Tables = append(c.Tables, rt, nt)
	// gain growth with noise: paired per seed.
	lowI, highI := 0, len(mr.noise)-1
	for _, m := range []string{"sam", "1sam"} {
		gl := NewPaired(b(mr.noiseRes[lowI], m), b(mr.noiseRes[lowI], "sgd")).Diff
		gh := NewPaired(b(mr.noiseRes[highI], m), b(mr.noiseRes[highI], "sgd")).Diff
		if len(gl) == len(gh) {
			tests = append(tests, Greater(fmt.Sprintf("%s's gain over SGD is larger at %s noise than at %s", label(m), pctNoise(mr.noise[highI].Data.Noise), pctNoise(mr.noise[lowI].Data.Noise)), gh, gl, AccMargin, Points))
		}
	}
	c.Tests = tests
	c.Rule = "Range of rho: the method beats SGD (the paired rule of claim 1) at at least half of the rho values. Growth with noise: the per-seed gain over SGD at the highest noise rate minus the gain at the lowest exceeds 1 pt on average, positive in two thirds of the seeds."
	g := func(i int, m string) float64 { return NewPaired(b(mr.noiseRes[i], m), b(mr.noiseRes[i], "sgd")).Mean() }
	c.Headline = fmt.Sprintf("1-SAM gain %s at %s noise, %s at %s", Points.Signed(g(lowI, "1sam")), pctNoise(mr.noise[lowI].Data.Noise), Points.Signed(g(highI, "1sam")), pctNoise(mr.noise[highI].Data.Noise))
	return c, nil
}

func scalesOf(mr *mainRuns) []float64 {
	var out []float64
	for _, c := range mr.rho {
		out = append(out, c.MethodRho["sam"]/rhoOf(mr.noisy, "sam"))
	}
	for i := range out {
		out[i] = math.Round(out[i]*1000) / 1000
	}
	return out
}

func noisesOf(mr *mainRuns) []float64 {
	var out []float64
	for _, c := range mr.noise {
		out = append(out, c.Data.Noise)
	}
	return out
}
