package sim

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/optim"
)

// controlParams returns the parameters of query q (the defaults for "") and
// their resolved config.
func controlParams(t *testing.T, args ...string) (Params, *Config) {
	t.Helper()
	p, err := Parse(append([]string{"-preset=demo"}, args...)) // the rules are written for the MLP demo; a later -preset wins
	if err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	cfg, err := p.Config()
	if err != nil {
		t.Fatalf("config %q: %v", args, err)
	}
	return p, cfg
}

func TestNext(t *testing.T) {
	l := []float64{1, 2, 5, 10}
	cases := []struct {
		cur  float64
		d    int
		want float64
	}{
		{1, +1, 2}, {2, +1, 5}, {10, +1, 10}, {3, +1, 5}, {0, +1, 1}, {20, +1, 10},
		{2, -1, 1}, {1, -1, 1}, {3, -1, 2}, {20, -1, 10}, {0, -1, 1},
		// a rung within rounding of cur counts as cur
		{2 * (1 + 1e-12), +1, 5}, {5 * (1 - 1e-12), -1, 2},
	}
	for _, c := range cases {
		if got := Next(l, c.cur, c.d); got != c.want {
			t.Errorf("Next(%v, %g, %+d) = %g, want %g", l, c.cur, c.d, got, c.want)
		}
	}
	for _, ladder := range [][]float64{PointLadder, WidthLadder, LRLadder, RhoLadder} {
		if !slices.IsSorted(ladder) || len(slices.Compact(slices.Clone(ladder))) != len(ladder) {
			t.Errorf("ladder %v is not strictly increasing", ladder)
		}
	}
	if PointLadder[0] < MinPoints || PointLadder[len(PointLadder)-1] > MaxPoints ||
		WidthLadder[0] < MinWidth || WidthLadder[len(WidthLadder)-1] > MaxWidth ||
		LRLadder[0] <= 0 || LRLadder[len(LRLadder)-1] > MaxLR ||
		RhoLadder[0] < 0 || RhoLadder[len(RhoLadder)-1] > MaxRho {
		t.Error("a ladder leaves the range Validate accepts")
	}
}

// Every control returns valid parameters at step 0 and leaves its argument
// (and its Methods) as they were.
func TestControlsCopy(t *testing.T) {
	p, cfg := controlParams(t, "-methods=sgd,sam,jsam", "-steps=300", "-seed=7")
	before := p
	before.Methods = slices.Clone(p.Methods)
	controls := map[string]func() (Params, error){
		"NextMethod":  func() (Params, error) { return NextMethod(p, 0, +1), nil },
		"AddPanel":    func() (Params, error) { return AddPanel(p) },
		"RemovePanel": func() (Params, error) { return RemovePanel(p) },
		"NextPreset":  func() (Params, error) { return NextPreset(p, +1), nil },
		"StepNoise":   func() (Params, error) { return StepNoise(p, cfg, +1), nil },
		"StepPoints":  func() (Params, error) { return StepPoints(p, cfg, +1), nil },
		"StepSeed":    func() (Params, error) { return StepSeed(p, -1) },
		"SetModel":    func() (Params, error) { return SetModel(p, cfg, "linear") },
		"StepWidth":   func() (Params, error) { return StepWidth(p, cfg, +1) },
		"StepLR":      func() (Params, error) { return StepLR(p, cfg, +1), nil },
		"StepRho":     func() (Params, error) { return StepRho(p, cfg, +1), nil },
	}
	for name, f := range controls {
		q, err := f()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if q.Steps != 0 {
			t.Errorf("%s: Steps %d, want 0", name, q.Steps)
		}
		if err := q.Validate(); err != nil {
			t.Errorf("%s: invalid result: %v", name, err)
		}
		if len(q.Methods) > 0 {
			q.Methods[0] = "changed"
		}
		if !slices.Equal(p.Methods, before.Methods) || p.Steps != before.Steps || p.Seed != before.Seed {
			t.Fatalf("%s changed its argument: %+v", name, p)
		}
	}
}

