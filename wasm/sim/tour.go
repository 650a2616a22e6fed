package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Watch names the part of the screen a tour step highlights.
type Watch string

// The parts of the screen a tour step can highlight.
const (
	// WatchPlanes: the panels' planes (or, in the high-dimensional scene,
	// their margin views and projections).
	WatchPlanes Watch = "planes"
	// WatchMargins: the high-dimensional scene's margin views.
	WatchMargins Watch = "margins"
	// WatchTest: the test-accuracy chart with its early-stopping marks.
	WatchTest Watch = "test"
	// WatchFlipped: the flipped points' train-accuracy chart.
	WatchFlipped Watch = "flipped"
	// WatchShare: the flipped points' share of the update.
	WatchShare Watch = "share"
)

// TourStep is one step of the guided tour (?tour=K): a scene, given as a
// URL query, a title, what to watch, and a caption read from the lab.
type TourStep struct {
	// Title names the step.
	Title string
	// Query is the step's scene, in the keys of Params.FlagSet.
	Query string
	// Watch is the part of the screen the step highlights.
	Watch Watch
	// read writes the caption's lines from the lab's state.
	read func(l *Lab) Caption
}

// Caption is what a tour step says about the lab on screen: its lines,
// with the live numbers in them, and whether the step's claim holds in
// what the screen shows now (a line says so when it does not).
type Caption struct {
	// Title is "Tour k/K: " and the step's title.
	Title string
	// Lines are the caption's lines.
	Lines []string
	// Holds reports whether the step's claim shows on screen now.
	Holds bool
	// Watch is the part of the screen to highlight.
	Watch Watch
}

// Tour is the guided tour through the paper's argument, in order
// (docs/web.md, "The guided tour").
var Tour = []TourStep{
	{Title: "label noise and memorisation (SGD alone)", Query: "methods=sgd", Watch: WatchFlipped, read: readMemorise},
	{Title: "early stopping", Query: "methods=sgd&test=true", Watch: WatchTest, read: readEarlyStop},
	{Title: "1-SAM beside SGD: who is fit first", Query: "methods=sgd,1sam", Watch: WatchFlipped, read: readFitFirst},
	{Title: "the paper's toy: 1-SAM up-weights the points it already fits", Query: "preset=highdim&methods=sgd,1sam", Watch: WatchMargins, read: readUpweight},
	{Title: "nonlinear nets: J-SAM against L-SAM", Query: "preset=xor&methods=sgd,lsam,jsam", Watch: WatchFlipped, read: readJacobian},
	{Title: "Reg-SGD, a cheap stand-in for J-SAM", Query: "preset=xor&methods=sgd,jsam,regsgd", Watch: WatchFlipped, read: readRegSGD},
}

// TourParams returns the parameters of tour step k (1..len(Tour)): the
// step's scene over its preset's starting values, with Tour set to k.
func TourParams(k int) (Params, error) {
	if k < 1 || k > len(Tour) {
		return Params{}, fmt.Errorf("tour must be in [1, %d] (got %d)", len(Tour), k)
	}
	var args []string
	for _, kv := range strings.Split(Tour[k-1].Query, "&") {
		args = append(args, "-"+kv)
	}
	p := PresetParams(PresetOf(args))
	if err := p.FlagSet("tour").Parse(args); err != nil {
		return Params{}, fmt.Errorf("tour step %d: %w", k, err)
	}
	p.Tour = k
	if err := p.Validate(); err != nil {
		return Params{}, fmt.Errorf("tour step %d: %w", k, err)
	}
	return p, nil
}

// Start returns the parameters a parser starts from for args: tour step K
// when args hold -tour=K (K in 1..len(Tour)), so that ?tour=3 alone opens
// the step's scene and other keys override it; otherwise the starting
// parameters of the preset args name (PresetParams(PresetOf(args))).
func Start(args []string) Params {
	for _, a := range args {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if v, ok := strings.CutPrefix(a, "tour="); ok {
			if k, err := strconv.Atoi(v); err == nil {
				if p, err := TourParams(k); err == nil {
					return p
				}
			}
		}
	}
	return PresetParams(PresetOf(args))
}

// TourCaption returns the caption of l's tour step (l.P.Tour), read from
// l's state; ok is false outside the tour.
func TourCaption(l *Lab) (c Caption, ok bool) {
	k := l.P.Tour
	if k < 1 || k > len(Tour) {
		return Caption{}, false
	}
	st := Tour[k-1]
	c = st.read(l)
	c.Title = fmt.Sprintf("Tour %d/%d: %s", k, len(Tour), st.Title)
	c.Watch = st.Watch
	return c, true
}

// pct formats a fraction as whole percent.
func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 0, 64) + "%" }

// panelOf returns l's first panel training method m, or nil.
func panelOf(l *Lab, m string) *Panel {
	for _, p := range l.Panels {
		if p.Method == m {
			return p
		}
	}
	return nil
}

