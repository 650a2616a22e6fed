package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font"

	"github.com/samlab/samlab/wasm/sim"
)

// layer is an offscreen image of part of the screen, re-rendered only when
// its key changes: what does not change between frames (backgrounds, the
// sidebar, the curves between samples) costs one image draw per frame.
type layer struct {
	img *ebiten.Image
	key string
	r   rect
}

// draw renders the layer with render (in screen coordinates) if key
// changed, then draws it onto dst.
func (l *layer) draw(dst *ebiten.Image, r rect, key string, render func(*ebiten.Image)) {
	if l.img == nil {
		l.img = ebiten.NewImage(int(math.Ceil(ScreenW*uiScale)), int(math.Ceil(ScreenH*uiScale)))
	}
	if key != l.key || r != l.r {
		l.img.Clear()
		render(l.img)
		l.key, l.r = key, r
	}
	x0, y0 := int(r.X*uiScale), int(r.Y*uiScale)
	sub := l.img.SubImage(image.Rect(x0, y0, int(math.Ceil((r.X+r.W)*uiScale)), int(math.Ceil((r.Y+r.H)*uiScale)))).(*ebiten.Image)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(x0), float64(y0))
	dst.DrawImage(sub, op)
}

// draw draws the whole frame.
func (g *Game) draw(screen *ebiten.Image) {
	if g.ui == nil || g.uiKey != len(g.lab.Panels) {
		g.ui, g.uiKey = g.buildUI(), len(g.lab.Panels)
	}
	g.bgLayer.draw(screen, rect{0, 0, ScreenW, ScreenH}, g.bgKey(), g.drawBackground)
	for i := range g.lab.Panels {
		g.drawPanel(screen, i)
	}
	g.curvesLayer.draw(screen, g.curvesRect(), g.curvesKey(), g.drawCurves)
	g.sideLayer.draw(screen, rect{sideX, sideTop, sideW, ScreenH - sideTop - 8}, g.sideKey(), g.drawSidebar)
	g.drawNotice(screen)
}

// bgKey identifies what the background layer shows.
func (g *Game) bgKey() string {
	return fmt.Sprintf("%d|%s|%v", g.labGen, g.lab.P.Query(), g.labels())
}

// curvesKey changes when a curve gains a sample.
func (g *Game) curvesKey() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", g.labGen)
	for _, p := range g.lab.Panels {
		fmt.Fprintf(&b, "|%d,%d", len(p.Curve), p.Best.Step)
	}
	return b.String()
}

// sideKey changes when anything the sidebar shows changes.
func (g *Game) sideKey() string {
	var b strings.Builder
	cx, cy := cursor()
	fmt.Fprintf(&b, "%t|", g.playing)
	for _, w := range g.ui.widgets {
		act := w.active != nil && w.active()
		fmt.Fprintf(&b, "%s,%t,%t|", w.text(), act, w.r.contains(cx, cy))
	}
	for _, l := range g.ui.labels {
		b.WriteString(l.text())
		b.WriteByte('|')
	}
	return b.String()
}

// drawBackground draws what changes only with the experiment: the page,
// the header, the cards and the share line.
func (g *Game) drawBackground(dst *ebiten.Image) {
	dst.Fill(colBG)
	g.drawHeader(dst)
	for i := range g.lab.Panels {
		g.drawPanelCard(dst, i)
	}
	r := g.curvesRect()
	fillRoundRect(dst, r, 8, colCard)
	strokeRoundRect(dst, r, 8, 1, colBorder)
	g.drawFooter(dst)
}

func (g *Game) drawHeader(dst *ebiten.Image) {
	fs := g.faces
	fillRect(dst, rect{0, 0, ScreenW, headerH}, colHeader)
	drawText(dst, "samlab", fs.title, mainX, 7, color.White)
	drawText(dst, "Why is SAM robust to label noise?  Each panel trains one method on the same data and the same initial weights.",
		fs.small, mainX, 31, rgb(0xcbd5e1))
	// Point legend, right-aligned to the sidebar's edge.
	x := sideX + 4
	y := 10.0
	item := func(draw func(x, y float64), s string) {
		draw(x+6, y+8)
		drawText(dst, s, fs.small, x+16, y+1, rgb(0xe2e8f0))
		x += 16 + textWidth(s, fs.small) + 14
	}
	item(func(x, y float64) { g.drawPoint(dst, x, y, 0, false, false, 1) }, "class 0")
	item(func(x, y float64) { g.drawPoint(dst, x, y, 1, false, false, 1) }, "class 1")
	item(func(x, y float64) { g.drawPoint(dst, x, y, 1, true, false, 1) }, "flipped label")
	x = sideX + 4
	y = 28
	item(func(x, y float64) { circle(dst, x, y, 2.2, withAlpha(sim.ClassColor(0), 0.9)) }, "test point")
	item(func(x, y float64) { line(dst, x-6, y, x+6, y, 2, color.White) }, "boundary p = 0.5")
}

