package app

import (
	"fmt"
	"image/color"
	"strings"
)

// sidebarKey changes when anything the sidebar shows changes.
func sidebarKey(c *controls, s *session) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t|%d|", s.playing, c.focus.At)
	for _, w := range c.widgets {
		act := w.active != nil && w.active(s)
		fmt.Fprintf(&b, "%s,%t,%t,%t|", w.text(s), act, c.hover(w), w.why(s) != "")
	}
	for _, l := range c.labels {
		b.WriteString(l.text(s))
		b.WriteByte('|')
	}
	return b.String()
}

// drawSidebar draws the controls (into the sidebar layer).
func drawSidebar(cv canvas, c *controls, s *session) {
	side := sideRect()
	cv.fillRoundRect(side, 8, colCard)
	cv.strokeRoundRect(side, 8, 1, colBorder)
	// Status on the Training heading's line.
	status := "paused"
	sc := colMuted
	if s.playing {
		status, sc = "training", rgb(0x059669)
	}
	cv.text(status, fontBody, sideX+sideW-16-cv.textWidth(status, fontBody), sideTop+14, sc)
	for _, y := range c.rules {
		cv.line(sideX+12, y, sideX+sideW-12, y, 1, colFaint)
	}
	for _, w := range c.widgets {
		drawWidget(cv, w, s, c.hover(w))
		if c.focused(w) { // the keyboard focus ring
			cv.strokeRoundRect(rect{w.r.X - 3, w.r.Y - 3, w.r.W + 6, w.r.H + 6}, 8, 2.5, colFocus)
		}
	}
	for _, l := range c.labels {
		x := l.x
		if l.chip != nil {
			cv.fillRoundRect(rect{x, l.y + 2, 11, 11}, 3, l.chip(s))
			x += 17
		}
		if l.w > 0 {
			cv.textCentered(l.text(s), l.font, x, l.y-4, l.w, cv.lineHeight(l.font)+8, l.clr)
			continue
		}
		cv.text(l.text(s), l.font, x, l.y, l.clr)
	}
}

// drawWidget draws a button.
func drawWidget(cv canvas, w *widget, s *session, hover bool) {
	bg, fg, border := colBtn, colText, colBtnLine
	active := w.active != nil && w.active(s)
	switch {
	case w.primary:
		bg, fg, border = colAccent, color.RGBA{0xff, 0xff, 0xff, 0xff}, colAccent
		if hover {
			bg = rgb(0x1d4ed8)
		}
	case w.why(s) != "" && active:
		bg, fg, border = rgb(0xeef2f7), rgb(0x64748b), rgb(0xcbd5e1)
	case w.why(s) != "":
		bg, fg, border = rgb(0xf9fafb), rgb(0xb6bcc6), rgb(0xe5e7eb)
	case active:
		bg, fg, border = rgb(0xdbeafe), rgb(0x1e3a8a), rgb(0x93c5fd)
	case hover:
		bg = colBtnHover
	}
	cv.fillRoundRect(w.r, 6, bg)
	cv.strokeRoundRect(w.r, 6, 1, border)
	f := fontBody
	if w.symbol {
		f = fontBold
	}
	if w.id != "play" {
		cv.textCentered(w.text(s), f, w.r.X, w.r.Y, w.r.W, w.r.H, fg)
		return
	}
	// an icon left of the label
	cv.textCentered(w.text(s), f, w.r.X+12, w.r.Y, w.r.W-12, w.r.H, fg)
	ix, iy := w.r.X+17, w.r.Y+w.r.H/2
	if s.playing {
		cv.fillRect(rect{ix - 4, iy - 5, 3, 10}, fg)
		cv.fillRect(rect{ix + 1, iy - 5, 3, 10}, fg)
	} else {
		cv.triangle(ix-4, iy-5, ix-4, iy+5, ix+5, iy, fg)
	}
}
