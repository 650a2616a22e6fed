package experiment

import (
	"context"
	"testing"
)

// runPreset runs methods over seeds of a preset (with mod applied) and
// returns the summary per method.
func runPreset(t *testing.T, name string, methods []string, seeds int, mod func(*Config)) map[string]MethodSummary {
	t.Helper()
	c, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	c.Methods, c.Seeds = methods, seeds
	if mod != nil {
		mod(c)
	}
	rs, err := Run(context.Background(), c, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]MethodSummary{}
	for _, m := range Summarize(c, rs).Methods {
		if m.Failed > 0 {
			t.Fatalf("%s: %d runs failed", m.Method, m.Failed)
		}
		out[m.Method] = m
	}
	return out
}

// The paper's central claim on the high-dimensional linear toy: with 30%
// flipped labels 1-SAM's early-stopping test accuracy beats SGD's, by a
// margin, in every seed; without noise the gap is much smaller.
func TestOneSAMBeatsSGDUnderNoise(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	const seeds = 5
	noisy := runPreset(t, "highdim", []string{"sgd", "1sam"}, seeds, nil)
	sgd, one := noisy["sgd"], noisy["1sam"]
	gap := one.BestTestAcc.Mean - sgd.BestTestAcc.Mean
	t.Logf("30%% noise: SGD %.3f, 1-SAM %.3f (gap %.3f)", sgd.BestTestAcc.Mean, one.BestTestAcc.Mean, gap)
	if gap < 0.05 {
		t.Errorf("1-SAM beats SGD by %.3f, want >= 0.05", gap)
	}
	for i := range sgd.PerSeedBest {
		if one.PerSeedBest[i] <= sgd.PerSeedBest[i] {
			t.Errorf("seed %d: 1-SAM %.3f <= SGD %.3f", i, one.PerSeedBest[i], sgd.PerSeedBest[i])
		}
	}
	clean := runPreset(t, "highdim", []string{"sgd", "1sam"}, seeds, func(c *Config) { c.Data.Noise = 0 })
	cgap := clean["1sam"].BestTestAcc.Mean - clean["sgd"].BestTestAcc.Mean
	t.Logf("no noise: SGD %.3f, 1-SAM %.3f (gap %.3f)", clean["sgd"].BestTestAcc.Mean, clean["1sam"].BestTestAcc.Mean, cgap)
	if cgap >= gap/2 {
		t.Errorf("gap without noise %.3f is not much smaller than with noise %.3f", cgap, gap)
	}
}

// On the 2-D demo, SAM-type methods delay memorisation: at the last step
// SGD fits more flipped labels and has a lower test accuracy than 1-SAM.
func TestSAMDelaysMemorisation2D(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	r := runPreset(t, "demo", []string{"sgd", "1sam", "sam"}, 4, func(c *Config) { c.Train.Steps = 600; c.Train.RecordEvery = 20 })
	sgd := r["sgd"]
	for _, m := range []string{"1sam", "sam"} {
		s := r[m]
		t.Logf("%s: final flipped acc %.3f vs SGD %.3f; final test acc %.3f vs SGD %.3f", m,
			s.FinalFlipped.Mean, sgd.FinalFlipped.Mean, s.FinalTestAcc.Mean, sgd.FinalTestAcc.Mean)
		if s.FinalFlipped.Mean > sgd.FinalFlipped.Mean-0.03 {
			t.Errorf("%s fits flipped labels about as well as SGD: %.3f vs %.3f", m, s.FinalFlipped.Mean, sgd.FinalFlipped.Mean)
		}
		if s.FinalTestAcc.Mean < sgd.FinalTestAcc.Mean+0.01 {
			t.Errorf("%s final test accuracy %.3f not above SGD %.3f", m, s.FinalTestAcc.Mean, sgd.FinalTestAcc.Mean)
		}
	}
	// Every run has a memorisation step (the last step when it never
	// memorises), and no SAM variant memorises before SGD.
	for m, s := range r {
		t.Logf("%s: memorised in %d of %d runs, step %.0f", m, s.Memorized, s.BestTestAcc.N, s.MemorizeStep.Mean)
		if s.MemorizeStep.N != 4 || s.MemorizeStep.Mean < 0 || s.MemorizeStep.Mean > 600 {
			t.Errorf("%s: memorisation step %+v, want one value in [0, 600] per seed", m, s.MemorizeStep)
		}
		if s.MemorizeStep.Mean < sgd.MemorizeStep.Mean {
			t.Errorf("%s memorises at step %.0f, before SGD (%.0f)", m, s.MemorizeStep.Mean, sgd.MemorizeStep.Mean)
		}
	}
}

// The noisyplane preset is the scene where 1-SAM's mechanism shows (issue
// 17; docs/web.md, "The default scene, measured"): over seeds 0-9 its best
// test accuracy beats SGD's by at least 5 points on average (measured
// 9.7; the bar is 3) and the flipped points' share of its update over steps
// 1-500 is at least 5 points below SGD's (measured 8.6), each on at least
// 9 of the 10 seeds. The demo preset fails both (+0.2 and +0.7 points).
func TestNoisyPlaneShowsMechanism(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	const seeds = 10
	r := runPreset(t, "noisyplane", []string{"sgd", "1sam"}, seeds, nil)
	sgd, one := r["sgd"], r["1sam"]
	var gains, gaps []float64
	gainWins, gapWins := 0, 0
	for k := range seeds {
		g := float64(one.PerSeedBest[k] - sgd.PerSeedBest[k])
		p := float64(sgd.PerSeedFlippedShare[k] - one.PerSeedFlippedShare[k])
		gains, gaps = append(gains, g), append(gaps, p)
		if g > 0 {
			gainWins++
		}
		if p > 0 {
			gapWins++
		}
	}
	gain, gap := NewStat(gains), NewStat(gaps)
	t.Logf("best test acc: SGD %.3f, 1-SAM %.3f, gain %+.1f ± %.1f points (%d/%d seeds)", sgd.BestTestAcc.Mean, one.BestTestAcc.Mean, 100*gain.Mean, 100*gain.Std, gainWins, seeds)
	t.Logf("flipped share, steps 1-%d: SGD %.3f, 1-SAM %.3f, gap %+.1f ± %.1f points (%d/%d seeds)", ShareSteps, sgd.FlippedShare.Mean, one.FlippedShare.Mean, 100*gap.Mean, 100*gap.Std, gapWins, seeds)
	if gain.Mean < 0.05 || gainWins < 9 {
		t.Errorf("1-SAM's best test accuracy gain %+.3f on %d/%d seeds, want >= +0.05 on >= 9", gain.Mean, gainWins, seeds)
	}
	if gap.Mean < 0.05 || gapWins < 9 {
		t.Errorf("flipped-share gap %+.3f on %d/%d seeds, want >= +0.05 on >= 9", gap.Mean, gapWins, seeds)
	}
}
