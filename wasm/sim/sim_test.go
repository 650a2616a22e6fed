package sim

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/experiment"
)

func TestParseQueryRoundTrip(t *testing.T) {
	cases := []struct {
		args  []string
		query string
	}{
		{nil, "methods=sgd,1sam&seed=16"},
		{[]string{"-preset=demo"}, "preset=demo&methods=sgd,1sam&seed=6"},
		{[]string{"-methods=sgd,1-SAM", "-noise=0.3", "-rho=0.05", "-seed=7"}, "methods=sgd,1sam&noise=0.3&rho=0.05&seed=7"},
		{[]string{"-preset=blobs3", "-methods=sam,jsam,lsam", "-model=linear", "-n=120", "-speed=4", "-test"},
			"preset=blobs3&methods=sam,jsam,lsam&model=linear&n=120&seed=6&speed=4&test=true"},
		{[]string{"-lr=0.1", "-width=8", "-methods=regsgd,sgd,sam,1sam"}, "methods=regsgd,sgd,sam,1sam&lr=0.1&width=8&seed=16"},
		// shares comes last, after the keys that were there before it.
		{[]string{"-shares"}, "methods=sgd,1sam&seed=16&shares=true"},
		{[]string{"-shares=false", "-test"}, "methods=sgd,1sam&seed=16&test=true"},
		{[]string{"-shares=true", "-steps=1500", "-test", "-noise=0.2"}, "methods=sgd,1sam&noise=0.2&seed=16&steps=1500&test=true&shares=true"},
	}
	for _, c := range cases {
		p, err := Parse(c.args)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.args, err)
		}
		if got := p.Query(); got != c.query {
			t.Errorf("Parse(%q).Query() = %q, want %q", c.args, got, c.query)
		}
		q, err := Parse(p.Args())
		if err != nil {
			t.Fatalf("Parse(Args %q): %v", p.Args(), err)
		}
		if q.Query() != p.Query() {
			t.Errorf("round trip through Args: %q != %q", q.Query(), p.Query())
		}
		if _, err := url.ParseQuery(p.Query()); err != nil {
			t.Errorf("query %q does not parse: %v", p.Query(), err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, args := range [][]string{
		{"-noise=0.7"}, {"-methods=adam"}, {"-methods=sgd,sam,1sam,lsam,jsam"}, {"-preset=twolayer"},
		{"-model=cnn"}, {"-n=5"}, {"-speed=0"}, {"-rho=-0.5"}, {"-bogus=1"}, {"stray"},
	} {
		if _, err := Parse(args); err == nil {
			t.Errorf("Parse(%q) accepted invalid arguments", args)
		}
	}
}

func TestConfigOverrides(t *testing.T) {
	p := PresetParams("demo")
	p.Methods = []string{"sgd", "sam", "1sam"}
	cfg, err := p.Config()
	if err != nil {
		t.Fatal(err)
	}
	if Rho(cfg, "sam") != 0.1 || Rho(cfg, "1sam") != 0.02 || Rho(cfg, "sgd") != 0 {
		t.Errorf("preset rho not kept: sam %g 1sam %g", Rho(cfg, "sam"), Rho(cfg, "1sam"))
	}
	p.Rho, p.Noise, p.Model, p.Points, p.LR = 0.05, 0.1, "linear", 60, 0.3
	cfg, err = p.Config()
	if err != nil {
		t.Fatal(err)
	}
	if Rho(cfg, "sam") != 0.05 || Rho(cfg, "1sam") != 0.05 || cfg.Data.Noise != 0.1 || cfg.Model.Kind != "linear" ||
		cfg.Data.NTrain != 60 || cfg.Train.LR != 0.3 {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	p.Model, p.Width = "mlp", 8
	cfg, _ = p.Config()
	if !slices.Equal(cfg.Model.Hidden, []int{8, 8}) {
		t.Errorf("width: hidden %v, want [8 8]", cfg.Model.Hidden)
	}
}

func TestLabTrainsAndSamples(t *testing.T) {
	p := Default()
	p.Points = 100
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Panels) != 2 || l.Panels[0].Label != "SGD" || l.Panels[1].Label != "1-SAM" {
		t.Fatalf("panels %v", l.Panels)
	}
	if flipped := l.Train.NumFlipped(); flipped != 30 {
		t.Errorf("flipped %d of 100 at 30%% noise", flipped)
	}
	// Same initial weights: identical first samples.
	if l.Panels[0].Curve[0] != l.Panels[1].Curve[0] && !math.IsNaN(l.Panels[0].Curve[0].Flipped) {
		t.Errorf("panels start differently: %+v vs %+v", l.Panels[0].Curve[0], l.Panels[1].Curve[0])
	}
	v0 := l.Panels[0].Version
	l.Step(20)
	for _, pn := range l.Panels {
		if pn.T.Steps() != 20 || len(pn.Curve) != 1+20/l.Every || pn.Last().Step != 20 {
			t.Errorf("%s: steps %d, %d samples, last %d", pn.Label, pn.T.Steps(), len(pn.Curve), pn.Last().Step)
		}
		if pn.Best.Step < 0 || pn.Best.Test < pn.Curve[0].Test {
			t.Errorf("%s: best %+v", pn.Label, pn.Best)
		}
		for _, s := range pn.Curve {
			if s.Test < 0 || s.Test > 1 || s.Clean < 0 || s.Clean > 1 || !(s.Flipped >= 0 && s.Flipped <= 1) {
				t.Errorf("%s: sample out of range %+v", pn.Label, s)
			}
		}
	}
	if l.Panels[0].Version == v0 {
		t.Error("version did not change after steps")
	}
	if slices.Equal(l.Panels[0].T.W, l.Panels[1].T.W) {
		t.Error("SGD and 1-SAM weights equal after 20 steps")
	}
	if err := l.AddPoint(0.5, 0.5, 1); err != nil {
		t.Fatal(err)
	}
	if l.Train.N() != 101 || l.Panels[1].T.Train.N() != 101 || l.Setup.Train.N() != 100 {
		t.Errorf("add point: lab %d, trainer %d, setup %d", l.Train.N(), l.Panels[1].T.Train.N(), l.Setup.Train.N())
	}
	if err := l.Reset(); err != nil {
		t.Fatal(err)
	}
	if l.Steps() != 0 || l.Train.N() != 101 || !slices.Equal(l.Panels[0].T.W, l.Setup.W0) {
		t.Errorf("reset: steps %d, n %d", l.Steps(), l.Train.N())
	}
	if err := l.AddPoint(0, 0, 2); err == nil {
		t.Error("AddPoint accepted class 2 in a binary problem")
	}
}

func TestViewRoundTrip(t *testing.T) {
	v := View{X0: -3, Y0: -2, Size: 6}
	u, w := v.ToUnit(-3, 4)
	if u != 0 || w != 0 {
		t.Errorf("top-left maps to (%g,%g)", u, w)
	}
	x, y := v.FromUnit(0.25, 0.75)
	if u2, w2 := v.ToUnit(x, y); math.Abs(u2-0.25) > 1e-12 || math.Abs(w2-0.75) > 1e-12 {
		t.Errorf("round trip (%g,%g)", u2, w2)
	}
}

// TestHeatLinear checks the heat map and boundary of a hand-set linear
// model f = x (boundary the vertical line x = 0).
func TestHeatLinear(t *testing.T) {
	p := Default()
	p.Model = "linear"
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	net := l.Setup.Net
	w := make([]float64, net.NumParams())
	w[0] = 3 // weight of x; weight of y and the bias stay 0
	v := View{X0: -2, Y0: -2, Size: 4}
	h, err := NewHeat(16, net)
	if err != nil {
		t.Fatal(err)
	}
	h.Render(net, w, v)
	left, right := h.Pix[4*(8*16+0):], h.Pix[4*(8*16+15):]
	blue, orange := ClassColor(0), ClassColor(1)
	if !(left[2] > left[0]) || !(right[0] > right[2]) {
		t.Errorf("left pixel %v should be bluish (%v), right %v orangish (%v)", left[:4], blue, right[:4], orange)
	}
	segs := h.Boundary(nil)
	if len(segs) != 15 {
		t.Errorf("boundary has %d segments, want 15 (one per row gap)", len(segs))
	}
	for _, s := range segs {
		if math.Abs(float64(s.U0)-0.5) > 1e-6 || math.Abs(float64(s.U1)-0.5) > 1e-6 {
			t.Fatalf("segment %+v off the line u = 0.5", s)
		}
	}
}

func TestHeatThreeClasses(t *testing.T) {
	p := Default()
	p.Preset = "blobs3"
	p.Methods = []string{"sgd", "sam"}
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	l.Step(30)
	h, err := NewHeat(24, l.Setup.Net)
	if err != nil {
		t.Fatal(err)
	}
	h.Render(l.Setup.Net, l.Panels[0].T.W, l.View)
	if len(h.Margin) != 3 {
		t.Fatalf("%d margin fields for 3 classes", len(h.Margin))
	}
	if len(h.Boundary(nil)) == 0 {
		t.Error("no boundary after training on three blobs")
	}
	if !strings.Contains(l.P.Query(), "preset=blobs3") {
		t.Errorf("query %q", l.P.Query())
	}
}

// BenchmarkFrameDefault is one frame of work at the default settings, as
// the app's frame timer counts it: one step of each panel (curve samples
// every 5 steps included) and one heat-map refresh at the app's grid for
// two panels (28 x 28). make bench-web runs it natively and as wasm (Node).
func BenchmarkFrameDefault(b *testing.B) {
	l, err := New(Default())
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHeat(28, l.Setup.Net)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		l.Step(1)
		h.Render(l.Setup.Net, l.Panels[i%2].T.W, l.View)
	}
}