func TestNextMethod(t *testing.T) {
	cases := []struct {
		methods []string
		i, d    int
		want    []string
	}{
		{[]string{"sgd", "1sam"}, 0, +1, []string{"sam", "1sam"}},
		{[]string{"sgd", "1sam"}, 1, +1, []string{"sgd", "lsam"}},
		{[]string{"sgd", "1sam"}, 0, -1, []string{"regsgd", "1sam"}},
		{[]string{"sgd", "regsgd"}, 1, +1, []string{"sgd", "sgd"}},
	}
	for _, c := range cases {
		p := Default()
		p.Methods = c.methods
		if got := NextMethod(p, c.i, c.d).Methods; !slices.Equal(got, c.want) {
			t.Errorf("NextMethod(%v, %d, %+d) = %v, want %v", c.methods, c.i, c.d, got, c.want)
		}
	}
	// Stepping through every method comes back to the first.
	p := Default()
	for range optim.Names {
		p = NextMethod(p, 0, +1)
	}
	if p.Methods[0] != Default().Methods[0] {
		t.Errorf("after %d steps panel 0 shows %s", len(optim.Names), p.Methods[0])
	}
}

func TestAddRemovePanel(t *testing.T) {
	if o := slices.Sorted(slices.Values(AddOrder)); !slices.Equal(o, slices.Sorted(slices.Values(optim.Names))) {
		t.Fatalf("AddOrder %v is not a permutation of optim.Names %v", AddOrder, optim.Names)
	}
	cases := []struct {
		methods []string
		want    []string // nil: an error
	}{
		{[]string{"sgd", "1sam"}, []string{"sgd", "1sam", "sam"}},
		{[]string{"sgd", "1sam", "sam"}, []string{"sgd", "1sam", "sam", "jsam"}},
		{[]string{"sam", "jsam", "lsam"}, []string{"sam", "jsam", "lsam", "regsgd"}},
		{[]string{"sgd"}, []string{"sgd", "sam"}},
		{[]string{"sgd", "sam", "jsam", "lsam"}, nil},
	}
	for _, c := range cases {
		p := Default()
		p.Methods = c.methods
		q, err := AddPanel(p)
		switch {
		case c.want == nil && (err == nil || !strings.Contains(err.Error(), "at most 4 panels")):
			t.Errorf("AddPanel(%v): error %v, want at most 4 panels", c.methods, err)
		case c.want != nil && (err != nil || !slices.Equal(q.Methods, c.want)):
			t.Errorf("AddPanel(%v) = %v, %v; want %v", c.methods, q.Methods, err, c.want)
		}
	}
	for _, c := range []struct {
		methods []string
		want    []string
	}{
		{[]string{"sgd", "1sam", "sam"}, []string{"sgd", "1sam"}},
		{[]string{"sgd", "1sam", "sam", "jsam"}, []string{"sgd", "1sam", "sam"}},
		{[]string{"sgd", "1sam"}, nil},
		{[]string{"sgd"}, nil},
	} {
		p := Default()
		p.Methods = c.methods
		q, err := RemovePanel(p)
		switch {
		case c.want == nil && (err == nil || err.Error() != "keep at least two panels to compare"):
			t.Errorf("RemovePanel(%v): error %v", c.methods, err)
		case c.want != nil && (err != nil || !slices.Equal(q.Methods, c.want)):
			t.Errorf("RemovePanel(%v) = %v, %v; want %v", c.methods, q.Methods, err, c.want)
		}
	}
}

func TestNextPreset(t *testing.T) {
	p, _ := controlParams(t, "-methods=sam,jsam,lsam", "-seed=9", "-speed=4", "-test", "-noise=0.3", "-lr=0.1")
	cases := []struct {
		from string
		d    int
		want string
	}{
		{"demo", +1, "linear2d"}, {"demo", -1, "noisyplane"}, {"noisyplane", -1, "highdim"}, {"noisyplane", +1, "demo"},
		{"blobs3", +1, "highdim"}, {"highdim", +1, "noisyplane"}, {"highdim", -1, "blobs3"}, {"xor", -1, "wide2d"},
	}
	for _, c := range cases {
		p.Preset = c.from
		q := NextPreset(p, c.d)
		want := PresetParams(c.want)
		want.Methods, want.Seed, want.Speed, want.Test = p.Methods, 9, 4, true
		if q.Query() != want.Query() {
			t.Errorf("NextPreset(%s, %+d) = %s, want %s", c.from, c.d, q.Query(), want.Query())
		}
	}
}

