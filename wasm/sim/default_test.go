package sim

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
)

// sceneRun is what a viewer of the default page sees of SGD and 1-SAM
// after some steps (fields in points: percentages).
type sceneRun struct {
	seed                    uint64
	bestSGD, best1SAM       float64 // best test accuracy so far
	gapShare                float64 // SGD's mean flipped share over steps 1-500 minus 1-SAM's
	fitSGD, fit1SAM         float64 // flipped points fitted now
	finalSGD, final1SAM     float64 // test accuracy now
	share500SGD, share1SAM5 float64 // flipped share at step 500
}

// runDefault trains the default page's lab (Default with seed) for steps
// steps at the default speed, as the page does, and reads its panels.
func runDefault(t testing.TB, seed uint64, steps int) sceneRun {
	t.Helper()
	p := Default()
	p.Seed = seed
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		l.Step(p.Speed)
	}
	r := sceneRun{seed: seed}
	sgd, sam := l.Panels[0], l.Panels[1]
	if sgd.Method != "sgd" || sam.Method != "1sam" {
		t.Fatalf("default panels %s, %s; want sgd, 1sam", sgd.Method, sam.Method)
	}
	r.bestSGD, r.best1SAM = 100*sgd.Best.Test, 100*sam.Best.Test
	r.gapShare = 100 * (meanFlippedShare(sgd, 500) - meanFlippedShare(sam, 500))
	r.fitSGD, r.fit1SAM = 100*sgd.Last().Flipped, 100*sam.Last().Flipped
	r.finalSGD, r.final1SAM = 100*sgd.Last().Test, 100*sam.Last().Test
	r.share500SGD, r.share1SAM5 = 100*(1-sampleAt(sgd, 500).CleanShare), 100*(1-sampleAt(sam, 500).CleanShare)
	return r
}

// meanFlippedShare returns the mean over the curve samples in steps 1..upto
// of the flipped points' share of the panel's update (the fourth chart).
func meanFlippedShare(p *Panel, upto int) float64 {
	s, n := 0.0, 0
	for _, c := range p.Curve {
		if c.Step >= 1 && c.Step <= upto {
			s += 1 - c.CleanShare
			n++
		}
	}
	return s / float64(n)
}

// sampleAt returns the panel's curve sample at step (the last one before
// it when it was not sampled).
func sampleAt(p *Panel, step int) Sample {
	s := p.Curve[0]
	for _, c := range p.Curve {
		if c.Step <= step {
			s = c
		}
	}
	return s
}

// The default page shows the effect: on 10 fixed seeds, trained through
// the sim Lab as the page trains it (the default speed, 1000 steps, about
// 17 s at 60 frames a second), 1-SAM's best test accuracy beats SGD's by
// at least 5 points on average and on at least 9 seeds, and the flipped
// points' share of its update over steps 1-500 is at least 4 points below
// SGD's on average and lower on at least 9 seeds. Pointed at the demo
// preset (Default with Preset "demo") it fails both.
func TestDefaultSceneShowsEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	const seeds = 10
	var gain, gap float64
	var wins, lower int
	for seed := uint64(1); seed <= seeds; seed++ {
		r := runDefault(t, seed, 1000)
		gain += r.best1SAM - r.bestSGD
		gap += r.gapShare
		if r.best1SAM > r.bestSGD {
			wins++
		}
		if r.gapShare > 0 {
			lower++
		}
	}
	gain /= seeds
	gap /= seeds
	t.Logf("mean gain %.1f points (%d/%d seeds), mean flipped-share gap %.1f points (%d/%d)", gain, wins, seeds, gap, lower, seeds)
	if gain < 5 || wins < 9 {
		t.Errorf("1-SAM's best test accuracy beats SGD's by %.1f points on %d of %d seeds; want >= 5 on >= 9", gain, wins, seeds)
	}
	if gap < 4 || lower < 9 {
		t.Errorf("1-SAM's flipped share is %.1f points below SGD's, lower on %d of %d seeds; want >= 4 on >= 9", gap, lower, seeds)
	}
}

// TestMeasureDefaultSeeds prints, with SAMLAB_MEASURE=1, the table the
// default seed was chosen from (docs/web.md): seeds 1-20 after 1800 steps,
// 30 s of the page at 60 frames a second.
func TestMeasureDefaultSeeds(t *testing.T) {
	if os.Getenv("SAMLAB_MEASURE") == "" {
		t.Skip("measurement: set SAMLAB_MEASURE=1")
	}
	var rs []sceneRun
	for seed := uint64(1); seed <= 20; seed++ {
		rs = append(rs, runDefault(t, seed, 1800))
	}
	fmt.Println("| seed | best SGD | best 1-SAM | gain | share gap 1-500 | flipped fit SGD / 1-SAM | test now SGD / 1-SAM |")
	score := func(r sceneRun) float64 { return (r.best1SAM-r.bestSGD)/3 + r.gapShare/5 }
	for _, r := range rs {
		fmt.Printf("| %d | %.1f | %.1f | %+.1f | %+.1f | %.1f / %.1f | %.1f / %.1f | score %.2f\n", r.seed, r.bestSGD, r.best1SAM,
			r.best1SAM-r.bestSGD, r.gapShare, r.fitSGD, r.fit1SAM, r.finalSGD, r.final1SAM, score(r))
	}
	s := slices.SortedFunc(slices.Values(rs), func(a, b sceneRun) int {
		if score(a) < score(b) {
			return -1
		}
		if score(a) > score(b) {
			return 1
		}
		return 0
	})
	fmt.Printf("median-score seeds: %d (%.2f), %d (%.2f)\n", s[9].seed, score(s[9]), s[10].seed, score(s[10]))
}

// On the default scene (2-D classes among noise dimensions) the heat map
// is the model on the plane with the noise coordinates at 0, and a point
// added by a click lies there too.
func TestDefaultScenePlane(t *testing.T) {
	l, err := New(Default())
	if err != nil {
		t.Fatal(err)
	}
	if l.Train.D <= 2 || l.Setup.Net.In != l.Train.D {
		t.Fatalf("default scene: %d-D data, %d-D model; want a plane among noise dimensions", l.Train.D, l.Setup.Net.In)
	}
	l.Step(50)
	net, w := l.Setup.Net, l.Panels[0].T.W
	h, err := NewHeat(8, net)
	if err != nil {
		t.Fatal(err)
	}
	h.Render(net, w, l.View)
	ws := net.NewWorkspace()
	x := make([]float64, net.In)
	for _, c := range []int{0, 9, 27, 63} {
		x[0], x[1] = l.View.FromUnit((float64(c%8)+0.5)/8, (float64(c/8)+0.5)/8)
		if z := net.Forward(ws, w, x)[0]; math.Abs(z-h.Margin[0][c]) > 1e-9 {
			t.Errorf("cell %d: heat-map logit %g, the model at (%g, %g, 0...) %g", c, h.Margin[0][c], x[0], x[1], z)
		}
	}
	n := l.Train.N()
	if err := l.AddPoint(0.5, -0.25, 1); err != nil {
		t.Fatal(err)
	}
	row := l.Train.Row(n)
	if len(row) != l.Train.D || row[0] != 0.5 || row[1] != -0.25 || slices.ContainsFunc(row[2:], func(v float64) bool { return v != 0 }) {
		t.Errorf("added point %v; want (0.5, -0.25, 0, ...)", row)
	}
	if i := l.Nearest(0.5, -0.25, 1e-9); i != n {
		t.Errorf("Nearest(added point) = %d, want %d", i, n)
	}
}
