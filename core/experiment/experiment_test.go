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
	if b, _ := Num(math.NaN()).MarshalJSON(); string(b) != "null" {
		t.Errorf("NaN: %s", b)
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
