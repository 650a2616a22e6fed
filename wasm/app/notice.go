package app

import (
	"fmt"
	"strings"
)

// maxArgLines is the most lines of ignored arguments shown over the panels.
const maxArgLines = 4

// noticeFrames is how many frames a notice stays on screen.
const noticeFrames = 240

// notices are the messages over the panels: the arguments (URL query)
// that were ignored, one line per reason, for the whole run, and the last notice of a control,
// for noticeFrames frames.
type notices struct {
	args error  // Options.ArgErr
	text string // the last notice
	at   int    // the frame it came at
}

// shown returns the messages to show at frame.
func (n *notices) shown(frame int) []string {
	var msgs []string
	if n.args != nil {
		lines := strings.Split(n.args.Error(), "\n")
		if len(lines) > maxArgLines {
			lines = append(lines[:maxArgLines-1], fmt.Sprintf("... and %d more (the browser console lists them)", len(lines)-maxArgLines+1))
		}
		msgs = append(msgs, lines...)
	}
	if n.text != "" && frame-n.at < noticeFrames {
		msgs = append(msgs, n.text)
	}
	return msgs
}

// drawNotices draws msgs, one under the other, centred over the panels.
func drawNotices(c canvas, msgs []string) {
	y := panelTop + 4
	for _, m := range msgs {
		m = c.ellipsize(m, fontBody, mainW-40)
		w := c.textWidth(m, fontBody) + 24
		r := rect{mainX + (mainW-w)/2, y, w, 26}
		c.fillRoundRect(r, 6, rgb(0xfef2f2))
		c.strokeRoundRect(r, 6, 1, rgb(0xfca5a5))
		c.textCentered(m, fontBody, r.X, r.Y, r.W, r.H, colWarn)
		y += 32
	}
}
