package app

import (
	"fmt"
	"image/color"
	"math"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// drawPanelCard draws the card of panel i of n and its static header
// (into the background layer).
func drawPanelCard(c canvas, p *sim.Panel, i, n int) {
	card := cardRect(i, n)
	c.fillRoundRect(card, 8, colCard)
	c.strokeRoundRect(card, 8, 1, colBorder)
	c.fillRoundRect(rect{card.X + 10, card.Y + 9, 12, 12}, 3, palette.Method(p.Method))
	c.text(p.Label, fontBold, card.X+28, card.Y+7, colText)
	x := card.X + 28 + c.textWidth(p.Label, fontBold) + 8
	if sim.UsesRho(p.Method) {
		c.text(fmt.Sprintf("rho %g", p.Rho), fontSmall, x, card.Y+9, colMuted)
	}
}

// drawPlanePanel draws the plane of panel i of n of a 2-D lab: from heat
// map m and the points layer pts, or in the share view with the share
// layer sl over it.
func drawPlanePanel(c canvas, i, n int, pl *plane, m *heatMap, pts *pointsLayer, sl *shareLayer) {
	pr := planeRect(i, n)
	pl.draw(c, pr, m, pts)
	if sl != nil {
		sl.draw(c, pr)
	}
	c.strokeRect(pr, 1, colBorder)
}

// drawPanel draws what changes in panel i of n every frame around its
// plane's square (drawn before it): the step count, a notice over the
// square if the panel diverged, and the accuracies.
func drawPanel(c canvas, p *sim.Panel, i, n int) {
	pr := planeRect(i, n)
	card := cardRect(i, n)
	mc := palette.Method(p.Method)
	steps := fmt.Sprintf("step %d", p.T.Steps())
	c.text(steps, fontBody, card.X+card.W-10-c.textWidth(steps, fontBody), card.Y+7, colMuted)
	if p.Err != nil {
		c.fillRect(rect{pr.X, pr.Y + pr.H/2 - 24, pr.W, 48}, withAlpha(rgb(0xffffff), 0.9))
		c.textCentered(fmt.Sprintf("diverged at step %d", p.T.Steps()), fontBold, pr.X, pr.Y+pr.H/2-22, pr.W, 22, colWarn)
		c.textCentered("lower the learning rate or rho, then Reset", fontSmall, pr.X, pr.Y+pr.H/2, pr.W, 20, colWarn)
	}

	// Footer: accuracies.
	last := p.Last()
	y := pr.Y + pr.H + 8
	tx := card.X + 10
	put := func(s string, k fontKind, clr color.Color) {
		c.text(s, k, tx, y, clr)
		tx += c.textWidth(s, k) + 12
	}
	put(fmt.Sprintf("test %.1f%%", 100*last.Test), fontBold, colText)
	best := fmt.Sprintf("best %.1f%% @ %d", 100*p.Best.Test, p.Best.Step)
	if pr.W < 300 {
		best = fmt.Sprintf("best %.1f%%", 100*p.Best.Test)
	}
	put(best, fontBody, mc)
	if !math.IsNaN(last.Flipped) && pr.W >= 300 {
		put(fmt.Sprintf("flipped fit %.0f%%", 100*last.Flipped), fontBody, colMuted)
	}
}
