package app

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// layer is an offscreen image of part of the screen, re-rendered only when
// its key, its rectangle or the scale changes: what does not change between
// frames (backgrounds, the sidebar, the curves between samples) costs one
// image draw per frame. It is a cache the view owns.
type layer struct {
	img *ebiten.Image
	key string
	r   rect
}

// draw renders the layer with render (in screen coordinates) if key, r or
// the scale changed, then draws its rectangle r onto c.
func (l *layer) draw(c canvas, r rect, key string, render func(canvas)) {
	w, h := int(math.Ceil(ScreenW*c.s)), int(math.Ceil(ScreenH*c.s))
	fresh := l.img == nil || l.img.Bounds().Dx() != w || l.img.Bounds().Dy() != h
	if fresh {
		l.img = ebiten.NewImage(w, h)
	}
	if fresh || key != l.key || r != l.r {
		l.img.Clear()
		render(c.on(l.img))
		l.key, l.r = key, r
	}
	x0, y0 := int(r.X*c.s), int(r.Y*c.s)
	sub := l.img.SubImage(image.Rect(x0, y0, int(math.Ceil((r.X+r.W)*c.s)), int(math.Ceil((r.Y+r.H)*c.s)))).(*ebiten.Image)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(x0), float64(y0))
	c.dst.DrawImage(sub, op)
}
