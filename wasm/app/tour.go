package app

import (
	"fmt"
	"strings"

	"github.com/samlab/samlab/wasm/sim"
)

// The guided tour (?tour=K, sim.Tour): a Tour button on the header's title
// row opens step 1; in the tour a strip over the header shows the step's
// title and its caption, read from the lab (sim.TourCaption), with Back,
// Next and Exit, and an outline marks what to watch.

// Where the tour's controls sit: on the header's title row, right-aligned
// to the main area.
const (
	tourBtnY = 5.0
	tourBtnH = 22.0
	tourBtnW = 64.0
	tourGap  = 6.0
)

// tourWidgets returns the tour's buttons. Their rectangles are set every
// frame by placeTour (empty while they do not apply, so no click lands on
// them).
func tourWidgets() []*widget {
	return []*widget{
		{id: "tour", text: fixed("Tour"), onClick: func(s *session) { s.tour(1) }, primary: true},
		{id: "tour-back", text: fixed("< Back"), onClick: func(s *session) { s.tour(s.lab.P.Tour - 1) }},
		{id: "tour-next", text: fixed("Next >"), onClick: func(s *session) { s.tour(s.lab.P.Tour + 1) }},
		{id: "tour-exit", text: fixed("Exit"), onClick: func(s *session) { s.tour(0) }},
	}
}

// placeTour places the tour's buttons for session s: Tour outside the
// tour; in it Back (from step 2), Next (up to the last step) and Exit.
// When they move it logs a "tour-layout" line with their rectangles, as
// the layout line does for the other widgets.
func (c *controls) placeTour(s *session) {
	k, n := s.lab.P.Tour, len(sim.Tour)
	moved := false
	var b strings.Builder
	right := mainX + mainW
	slot := func(i int) rect { // i-th slot from the right
		return rect{right - float64(i+1)*tourBtnW - float64(i)*tourGap, tourBtnY, tourBtnW, tourBtnH}
	}
	for _, w := range c.widgets {
		var show bool
		var r rect
		switch w.id {
		case "tour":
			show, r = k == 0, slot(0)
		case "tour-exit":
			show, r = k > 0, slot(0)
		case "tour-next":
			show, r = k > 0 && k < n, slot(1)
		case "tour-back":
			show, r = k > 1, slot(2)
		default:
			continue
		}
		if !show {
			r = rect{}
		}
		moved = moved || w.r != r
		w.r = r
		fmt.Fprintf(&b, " %s=%.0f,%.0f,%.0f,%.0f", w.id, r.X, r.Y, r.W, r.H)
	}
	if moved {
		s.log.logf("tour-layout tour=%d%s", k, b.String())
	}
}

// tour opens tour step k (0: leaves the tour, keeping the experiment).
func (s *session) tour(k int) {
	if k == 0 {
		q := s.lab.P
		q.Tour, q.Steps = 0, 0
		s.change("tour", q, nil)
		return
	}
	q, err := sim.TourParams(k)
	s.change("tour", q, err)
	if err == nil {
		s.playing = true
	}
}

// tourView is the view's cache of the tour's strip: the caption read at
// a key that changes with the curves (a sample every few steps) and the
// layer it is drawn in.
type tourView struct {
	key   string
	cap   sim.Caption
	ok    bool
	layer layer
}

// tourKey changes with the lab and whenever a panel's curves gain a
// sample or it steps while paused.
func tourKey(s *session) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d,%d", s.gen, s.lab.P.Tour)
	for _, p := range s.lab.Panels {
		fmt.Fprintf(&b, "|%d,%d", len(p.Curve), p.T.Steps()/max(1, 5*s.lab.P.Speed))
		if !s.playing {
			fmt.Fprintf(&b, ",%d", p.Version)
		}
	}
	return b.String()
}

// caption returns the tour caption of session s, read again when tourKey
// changes.
func (t *tourView) caption(s *session) (sim.Caption, bool) {
	if k := tourKey(s); k != t.key {
		t.key = k
		t.cap, t.ok = sim.TourCaption(s.lab)
	}
	return t.cap, t.ok
}

// colTour is the colour of the tour's outline of what to watch.
var colTour = rgb(0xf59e0b)

// drawTour draws the tour's buttons and, in the tour, the caption strip
// over the header and the outline of what to watch.
func (v *view) drawTour(cv canvas, s *session, c *controls) {
	cp, ok := v.tour.caption(s)
	if ok {
		n := len(s.lab.Panels)
		for _, r := range watchRects(cp.Watch, s.lab, n) {
			cv.strokeRoundRect(rect{r.X - 4, r.Y - 4, r.W + 8, r.H + 8}, 8, 3, colTour)
		}
		strip := rect{0, 0, sideX - 4, headerH}
		key := fmt.Sprintf("%s|%s|%t", cp.Title, strings.Join(cp.Lines, "|"), cp.Holds)
		v.tour.layer.draw(cv, strip, key, func(cv canvas) { drawCaption(cv, strip, cp) })
	}
	for _, w := range c.widgets {
		if strings.HasPrefix(w.id, "tour") && w.r.W > 0 {
			drawWidget(cv, w, s, c.hover(w))
		}
	}
}

// drawCaption draws caption cp in strip r: the title on the first row
// (left of the buttons), the lines wrapped below it.
func drawCaption(cv canvas, r rect, cp sim.Caption) {
	cv.fillRect(r, colHeader)
	title := cv.ellipsize(cp.Title, fontBold, mainW-3*(tourBtnW+tourGap)-8)
	cv.text(title, fontBold, mainX, 7, colTour)
	clr := rgb(0xe2e8f0)
	if !cp.Holds {
		clr = rgb(0xfcd34d)
	}
	lines := wrap(cv, strings.Join(cp.Lines, " "), fontSmall, r.W-mainX-8)
	for i, l := range lines {
		if i == 2 {
			break
		}
		if i == 1 && len(lines) > 2 {
			l = cv.ellipsize(l+" "+strings.Join(lines[2:], " "), fontSmall, r.W-mainX-8)
		}
		cv.text(l, fontSmall, mainX, 25+float64(i)*13, clr)
	}
}

// wrap breaks s into lines no wider than w.
func wrap(cv canvas, s string, k fontKind, w float64) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && cv.textWidth(try, k) > w {
			out = append(out, line)
			line = word
			continue
		}
		line = try
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// watchRects returns the screen rectangles a tour step's Watch names, for
// lab l with n panels.
func watchRects(wt sim.Watch, l *sim.Lab, n int) []rect {
	switch wt {
	case sim.WatchTest:
		return []rect{chartRect(0, n)}
	case sim.WatchFlipped:
		return []rect{chartRect(2, n)}
	case sim.WatchShare:
		return []rect{chartRect(3, n)}
	case sim.WatchMargins, sim.WatchPlanes:
		var rs []rect
		for i := range n {
			if wt == sim.WatchMargins && l.HighDim() {
				rs = append(rs, marginRect(i, n))
			} else {
				rs = append(rs, planeRect(i, n))
			}
		}
		return rs
	}
	return nil
}
