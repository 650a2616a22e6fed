package sim

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/model"
)

// directSGDShares returns ||grad l_i(w)|| / sum_j ||grad l_j(w)||, computed
// one example at a time with the model's own single-example passes.
func directSGDShares(l *Lab, w []float64) []float64 {
	n := l.Setup.Net
	ws := n.NewWorkspace()
	r := make([]float64, n.Out)
	out := make([]float64, l.Train.N())
	sum := 0.0
	for i := range out {
		g := make([]float64, len(w))
		model.Residual(r, n.Forward(ws, w, l.Train.Row(i)), l.Train.Y[i])
		n.Backward(ws, w, g, r, nil, 1)
		out[i] = vnorm(g)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// Every panel's point shares sum to 1 after a step; SGD's equal the direct
// per-example computation.
func TestSharesSumToOne(t *testing.T) {
	p := Default()
	for _, methods := range [][]string{{"sgd", "sam", "1sam", "lsam"}, {"jsam", "regsgd"}} {
		p.Methods = methods
		l, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		l.Step(20)
		w := append([]float64(nil), l.Panels[0].T.W...)
		l.Step(1)
		for _, pn := range l.Panels {
			s := 0.0
			for _, v := range pn.Shares {
				if v < 0 {
					t.Fatalf("%s: negative share", pn.Method)
				}
				s += v
			}
			if math.Abs(s-1) > 1e-12 {
				t.Errorf("%s: shares sum to %.15g", pn.Method, s)
			}
		}
		if methods[0] == "sgd" {
			want := directSGDShares(l, w)
			for i, v := range l.Panels[0].Shares {
				if math.Abs(v-want[i]) > 1e-12 {
					t.Fatalf("SGD share of point %d: %g, direct %g", i, v, want[i])
				}
			}
		}
	}
}

// The mechanism on the demo data: the flipped points' share of SGD's update
// rises from the start (their residuals stay large while the clean ones
// shrink), and 1-SAM, which up-weights low-loss points, gives them a
// smaller share than SGD does, on every seed.
func TestFlippedShareUnderSGDAnd1SAM(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	var gap float64
	const seeds = 6
	for seed := uint64(1); seed <= seeds; seed++ {
		p := Default()
		p.Methods, p.Seed = []string{"sgd", "1sam"}, seed
		l, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		l.Every = 10
		l.Step(300)
		flipped := func(pn *Panel, from int) float64 { // mean flipped share over the samples from step `from`
			s, n := 0.0, 0
			for _, c := range pn.Curve {
				if c.Step >= from {
					s += 1 - c.CleanShare
					n++
				}
			}
			return s / float64(n)
		}
		sgd, one := l.Panels[0], l.Panels[1]
		start := 1 - sgd.Curve[0].CleanShare
		if f := flipped(sgd, 10); f < start+0.01 {
			t.Errorf("seed %d: SGD's flipped share %.3f over steps 10-300 did not rise from %.3f at step 0", seed, f, start)
		}
		d := flipped(sgd, 10) - flipped(one, 10)
		t.Logf("seed %d: flipped share SGD %.4f, 1-SAM %.4f (steps 10-300)", seed, flipped(sgd, 10), flipped(one, 10))
		if d <= 0 {
			t.Errorf("seed %d: 1-SAM gives the flipped points %.4f of its update, SGD %.4f", seed, flipped(one, 10), flipped(sgd, 10))
		}
		gap += d / seeds
	}
	if gap < 0.003 {
		t.Errorf("1-SAM lowers the flipped share by %.4f on average, want at least 0.003", gap)
	}
}

// The inspector: SGD's ascent point is w itself; 1-SAM's ascent step
// raises every point's loss, hence its logit-scale term (most for the
// low-loss points, relatively: the up-weighting).
func TestInspect(t *testing.T) {
	p := Default()
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	l.Step(200)
	raised, total := 0, 0
	for i := range l.Train.N() {
		a, err := l.Inspect(0, i)
		if err != nil {
			t.Fatal(err)
		}
		if a.Scale != a.ScaleAt || a.Jacobian != a.JacobianAt || !(a.Jacobian > 0) || a.Share != l.Panels[0].Shares[i] {
			t.Fatalf("SGD point %d: %+v", i, a)
		}
		b, _ := l.Inspect(1, i)
		total++
		if b.ScaleAt > b.Scale {
			raised++
		}
	}
	if float64(raised) < 0.95*float64(total) {
		t.Errorf("1-SAM raised the logit scale of %d of %d points", raised, total)
	}
	if _, err := l.Inspect(5, 0); err == nil {
		t.Error("bad panel accepted")
	}
	if i := l.Nearest(l.Train.X[0], l.Train.X[1], 0.01); i != 0 && (l.Train.X[2*i] != l.Train.X[0] || l.Train.X[2*i+1] != l.Train.X[1]) {
		t.Errorf("nearest point %d", i)
	}
}

// TestParsePointsFileFormats: the same points from a spreadsheet's CSV
// variants: a UTF-8 byte-order mark (Excel's "CSV UTF-8"), CR LF and
// CR-only (old Mac) line ends, and a header.
func TestParsePointsFileFormats(t *testing.T) {
	const rows = "0,0,0\n1,0,0,false\n0,1,1,true\n1,1,1\n2,2,1,0\n"
	want, err := ParsePoints(strings.NewReader(rows), "pts.csv")
	if err != nil {
		t.Fatal(err)
	}
	for name, csv := range map[string]string{
		"bom":                                "\uFEFF" + rows,
		"bom and header":                     "\uFEFFx,y,label,flipped\n" + rows,
		"crlf":                               strings.ReplaceAll(rows, "\n", "\r\n"),
		"cr only":                            strings.ReplaceAll(rows, "\n", "\r"),
		"bom, header, cr only, no final end": strings.TrimSuffix(strings.ReplaceAll("\uFEFFX,Y,label\n"+rows, "\n", "\r"), "\r"),
		"mixed ends":                         "0,0,0\r1,0,0,false\r\n0,1,1,true\n1,1,1\r2,2,1,0",
	} {
		d, err := ParsePoints(strings.NewReader(csv), "pts.csv")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Equal(d.X, want.X) || !slices.Equal(d.Y, want.Y) || !slices.Equal(d.Flipped, want.Flipped) || d.K != want.K {
			t.Errorf("%s: parsed %+v, want %+v", name, d, want)
		}
	}
}

func TestParsePoints(t *testing.T) {
	good := "x,y,label,flipped\n0,0,0\n1,0,0\n0,1,1,true\n1,1,1\n# a comment\n2,2,1,0\n"
	d, err := ParsePoints(strings.NewReader(good), "pts.csv")
	if err != nil {
		t.Fatal(err)
	}
	if d.N() != 5 || d.K != 2 || !d.Flipped[2] || d.Clean[2] != 0 || d.NumFlipped() != 1 {
		t.Fatalf("parsed %+v", d)
	}
	cases := []struct{ csv, want string }{
		{"", "pts.csv: 0 points, want at least 4"},
		{"0,0,0\n1,0,0\n0,1,0\n1,1,0\n", "want at least two classes"},
		{"0,0\n", "pts.csv line 1: 2 fields, want x,y,label[,flipped]"},
		{"0,0,0\n1,nan,1\n", `pts.csv line 2: y "nan" is not a coordinate`},
		{"0,0,0\n1,1,7\n", `pts.csv line 2: label "7" is not a class 0..3`},
		{"0,0,0\n1,1,1,maybe\n", `pts.csv line 2: flipped "maybe" is not true/false or 1/0`},
		{"0,0,0\n\"1,1,1\n", "pts.csv line"},
		{strings.Repeat("0,0,1\n", MaxPoints+1), "more than 2000 points"},
		// every point flipped with 3 classes: no true label is known, no test set
		{"0,0,0,1\n1,0,1,1\n0,1,2,1\n1,1,2,1\n", "pts.csv: all 4 points are flipped, and with 3 classes their true classes are unknown"},
		{"\uFEFFx,y,label,flipped\r0,0,0,1\r1,0,1,1\r0,1,2,1\r1,1,2,1\r", "all 4 points are flipped"},
		// a BOM or CR line ends do not hide a bad line, and its number is right
		{"\uFEFF0,0,0\r1,0,0\r0,1,1\r1,1,x\r", `pts.csv line 4: label "x"`},
		{"\uFEFF\uFEFF0,0,0\n1,0,0\n0,1,1\n1,1,1\n", `pts.csv line 1: x "\ufeff0"`},
	}
	for _, tc := range cases {
		d, err := ParsePoints(strings.NewReader(tc.csv), "pts.csv")
		if d != nil || err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.30q: error %v, want one line containing %q", tc.csv, err, tc.want)
		}
	}
}

// A lab on a user's points trains on exactly them, with a model for their
// classes, and the original lab is unchanged.
func TestWithPoints(t *testing.T) {
	l, err := New(Default())
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for i := range 60 {
		c := i % 3
		sb.WriteString(strings.Join([]string{fmtFloat(float64(c) + 0.1*float64(i%7)), fmtFloat(float64(c*2) - 0.05*float64(i%5)), string(rune('0' + c))}, ",") + "\n")
	}
	d, err := ParsePoints(strings.NewReader(sb.String()), "three.csv")
	if err != nil {
		t.Fatal(err)
	}
	before := l.Train.N()
	m, err := l.WithPoints(d)
	if err != nil {
		t.Fatal(err)
	}
	if m.Train.N() != 60 || m.Classes() != 3 || m.Setup.Net.Out != 3 || !m.Custom || l.Train.N() != before || l.Custom {
		t.Fatalf("lab on points: n %d, classes %d, out %d", m.Train.N(), m.Classes(), m.Setup.Net.Out)
	}
	m.Step(300)
	if acc := m.Panels[0].Last().Test; acc < 0.9 {
		t.Errorf("separable points: accuracy %.3f after 300 steps", acc)
	}
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// TestNoCleanPoints: points whose every label is flipped give no clean
// training accuracy (NaN, which the page shows as "no clean points"),
// but a test accuracy and update shares that are numbers: with two
// classes the true labels are known; with three the file is refused
// (TestParsePoints).
func TestNoCleanPoints(t *testing.T) {
	const csv = "0,0,1,1\n1,0,1,1\n0,1,0,1\n1,1,0,1\n2,2,0,1\n0.5,2,1,1\n"
	d, err := ParsePoints(strings.NewReader(csv), "flipped.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"sgd", "1sam"} {
		p := Default()
		p.Methods = []string{m}
		l, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		if l, err = l.WithPoints(d); err != nil {
			t.Fatal(err)
		}
		l.Step(3)
		p0 := l.Panels[0]
		if len(p0.Curve) == 0 {
			t.Fatalf("%s: no samples", m)
		}
		for _, s := range p0.Curve {
			if math.IsNaN(s.Test) || s.Test < 0 || s.Test > 1 || math.IsNaN(s.Flipped) || !math.IsNaN(s.Clean) {
				t.Errorf("%s step %d: test %v flipped %v clean %v: want test and flipped in [0,1], clean NaN (none)", m, s.Step, s.Test, s.Flipped, s.Clean)
			}
			if f := FlippedShare(s); f != 1 {
				t.Errorf("%s step %d: flipped share %v, want 1 (every point is flipped)", m, s.Step, f)
			}
		}
		if math.IsNaN(p0.Best.Test) || p0.Best.Step < 0 {
			t.Errorf("%s: no early-stopping point: %+v", m, p0.Best)
		}
	}
}
