package app

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/samlab/samlab/wasm/sim"
)

// space is the high-dimensional scene on Update's side (a lab for which
// sim.Lab.HighDim holds: the paper's toy, 1000-D): it brings the panels'
// views up to date after training (sim.Lab.UpdateViews) and keeps the
// windows the views show, which the drawing and the picking of points
// share: the projection's half-extents, the same for every panel so that
// their planes compare, each panel's margin-view axes, and each panel's
// projection tint (the predicted class probability over the window). The
// windows grow, never shrink, while a lab runs, so the axes do not jitter
// from step to step; a new lab or a reset starts them afresh.
type space struct {
	gen     uint64       // the session generation the windows belong to
	ha, hb  float64      // the projection's half-extents along U1 and U2
	axes    []marginAxes // per panel: the margin view's axes
	tints   []tint       // per panel: the projection's tint
	stamps  []uint64     // per panel: changes with anything its views show
	clock   uint64       // the last stamp given
	scratch []int        // the drawing order of the points (order)
	logged  string       // the windows last logged
}

// marginAxes are a margin view's axes: margins from lo to hi along x,
// shares of the update in multiples of the uniform share along y, on a
// log scale of shareDecades decades up to top.
type marginAxes struct {
	lo, hi float64
	top    float64 // a power of ten, at least 10
}

// shareDecades is how many decades of shares the margin view's y axis
// spans: from a thousandth of the uniform share to ten times it, at the
// least; smaller shares are drawn on the axis's bottom edge.
const shareDecades = 4

// tint is a panel's projection tint: the predicted class probability on a
// gw x gh grid over the visible window, as RGBA pixels (sim.Projection.
// Render), scaled up with linear filtering when drawn.
type tint struct {
	pix    []byte
	gw, gh int
	stamp  uint64 // the space clock when rendered
}

// tintCols is the projection tint's grid width (its height follows the
// projection's aspect).
const tintCols = 48

// refresh brings the views of session s's panels up to date and grows the
// windows to hold them; it returns how many panels' views it computed
// (none for a 2-D lab).
func (sp *space) refresh(s *session) int {
	lab := s.lab
	if !lab.HighDim() {
		return 0
	}
	n := len(lab.Panels)
	if sp.gen != s.gen || len(sp.axes) != n {
		sp.gen, sp.ha, sp.hb = s.gen, 0, 0
		sp.axes, sp.tints, sp.stamps = make([]marginAxes, n), make([]tint, n), make([]uint64, n)
	}
	done := 0
	changed := make([]bool, n)
	views := make([]*sim.Views, n)
	for i, p := range lab.Panels {
		if lab.UpdateViews(i, lab.P.Test) {
			done++
			changed[i] = true
			sp.axes[i].grow(lab, p)
		}
		views[i] = &p.Views
	}
	ha, hb := sim.Window(views)
	ha, hb = math.Ceil(ha*2)/2, math.Ceil(hb*2)/2 // in steps of 0.5: fewer changes
	grown := ha > sp.ha || hb > sp.hb
	sp.ha, sp.hb = max(sp.ha, ha), max(sp.hb, hb)
	r := projRect(0, n)
	for i, p := range lab.Panels {
		if !changed[i] && !grown {
			continue
		}
		sp.clock++
		sp.stamps[i] = sp.clock
		t := &sp.tints[i]
		t.gw = tintCols
		t.gh = max(4, int(math.Round(tintCols*r.H/r.W)))
		if len(t.pix) != 4*t.gw*t.gh {
			t.pix = make([]byte, 4*t.gw*t.gh)
		}
		xa, xb := sp.visible(r)
		p.Views.Proj.Render(t.pix, t.gw, t.gh, xa, xb)
		lighten(t.pix, tintKeep)
		t.stamp = sp.clock
	}
	sp.log(s.log)
	return done
}

// log logs the windows when they changed: "space ha=.. hb=.. margins=
// lo:hi:top,..." (the projection's half-extents, each margin view's
// axes), so that a test can find a point on the screen.
func (sp *space) log(l *logger) {
	var b strings.Builder
	fmt.Fprintf(&b, "space ha=%g hb=%g margins=", sp.ha, sp.hb)
	for i, ax := range sp.axes {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%g:%g:%g", ax.lo, ax.hi, ax.top)
	}
	if s := b.String(); s != sp.logged {
		sp.logged = s
		l.logf("%s", s)
	}
}

// touch marks every panel's views as changed (the points' look changed:
// the share view, the test points).
func (sp *space) touch() {
	for i := range sp.stamps {
		sp.clock++
		sp.stamps[i] = sp.clock
	}
}

// grow widens the axes to hold panel p's margins and shares, and its
// method's closed-form weight curve's drop (at c, for 1-SAM and L-SAM).
func (ax *marginAxes) grow(lab *sim.Lab, p *sim.Panel) {
	v := &p.Views
	lo, hi, top := 0.0, 1.0, 10.0
	for k, m := range v.Margins {
		if !math.IsNaN(m) && !math.IsInf(m, 0) {
			lo, hi = min(lo, m), max(hi, m)
		}
		if v.Stepped && k < len(p.Shares) {
			top = max(top, p.Shares[k]*float64(len(p.Shares)))
		}
	}
	if c, ok := lab.WeightCurve(v, p.Method, p.Rho); ok && c.C > 0 {
		hi = max(hi, c.C+6) // the curve's drop, from 1 to about 0.0025 of its plateau
	}
	step := niceCeil((hi - lo) / 5)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	top = math.Pow(10, math.Ceil(math.Log10(top)-1e-9))
	if ax.top == 0 { // not set yet
		ax.lo, ax.hi, ax.top = lo, hi, top
		return
	}
	ax.lo, ax.hi, ax.top = min(ax.lo, lo), max(ax.hi, hi), max(ax.top, top)
}

