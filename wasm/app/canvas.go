package app

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// canvas is an image to draw on in logical pixels (the 1280 x 800
// layout): every method scales its coordinates by s, the screen pixels per
// logical pixel, and sets text in faces rasterised at that scale. A canvas
// is a value made for one Draw; it owns nothing.
type canvas struct {
	dst *ebiten.Image
	s   float64
	fs  *faces
	pen *pen
}

// on returns c drawing onto dst.
func (c canvas) on(dst *ebiten.Image) canvas {
	c.dst = dst
	return c
}

// clip returns c drawing onto the part of its image inside the screen
// pixels r.
func (c canvas) clip(r image.Rectangle) canvas {
	return c.on(c.dst.SubImage(r).(*ebiten.Image))
}

// px converts a logical length to screen pixels.
func (c canvas) px(v float64) float32 { return float32(v * c.s) }

// pen is what path drawing reuses from shape to shape: a white source pixel
// for DrawTriangles and scratch vertex and index slices. The view owns it.
type pen struct {
	white *ebiten.Image // the centre pixel of a white 3 x 3 image
	vs    []ebiten.Vertex
	is    []uint16
}

// newPen returns a pen with its white pixel.
func newPen() *pen {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return &pen{white: img.SubImage(img.Bounds().Inset(1)).(*ebiten.Image)}
}

// path fills (width <= 0) or strokes path p in clr, antialiased.
func (c canvas) path(p *vector.Path, clr color.Color, width float32) {
	pn := c.pen
	vs, is := pn.vs[:0], pn.is[:0]
	if width > 0 {
		vs, is = p.AppendVerticesAndIndicesForStroke(vs, is, &vector.StrokeOptions{Width: width, LineJoin: vector.LineJoinRound, LineCap: vector.LineCapRound})
	} else {
		vs, is = p.AppendVerticesAndIndicesForFilling(vs, is)
	}
	r, g, b, a := clr.RGBA()
	for i := range vs {
		vs[i].DstX *= float32(c.s)
		vs[i].DstY *= float32(c.s)
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
	c.dst.DrawTriangles(vs, is, pn.white, op)
	pn.vs, pn.is = vs, is
}

// strokeRect outlines a rectangle (no antialiasing: crisp 1-pixel lines).
func (c canvas) strokeRect(r rect, width float64, clr color.Color) {
	vector.StrokeRect(c.dst, c.px(r.X), c.px(r.Y), c.px(r.W), c.px(r.H), c.px(width), clr, false)
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
func (c canvas) fillRoundRect(r rect, rad float64, clr color.Color) {
	var p vector.Path
	roundRect(&p, r, rad)
	c.path(&p, clr, 0)
}

// strokeRoundRect outlines a rounded rectangle.
func (c canvas) strokeRoundRect(r rect, rad float64, width float32, clr color.Color) {
	var p vector.Path
	roundRect(&p, r, rad)
	c.path(&p, clr, width)
}

// fillRect fills a rectangle.
func (c canvas) fillRect(r rect, clr color.Color) {
	vector.DrawFilledRect(c.dst, c.px(r.X), c.px(r.Y), c.px(r.W), c.px(r.H), clr, false)
}

// line draws a straight line.
func (c canvas) line(x0, y0, x1, y1 float64, width float32, clr color.Color) {
	vector.StrokeLine(c.dst, c.px(x0), c.px(y0), c.px(x1), c.px(y1), width*float32(c.s), clr, true)
}

// dashedLine draws a dashed straight line, as one antialiased path: each
// antialiased draw call with its own bounds costs Ebiten an offscreen
// buffer of those bounds, so a dash a call made the curves' layer slow to
// render on a software GPU (seconds a frame at scale 2).
func (c canvas) dashedLine(x0, y0, x1, y1 float64, width float32, dash float64, clr color.Color) {
	l := math.Hypot(x1-x0, y1-y0)
	if l == 0 {
		return
	}
	dx, dy := (x1-x0)/l, (y1-y0)/l
	var p vector.Path
	for s := 0.0; s < l; s += 2 * dash {
		e := math.Min(s+dash, l)
		p.MoveTo(float32(x0+dx*s), float32(y0+dy*s))
		p.LineTo(float32(x0+dx*e), float32(y0+dy*e))
	}
	c.path(&p, clr, width)
}

// circle fills a circle.
func (c canvas) circle(x, y, r float64, clr color.Color) {
	vector.DrawFilledCircle(c.dst, c.px(x), c.px(y), c.px(r), clr, true)
}

// ring strokes a circle.
func (c canvas) ring(x, y, r float64, width float32, clr color.Color) {
	vector.StrokeCircle(c.dst, c.px(x), c.px(y), c.px(r), width*float32(c.s), clr, true)
}

// triangle fills a triangle (the play icon).
func (c canvas) triangle(x0, y0, x1, y1, x2, y2 float64, clr color.Color) {
	var p vector.Path
	p.MoveTo(float32(x0), float32(y0))
	p.LineTo(float32(x1), float32(y1))
	p.LineTo(float32(x2), float32(y2))
	p.Close()
	c.path(&p, clr, 0)
}
