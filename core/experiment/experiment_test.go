package experiment

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/train"
)

func TestPresetsAreValid(t *testing.T) {
	for _, name := range Presets() {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
		if _, err := c.Build(0); err != nil {
			t.Errorf("preset %s: build: %v", name, err)
		}
	}
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), "demo") {
		t.Errorf("unknown preset error %v should list the presets", err)
	}
}

// Mu is the highdim data's class mean: the mean of y*x over the training
// set's clean labels lies close to it; the 2-D kinds have none.
func TestMu(t *testing.T) {
	c, err := Preset("highdim")
	if err != nil {
		t.Fatal(err)
	}
	mu := c.Mu()
	if len(mu) != c.Data.D || mu[0] != c.Data.MuNorm {
		t.Fatalf("highdim Mu: length %d, mu[0] %g; want %d, %g", len(mu), mu[0], c.Data.D, c.Data.MuNorm)
	}
	tr, _, err := c.MakeData(3)
	if err != nil {
		t.Fatal(err)
	}
	m := 0.0 // the mean of y*x along mu, with the clean labels
	for i := range tr.N() {
		m += float64(2*tr.Clean[i]-1) * tr.Row(i)[0]
	}
	if m /= float64(tr.N()); math.Abs(m-c.Data.MuNorm) > 4*c.Data.Sigma/math.Sqrt(float64(tr.N())) {
		t.Errorf("mean of y*x along mu %g, want about %g", m, c.Data.MuNorm)
	}
	if d, _ := Preset("demo"); d.Mu() != nil {
		t.Error("demo (2-D) has a Mu")
	}
}

func TestValidateNamesEveryBadValue(t *testing.T) {
	c, _ := Preset("demo")
	c.Data.Noise = 0.9
	c.Train.LR = -1
	c.Methods = []string{"sgd", "adam"}
	c.Model.Hidden = []int{0}
	c.Seeds = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"data.noise", "lr", "adam", "model.hidden", "seeds"} {
		found := false
		for _, l := range lines {
			found = found || strings.Contains(l, want)
		}
		if !found {
			t.Errorf("no error line mentions %q: %q", want, lines)
		}
	}
}

func TestSameSetupAcrossMethods(t *testing.T) {
	c, _ := Preset("demo")
	a, _ := c.Build(4)
	b, _ := c.Build(4)
	if a.W0[10] != b.W0[10] || a.Train.X[5] != b.Train.X[5] || a.Train.NumFlipped() != 120 {
		t.Fatalf("setup not deterministic or wrong noise: %d flipped", a.Train.NumFlipped())
	}
}