// drawPoint draws a training point of class c at (x, y) (flipped: ringed;
// added: square), scaled by s.
func (g *Game) drawPoint(dst *ebiten.Image, x, y float64, c int, flipped, added bool, s float64) {
	col := sim.ClassColor(c)
	if added {
		fillRect(dst, rect{x - 4.5*s, y - 4.5*s, 9 * s, 9 * s}, color.White)
		fillRect(dst, rect{x - 3.5*s, y - 3.5*s, 7 * s, 7 * s}, col)
		return
	}
	if flipped {
		circle(dst, x, y, 6.8*s, withAlpha(rgb(0xffffff), 0.85))
		ring(dst, x, y, 5.6*s, float32(1.8*s), rgb(0x111827))
		circle(dst, x, y, 3.4*s, col)
		return
	}
	circle(dst, x, y, 4.4*s, color.White)
	circle(dst, x, y, 3.4*s, col)
}

// drawPanelCard draws panel i's card and its static header.
func (g *Game) drawPanelCard(dst *ebiten.Image, i int) {
	fs := g.faces
	p := g.lab.Panels[i]
	pr := g.planeRect(i)
	card := rect{pr.X, panelTop, pr.W, panelHdr + pr.W + panelFtr}
	fillRoundRect(dst, card, 8, colCard)
	strokeRoundRect(dst, card, 8, 1, colBorder)
	mc := MethodColors[p.Method]
	fillRoundRect(dst, rect{card.X + 10, card.Y + 9, 12, 12}, 3, mc)
	drawText(dst, p.Label, fs.bold, card.X+28, card.Y+7, colText)
	x := card.X + 28 + textWidth(p.Label, fs.bold) + 8
	if sim.UsesRho(p.Method) {
		drawText(dst, fmt.Sprintf("rho %g", p.Rho), fs.small, x, card.Y+9, colMuted)
	}
}

// drawPanel draws what changes in panel i every frame: the plane and the
// numbers.
func (g *Game) drawPanel(dst *ebiten.Image, i int) {
	fs := g.faces
	p, v := g.lab.Panels[i], g.views[i]
	pr := g.planeRect(i)
	card := rect{pr.X, panelTop, pr.W, panelHdr + pr.W + panelFtr}
	mc := MethodColors[p.Method]
	steps := fmt.Sprintf("step %d", p.T.Steps())
	drawText(dst, steps, fs.body, card.X+card.W-10-textWidth(steps, fs.body), card.Y+7, colMuted)

	// Plane: heat map, boundary and points, composed offscreen when one of
	// them changed (the antialiased boundary then costs a plane-sized
	// pass, not a screen-sized one), drawn with one image draw a frame.
	g.ensurePoints(pr.W)
	if ps := int(pr.W * uiScale); v.plane == nil || v.plane.Bounds().Dx() != ps {
		v.plane = ebiten.NewImage(ps, ps)
		v.compose = true
	}
	if v.upload {
		v.img.WritePixels(v.heat.Pix)
		v.upload = false
		v.compose = true
	}
	if v.compose || v.pointsGen != g.pointsGen {
		local := rect{0, 0, pr.W, pr.H}
		v.plane.Clear()
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		gs := float64(v.heat.G)
		op.GeoM.Scale(pr.W*uiScale/gs, pr.H*uiScale/gs)
		v.plane.DrawImage(v.img, op)
		g.drawBoundary(v.plane, v.segs, local)
		v.plane.DrawImage(g.points, nil)
		v.compose, v.pointsGen = false, g.pointsGen
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(int(pr.X*uiScale)), float64(int(pr.Y*uiScale)))
	dst.DrawImage(v.plane, op)
	strokeRect(dst, pr, 1, colBorder)
	if p.Err != nil {
		fillRect(dst, rect{pr.X, pr.Y + pr.H/2 - 24, pr.W, 48}, withAlpha(rgb(0xffffff), 0.9))
		drawTextCentered(dst, fmt.Sprintf("diverged at step %d", p.T.Steps()), fs.bold, pr.X, pr.Y+pr.H/2-22, pr.W, 22, colWarn)
		drawTextCentered(dst, "lower the learning rate or rho, then Reset", fs.small, pr.X, pr.Y+pr.H/2, pr.W, 20, colWarn)
	}

	// Footer: accuracies.
	last := p.Last()
	y := pr.Y + pr.H + 8
	tx := card.X + 10
	put := func(s string, f font.Face, c color.Color) {
		drawText(dst, s, f, tx, y, c)
		tx += textWidth(s, f) + 12
	}
	put(fmt.Sprintf("test %.1f%%", 100*last.Test), fs.bold, colText)
	best := fmt.Sprintf("best %.1f%% @ %d", 100*p.Best.Test, p.Best.Step)
	if pr.W < 300 {
		best = fmt.Sprintf("best %.1f%%", 100*p.Best.Test)
	}
	put(best, fs.body, mc)
	if !math.IsNaN(last.Flipped) && pr.W >= 300 {
		put(fmt.Sprintf("flipped fit %.0f%%", 100*last.Flipped), fs.body, colMuted)
	}
}

