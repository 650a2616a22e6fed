package app

import (
	"github.com/hajimehoshi/ebiten/v2"
)

// view draws the frame from what Update left. It owns every cache of
// pixels (the fonts at the current scale, the offscreen layers, the planes,
// the points layer, the path scratch) and changes nothing else: each cache
// is rendered again when what it shows changed.
type view struct {
	fonts  *fonts
	pen    *pen
	discs  discs // scratch for the share view's points
	bg     layer // page, header, cards, share line
	side   layer // the sidebar
	curves layer // the curves card's contents
	points pointsLayer
	planes []plane      // one per panel
	shares []shareLayer // one per panel: the share view's points
	rr     int          // the share layers' round-robin cursor
	// The high-dimensional scene's, one per panel: the margin views'
	// axes, contents and legends, the projections and their axes'
	// captions, and the projections' tints.
	axes, margins, legends, projs, captions []viewLayer
	tints                                   []projTint
	tour                                    tourView // the tour's caption strip (tour.go)
}

// newView returns a view with the fonts parsed.
func newView() (*view, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return &view{fonts: f, pen: newPen()}, nil
}

// draw draws the whole frame at scale sc: session s with heat maps h and
// controls c.
func (v *view) draw(screen *ebiten.Image, sc float64, s *session, h *heatMaps, c *controls) {
	cv := canvas{dst: screen, s: sc, fs: v.fonts.at(sc), pen: v.pen}
	l := s.lab
	n := len(l.Panels)
	v.bg.draw(cv, screenRect(), backgroundKey(s), func(cv canvas) { drawBackground(cv, l, s.file) })
	if l.HighDim() {
		v.drawSpace(cv, s)
	} else {
		v.drawPlanes(cv, s, h)
	}
	for i, p := range l.Panels {
		drawPanel(cv, p, i, n)
		if s.inspector.isOpen() && i < len(s.inspector.in) {
			drawInspection(cv, s, i, n, s.inspector.in[i])
		}
	}
	v.curves.draw(cv, curvesRect(n), curvesKey(s), func(cv canvas) { drawCurves(cv, l) })
	if !c.hidden {
		v.side.draw(cv, sideRect(), sidebarKey(c, s), func(cv canvas) { drawSidebar(cv, c, s) })
	}
	v.drawTour(cv, s, c)
	drawNotices(cv, s.notices.shown(s.frame))
}

// drawPlanes draws the planes of session s's 2-D lab, with heat maps h.
func (v *view) drawPlanes(cv canvas, s *session, h *heatMaps) {
	l := s.lab
	n := len(l.Panels)
	size := planeSize(n)
	pts := &v.points
	if l.P.Shares {
		pts = nil // each panel's share layer draws the points
	} else {
		v.points.update(cv, s, size)
	}
	for len(v.planes) < n {
		v.planes = append(v.planes, plane{})
		v.shares = append(v.shares, shareLayer{})
	}
	if l.P.Shares {
		updateShares(cv, s, v.shares[:n], size, &v.discs, &v.rr)
	}
	for i := range l.Panels {
		var sl *shareLayer
		if l.P.Shares {
			sl = &v.shares[i]
		}
		drawPlanePanel(cv, i, n, &v.planes[i], h.maps[i], pts, sl)
	}
}

// drawSpace draws the high-dimensional scene's views of session s's
// panels: each panel's margin view above its projection, each re-rendered
// when its panel's views, the windows or the look of the points changed.
func (v *view) drawSpace(cv canvas, s *session) {
	n := len(s.lab.Panels)
	for len(v.margins) < n {
		v.axes = append(v.axes, viewLayer{})
		v.margins = append(v.margins, viewLayer{})
		v.legends = append(v.legends, viewLayer{})
		v.projs = append(v.projs, viewLayer{})
		v.captions = append(v.captions, viewLayer{})
		v.tints = append(v.tints, projTint{})
	}
	inspected := -1
	if s.inspector.isOpen() {
		inspected = s.inspector.point
	}
	for i := range n {
		if i >= len(s.space.stamps) {
			break
		}
		mr, pr := marginRect(i, n), projRect(i, n)
		key := viewKey{stamp: s.space.stamps[i], points: s.gen<<32 ^ s.points, inspected: inspected, scale: cv.s}
		key.w, key.h = mr.W, mr.H
		ax := s.space.axes[i]
		v.axes[i].draw(cv, mr, viewKey{axes: ax, w: mr.W, h: mr.H, scale: cv.s}, func(c canvas) { drawMarginAxes(c, s, i, mr.W, mr.H) })
		v.margins[i].draw(cv, mr, key, func(c canvas) { drawMargins(c, s, i, mr.W, mr.H, &v.discs) })
		lines := marginLegend(s.lab, s.lab.Panels[i], mr.W < 300)
		v.legends[i].draw(cv, mr, viewKey{text: legendText(lines), w: mr.W, h: mr.H, scale: cv.s},
			func(c canvas) { drawMarginLegend(c, lines, mr.W, mr.H) })
		key.w, key.h = pr.W, pr.H
		v.projs[i].draw(cv, pr, key, func(c canvas) { drawProjection(c, s, i, pr, &v.tints[i], &v.discs) })
		capt := projAxesCaption(pr.W)
		v.captions[i].draw(cv, pr, viewKey{text: capt, w: pr.W, h: pr.H, scale: cv.s}, func(c canvas) { drawProjAxesCaption(c, capt, pr.W) })
		cv.strokeRect(mr, 1, colBorder)
		cv.strokeRect(pr, 1, colBorder)
	}
}
