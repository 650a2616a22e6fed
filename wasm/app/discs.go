package app

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// discs is a batch of filled discs in screen pixels, drawn with one
// DrawTriangles call: each disc is a quad textured with an antialiased
// white disc from a small atlas (spriteSizes), tinted by its vertex
// colour, so hundreds of points of different sizes cost four vertices
// each and no path (the share view draws them again whenever a panel
// steps). A ring is a dark disc under a smaller one. Discs are drawn in
// the order added. It is scratch the view owns.
type discs struct {
	atlas *ebiten.Image
	vs    []ebiten.Vertex
	is    []uint16
}

// spriteSizes are the atlas's disc sprites' sides in pixels: a disc is
// drawn from the smallest sprite at least its size (the largest, scaled
// up, above that), so a sprite is never shrunk more than twofold and
// linear filtering keeps the edges smooth.
var spriteSizes = [...]int{8, 16, 32, 64, 128}

// spriteGap separates the sprites in the atlas.
const spriteGap = 2

// maxVertices keeps a batch's indices within uint16.
const maxVertices = 1<<16 - 4

// sprite returns the atlas position (x0) and side of the sprite for a disc
// of radius r screen pixels.
func sprite(r float32) (x0, side int) {
	for _, s := range spriteSizes {
		if float32(s) >= 2*r || s == spriteSizes[len(spriteSizes)-1] {
			return x0, s
		}
		x0 += s + spriteGap
	}
	return x0, spriteSizes[len(spriteSizes)-1]
}

// newAtlas renders the disc sprites: white, premultiplied, with an
// analytically antialiased edge (coverage of each pixel by a disc of
// radius side/2-1, one pixel short of the sprite's edge).
func newAtlas() *ebiten.Image {
	w, h := 0, 0
	for _, s := range spriteSizes {
		w += s + spriteGap
		h = max(h, s)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x0 := 0
	for _, s := range spriteSizes {
		c, rad := float64(s)/2, float64(s)/2-1
		for y := range s {
			for x := range s {
				d := math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c)
				a := uint8(255 * min(1, max(0, rad-d+0.5)))
				img.SetRGBA(x0+x, y, color.RGBA{a, a, a, a})
			}
		}
		x0 += s + spriteGap
	}
	return ebiten.NewImageFromImage(img)
}

// disc adds a filled disc at (x, y) of radius r (screen pixels) in colour
// c, drawing the batch onto dst first if it is full.
func (d *discs) disc(dst *ebiten.Image, x, y, r float32, c color.Color) {
	if r <= 0 {
		return
	}
	if len(d.vs)+4 > maxVertices {
		d.flush(dst)
	}
	x0, s := sprite(r)
	// The sprite's disc has radius s/2-1: the quad's half side maps it to r.
	h := r * float32(s) / float32(s-2)
	sx0, sx1, sy1 := float32(x0), float32(x0+s), float32(s)
	cr, cg, cb, ca := premul(c)
	v := func(dx, dy, sx, sy float32) ebiten.Vertex {
		return ebiten.Vertex{DstX: x + dx, DstY: y + dy, SrcX: sx, SrcY: sy, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca}
	}
	b := uint16(len(d.vs))
	d.vs = append(d.vs, v(-h, -h, sx0, 0), v(h, -h, sx1, 0), v(h, h, sx1, sy1), v(-h, h, sx0, sy1))
	d.is = append(d.is, b, b+1, b+2, b, b+2, b+3)
}

// flush draws the batch onto dst and empties it.
func (d *discs) flush(dst *ebiten.Image) {
	if d.atlas == nil {
		d.atlas = newAtlas()
	}
	if len(d.is) > 0 {
		dst.DrawTriangles(d.vs, d.is, d.atlas, &ebiten.DrawTrianglesOptions{Filter: ebiten.FilterLinear, DisableMipmaps: true,
			ColorScaleMode: ebiten.ColorScaleModePremultipliedAlpha})
	}
	d.vs, d.is = d.vs[:0], d.is[:0]
}

// premul returns c's premultiplied components in [0,1].
func premul(c color.Color) (r, g, b, a float32) {
	cr, cg, cb, ca := c.RGBA()
	return float32(cr) / 0xffff, float32(cg) / 0xffff, float32(cb) / 0xffff, float32(ca) / 0xffff
}