// drawBoundary strokes the decision boundary segments over plane r.
func (g *Game) drawBoundary(dst *ebiten.Image, segs []sim.Segment, r rect) {
	if len(segs) == 0 {
		return
	}
	var path vector.Path
	x0, y0, w, h := float32(r.X), float32(r.Y), float32(r.W), float32(r.H)
	for _, s := range segs {
		path.MoveTo(x0+s.U0*w, y0+s.V0*h)
		path.LineTo(x0+s.U1*w, y0+s.V1*h)
	}
	g.vs, g.is = drawPath(dst, &path, withAlpha(colBoundary, 0.85), 2.2, g.vs, g.is)
}

// ensurePoints re-renders the points layer when the data, the test toggle
// or the plane size changed; pointsGen counts the renders.
func (g *Game) ensurePoints(size float64) {
	s := int(size * uiScale)
	if g.points == nil || g.points.Bounds().Dx() != s {
		g.points = ebiten.NewImage(s, s)
		g.pointsOK = false
	}
	if !g.pointsOK {
		g.renderPoints(g.points, size)
		g.pointsOK = true
		g.pointsGen++
	}
}

func (g *Game) renderPoints(img *ebiten.Image, size float64) {
	img.Clear()
	l := g.lab
	scale := 1.0
	if size < 300 {
		scale = 0.8
	}
	if l.P.Test {
		te := l.Setup.Test
		for i := range te.N() {
			u, v := l.View.ToUnit(te.X[2*i], te.X[2*i+1])
			circle(img, u*size, v*size, 2.2*scale, withAlpha(sim.ClassColor(te.Y[i]), 0.7))
		}
	}
	tr := l.Train
	base := tr.N() - l.Added
	// Clean points first, flipped ones on top so their rings show.
	for pass := range 2 {
		for i := range tr.N() {
			if tr.Flipped[i] != (pass == 1) {
				continue
			}
			u, v := l.View.ToUnit(tr.X[2*i], tr.X[2*i+1])
			g.drawPoint(img, u*size, v*size, tr.Y[i], tr.Flipped[i], i >= base, scale)
		}
	}
}

// niceCeil rounds x up to 1, 2 or 5 times a power of ten.
func niceCeil(x float64) float64 {
	if x <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= x {
			return m * e
		}
	}
	return 10 * e
}

func (g *Game) curvesRect() rect {
	s := planeSize(len(g.lab.Panels))
	top := panelTop + panelHdr + s + panelFtr + 10
	return rect{mainX, top, mainW, ScreenH - footerH - 4 - top}
}

func (g *Game) drawCurves(dst *ebiten.Image) {
	fs := g.faces
	r := g.curvesRect()
	drawText(dst, "Accuracy during training", fs.bold, r.X+12, r.Y+9, colText)
	// Legend: methods, then the early-stopping marker.
	x := r.X + 12 + textWidth("Accuracy during training", fs.bold) + 24
	for _, p := range g.lab.Panels {
		c := MethodColors[p.Method]
		line(dst, x, r.Y+17, x+18, r.Y+17, 2.5, c)
		drawText(dst, p.Label, fs.body, x+24, r.Y+9, colText)
		x += 24 + textWidth(p.Label, fs.body) + 18
	}
	circle(dst, x+5, r.Y+17, 5, colText)
	circle(dst, x+5, r.Y+17, 3, color.White)
	drawText(dst, "early-stopping point (best test accuracy)", fs.body, x+16, r.Y+9, colMuted)

	xmax := 50.0
	for _, p := range g.lab.Panels {
		xmax = max(xmax, float64(p.T.Steps()))
	}
	xmax = niceCeil(xmax)
	w := (r.W - 24 - 2*16) / 3
	top := r.Y + 34
	h := r.H - 34 - 10
	charts := []struct {
		title string
		get   func(sim.Sample) float64
		best  bool
	}{
		{"Test accuracy (clean labels)", func(s sim.Sample) float64 { return s.Test }, true},
		{"Train accuracy: clean points", func(s sim.Sample) float64 { return s.Clean }, false},
		{"Train accuracy: flipped points (memorised)", func(s sim.Sample) float64 { return s.Flipped }, false},
	}
	for k, c := range charts {
		g.drawChart(dst, rect{r.X + 12 + float64(k)*(w+16), top, w, h}, c.title, c.get, c.best, xmax)
	}
}