// missing is the caption of a step whose scene no longer shows the methods
// it is about (a control changed them).
func missing(methods ...string) Caption {
	return Caption{Lines: []string{fmt.Sprintf("This step is about %s; the panels no longer show them. Back or Next reopens a tour scene.",
		strings.Join(methods, " and "))}}
}

// readMemorise: SGD alone fits the clean points, then memorises the
// flipped ones.
func readMemorise(l *Lab) Caption {
	p := panelOf(l, "sgd")
	if p == nil {
		return missing("SGD")
	}
	s := p.Last()
	c := Caption{Lines: []string{
		fmt.Sprintf("%s of the training labels are flipped (the crossed points). Step %d: SGD fits %s of the clean points and %s of the flipped ones (their wrong labels).",
			pct(l.FlippedFraction()), s.Step, pct(s.Clean), pct(s.Flipped)),
	}}
	c.Holds = s.Flipped > 0.5
	if c.Holds {
		c.Lines = append(c.Lines, "It has memorised most flipped labels: a linear model can, through the 100 noise coordinates the plane does not show.")
	} else {
		c.Lines = append(c.Lines, "It has not memorised them yet (it fits under half): watch the third chart rise.")
	}
	return c
}

// readEarlyStop: SGD's test accuracy peaks, then falls as it memorises.
func readEarlyStop(l *Lab) Caption {
	p := panelOf(l, "sgd")
	if p == nil {
		return missing("SGD")
	}
	s, b := p.Last(), p.Best
	drop := b.Test - s.Test
	c := Caption{Holds: drop >= 0.01}
	if c.Holds {
		c.Lines = []string{
			fmt.Sprintf("SGD's test accuracy peaked at %s at step %d (the mark) and is now %s, %s points lower, as it memorises the flipped labels.",
				pct(b.Test), b.Step, pct(s.Test), strconv.FormatFloat(100*drop, 'f', 0, 64)),
			"Early stopping keeps the peak: the baseline SAM has to beat.",
		}
	} else {
		c.Lines = []string{
			fmt.Sprintf("Step %d: SGD's test accuracy is %s, its best so far %s (step %d): it has not fallen yet, so early stopping has nothing to save. Keep watching.",
				s.Step, pct(s.Test), pct(b.Test), b.Step),
		}
	}
	return c
}

// readFitFirst: 1-SAM fits fewer flipped points than SGD, and its best
// test accuracy is higher.
func readFitFirst(l *Lab) Caption {
	g, m := panelOf(l, "sgd"), panelOf(l, "1sam")
	if g == nil || m == nil {
		return missing("SGD", "1-SAM")
	}
	a, b := g.Last(), m.Last()
	c := Caption{Lines: []string{
		fmt.Sprintf("Step %d: SGD now fits %s of the flipped points, 1-SAM %s; the clean ones %s and %s. Flipped points carry %s of SGD's update, %s of 1-SAM's.",
			a.Step, pct(a.Flipped), pct(b.Flipped), pct(a.Clean), pct(b.Clean), pct(FlippedShare(a)), pct(FlippedShare(b))),
	}}
	c.Holds = b.Flipped < a.Flipped && m.Best.Test > g.Best.Test
	if c.Holds {
		c.Lines = append(c.Lines, fmt.Sprintf("1-SAM keeps weighing the clean points it already fits, so it memorises later: best test accuracy %s against SGD's %s.",
			pct(m.Best.Test), pct(g.Best.Test)))
	} else {
		c.Lines = append(c.Lines, fmt.Sprintf("Not shown here yet: 1-SAM does not fit fewer flipped points and reach a higher best test accuracy (%s against SGD's %s).",
			pct(m.Best.Test), pct(g.Best.Test)))
	}
	return c
}

// LowLossShare returns the share of panel p's last update that came from
// the quarter of the training points with the largest margins y_i f(x_i)
// (the lowest losses), at the weights that update was computed at (the
// weights of Panel.Shares): a quarter when every point weighs the same.
// NaN in a 2-D lab or before the first step.
func LowLossShare(l *Lab, p *Panel) float64 {
	if l.Space == nil || p.T.Steps() == 0 {
		return math.NaN()
	}
	net, d := l.Setup.Net, l.Train
	ws := net.NewWorkspace()
	n := d.N()
	idx := make([]int, n)
	m := make([]float64, n)
	for i := range n {
		idx[i] = i
		m[i] = (2*float64(d.Y[i]) - 1) * net.Forward(ws, p.at, d.Row(i))[0]
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(m[b], m[a]) })
	s := 0.0
	for _, i := range idx[:n/4] {
		s += p.Shares[i]
	}
	return s
}

