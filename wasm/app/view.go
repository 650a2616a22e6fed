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
	for i, p := range l.Panels {
		var sl *shareLayer
		if l.P.Shares {
			sl = &v.shares[i]
		}
		drawPanel(cv, p, i, n, &v.planes[i], h.maps[i], pts, sl)
		if s.inspector.isOpen() && i < len(s.inspector.in) {
			drawInspection(cv, l, i, n, s.inspector.in[i])
		}
	}
	v.curves.draw(cv, curvesRect(n), curvesKey(s), func(cv canvas) { drawCurves(cv, l) })
	v.side.draw(cv, sideRect(), sidebarKey(c, s), func(cv canvas) { drawSidebar(cv, c, s) })
	drawNotices(cv, s.notices.shown(s.frame))
}
