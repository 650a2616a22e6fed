package app

import (
	"fmt"
	"image/color"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// backgroundKey identifies what the background layer shows: it changes
// only with the experiment.
func backgroundKey(s *session) string {
	return fmt.Sprintf("%d|%s|%v|%s", s.gen, s.lab.P.Query(), s.labels(), s.file)
}

// drawBackground draws what changes only with the experiment: the page,
// the header, the cards and the share line (file names the user's points
// file in use).
func drawBackground(c canvas, l *sim.Lab, file string) {
	c.dst.Fill(colBG)
	drawHeader(c, l)
	n := len(l.Panels)
	for i, p := range l.Panels {
		drawPanelCard(c, p, i, n)
	}
	r := curvesRect(n)
	c.fillRoundRect(r, 8, colCard)
	c.strokeRoundRect(r, 8, 1, colBorder)
	q, err := l.P.ShareQuery()
	drawFooter(c, q, err, file)
}

// drawHeader draws the title bar with the legend of the points of lab.
func drawHeader(c canvas, l *sim.Lab) {
	c.fillRect(rect{0, 0, ScreenW, headerH}, colHeader)
	c.text("samlab", fontTitle, mainX, 7, color.White)
	sub := "Why is SAM robust to label noise?  Each panel trains one method on the same data and the same initial weights."
	if l.HighDim() {
		d := l.Config.Data
		sub = fmt.Sprintf("The paper's toy: a linear model on %d points in %d dimensions, %.0f%% of labels flipped. Each panel: one method, same data and initial weights.",
			l.Train.N(), l.Train.D, 100*d.Noise)
		c.text("the paper's own toy", fontBody, mainX+c.textWidth("samlab", fontTitle)+12, 10, rgb(0x93c5fd))
	}
	c.text(c.ellipsize(sub, fontSmall, sideX-mainX-8), fontSmall, mainX, 31, rgb(0xcbd5e1))
	// Point legend, right-aligned to the sidebar's edge.
	x := sideX + 4
	y := 10.0
	item := func(draw func(x, y float64), s string) {
		draw(x+6, y+8)
		c.text(s, fontSmall, x+16, y+1, rgb(0xe2e8f0))
		x += 16 + c.textWidth(s, fontSmall) + 14
	}
	if l.HighDim() {
		var d discs
		shape := func(flipped bool, k int) func(x, y float64) {
			return func(x, y float64) {
				drawProjPoint(&d, c, float32(x*c.s), float32(y*c.s), float32(3.4*c.s), k, flipped)
				d.flush(c.dst)
			}
		}
		item(shape(false, 0), "class 0")
		item(shape(false, 1), "class 1")
		item(shape(true, 1), "flipped label")
		x, y = sideX+4, 28
		item(func(x, y float64) { c.circle(x, y, 2.2, withAlpha(palette.Class(0), 0.9)) }, "test point")
		item(func(x, y float64) { c.line(x-6, y, x+6, y, 2, color.White) }, "decision line")
		item(func(x, y float64) { c.line(x-6, y, x+6, y, 2, palette.Method("1sam")) }, "weight curve")
		return
	}
	item(func(x, y float64) { drawPoint(c, x, y, 0, false, false, 1) }, "class 0")
	item(func(x, y float64) { drawPoint(c, x, y, 1, false, false, 1) }, "class 1")
	item(func(x, y float64) { drawPoint(c, x, y, 1, true, false, 1) }, "flipped label")
	x = sideX + 4
	y = 28
	item(func(x, y float64) { c.circle(x, y, 2.2, withAlpha(palette.Class(0), 0.9)) }, "test point")
	item(func(x, y float64) { c.line(x-6, y, x+6, y, 2, color.White) }, "boundary p = 0.5")
}

// drawFooter draws the share line with query q, or, when a user's points
// make the link too long, why there is none (tooLong, in the warning
// colour); with a user's points file, it names the file the points came
// from.
func drawFooter(c canvas, q string, tooLong error, file string) {
	y := ScreenH - footerH + 6
	c.text("Share this experiment:", fontBody, mainX, y, colMuted)
	x := mainX + c.textWidth("Share this experiment:", fontBody) + 8
	end := mainX + mainW
	if tooLong != nil {
		c.text(c.ellipsize(tooLong.Error(), fontBody, end-x), fontBody, x, y, colWarn)
		return
	}
	if file != "" {
		note := c.ellipsize(fmt.Sprintf("(with the points of %s)", file), fontBody, 360)
		end -= c.textWidth(note, fontBody) + 10
		c.text(note, fontBody, end+10, y, colMuted)
	}
	c.text(c.ellipsize("?"+q, fontBody, end-x), fontBody, x, y, colAccent)
}
