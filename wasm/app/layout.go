package app

import "math"

// The logical screen size; Ebiten scales it to the window or canvas.
const (
	ScreenW = 1280
	ScreenH = 800
)

// Screen layout, in logical pixels.
const (
	headerH  = 52.0
	mainX    = 14.0
	panelGap = 14.0
	panelTop = headerH + 8
	panelHdr = 30.0
	panelFtr = 30.0
	sideX    = 990.0
	sideW    = 276.0
	sideTop  = headerH + 8
	footerH  = 30.0
)

// mainW is the width of the panels' and curves' column: beside the
// sidebar, or the whole screen in the embedded page (setEmbed).
var mainW = mainWSide

// The main column's width beside the sidebar and without it (?embed=1).
const (
	mainWSide  = 962.0
	mainWEmbed = ScreenW - 2*mainX
)

// setEmbed lays the screen out without the sidebar (on) or with it: the
// embedded page's panels and curves take the full width. The app calls it
// once, before the first frame.
func setEmbed(on bool) {
	mainW = mainWSide
	if on {
		mainW = mainWEmbed
	}
}

// rect is a screen rectangle in logical pixels.
type rect struct{ X, Y, W, H float64 }

// contains reports whether (x, y) lies inside r.
func (r rect) contains(x, y float64) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// screenRect returns the whole screen.
func screenRect() rect { return rect{0, 0, ScreenW, ScreenH} }

// sideRect returns the sidebar's card.
func sideRect() rect { return rect{sideX, sideTop, sideW, ScreenH - sideTop - 8} }

// planeSize returns the side of each panel's plane for n panels.
func planeSize(n int) float64 {
	return min(400, float64(int((mainW-float64(n-1)*panelGap)/float64(n))))
}

// gridSize returns the heat-map grid for a plane of side s: about 14
// screen pixels a cell, scaled up with linear filtering (the boundary is
// interpolated between cells, so it stays smooth).
func gridSize(s float64) int {
	return max(20, min(30, int(s/14)))
}

// planeRect returns panel i's plane on the screen, of n panels.
func planeRect(i, n int) rect {
	s := planeSize(n)
	total := float64(n)*s + float64(n-1)*panelGap
	x := mainX + (mainW-total)/2 + float64(i)*(s+panelGap)
	return rect{x, panelTop + panelHdr, s, s}
}

// cardRect returns panel i's card (header, plane, footer), of n panels.
func cardRect(i, n int) rect {
	pr := planeRect(i, n)
	return rect{pr.X, panelTop, pr.W, panelHdr + pr.W + panelFtr}
}

// curvesRect returns the curves card below n panels.
func curvesRect(n int) rect {
	s := planeSize(n)
	top := panelTop + panelHdr + s + panelFtr + 10
	return rect{mainX, top, mainW, ScreenH - footerH - 4 - top}
}

// viewGap separates the high-dimensional scene's two views in a panel.
const viewGap = 6.0

// marginRect returns panel i's margin view, of n panels, in the
// high-dimensional scene: the top half of its plane's square.
func marginRect(i, n int) rect {
	pr := planeRect(i, n)
	return rect{pr.X, pr.Y, pr.W, math.Round((pr.H - viewGap) / 2)}
}

// projRect returns panel i's projection, of n panels, in the
// high-dimensional scene: the bottom half of its plane's square.
func projRect(i, n int) rect {
	pr := planeRect(i, n)
	m := marginRect(i, n)
	top := m.Y + m.H + viewGap
	return rect{pr.X, top, pr.W, pr.Y + pr.H - top}
}