// readUpweight: on the paper's toy, the points with the lowest loss carry
// more of 1-SAM's update than of SGD's.
func readUpweight(l *Lab) Caption {
	g, m := panelOf(l, "sgd"), panelOf(l, "1sam")
	if g == nil || m == nil || l.Space == nil {
		return missing("SGD", "1-SAM on the paper's toy")
	}
	fg, fm := LowLossShare(l, g), LowLossShare(l, m)
	if math.IsNaN(fg) || math.IsNaN(fm) {
		return Caption{Lines: []string{"Press play: the margin view plots each point's margin against its share of the update, from the first step."}}
	}
	c := Caption{Lines: []string{
		fmt.Sprintf("Step %d: the quarter of the points with the lowest loss (largest margins, right) carry %s of SGD's update and %s of 1-SAM's (equal weights: 25%%).",
			min(g.T.Steps(), m.T.Steps()), pct(fg), pct(fm)),
	}}
	c.Holds = fm > fg
	if c.Holds {
		c.Lines = append(c.Lines, fmt.Sprintf("1-SAM weighs a point by sigma(c - m), not sigma(-m): fitted clean points keep pulling. Flipped fit: SGD %s, 1-SAM %s; best test: %s, %s.",
			pct(g.Last().Flipped), pct(m.Last().Flipped), pct(g.Best.Test), pct(m.Best.Test)))
	} else {
		c.Lines = append(c.Lines, "Not shown at this step: the low-loss points do not carry more of 1-SAM's update than of SGD's (past the dashed line at c, sigma(c - m) falls too; Reset and watch the first 50 steps).")
	}
	return c
}

// readJacobian: in a network, J-SAM memorises fewer flipped labels than
// L-SAM; the caption also says whether that shows in best test accuracy.
func readJacobian(l *Lab) Caption {
	g, ls, js := panelOf(l, "sgd"), panelOf(l, "lsam"), panelOf(l, "jsam")
	if g == nil || ls == nil || js == nil {
		return missing("SGD", "L-SAM", "J-SAM")
	}
	c := Caption{Lines: []string{
		fmt.Sprintf("Step %d: SGD fits %s of the flipped points, L-SAM (perturbs only the logit scale) %s, J-SAM (perturbs only the network's Jacobian) %s.",
			g.Last().Step, pct(g.Last().Flipped), pct(ls.Last().Flipped), pct(js.Last().Flipped)),
	}}
	c.Holds = js.Last().Flipped < ls.Last().Flipped
	test := fmt.Sprintf("Best test accuracy: SGD %s, L-SAM %s, J-SAM %s", pct(g.Best.Test), pct(ls.Best.Test), pct(js.Best.Test))
	if js.Best.Test > ls.Best.Test {
		test += ", J-SAM ahead too."
	} else {
		test += ": in test accuracy J-SAM is not ahead of L-SAM here."
	}
	if c.Holds {
		c.Lines = append(c.Lines, "J-SAM memorises less than L-SAM: in a network SAM's effect runs mostly through the Jacobian, as the paper finds. "+test)
	} else {
		c.Lines = append(c.Lines, "Not shown at this step: J-SAM does not fit fewer flipped points than L-SAM. "+test)
	}
	return c
}

// readRegSGD: Reg-SGD, SGD with the penalties J-SAM induces, memorises
// fewer flipped labels than SGD at the cost of one gradient a step; the
// caption also says whether that shows in best test accuracy.
func readRegSGD(l *Lab) Caption {
	g, js, r := panelOf(l, "sgd"), panelOf(l, "jsam"), panelOf(l, "regsgd")
	if g == nil || js == nil || r == nil {
		return missing("SGD", "J-SAM", "Reg-SGD")
	}
	c := Caption{Lines: []string{
		fmt.Sprintf("Step %d: SGD fits %s of the flipped points, J-SAM %s, Reg-SGD %s. Reg-SGD is SGD plus the penalties J-SAM induces: one gradient a step, not two.",
			g.Last().Step, pct(g.Last().Flipped), pct(js.Last().Flipped), pct(r.Last().Flipped)),
	}}
	c.Holds = r.Last().Flipped < g.Last().Flipped
	test := fmt.Sprintf("Best test accuracy: SGD %s, J-SAM %s, Reg-SGD %s", pct(g.Best.Test), pct(js.Best.Test), pct(r.Best.Test))
	if r.Best.Test > g.Best.Test {
		test += ", Reg-SGD ahead of SGD too."
	} else {
		test += ": in test accuracy Reg-SGD is not ahead of SGD here."
	}
	if c.Holds {
		c.Lines = append(c.Lines, "Reg-SGD memorises less than SGD, as J-SAM does, without the ascent step. "+test)
	} else {
		c.Lines = append(c.Lines, "Not shown at this step: Reg-SGD does not fit fewer flipped points than SGD. "+test)
	}
	return c
}