func TestSummaryAndTrace(t *testing.T) {
	c, _ := Preset("linear2d")
	c.Seeds, c.Train.Steps, c.Methods = 3, 30, []string{"sgd", "1sam"}
	rs, err := Run(context.Background(), c, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(c, rs)
	if len(s.Methods) != 2 || s.Methods[1].Rho != 0.5 || s.Methods[0].BestTestAcc.N != 3 || len(s.Methods[0].PerSeedBest) != 3 {
		t.Fatalf("summary %+v", s.Methods)
	}
	for i, m := range s.Methods {
		var want []float64
		for _, r := range rs[3*i : 3*i+3] {
			want = append(want, FlippedShare(r.History, ShareSteps))
		}
		if w := NewStat(want); m.FlippedShare != w || len(m.PerSeedFlippedShare) != 3 || float64(m.PerSeedFlippedShare[2]) != want[2] || !(w.Mean > 0.1 && w.Mean < 0.9) {
			t.Errorf("%s: flipped share %+v per seed %v, want %+v from %v", m.Method, m.FlippedShare, m.PerSeedFlippedShare, w, want)
		}
	}
	tr, err := NewTrace(context.Background(), c, "1sam", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Steps) != 7 || len(tr.Steps[0].Params) != 3 || len(tr.Train.X) != 100 || tr.Hyper.Rho != 0.5 || tr.Model.Layers[0].BiasOffset != 2 {
		t.Fatalf("trace: %d steps, %+v", len(tr.Steps), tr.Model)
	}
}

func TestMemorizeStep(t *testing.T) {
	h := func(acc ...float64) []train.Metrics {
		var out []train.Metrics
		for i, a := range acc {
			out = append(out, train.Metrics{Step: 10 * i, FlippedAcc: a})
		}
		return out
	}
	cases := []struct {
		h    []train.Metrics
		want int
	}{
		{h(0.9, 0.2, 0.3), -1},           // step 0 does not count
		{h(0.1, 0.6, 0.4, 0.7, 0.8), 30}, // must stay above 0.5
		{h(0.1, 0.2, 0.51), 20},
		{h(0.5, 0.5), -1},
		{nil, -1},
	}
	for i, tc := range cases {
		if got := MemorizeStep(tc.h); got != tc.want {
			t.Errorf("case %d: %d, want %d", i, got, tc.want)
		}
	}
}

func TestFlippedShare(t *testing.T) {
	h := func(steps ...int) []train.Metrics {
		var out []train.Metrics
		for _, st := range steps {
			out = append(out, train.Metrics{Step: st, CleanShare: 1 - float64(st)/1000})
		}
		return out
	}
	cases := []struct {
		h    []train.Metrics
		upTo int
		want float64
	}{
		{h(0, 100, 200, 300), 500, 0.2},  // step 0 (the initial gradient) does not count
		{h(0, 100, 200, 300), 200, 0.15}, // upTo is inclusive
		{h(0, 600), 500, math.NaN()},
		{nil, 500, math.NaN()},
	}
	for i, tc := range cases {
		got := FlippedShare(tc.h, tc.upTo)
		if !(math.Abs(got-tc.want) < 1e-12 || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("case %d: %g, want %g", i, got, tc.want)
		}
	}
}

func TestNewStat(t *testing.T) {
	s := NewStat([]float64{1, 2, 3, 4, math.NaN()})
	if s.N != 4 || s.Mean != 2.5 || math.Abs(s.Std-1.2909944487358056) > 1e-12 {
		t.Errorf("%+v", s)
	}
	if s := NewStat([]float64{math.NaN()}); !math.IsNaN(s.Mean) || s.N != 0 {
		t.Errorf("%+v", s)
	}
	if s := NewStat([]float64{0.7}); s.Mean != 0.7 || s.Std != 0 || s.N != 1 {
		t.Errorf("%+v", s)
	}
}

// Num and Stat write what encoding/json would write for the same values.
func TestNumAndStatJSONMatchEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 0.8125, -3, 1e-7, 123456789, 1e21, 2.5e-12, 0.000001} {
		got, _ := Num(f).MarshalJSON()
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Errorf("%g: %s, encoding/json %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if b, _ := Num(f).MarshalJSON(); string(b) != "null" {
			t.Errorf("%g: %s, want null", f, b)
		}
	}
	b, _ := json.Marshal(NewStat([]float64{0.5, 0.75}))
	var back struct {
		Mean, Std float64
		N         int
	}
	if err := json.Unmarshal(b, &back); err != nil || back.Mean != 0.625 || back.N != 2 || math.Abs(back.Std-0.1767766952966369) > 1e-15 {
		t.Errorf("%s: %v %+v", b, err, back)
	}
}

// Two jobs share a Key exactly when everything that determines the run is
// the same: a config's name, description, method list, seed count and the
// rho of other methods do not count.
func TestJobKey(t *testing.T) {
	base := func() *Config {
		c, _ := Preset("linear2d")
		c.Normalize()
		return c
	}
	cases := []struct {
		name   string
		mod    func(c *Config)
		method string // the other job's method (default 1sam)
		seed   uint64
		same   bool
	}{
		{"identical", nil, "", 0, true},
		{"renamed, redescribed, other methods and seeds", func(c *Config) {
			c.Name, c.Description, c.Methods, c.Seeds, c.FirstSeed = "other", "other", []string{"sgd"}, 2, 5
		}, "", 0, true},
		{"another method's rho", func(c *Config) { c.MethodRho["sam"] = 9 }, "", 0, true},
		{"train.rho overridden by method_rho", func(c *Config) { c.Train.Rho = 9 }, "", 0, true},
		{"the method's own rho", func(c *Config) { c.MethodRho["1sam"] = 0.25 }, "", 0, false},
		{"another method", nil, "lsam", 0, false},
		{"another seed", nil, "", 1, false},
		{"noise rate", func(c *Config) { c.Data.Noise = 0.2 }, "", 0, false},
		{"one coordinate of a mean", func(c *Config) { c.Data.Means[1][0] = 1.5 }, "", 0, false},
		{"a hidden width", func(c *Config) { c.Model.Kind, c.Model.Hidden = "mlp", []int{8} }, "", 0, false},
		{"bias", func(c *Config) { c.Model.Bias = false }, "", 0, false},
		{"learning rate", func(c *Config) { c.Train.LR = 0.25 }, "", 0, false},
		{"gamma_act", func(c *Config) { c.Train.GammaAct = 0.5 }, "", 0, false},
		{"record interval (another history)", func(c *Config) { c.Train.RecordEvery = 1 }, "", 0, false},
	}
	ref := Job{Config: base(), Method: "1sam"}.Key()
	for _, tc := range cases {
		c := base()
		if tc.mod != nil {
			tc.mod(c)
		}
		m := tc.method
		if m == "" {
			m = "1sam"
		}
		if got := (Job{Config: c, Method: m, Seed: tc.seed}).Key() == ref; got != tc.same {
			t.Errorf("%s: same key %v, want %v", tc.name, got, tc.same)
		}
	}
}

