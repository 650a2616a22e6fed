package report

import (
	"fmt"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/samlab/samlab/core/palette"
)

// claim8: SAM's advantage holds over a range of rho and grows with the
// label-noise rate.
func claim8(mr *mainRuns, out string) (*Claim, error) {
	S := mr.rho[0].cfg.Seeds
	noise := mr.noisy.cfg.Data.Noise
	c := &Claim{Title: "Sensitivity to rho and to the noise rate",
		Statement: "SAM's advantage is not a single lucky setting: it holds over a range of rho and grows with the label-noise rate.",
		Setting:   fmt.Sprintf("Preset %q, %d seeds: SAM and 1-SAM at rho = preset rho x %v at %s noise; SGD, SAM and 1-SAM at noise rates %v with the preset rhos.", mainPreset, S, scalesOf(mr), pctNoise(noise), noisesOf(mr)),
		Configs:   append(configs(mr.rho), configs(mr.noise)...),
	}
	// SGD at the noisy rate with the sweep seeds.
	var sgdNoisy []float64
	for _, s := range mr.noise {
		cfg := s.cfg
		if cfg.Data.Noise == noise {
			sgdNoisy = bestOf(s.res, "sgd")
		}
	}
	if sgdNoisy == nil {
		sgdNoisy = bestOf(mr.noisy.res, "sgd")[:S]
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
		wins, open := 0, 0
		for _, s := range mr.rho {
			cfg := s.cfg
			v := bestOf(s.res, m)
			xs, ys, sd = append(xs, rhoOf(cfg, m)), append(ys, mean(v)), append(sd, std(v))
			row = append(row, fmt.Sprintf("%s, gain %s (rho %g)", statCell(v, Points), mr.rule.gainText(v, sgdNoisy, Points), rhoOf(cfg, m)))
			switch g := mr.rule.Greater("", v, sgdNoisy, AccMargin, Points); {
			case g.Pass:
				wins++
			case g.Open:
				open++
			}
		}
		rt.Rows = append(rt.Rows, row)
		t := methodLine(m, xs, ys, sd)
		t.Points = true
		pr.line(t)
		half := (len(mr.rho) + 1) / 2
		tests = append(tests, Test{Name: label(m) + " beats SGD over a range of rho", Pass: wins >= half, Open: wins < half && wins+open >= half, N: len(sgdNoisy),
			Detail: fmt.Sprintf("beats SGD (%s t interval of the paired gain above 1 pt) at %d of %d rho values, undecided at %d (need >= %d)", mr.rule.percent(), wins, len(mr.rho), open, half)})
	}
	lo, hi := pr.X.Min, pr.X.Max
	pr.line(trace{Label: "SGD", Color: palette.Method("sgd"), Dashed: true, X: []float64{lo, hi}, Y: []float64{mean(sgdNoisy), mean(sgdNoisy)}})
	pr.Legend.Top = false
	pn := newPlot("best test accuracy vs label noise", "fraction of training labels flipped", "best test accuracy")
	nt := Table{Caption: "Best test accuracy (%) against the noise rate (preset rhos).", Header: []string{"method"}}
	for _, s := range mr.noise {
		cfg := s.cfg
		nt.Header = append(nt.Header, pctNoise(cfg.Data.Noise))
	}
	for _, m := range []string{"sgd", "sam", "1sam"} {
		var xs, ys, sd []float64
		row := []string{label(m)}
		for _, s := range mr.noise {
			cfg := s.cfg
			v := bestOf(s.res, m)
			xs, ys, sd = append(xs, cfg.Data.Noise), append(ys, mean(v)), append(sd, std(v))
			row = append(row, statCell(v, Points))
		}
		nt.Rows = append(nt.Rows, row)
		t := methodLine(m, xs, ys, sd)
		t.Points = true
		pn.line(t)
	}
	pn.Legend.Top = true
	if err := row(pr, pn).save(filepath.Join(out, "claim8_sensitivity.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim8_sensitivity.png", Caption: "Best test accuracy against rho (left, SGD dashed) and against the noise rate (right), mean ± 1 std over the sweep seeds."})
	c.Tables = append(c.Tables, rt, nt)
	// gain growth with noise: paired per seed.
	lowI, highI := 0, len(mr.noise)-1
	gains := func(i int, m string) Paired {
		return NewPaired(bestOf(mr.noise[i].res, m), bestOf(mr.noise[i].res, "sgd"))
	}
	for _, m := range []string{"sam", "1sam"} {
		gl, gh := gains(lowI, m).Diff, gains(highI, m).Diff
		if len(gl) == len(gh) {
			tests = append(tests, mr.rule.Greater(fmt.Sprintf("%s's gain over SGD is larger at %s noise than at %s", label(m), pctNoise(mr.noise[highI].cfg.Data.Noise), pctNoise(mr.noise[lowI].cfg.Data.Noise)), gh, gl, AccMargin, Points))
		}
	}
	c.Tests = tests
	c.Rule = "Range of rho: the method beats SGD (the t interval at the claim's level of the paired gain above 1 pt, as in claim 1) at at least half of the rho values; undecided while the open intervals could still make half. Growth with noise: the t interval at the claim's level of the per-seed gain over SGD at the highest noise rate minus the gain at the lowest lies above 1 pt."
	one := func(i int) string {
		return mr.rule.gainText(bestOf(mr.noise[i].res, "1sam"), bestOf(mr.noise[i].res, "sgd"), Points)
	}
	c.Headline = fmt.Sprintf("1-SAM gain %s at %s noise, %s at %s", one(lowI), pctNoise(mr.noise[lowI].cfg.Data.Noise), one(highI), pctNoise(mr.noise[highI].cfg.Data.Noise))
	return c, nil
}

// scalesOf returns the rho sweep's scales (of the preset's SAM rho).
func scalesOf(mr *mainRuns) []float64 {
	var out []float64
	for _, s := range mr.rho {
		c := s.cfg
		out = append(out, math.Round(c.MethodRho["sam"]/rhoOf(mr.noisy.cfg, "sam")*1000)/1000)
	}
	return out
}

// noisesOf returns the noise sweep's rates.
func noisesOf(mr *mainRuns) []float64 {
	var out []float64
	for _, s := range mr.noise {
		c := s.cfg
		out = append(out, c.Data.Noise)
	}
	return out
}