// drawChart plots one accuracy against steps for every panel.
func (g *Game) drawChart(dst *ebiten.Image, r rect, title string, get func(sim.Sample) float64, markBest bool, xmax float64) {
	fs := g.faces
	drawText(dst, title, fs.small, r.X, r.Y, colMuted)
	drawText(dst, "x: steps", fs.small, r.X+r.W-6-textWidth("x: steps", fs.small), r.Y, rgb(0x9ca3af))
	plot := rect{r.X + 34, r.Y + 18, r.W - 46, r.H - 18 - 18}
	// y range from the data after the first 2% of the steps (the
	// untrained start would squash the interesting part; lines below the
	// range are clipped), in steps of 10% or 20%.
	lo, hi := 1.0, 0.0
	for pass := range 2 {
		for _, p := range g.lab.Panels {
			for _, s := range p.Curve {
				if v := get(s); !math.IsNaN(v) && (pass == 1 || float64(s.Step) >= 0.02*xmax) {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
		if lo <= hi {
			break
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	lo, hi = math.Floor(lo*10-1e-9)/10, math.Ceil(hi*10+1e-9)/10
	lo, hi = max(0, lo), min(1, hi)
	if hi-lo < 0.2 {
		if hi+0.1 <= 1 {
			hi += 0.1
		} else {
			lo -= 0.1
		}
	}
	stepY := 0.1
	if hi-lo > 0.5 {
		stepY = 0.2
		lo = math.Floor(lo*5+1e-9) / 5
	}
	fy := func(v float64) float64 { return plot.Y + plot.H*(1-(v-lo)/(hi-lo)) }
	fx := func(s float64) float64 { return plot.X + plot.W*s/xmax }
	fillRect(dst, plot, rgb(0xf8fafc))
	for v := lo; v <= hi+1e-9; v += stepY {
		y := fy(v)
		line(dst, plot.X, y, plot.X+plot.W, y, 1, colFaint)
		s := fmt.Sprintf("%.0f%%", 100*v)
		drawText(dst, s, fs.small, plot.X-6-textWidth(s, fs.small), y-7, colMuted)
	}
	ticks := 4.0
	if m := xmax / math.Pow(10, math.Floor(math.Log10(xmax))); m == 1 || m == 5 {
		ticks = 5
	}
	for k := 0.0; k <= ticks; k++ {
		s := xmax * k / ticks
		x := fx(s)
		line(dst, x, plot.Y+plot.H, x, plot.Y+plot.H+3, 1, colMuted)
		lab := fmt.Sprintf("%g", s)
		drawText(dst, lab, fs.small, x-textWidth(lab, fs.small)/2, plot.Y+plot.H+4, colMuted)
	}
	strokeRect(dst, plot, 1, colBorder)
	for _, p := range g.lab.Panels {
		c := MethodColors[p.Method]
		if p.Best.Step >= 0 {
			bx := fx(float64(p.Best.Step))
			dashedLine(dst, bx, plot.Y, bx, plot.Y+plot.H, 1, 3, withAlpha(c, 0.55))
		}
		n := len(p.Curve)
		stride := max(1, n/300)
		var path vector.Path
		started := false
		for j := 0; j < n; j += stride {
			if j+stride >= n {
				j = n - 1
			}
			s := p.Curve[j]
			v := get(s)
			if math.IsNaN(v) {
				started = false
				continue
			}
			x, y := float32(fx(float64(s.Step))), float32(fy(v))
			if !started {
				path.MoveTo(x, y)
				started = true
			} else {
				path.LineTo(x, y)
			}
		}
		clip := dst.SubImage(image.Rect(int(plot.X*uiScale), int((plot.Y-3)*uiScale), int((plot.X+plot.W+3)*uiScale), int((plot.Y+plot.H+1)*uiScale))).(*ebiten.Image)
		g.vs, g.is = drawPath(clip, &path, c, 2, g.vs, g.is)
		if markBest && p.Best.Step >= 0 {
			bx, by := fx(float64(p.Best.Step)), fy(get(p.Best))
			circle(dst, bx, by, 5.5, c)
			circle(dst, bx, by, 3, color.White)
		}
	}
}

func (g *Game) drawFooter(dst *ebiten.Image) {
	fs := g.faces
	y := ScreenH - footerH + 6
	drawText(dst, "Share this experiment:", fs.body, mainX, y, colMuted)
	q := "?" + g.lab.P.Query()
	x := mainX + textWidth("Share this experiment:", fs.body) + 8
	drawText(dst, ellipsize(q, fs.body, mainX+mainW-x), fs.body, x, y, colAccent)
}

// drawSidebar draws the controls (into the sidebar layer).
func (g *Game) drawSidebar(dst *ebiten.Image) {
	fs := g.faces
	side := rect{sideX, sideTop, sideW, ScreenH - sideTop - 8}
	fillRoundRect(dst, side, 8, colCard)
	strokeRoundRect(dst, side, 8, 1, colBorder)
	// Status on the Training heading's line.
	status := "paused"
	sc := colMuted
	if g.playing {
		status, sc = "training", rgb(0x059669)
	}
	drawText(dst, status, fs.body, sideX+sideW-16-textWidth(status, fs.body), sideTop+14, sc)
	for _, y := range g.ui.rules {
		line(dst, sideX+12, y, sideX+sideW-12, y, 1, colFaint)
	}
	cx, cy := cursor()
	for _, w := range g.ui.widgets {
		hover := w.r.contains(cx, cy)
		bg, fg, border := colBtn, colText, colBtnLine
		active := w.active != nil && w.active()
		switch {
		case w.primary:
			bg, fg, border = colAccent, color.RGBA{0xff, 0xff, 0xff, 0xff}, colAccent
			if hover {
				bg = rgb(0x1d4ed8)
			}
		case active:
			bg, fg, border = rgb(0xdbeafe), rgb(0x1e3a8a), rgb(0x93c5fd)
		case hover:
			bg = colBtnHover
		}
		fillRoundRect(dst, w.r, 6, bg)
		strokeRoundRect(dst, w.r, 6, 1, border)
		f := fs.body
		if w.symbol {
			f = fs.bold
		}
		if w.id != "play" {
			drawTextCentered(dst, w.text(), f, w.r.X, w.r.Y, w.r.W, w.r.H, fg)
		} else {
			// an icon left of the label
			drawTextCentered(dst, w.text(), f, w.r.X+12, w.r.Y, w.r.W-12, w.r.H, fg)
			ix, iy := w.r.X+17, w.r.Y+w.r.H/2
			if g.playing {
				fillRect(dst, rect{ix - 4, iy - 5, 3, 10}, fg)
				fillRect(dst, rect{ix + 1, iy - 5, 3, 10}, fg)
			} else {
				triangle(dst, ix-4, iy-5, ix-4, iy+5, ix+5, iy, fg)
			}
		}
	}
	for _, l := range g.ui.labels {
		x := l.x
		if l.chipF != nil {
			fillRoundRect(dst, rect{x, l.y + 2, 11, 11}, 3, l.chipF())
			x += 17
		}
		if l.w > 0 {
			drawTextCentered(dst, l.text(), l.face, x, l.y-4, l.w, lineHeight(l.face)+8, l.clr)
			continue
		}
		drawText(dst, l.text(), l.face, x, l.y, l.clr)
	}
}

// drawNotice shows the argument error and transient notices.
func (g *Game) drawNotice(dst *ebiten.Image) {
	fs := g.faces
	var msgs []string
	if g.argErr != nil {
		msgs = append(msgs, g.argErr.Error())
	}
	if g.notice != "" && g.frame-g.noticeAt < 240 {
		msgs = append(msgs, g.notice)
	}
	y := panelTop + 4
	for _, m := range msgs {
		m = ellipsize(m, fs.body, mainW-40)
		w := textWidth(m, fs.body) + 24
		r := rect{mainX + (mainW-w)/2, y, w, 26}
		fillRoundRect(dst, r, 6, rgb(0xfef2f2))
		strokeRoundRect(dst, r, 6, 1, rgb(0xfca5a5))
		drawTextCentered(dst, m, fs.body, r.X, r.Y, r.W, r.H, colWarn)
		y += 32
	}
}