func BenchmarkStepDefault(b *testing.B) {
	l, err := New(Default())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		l.Step(1)
	}
}

func BenchmarkHeat40(b *testing.B) {
	l, err := New(Default())
	if err != nil {
		b.Fatal(err)
	}
	h, _ := NewHeat(40, l.Setup.Net)
	b.ResetTimer()
	for range b.N {
		h.Render(l.Setup.Net, l.Panels[0].T.W, l.View)
	}
}

func BenchmarkSample(b *testing.B) {
	l, err := New(Default())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		_ = l.Panels[0].T.Record()
	}
}

// TestPresets checks that the demo offers exactly the presets of
// core/experiment it can show: those whose data lie in the plane (or whose
// signal does, kind plane), as planes (InPlane), and the high-dimensional ones of a linear model
// without bias, through the margin view and the projection, which are
// exact for f(x) = w.x (highdim; twolayer's model is not linear in w).
func TestPresets(t *testing.T) {
	var want []string
	for _, name := range experiment.Presets() {
		e, err := experiment.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		planar := e.Data.Kind == "gauss2d" || e.Data.Kind == "blobs" || e.Data.Kind == "plane"
		linear := e.Data.Kind == "highdim" && e.Model.Kind == "linear" && !e.Model.Bias
		if planar || linear {
			want = append(want, name)
		}
		if slices.Contains(Presets, name) && InPlane(name) != planar {
			t.Errorf("InPlane(%s) = %t, data kind %s", name, InPlane(name), e.Data.Kind)
		}
	}
	got := slices.Sorted(slices.Values(Presets))
	if !slices.Equal(got, want) {
		t.Errorf("demo presets %v, core's presets the demo can show %v", got, want)
	}
	if _, err := Preset("twolayer"); err == nil {
		t.Error("the demo accepted twolayer, which it cannot show")
	}
	for _, name := range Presets {
		if _, err := New(PresetParams(name)); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
	}
}

// The curve interval follows the speed through New and With (a new seed
// rebuilds the lab), so that a fast frame samples each panel at most once.
func TestCurveEveryFollowsSpeed(t *testing.T) {
	p := Default()
	p.Speed = 16
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if l.Every != CurveEvery(16) {
		t.Fatalf("New: Every %d, want %d", l.Every, CurveEvery(16))
	}
	for _, change := range []func(q *Params){
		func(q *Params) { q.Seed++ },
		func(q *Params) { q.Rho = 0.05 },
		func(q *Params) { q.Speed = 32 },
	} {
		q := l.P
		change(&q)
		n, err := l.With(q)
		if err != nil {
			t.Fatal(err)
		}
		if n.Every != CurveEvery(q.Speed) {
			t.Errorf("With %+v: Every %d, want %d", q, n.Every, CurveEvery(q.Speed))
		}
	}
}