// RunAll runs a job that several configs share once, hands every config
// the shared result in Run's order, and agrees with Run.
func TestRunAllRunsSharedJobsOnce(t *testing.T) {
	a, _ := Preset("linear2d")
	a.Name, a.Seeds, a.Train.Steps, a.Methods = "a", 2, 20, []string{"sgd", "1sam"}
	b := a.Clone()
	b.Name, b.Methods = "b", []string{"1sam", "sam"} // 1-SAM's two runs are a's
	c := a.Clone()
	c.Name, c.Data.Noise, c.Methods = "c", 0.1, []string{"sgd"} // other data: new runs
	calls, total := 0, 0
	rs, err := RunAll(context.Background(), 2, func(done, n int, r *Result) { calls, total = calls+1, n }, a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 8 || total != 8 {
		t.Errorf("%d progress calls, total %d; want 8 distinct runs of 10", calls, total)
	}
	if len(rs) != 3 || len(rs[0]) != 4 || len(rs[1]) != 4 || len(rs[2]) != 2 {
		t.Fatalf("result shape %d configs", len(rs))
	}
	for i, want := range []struct {
		m string
		s uint64
	}{{"1sam", 0}, {"1sam", 1}, {"sam", 0}, {"sam", 1}} {
		if r := rs[1][i]; r.Method != want.m || r.Seed != want.s || r.Err != nil || len(r.History) == 0 {
			t.Errorf("b's run %d is %s seed %d (err %v), want %s seed %d", i, r.Method, r.Seed, r.Err, want.m, want.s)
		}
	}
	if &rs[0][2].History[0] != &rs[1][0].History[0] {
		t.Error("the shared 1-SAM run was run twice")
	}
	alone, err := Run(context.Background(), a.Clone(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range alone {
		got, want := rs[0][i].History, r.History
		if len(got) != len(want) || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("run %d: RunAll and Run disagree", i)
		}
	}
	bad := a.Clone()
	bad.Name, bad.Seeds = "bad", 0
	if _, err := RunAll(context.Background(), 1, nil, a, bad); err == nil || !strings.Contains(err.Error(), "config bad") {
		t.Errorf("invalid config: error %v, want one naming it", err)
	}
}

// RunJobs hands each job's observer the trainer, and the observer's
// recorder sees every recorded step.
func TestRunJobsObserve(t *testing.T) {
	c, _ := Preset("linear2d")
	c.Seeds, c.Train.Steps, c.Methods = 2, 12, []string{"1sam"}
	c.Normalize()
	jobs := c.Jobs()
	seen := make([][]int, len(jobs))
	for i := range jobs {
		jobs[i].Observe = func(s *Setup, tr *train.Trainer) train.Recorder {
			if len(tr.W) != s.Net.NumParams() {
				t.Errorf("job %d: %d weights for %d parameters", i, len(tr.W), s.Net.NumParams())
			}
			return train.RecorderFunc(func(m train.Metrics) error {
				seen[i] = append(seen[i], m.Step)
				return nil
			})
		}
	}
	rs, err := RunJobs(context.Background(), 2, nil, jobs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.Err != nil || r.Seed != uint64(i) || len(seen[i]) != len(r.History) || seen[i][len(seen[i])-1] != 12 {
			t.Errorf("job %d: observed steps %v for %d records (err %v)", i, seen[i], len(r.History), r.Err)
		}
	}
}

// The plane data kind: a valid config builds a network over 2 + noise_dims
// inputs, and each bad value is one line naming its key.
func TestPlaneKind(t *testing.T) {
	plane := func(mod func(d *Data)) *Config {
		c, _ := Preset("demo")
		c.Data = Data{Kind: "plane", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NoiseDims: 30, Sigma: 0.3, NTrain: 50, NTest: 20, Noise: 0.2}
		if mod != nil {
			mod(&c.Data)
		}
		return c
	}
	c := plane(nil)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := c.Build(3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.D != 32 || s.Net.In != 32 || s.Test.N() != 20 || s.Train.NumFlipped() != 10 {
		t.Errorf("plane setup: D %d, net input %d, %d test points, %d flipped", s.Train.D, s.Net.In, s.Test.N(), s.Train.NumFlipped())
	}
	cases := []struct {
		mod  func(d *Data)
		want string
	}{
		{func(d *Data) { d.NoiseDims = 0 }, "noise_dims"},
		{func(d *Data) { d.NoiseDims = -3 }, "noise_dims"},
		{func(d *Data) { d.Sigma = 0 }, "sigma"},
		{func(d *Data) { d.Spread = math.NaN() }, "spread"},
		{func(d *Data) { d.Means = d.Means[:1] }, "class means"},
		{func(d *Data) { d.Kind = "planar" }, "data.kind must be gauss2d, blobs, highdim or plane"},
	}
	for _, tc := range cases {
		err := plane(tc.mod).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("want one line naming %q, got %v", tc.want, err)
		}
	}
}
