package sim

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// highdimLab returns a lab on the highdim preset training methods, at the
// preset's sizes (500 points in 1000 dimensions).
func highdimLab(t testing.TB, methods ...string) *Lab {
	t.Helper()
	p := PresetParams("highdim")
	p.Methods = methods
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The test's own linear algebra, independent of the lab's.
func dotv(a, b []float64) float64 {
	s := 0.0
	for k := range a {
		s += a[k] * b[k]
	}
	return s
}

func normv(a []float64) float64 { return math.Sqrt(dotv(a, a)) }

// residual returns sigmoid(w.x) - t, the logistic loss's derivative in the
// logit, for label t in {0, 1}.
func residual(w, x []float64, t int) float64 {
	return 1/(1+math.Exp(-dotv(w, x))) - float64(t)
}

// shift returns w + a*g.
func shift(w []float64, a float64, g []float64) []float64 {
	out := slices.Clone(w)
	for k := range out {
		out[k] += a * g[k]
	}
	return out
}

// directShares computes each training point's share of method m's update
// at weights w, one example at a time from the methods' definitions
// (docs/science.md, section 3) for f(x) = w.x: g_i, the example's
// contribution to the direction, is r x_i with r the residual at the
// point the method takes it at (the Jacobian of a linear model is x_i
// everywhere).
func directShares(l *Lab, m string, w []float64, rho float64) []float64 {
	d := l.Train
	n := d.N()
	grad := func(v []float64, i int) []float64 { // grad l_i(v)
		x := d.Row(i)
		r := residual(v, x, d.Y[i])
		g := make([]float64, len(x))
		for k := range g {
			g[k] = r * x[k]
		}
		return g
	}
	var e []float64 // SAM's shared ascent step
	if m == "sam" {
		G := make([]float64, len(w))
		for i := range n {
			for k, v := range grad(w, i) {
				G[k] += v / float64(n)
			}
		}
		e = shift(make([]float64, len(w)), rho/normv(G), G)
	}
	out := make([]float64, n)
	sum := 0.0
	for i := range n {
		x := d.Row(i)
		g := grad(w, i)
		ei := shift(make([]float64, len(w)), rho/normv(g), g) // rho g_i/||g_i||
		var r float64
		switch m {
		case "sgd", "regsgd", "jsam": // J-SAM: J_i(w+e_i) = x_i, r_i(w)
			r = residual(w, x, d.Y[i])
		case "1sam", "lsam": // L-SAM: J_i(w) = x_i, r_i(w+e_i)
			r = residual(shift(w, 1, ei), x, d.Y[i])
		case "sam":
			r = residual(shift(w, 1, e), x, d.Y[i])
		}
		out[i] = math.Abs(r) * normv(x)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// The margin view's data equal a direct per-example computation: every
// point's margin y_i w.x_i at the weights its panel's last update was
// computed at, and its share of that update; for the methods with a
// closed-form weight, the share is that weight times ||x_i||, normalised.
// Taken after a single step (the margins from the last product) and after
// several (a new product).
func TestHighdimMarginsAndShares(t *testing.T) {
	for _, methods := range [][]string{{"sgd", "1sam", "sam"}, {"lsam", "jsam", "regsgd"}} {
		l := highdimLab(t, methods...)
		l.Step(27)
		for i := range l.Panels {
			l.UpdateViews(i, false)
		}
		for _, steps := range []int{1, 3} {
			before := make([][]float64, len(l.Panels))
			for i, p := range l.Panels {
				before[i] = slices.Clone(p.T.W)
			}
			l.Step(steps)
			for i, p := range l.Panels {
				if steps == 3 { // the weights the last of the three updates started from
					before[i] = slices.Clone(p.at)
				}
				if !l.UpdateViews(i, false) || !p.Views.Stepped {
					t.Fatalf("%s: views not updated after a step", p.Method)
				}
				d := l.Train
				for k := range d.N() {
					want := float64(2*d.Y[k]-1) * dotv(before[i], d.Row(k))
					if got := p.Views.Margins[k]; math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
						t.Fatalf("%s after %d step(s): margin of point %d is %.12g, direct %.12g", p.Method, steps, k, got, want)
					}
				}
				want := directShares(l, p.Method, before[i], p.Rho)
				for k, s := range p.Shares {
					if math.Abs(s-want[k]) > 1e-9*want[k] {
						t.Fatalf("%s after %d step(s): share of point %d is %.12g, direct %.12g", p.Method, steps, k, s, want[k])
					}
				}
				curve, ok := l.WeightCurve(&p.Views, p.Method, p.Rho)
				if ok == (p.Method == "sam") {
					t.Fatalf("%s: WeightCurve ok = %t", p.Method, ok)
				}
				if !ok {
					continue
				}
				sp := l.Space
				for k, s := range p.Shares {
					w, _ := Weight(p.Method, p.Views.Margins[k], p.Rho*sp.Norms[k])
					closed := w * sp.Norms[k] * curve.Scale / sp.NormMean / float64(d.N())
					if math.Abs(s-closed) > 1e-9*s {
						t.Fatalf("%s: share of point %d is %.12g, closed form %.12g", p.Method, k, s, closed)
					}
				}
			}
		}
	}
}

// Weight: the closed forms, and none for SAM.
func TestWeight(t *testing.T) {
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	cases := []struct {
		m     string
		mg, c float64
		want  float64
		ok    bool
	}{
		{"sgd", 0, 32, 0.5, true},
		{"sgd", 3, 32, sig(-3), true},
		{"jsam", 3, 32, sig(-3), true},
		{"regsgd", -2, 32, sig(2), true},
		{"1sam", 3, 32, sig(29), true},
		{"lsam", 40, 32, sig(-8), true},
		{"1sam", 3, 0, sig(-3), true},
		{"sam", 3, 32, 0, false},
	}
	for _, c := range cases {
		got, ok := Weight(c.m, c.mg, c.c)
		if ok != c.ok || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("Weight(%s, %g, %g) = %g, %t; want %g, %t", c.m, c.mg, c.c, got, ok, c.want, c.ok)
		}
	}
}

// The projection's axes are orthonormal, U1 is the generator's class-mean
// direction, the weights lie in the plane, and the decision line
// W1 a + W2 b = 0 separates the points as the model does: W1 a + W2 b is
// every point's logit w.x. Checked at the initial weights and after
// training, for the training and the test points.
func TestHighdimProjection(t *testing.T) {
	l := highdimLab(t, "sgd", "1sam")
	sp := l.Space
	mu := l.Config.Mu()
	for k := range mu {
		if math.Abs(sp.U1[k]-mu[k]/normv(mu)) > 1e-15 {
			t.Fatalf("U1[%d] = %g, mu/||mu|| %g", k, sp.U1[k], mu[k]/normv(mu))
		}
	}
	for _, steps := range []int{0, 60} {
		l.Step(steps)
		for i, p := range l.Panels {
			l.UpdateViews(i, true)
			pr := &p.Views.Proj
			w := p.T.W
			if a, b, ab := normv(sp.U1), normv(pr.U2), dotv(sp.U1, pr.U2); math.Abs(a-1) > 1e-12 || math.Abs(b-1) > 1e-12 || math.Abs(ab) > 1e-12 {
				t.Fatalf("%s step %d: |U1| %g, |U2| %g, U1.U2 %g", p.Method, steps, a, b, ab)
			}
			if pr.W2 < 0 {
				t.Errorf("%s: W2 %g < 0", p.Method, pr.W2)
			}
			for k := range w {
				if r := pr.W1*sp.U1[k] + pr.W2*pr.U2[k]; math.Abs(r-w[k]) > 1e-12 {
					t.Fatalf("%s: w[%d] = %g, in the plane %g", p.Method, k, w[k], r)
				}
			}
			for _, set := range []struct {
				name string
				x    []float64
				a, b []float64
			}{{"train", l.Train.X, pr.A, pr.B}, {"test", l.Setup.Test.X, pr.TestA, pr.TestB}} {
				dim := l.Train.D
				n := len(set.x) / dim
				if len(set.a) != n || len(set.b) != n {
					t.Fatalf("%s %s: %d and %d coordinates for %d points", p.Method, set.name, len(set.a), len(set.b), n)
				}
				for k := range n {
					x := set.x[k*dim : (k+1)*dim]
					a, b := dotv(x, sp.U1), dotv(x, pr.U2)
					f := dotv(w, x)
					if math.Abs(set.a[k]-a) > 1e-9 || math.Abs(set.b[k]-b) > 1e-9 {
						t.Fatalf("%s %s point %d: (%g, %g), direct (%g, %g)", p.Method, set.name, k, set.a[k], set.b[k], a, b)
					}
					if line := pr.W1*set.a[k] + pr.W2*set.b[k]; math.Abs(line-f) > 1e-9*max(1, math.Abs(f)) {
						t.Fatalf("%s %s point %d: W1 a + W2 b = %g, logit %g", p.Method, set.name, k, line, f)
					}
				}
			}
		}
	}
}

// Render colours the plane by the predicted class: class 1 (orange) where
// W1 a + W2 b > 0, class 0 (blue) where it is negative, with a = 0 in the
// middle column gap and b = 0 between the middle rows.
func TestProjectionRender(t *testing.T) {
	const gw, gh = 8, 4
	pix := make([]byte, 4*gw*gh)
	blue, orange := ClassColor(0), ClassColor(1)
	isClass1 := func(i, j int) bool {
		c := pix[4*(j*gw+i):]
		d0 := math.Abs(float64(c[0])-float64(blue.R)) + math.Abs(float64(c[2])-float64(blue.B))
		d1 := math.Abs(float64(c[0])-float64(orange.R)) + math.Abs(float64(c[2])-float64(orange.B))
		return d1 < d0
	}
	for _, c := range []struct {
		w1, w2 float64
		want   func(i, j int) bool
	}{
		{3, 0, func(i, j int) bool { return i >= gw/2 }}, // a > 0: the right half
		{0, 3, func(i, j int) bool { return j < gh/2 }},  // b > 0: the top half
		{-3, 0, func(i, j int) bool { return i < gw/2 }}, // a < 0: the left half
	} {
		pr := Projection{W1: c.w1, W2: c.w2}
		pr.Render(pix, gw, gh, 2, 1)
		for j := range gh {
			for i := range gw {
				if isClass1(i, j) != c.want(i, j) {
					t.Errorf("w (%g, %g): cell (%d, %d) is class 1: %t", c.w1, c.w2, i, j, isClass1(i, j))
				}
			}
		}
	}
}

// When the weights lie along U1 (or are zero), the second axis is still a
// unit vector orthogonal to U1 and carries no weight.
func TestProjectionAlongU1(t *testing.T) {
	u1 := []float64{0.6, 0.8, 0}
	sp := &Space{U1: u1, A: []float64{1, -1}}
	x := []float64{1, 0.5, 2, 0, -1.25, -3}
	for _, w := range [][]float64{{1.2, 1.6, 0}, {0, 0, 0}} {
		var pr Projection
		xw := []float64{dotv(w, x[:3]), dotv(w, x[3:])}
		pr.set(sp, w, xw, x, 3)
		if pr.W2 != 0 || math.Abs(normv(pr.U2)-1) > 1e-15 || math.Abs(dotv(pr.U2, u1)) > 1e-15 {
			t.Errorf("w %v: W2 %g, U2 %v", w, pr.W2, pr.U2)
		}
		for k := range 2 {
			if b := dotv(x[3*k:3*k+3], pr.U2); math.Abs(pr.B[k]-b) > 1e-15 {
				t.Errorf("w %v point %d: b %g, x.U2 %g", w, k, pr.B[k], b)
			}
		}
	}
}

// The angle between w and mu gives the test accuracy on the clean
// distribution (Phi(||mu|| cos angle / sigma)): the lab's measured test
// accuracy on its 500 test points agrees within four standard errors.
func TestExpectedAccuracy(t *testing.T) {
	if got := ExpectedAccuracy(90, 2, 1); math.Abs(got-0.5) > 1e-15 {
		t.Errorf("at 90 degrees: %g, want 0.5", got)
	}
	if got := ExpectedAccuracy(0, 2, 1); math.Abs(got-0.9772498680518208) > 1e-12 {
		t.Errorf("at 0 degrees: %g, want Phi(2)", got)
	}
	l := highdimLab(t, "sgd", "1sam")
	l.Step(50)
	for i, p := range l.Panels {
		l.UpdateViews(i, false)
		if err := p.T.Record(); err != nil {
			t.Fatal(err)
		}
		want := ExpectedAccuracy(p.Views.Proj.Angle(), l.Config.Data.MuNorm, l.Config.Data.Sigma)
		got := p.Last().Test
		se := math.Sqrt(want * (1 - want) / float64(l.Setup.Test.N()))
		t.Logf("%s: angle %.1f, expected accuracy %.3f, measured %.3f", p.Method, p.Views.Proj.Angle(), want, got)
		if math.Abs(got-want) > 4*se {
			t.Errorf("%s: measured test accuracy %.3f, from the angle %.3f (standard error %.3f)", p.Method, got, want, se)
		}
	}
}

// A highdim lab is built from the query and its link reopens it; the
// model and width do not apply to it and are refused, and so are points.
func TestHighdimQuery(t *testing.T) {
	p, err := Parse([]string{"-preset=highdim", "-methods=sgd,1sam,jsam", "-noise=0.2", "-seed=3"})
	if err != nil {
		t.Fatal(err)
	}
	const want = "preset=highdim&methods=sgd,1sam,jsam&noise=0.2&seed=3"
	if q := p.Query(); q != want {
		t.Errorf("query %q, want %q", q, want)
	}
	q, err := Parse(p.Args())
	if err != nil || q.Query() != want {
		t.Errorf("round trip through Args %q: %q, %v", p.Args(), q.Query(), err)
	}
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if !l.HighDim() || l.Train.D != 1000 || l.Train.N() != 500 || l.Train.NumFlipped() != 100 || len(l.Panels) != 3 {
		t.Fatalf("highdim lab: high-dimensional %t, D %d, n %d, %d flipped, %d panels", l.HighDim(), l.Train.D, l.Train.N(), l.Train.NumFlipped(), len(l.Panels))
	}
	if l.Config.Model.Kind != "linear" || l.Panels[1].Rho != 1 {
		t.Errorf("model %s, 1-SAM rho %g: want the preset's linear model and rho 1", l.Config.Model.Kind, l.Panels[1].Rho)
	}
	d, err := New(Default())
	if err != nil || d.HighDim() || d.Space != nil {
		t.Errorf("the default lab is high-dimensional (%v)", err)
	}
	if _, err := Parse([]string{"-preset=highdim", "-model=linear"}); err != nil {
		t.Errorf("highdim with its own model refused: %v", err)
	}
	for _, args := range [][]string{{"-preset=highdim", "-model=mlp"}, {"-preset=highdim", "-width=8"}} {
		if _, err := Parse(args); err == nil {
			t.Errorf("Parse(%q) accepted a setting that does not apply to highdim", args)
		}
	}
	if err := l.AddPoint(0, 0, 1); err == nil {
		t.Error("AddPoint accepted a 2-D point in a 1000-D lab")
	}
	pts, err := ParsePoints(strings.NewReader("0,0,0\n1,1,1\n0,1,0\n1,0,1\n"), "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.WithPoints(pts); err == nil {
		t.Error("WithPoints accepted 2-D points in a 1000-D lab")
	}
}

// A change of training values keeps the lab's data and space; the views
// follow the new panels.
func TestHighdimWith(t *testing.T) {
	l := highdimLab(t, "sgd", "1sam")
	q := l.P
	q.Methods, q.Rho = []string{"sgd", "lsam", "sam"}, 0.5
	n, err := l.With(q)
	if err != nil {
		t.Fatal(err)
	}
	if n.Space != l.Space || n.Setup != l.Setup || len(n.Panels) != 3 {
		t.Fatalf("With: space kept %t, setup kept %t, %d panels", n.Space == l.Space, n.Setup == l.Setup, len(n.Panels))
	}
	n.Step(2)
	for i := range n.Panels {
		if !n.UpdateViews(i, false) || n.UpdateViews(i, false) {
			t.Errorf("panel %d: views not computed once after a step", i)
		}
	}
	if c, ok := n.WeightCurve(&n.Panels[1].Views, "lsam", 0.5); !ok || math.Abs(c.C-0.5*n.Space.NormMean) > 1e-12 {
		t.Errorf("L-SAM curve %+v, %t: want c = 0.5 * mean norm %g", c, ok, n.Space.NormMean)
	}
}

// StepTurn trains the panel with the fewest steps, so that panels trained
// in turn stay level within a turn; Level catches the others up.
func TestStepTurn(t *testing.T) {
	l := highdimLab(t, "sgd", "1sam", "sam")
	var order []int
	for range 4 {
		order = append(order, l.StepTurn(1))
	}
	steps := func() []int {
		var s []int
		for _, p := range l.Panels {
			s = append(s, p.T.Steps())
		}
		return s
	}
	if !slices.Equal(order, []int{0, 1, 2, 0}) || !slices.Equal(steps(), []int{2, 1, 1}) {
		t.Fatalf("StepTurn trained panels %v, steps %v; want [0 1 2 0], [2 1 1]", order, steps())
	}
	if k := l.StepTurn(3); k != 1 || !slices.Equal(steps(), []int{2, 4, 1}) {
		t.Fatalf("StepTurn(3) trained panel %d, steps %v; want 1, [2 4 1]", k, steps())
	}
	if took := l.Level(); took != 5 || !slices.Equal(steps(), []int{4, 4, 4}) {
		t.Fatalf("Level took %d steps, steps %v; want 5, [4 4 4]", took, steps())
	}
	// A panel stepped in turn is where the same steps taken together put it.
	m := highdimLab(t, "sgd", "1sam", "sam")
	m.Step(4)
	for i, p := range l.Panels {
		if !slices.Equal(p.T.W, m.Panels[i].T.W) {
			t.Errorf("%s: weights after 4 steps in turn differ from 4 steps together", p.Method)
		}
	}
}

// BenchmarkFrameHighdim is one frame of work on the highdim page
// (?preset=highdim: SGD beside 1-SAM, 500 points in 1000 dimensions), as
// the app's frame timer counts it: one step of one panel, in turn
// (StepTurn; curve samples every 5 of its steps included), and that
// panel's views (margins and projection). make bench-web runs it natively
// and as wasm (Node), beside BenchmarkFrameDefault.
func BenchmarkFrameHighdim(b *testing.B) {
	l := highdimLab(b, "sgd", "1sam")
	b.ResetTimer()
	for range b.N {
		l.UpdateViews(l.StepTurn(1), false)
	}
}

// BenchmarkFrameHighdimBoth is what a frame would cost if both panels
// stepped every frame, as on the 2-D presets: the reason they step in turn.
func BenchmarkFrameHighdimBoth(b *testing.B) {
	l := highdimLab(b, "sgd", "1sam")
	b.ResetTimer()
	for range b.N {
		l.Step(1)
		for i := range l.Panels {
			l.UpdateViews(i, false)
		}
	}
}