// marginPlot returns the plot area of a margin view at r: room for the
// title above, the share labels on the left and the margin labels below.
func marginPlot(r rect) rect {
	return rect{r.X + 34, r.Y + 17, r.W - 34 - 8, r.H - 17 - 15}
}

// xy returns the position in plot of a point at margin m whose share of
// the update is u times the uniform share (clamped to the axes).
func (ax marginAxes) xy(plot rect, m, u float64) (x, y float64) {
	x = plot.X + plot.W*(min(ax.hi, max(ax.lo, m))-ax.lo)/(ax.hi-ax.lo)
	return x, ax.y(plot, u)
}

// y returns the height in plot of u times the uniform share.
func (ax marginAxes) y(plot rect, u float64) float64 {
	t := math.Log10(ax.top)
	lu := t - shareDecades
	if u > 0 {
		lu = min(t, max(t-shareDecades, math.Log10(u)))
	}
	return plot.Y + plot.H*(t-lu)/shareDecades
}

// visible returns the half-extents, along U1 and U2, of the plane the
// projection rectangle r shows: the window (ha, hb) at one scale for both
// axes, so that angles are true, widened along the axis r has room for.
func (sp *space) visible(r rect) (xa, xb float64) {
	s := sp.scale(r)
	return r.W / 2 / s, r.H / 2 / s
}

// scale returns the projection's logical pixels per unit of the plane in
// rectangle r.
func (sp *space) scale(r rect) float64 {
	return min(r.W/2/max(sp.ha, 1), r.H/2/max(sp.hb, 1))
}

// projXY returns the position in projection rectangle r of plane point
// (a, b): a to the right, b upwards, the origin at the centre.
func (sp *space) projXY(r rect, a, b float64) (x, y float64) {
	s := sp.scale(r)
	return r.X + r.W/2 + a*s, r.Y + r.H/2 - b*s
}

// pick returns the training point of panel i of lab (n panels) drawn
// nearest to (x, y) in its margin view or its projection, whichever holds
// (x, y), within radius logical pixels; -1 when there is none.
func (sp *space) pick(lab *sim.Lab, i int, x, y, radius float64) int {
	n := len(lab.Panels)
	if sp.gen == 0 || i >= len(sp.axes) || !lab.Panels[i].Views.Valid {
		return -1
	}
	p := lab.Panels[i]
	v := &p.Views
	best, bd := -1, radius*radius
	try := func(k int, px, py float64) {
		if d := (px-x)*(px-x) + (py-y)*(py-y); d <= bd {
			best, bd = k, d
		}
	}
	switch {
	case marginRect(i, n).contains(x, y):
		plot := marginPlot(marginRect(i, n))
		for k, m := range v.Margins {
			px, py := sp.axes[i].xy(plot, m, shareTimesN(p, k))
			try(k, px, py)
		}
	case projRect(i, n).contains(x, y):
		r := projRect(i, n)
		for k := range v.Proj.B {
			px, py := sp.projXY(r, v.Proj.A[k], v.Proj.B[k])
			try(k, px, py)
		}
	}
	return best
}

// shareTimesN returns training point k's share of panel p's last update in
// multiples of the uniform share (1 before the first update: there is no
// share yet, and the view draws the point faded there).
func shareTimesN(p *sim.Panel, k int) float64 {
	if !p.Views.Stepped {
		return 1
	}
	return p.Shares[k] * float64(len(p.Shares))
}

// order returns the order in which to draw panel p's training points of
// lab: clean first, flipped on top; in the share view the largest share
// first, so that small points stay visible. The slice is scratch, valid
// until the next call.
func (sp *space) order(lab *sim.Lab, p *sim.Panel) []int {
	o := sp.scratch[:0]
	tr := lab.Train
	for pass := range 2 {
		for k := range tr.N() {
			if tr.Flipped[k] == (pass == 1) {
				o = append(o, k)
			}
		}
	}
	if lab.P.Shares && p.Views.Stepped {
		sh := p.Shares
		slices.SortStableFunc(o, func(a, b int) int { return cmp.Compare(sh[b], sh[a]) })
	}
	sp.scratch = o
	return o
}

// tintKeep is the fraction of the heat maps' colour the projection's tint
// keeps: paler than a 2-D plane's, as the projection's points are drawn
// in the same class colours and, once the model is sure of them, lie on
// their full tint.
const tintKeep = 0.5

// lighten mixes RGBA pixels towards white, keeping the fraction f of
// their colour.
func lighten(pix []byte, f float64) {
	for k := 0; k+3 < len(pix); k += 4 {
		for j := range 3 {
			pix[k+j] = uint8(math.Round(255 - (255-float64(pix[k+j]))*f))
		}
	}
}