func TestStepNoise(t *testing.T) {
	cases := []struct {
		noise string
		d     int
		want  float64
	}{
		{"-noise=0.3", -1, 0.25}, {"-noise=0.3", +1, 0.35}, {"-noise=0", -1, 0}, {"-noise=0.5", +1, 0.5},
		{"-noise=0.48", +1, 0.5}, {"-noise=0.02", -1, 0}, {"-noise=0.1", +1, 0.15},
	}
	for _, c := range cases {
		p, cfg := controlParams(t, c.noise)
		if got := StepNoise(p, cfg, c.d).Noise; got != c.want {
			t.Errorf("StepNoise(%s, %+d) = %g, want %g", c.noise, c.d, got, c.want)
		}
	}
	// Without a noise value, the preset's is the start.
	p, cfg := controlParams(t)
	if got, want := StepNoise(p, cfg, -1).Noise, cfg.Data.Noise-NoiseStep; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("StepNoise(preset noise %g, -1) = %g", cfg.Data.Noise, got)
	}
}

func TestSteppers(t *testing.T) {
	pts := func(p Params) float64 { return float64(p.Points) }
	width := func(p Params) float64 { return float64(p.Width) }
	lr := func(p Params) float64 { return p.LR }
	rho := func(p Params) float64 { return p.Rho }
	seed := func(p Params) float64 { return float64(p.Seed) }
	cases := []struct {
		name string
		args []string
		f    func(Params, *Config) (Params, error)
		get  func(Params) float64
		want float64
	}{
		{"points up", []string{"-n=400"}, func(p Params, c *Config) (Params, error) { return StepPoints(p, c, +1), nil }, pts, 600},
		{"points down", []string{"-n=400"}, func(p Params, c *Config) (Params, error) { return StepPoints(p, c, -1), nil }, pts, 300},
		{"points off ladder", []string{"-n=120"}, func(p Params, c *Config) (Params, error) { return StepPoints(p, c, +1), nil }, pts, 150},
		{"points top", []string{"-n=2000"}, func(p Params, c *Config) (Params, error) { return StepPoints(p, c, +1), nil }, pts, 2000},
		{"width up", []string{"-width=16"}, func(p Params, c *Config) (Params, error) { return StepWidth(p, c, +1) }, width, 32},
		{"width down", []string{"-width=16"}, func(p Params, c *Config) (Params, error) { return StepWidth(p, c, -1) }, width, 8},
		{"width bottom", []string{"-width=2"}, func(p Params, c *Config) (Params, error) { return StepWidth(p, c, -1) }, width, 2},
		{"width off ladder", []string{"-width=24"}, func(p Params, c *Config) (Params, error) { return StepWidth(p, c, -1) }, width, 16},
		{"lr up", []string{"-lr=0.1"}, func(p Params, c *Config) (Params, error) { return StepLR(p, c, +1), nil }, lr, 0.2},
		{"lr down", []string{"-lr=0.1"}, func(p Params, c *Config) (Params, error) { return StepLR(p, c, -1), nil }, lr, 0.05},
		{"lr top", []string{"-lr=2"}, func(p Params, c *Config) (Params, error) { return StepLR(p, c, +1), nil }, lr, 2},
		{"rho set up", []string{"-rho=0.05"}, func(p Params, c *Config) (Params, error) { return StepRho(p, c, +1), nil }, rho, 0.1},
		{"rho set down", []string{"-rho=0.005"}, func(p Params, c *Config) (Params, error) { return StepRho(p, c, -1), nil }, rho, 0},
		{"rho zero down", []string{"-rho=0"}, func(p Params, c *Config) (Params, error) { return StepRho(p, c, -1), nil }, rho, 0},
		{"rho no SAM panel", []string{"-methods=sgd,regsgd"}, func(p Params, c *Config) (Params, error) { return StepRho(p, c, +1), nil }, rho, 0.005},
		{"seed up", []string{"-seed=6"}, func(p Params, c *Config) (Params, error) { return StepSeed(p, +1) }, seed, 7},
		{"seed down", []string{"-seed=6"}, func(p Params, c *Config) (Params, error) { return StepSeed(p, -1) }, seed, 5},
		{"seed 0 up", []string{"-seed=0"}, func(p Params, c *Config) (Params, error) { return StepSeed(p, +1) }, seed, 1},
		{"mlp width kept", []string{"-model=linear", "-width=8"}, func(p Params, c *Config) (Params, error) { return SetModel(p, c, "mlp") }, width, 8},
		{"mlp width default", []string{"-model=linear"}, func(p Params, c *Config) (Params, error) { return SetModel(p, c, "mlp") }, width, MLPWidth},
	}
	for _, c := range cases {
		p, cfg := controlParams(t, c.args...)
		q, err := c.f(p, cfg)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := c.get(q); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

// With the preset's per-method radii, the rho stepper starts from the
// largest radius the panels use.
func TestStepRhoPerMethod(t *testing.T) {
	p, cfg := controlParams(t, "-methods=sgd,sam,jsam,lsam")
	r := Radii(p, cfg)
	if len(r) == 0 || !slices.IsSorted(r) {
		t.Fatalf("Radii = %v", r)
	}
	top := r[len(r)-1]
	if got, want := StepRho(p, cfg, +1).Rho, Next(RhoLadder, top, +1); got != want {
		t.Errorf("StepRho(+1) = %g, want %g (above the largest radius %g)", got, want, top)
	}
	if got, want := StepRho(p, cfg, -1).Rho, Next(RhoLadder, top, -1); got != want {
		t.Errorf("StepRho(-1) = %g, want %g", got, want)
	}
	if q, c := controlParams(t, "-methods=sgd,regsgd"); len(Radii(q, c)) != 0 {
		t.Errorf("Radii without a SAM panel = %v, want none", Radii(q, c))
	}
	if q, c := controlParams(t, "-methods=sam,1sam", "-rho=0.05"); !slices.Equal(Radii(q, c), []float64{0.05}) {
		t.Errorf("Radii with one rho = %v, want [0.05]", Radii(q, c))
	}
}

func TestNoChangeAndRefusals(t *testing.T) {
	p, cfg := controlParams(t, "-seed=1")
	if _, err := StepSeed(p, -1); !errors.Is(err, ErrNoChange) {
		t.Errorf("StepSeed(1, -1): %v, want ErrNoChange", err)
	}
	if _, err := SetModel(p, cfg, cfg.Model.Kind); !errors.Is(err, ErrNoChange) {
		t.Errorf("SetModel(same kind): %v, want ErrNoChange", err)
	}
	lin, lcfg := controlParams(t, "-model=linear")
	if _, err := StepWidth(lin, lcfg, +1); err == nil || err.Error() != "width applies to the MLP: choose MLP first" {
		t.Errorf("StepWidth on a linear model: %v", err)
	}
	if q, err := SetModel(p, cfg, "linear"); err != nil || q.Model != "linear" {
		t.Errorf("SetModel(linear) = %q, %v", q.Model, err)
	}
}

func TestSpeed(t *testing.T) {
	cases := []struct{ speed, d, want, every int }{
		{1, +1, 2, 5}, {2, +1, 4, 5}, {4, +1, 8, 8}, {32, +1, 64, 64}, {64, +1, 64, 64},
		{1, -1, 1, 5}, {2, -1, 1, 5}, {64, -1, 32, 32}, {3, -1, 1, 5},
	}
	for _, c := range cases {
		got := StepSpeed(c.speed, c.d)
		if got != c.want {
			t.Errorf("StepSpeed(%d, %+d) = %d, want %d", c.speed, c.d, got, c.want)
		}
		if e := CurveEvery(got); e != c.every {
			t.Errorf("CurveEvery(%d) = %d, want %d", got, e, c.every)
		}
	}
}
