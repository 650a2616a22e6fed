package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every tour step opens a valid scene that its query reopens; ?tour=K
// outside 1..len(Tour) is refused with a message naming the key.
func TestTourParams(t *testing.T) {
	if len(Tour) < 5 || len(Tour) > 7 {
		t.Errorf("the tour has %d steps; want 5 to 7", len(Tour))
	}
	for k := 1; k <= len(Tour); k++ {
		p, err := TourParams(k)
		if err != nil {
			t.Fatalf("TourParams(%d): %v", k, err)
		}
		if p.Tour != k || p.Steps != 0 {
			t.Errorf("step %d: Tour %d, Steps %d", k, p.Tour, p.Steps)
		}
		q := p.Query()
		if !strings.HasSuffix(q, "&tour="+strconv.Itoa(k)) {
			t.Errorf("step %d: query %q does not end with tour=%d", k, q, k)
		}
		back, err := Parse([]string{"-tour=" + strconv.Itoa(k)})
		if err != nil || back.Query() != q {
			t.Errorf("Parse(-tour=%d) = %q, %v; want %q", k, back.Query(), err, q)
		}
		again, err := Parse(p.Args())
		if err != nil || again.Query() != q {
			t.Errorf("step %d: Parse(Args) = %q, %v; want %q", k, again.Query(), err, q)
		}
		if _, err := New(p); err != nil {
			t.Errorf("step %d: %v", k, err)
		}
	}
	// Another key overrides the step's scene; the step number stays.
	if p, err := Parse([]string{"-tour=3", "-seed=4"}); err != nil || p.Seed != 4 || p.Tour != 3 || strings.Join(p.Methods, ",") != "sgd,1sam" {
		t.Errorf("Parse(-tour=3 -seed=4) = %+v, %v", p, err)
	}
	for _, v := range []string{"0", "-1", strconv.Itoa(len(Tour) + 1), "99"} {
		k, _ := strconv.Atoi(v)
		if k != 0 {
			if _, err := TourParams(k); err == nil {
				t.Errorf("TourParams(%d) accepted", k)
			}
		}
		p, err := Parse([]string{"-tour=" + v})
		switch {
		case k == 0 && (err != nil || p.Tour != 0):
			t.Errorf("Parse(-tour=0) = %+v, %v; want outside the tour", p, err)
		case k != 0 && (err == nil || !strings.Contains(err.Error(), "tour must be in [0, "+strconv.Itoa(len(Tour))+"]")):
			t.Errorf("Parse(-tour=%s): error %v", v, err)
		}
		if s := Start([]string{"-tour=" + v}); s.Preset != DefaultPreset || s.Tour != 0 {
			t.Errorf("Start(-tour=%s) = %s step %d; want the default preset outside the tour", v, s.Preset, s.Tour)
		}
	}
	if _, err := Parse([]string{"-tour=two"}); err == nil || !strings.Contains(err.Error(), "tour") {
		t.Errorf("Parse(-tour=two): %v", err)
	}
	// A control leaves the tour: the scene is no longer the step's.
	p, _ := TourParams(3)
	if q := StepNoise(p, mustConfig(t, p), +1); q.Tour != 0 {
		t.Errorf("a changed experiment kept tour=%d", q.Tour)
	}
}

