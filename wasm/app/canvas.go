package app

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// rect is a screen rectangle in logical pixels.
type rect struct{ X, Y, W, H float64 }

// contains reports whether (x, y) lies inside r.
func (r rect) contains(x, y float64) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// inset returns r shrunk by d on every side.
func (r rect) inset(d float64) rect { return rect{r.X + d, r.Y + d, r.W - 2*d, r.H - 2*d} }

// uiScale is the number of screen pixels per logical pixel: the device
// pixel ratio times the fit of the window to the 1280 x 800 layout, so the
// frame is drawn at the display's own resolution (crisp text on HiDPI
// screens and in large windows). Every drawing helper takes logical
// coordinates and scales them. There is one Game per process.
var uiScale = 1.0

// px converts a logical length to screen pixels.
func px(v float64) float32 { return float32(v * uiScale) }

// strokeRect outlines a rectangle (no antialiasing: crisp 1-pixel lines).
func strokeRect(dst *ebiten.Image, r rect, width float64, clr color.Color) {
	vector.StrokeRect(dst, px(r.X), px(r.Y), px(r.W), px(r.H), px(width), clr, false)
}

var whitePix = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img
}()

// whiteSub is the centre pixel of a white image, the source for
// DrawTriangles of solid shapes.
var whiteSub = whitePix.SubImage(whitePix.Bounds().Inset(1)).(*ebiten.Image)

// fillPath fills (or strokes, with width > 0) path p in clr.
func drawPath(dst *ebiten.Image, p *vector.Path, clr color.Color, width float32, vs []ebiten.Vertex, is []uint16) ([]ebiten.Vertex, []uint16) {
	vs, is = vs[:0], is[:0]
	if width > 0 {
		vs, is = p.AppendVerticesAndIndicesForStroke(vs, is, &vector.StrokeOptions{Width: width, LineJoin: vector.LineJoinRound, LineCap: vector.LineCapRound})
	} else {
		vs, is = p.AppendVerticesAndIndicesForFilling(vs, is)
	}
	r, g, b, a := clr.RGBA()
	for i := range vs {
		vs[i].DstX *= float32(uiScale)
		vs[i].DstY *= float32(uiScale)
		vs[i].SrcX, vs[i].SrcY = 1, 1
		vs[i].ColorR = float32(r) / 0xffff
		vs[i].ColorG = float32(g) / 0xffff
		vs[i].ColorB = float32(b) / 0xffff
		vs[i].ColorA = float32(a) / 0xffff
	}
	op := &ebiten.DrawTrianglesOptions{AntiAlias: true}
	if width <= 0 {
		op.FillRule = ebiten.FillRuleNonZero
	}
	dst.DrawTriangles(vs, is, whiteSub, op)
	return vs, is
}

// roundRect appends a rounded rectangle to p.
func roundRect(p *vector.Path, r rect, rad float64) {
	x, y, w, h := float32(r.X), float32(r.Y), float32(r.W), float32(r.H)
	rd := float32(math.Min(rad, math.Min(r.W, r.H)/2))
	p.MoveTo(x+rd, y)
	p.LineTo(x+w-rd, y)
	p.ArcTo(x+w, y, x+w, y+rd, rd)
	p.LineTo(x+w, y+h-rd)
	p.ArcTo(x+w, y+h, x+w-rd, y+h, rd)
	p.LineTo(x+rd, y+h)
	p.ArcTo(x, y+h, x, y+h-rd, rd)
	p.LineTo(x, y+rd)
	p.ArcTo(x, y, x+rd, y, rd)
	p.Close()
}

// fillRoundRect fills a rounded rectangle.
func fillRoundRect(dst *ebiten.Image, r rect, rad float64, clr color.Color) {
	var p vector.Path
	roundRect(&p, r, rad)
	drawPath(dst, &p, clr, 0, nil, nil)
}

// strokeRoundRect outlines a rounded rectangle.
func strokeRoundRect(dst *ebiten.Image, r rect, rad float64, width float32, clr color.Color) {
	var p vector.Path
	roundRect(&p, r, rad)
	drawPath(dst, &p, clr, width, nil, nil)
}

// fillRect fills a rectangle.
func fillRect(dst *ebiten.Image, r rect, clr color.Color) {
	vector.DrawFilledRect(dst, px(r.X), px(r.Y), px(r.W), px(r.H), clr, false)
}

// line draws a straight line.
func line(dst *ebiten.Image, x0, y0, x1, y1 float64, width float32, clr color.Color) {
	vector.StrokeLine(dst, px(x0), px(y0), px(x1), px(y1), width*float32(uiScale), clr, true)
}

// dashedLine draws a dashed straight line.
func dashedLine(dst *ebiten.Image, x0, y0, x1, y1 float64, width float32, dash float64, clr color.Color) {
	l := math.Hypot(x1-x0, y1-y0)
	if l == 0 {
		return
	}
	dx, dy := (x1-x0)/l, (y1-y0)/l
	for s := 0.0; s < l; s += 2 * dash {
		e := math.Min(s+dash, l)
		line(dst, x0+dx*s, y0+dy*s, x0+dx*e, y0+dy*e, width, clr)
	}
}

// circle fills a circle.
func circle(dst *ebiten.Image, x, y, r float64, clr color.Color) {
	vector.DrawFilledCircle(dst, px(x), px(y), px(r), clr, true)
}

// ring strokes a circle.
func ring(dst *ebiten.Image, x, y, r float64, width float32, clr color.Color) {
	vector.StrokeCircle(dst, px(x), px(y), px(r), width*float32(uiScale), clr, true)
}

// triangle fills a triangle (the play icon).
func triangle(dst *ebiten.Image, x0, y0, x1, y1, x2, y2 float64, clr color.Color) {
	var p vector.Path
	p.MoveTo(float32(x0), float32(y0))
	p.LineTo(float32(x1), float32(y1))
	p.LineTo(float32(x2), float32(y2))
	p.Close()
	drawPath(dst, &p, clr, 0, nil, nil)
}

// rgb returns an opaque colour.
func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

// withAlpha returns c with alpha a in [0,1] (premultiplied).
func withAlpha(c color.RGBA, a float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * a), uint8(float64(c.G) * a), uint8(float64(c.B) * a), uint8(255 * a)}
}