func mustConfig(t *testing.T, p Params) *Config {
	t.Helper()
	c, err := p.Config()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pc formats a fraction as the captions do (whole percent), independently.
func pc(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// directLowLossShare is LowLossShare through the margin view's own
// computation (Lab.UpdateViews, Views.Margins).
func directLowLossShare(l *Lab, i int) float64 {
	l.UpdateViews(i, false)
	p := l.Panels[i]
	m := slices.Clone(p.Views.Margins)
	slices.Sort(m)
	cut := m[len(m)-len(m)/4] // the smallest of the top quarter
	s := 0.0
	for j, v := range p.Views.Margins {
		if v >= cut {
			s += p.Shares[j]
		}
	}
	return s
}

// The captions quote the lab's state: a table of tour steps and training
// lengths, each caption checked against numbers read straight from the
// panels, and its Holds against the claim evaluated here. Each step is
// checked at a length where its claim holds and, where one exists, at one
// where it does not (and the caption must say so).
func TestTourCaptionNumbers(t *testing.T) {
	cases := []struct {
		step, steps int
		holds       bool
	}{
		{1, 0, false}, {1, 400, true},
		{2, 0, false}, {2, 1000, true},
		{3, 0, false}, {3, 400, true},
		{4, 0, false}, {4, 40, true}, {4, 150, false},
		{5, 300, false}, {5, 600, true}, {5, 1000, true},
		{6, 300, true}, {6, 600, true}, {6, 1000, true},
	}
	for _, c := range cases {
		p, err := TourParams(c.step)
		if err != nil {
			t.Fatal(err)
		}
		l, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		l.Step(c.steps)
		cp, ok := TourCaption(l)
		if !ok {
			t.Fatalf("step %d: no caption", c.step)
		}
		text := strings.Join(cp.Lines, " ")
		name := fmt.Sprintf("step %d after %d steps", c.step, c.steps)
		var want []string
		var holds bool
		pn := map[string]*Panel{}
		for _, q := range l.Panels {
			pn[q.Method] = q
		}
		last := func(m string) Sample { return pn[m].Curve[len(pn[m].Curve)-1] }
		switch c.step {
		case 1:
			s := last("sgd")
			want = []string{pc(s.Clean) + " of the clean", pc(s.Flipped) + " of the flipped", "Step " + strconv.Itoa(c.steps)}
			holds = s.Flipped > 0.5
		case 2:
			s, b := last("sgd"), pn["sgd"].Best
			holds = b.Test-s.Test >= 0.01
			want = []string{pc(b.Test), "step " + strconv.Itoa(b.Step)}
			if holds {
				want = append(want, "now "+pc(s.Test))
			}
		case 3:
			a, b := last("sgd"), last("1sam")
			want = []string{"SGD now fits " + pc(a.Flipped) + " of the flipped points, 1-SAM " + pc(b.Flipped),
				pc(1-a.CleanShare) + " of SGD's update", pc(1-b.CleanShare) + " of 1-SAM's"}
			holds = b.Flipped < a.Flipped && pn["1sam"].Best.Test > pn["sgd"].Best.Test
		case 4:
			if c.steps == 0 {
				holds = false
				want = []string{"Press play"}
				break
			}
			fg, fm := directLowLossShare(l, 0), directLowLossShare(l, 1)
			want = []string{"carry " + pc(fg) + " of SGD's update and " + pc(fm) + " of 1-SAM's"}
			holds = fm > fg
		case 5:
			fl, fj := last("lsam").Flipped, last("jsam").Flipped
			want = []string{"SGD fits " + pc(last("sgd").Flipped) + " of the flipped", "scale) " + pc(fl), "Jacobian) " + pc(fj),
				"SGD " + pc(pn["sgd"].Best.Test) + ", L-SAM " + pc(pn["lsam"].Best.Test) + ", J-SAM " + pc(pn["jsam"].Best.Test)}
			holds = fj < fl
			if pn["jsam"].Best.Test <= pn["lsam"].Best.Test {
				want = append(want, "J-SAM is not ahead of L-SAM here")
			}
		case 6:
			fg, fr := last("sgd").Flipped, last("regsgd").Flipped
			want = []string{"SGD fits " + pc(fg) + " of the flipped points, J-SAM " + pc(last("jsam").Flipped) + ", Reg-SGD " + pc(fr),
				"SGD " + pc(pn["sgd"].Best.Test) + ", J-SAM " + pc(pn["jsam"].Best.Test) + ", Reg-SGD " + pc(pn["regsgd"].Best.Test)}
			holds = fr < fg
			if pn["regsgd"].Best.Test <= pn["sgd"].Best.Test {
				want = append(want, "Reg-SGD is not ahead of SGD here")
			}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: caption %q lacks %q", name, text, w)
			}
		}
		if cp.Holds != holds {
			t.Errorf("%s: Holds %t, the claim evaluated here %t (%q)", name, cp.Holds, holds, text)
		}
		if holds != c.holds {
			t.Errorf("%s: the claim holds: %t, the table expects %t (%q)", name, holds, c.holds, text)
		}
		says := strings.Contains(text, "Not shown") || strings.Contains(text, "not") || strings.Contains(text, "Press play")
		if !cp.Holds && !says {
			t.Errorf("%s: the claim does not hold and the caption does not say so: %q", name, text)
		}
		if !strings.HasPrefix(cp.Title, fmt.Sprintf("Tour %d/%d: ", c.step, len(Tour))) || cp.Watch != Tour[c.step-1].Watch {
			t.Errorf("%s: title %q watch %q", name, cp.Title, cp.Watch)
		}
	}
	// Outside the tour there is no caption.
	if l, err := New(Default()); err != nil {
		t.Fatal(err)
	} else if _, ok := TourCaption(l); ok {
		t.Error("a caption outside the tour")
	}
}
