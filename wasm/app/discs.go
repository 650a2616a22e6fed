package app

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// discs is a batch of filled discs and triangles in screen pixels, drawn
// with one DrawTriangles call: each shape is a quad textured with an
// antialiased white shape from a small atlas (spriteSizes; a row of discs
// and a row of triangles), tinted by its vertex colour, so hundreds of
// points of different sizes cost four vertices each and no path (the
// share view and the high-dimensional views draw them again whenever a
// panel steps). A ring is a dark disc under a smaller one, a rimmed
// triangle a dark triangle under a smaller one; a line is a chain of
// small discs (chain). Shapes are drawn in the order added. It is scratch
// the view owns.
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

// triangleRow is the y of the atlas's row of triangles (the discs' row
// is at 0).
var triangleRow = spriteSizes[len(spriteSizes)-1] + spriteGap

// newAtlas renders the sprites: white, premultiplied, with an analytically
// antialiased edge. The first row holds discs of radius side/2-1, one
// pixel short of the sprite's edge; the second, equilateral triangles
// pointing up inscribed in that circle (centred on the sprite's centre).
func newAtlas() *ebiten.Image {
	w := 0
	for _, s := range spriteSizes {
		w += s + spriteGap
	}
	img := image.NewRGBA(image.Rect(0, 0, w, 2*triangleRow))
	x0 := 0
	for _, s := range spriteSizes {
		c, rad := float64(s)/2, float64(s)/2-1
		for y := range s {
			for x := range s {
				px, py := float64(x)+0.5-c, float64(y)+0.5-c
				a := uint8(255 * min(1, max(0, rad-math.Hypot(px, py)+0.5)))
				img.SetRGBA(x0+x, y, color.RGBA{a, a, a, a})
				// The triangle: inside where the largest signed distance
				// to its three edges (inradius rad/2 from the centre) is
				// negative.
				d := max(py, -0.5*py+0.8660254037844386*px, -0.5*py-0.8660254037844386*px) - rad/2
				a = uint8(255 * min(1, max(0, 0.5-d)))
				img.SetRGBA(x0+x, triangleRow+y, color.RGBA{a, a, a, a})
			}
		}
		x0 += s + spriteGap
	}
	return ebiten.NewImageFromImage(img)
}

// disc adds a filled disc at (x, y) of radius r (screen pixels) in colour
// c, drawing the batch onto dst first if it is full.
func (d *discs) disc(dst *ebiten.Image, x, y, r float32, c color.Color) {
	d.sprite(dst, x, y, r, 0, 1, 0, c)
}

// triangle adds a filled equilateral triangle centred at (x, y) and
// inscribed in a circle of radius r (screen pixels), pointing at angle
// (radians, clockwise on the screen from straight up: 0 points up, pi/2
// right), in colour c.
func (d *discs) triangle(dst *ebiten.Image, x, y, r float32, angle float64, c color.Color) {
	sin, cos := math.Sincos(angle)
	d.sprite(dst, x, y, r, triangleRow, float32(cos), float32(sin), c)
}

// sprite adds the sprite of row y0 for radius r at (x, y), rotated by the
// angle whose cosine and sine are cos and sin, in colour c.
func (d *discs) sprite(dst *ebiten.Image, x, y, r float32, y0 int, cos, sin float32, c color.Color) {
	if r <= 0 {
		return
	}
	if len(d.vs)+4 > maxVertices {
		d.flush(dst)
	}
	x0, s := sprite(r)
	// The sprite's shape has radius s/2-1: the quad's half side maps it to r.
	h := r * float32(s) / float32(s-2)
	sx0, sx1, sy0, sy1 := float32(x0), float32(x0+s), float32(y0), float32(y0+s)
	cr, cg, cb, ca := premul(c)
	v := func(dx, dy, sx, sy float32) ebiten.Vertex {
		return ebiten.Vertex{DstX: x + dx*cos - dy*sin, DstY: y + dx*sin + dy*cos, SrcX: sx, SrcY: sy, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca}
	}
	b := uint16(len(d.vs))
	d.vs = append(d.vs, v(-h, -h, sx0, sy0), v(h, -h, sx1, sy0), v(h, h, sx1, sy1), v(-h, h, sx0, sy1))
	d.is = append(d.is, b, b+1, b+2, b, b+2, b+3)
}

// chain adds a line through the points xy (screen pixels, x0, y0, x1, y1,
// ...) of width 2r in colour c, as discs of radius r 0.8 r apart
// along it; with dash > 0 only every other dash pixels of its length are
// drawn (a dashed line). Points that are not finite break the line.
func (d *discs) chain(dst *ebiten.Image, xy []float32, r, dash float32, c color.Color) {
	step := max(0.5, 0.8*r) // the edge's scallops stay under a tenth of r
	run := float32(0)       // the length drawn since the line began
	for k := 0; k+3 < len(xy); k += 2 {
		x0, y0, x1, y1 := xy[k], xy[k+1], xy[k+2], xy[k+3]
		if !finite32(x0) || !finite32(y0) || !finite32(x1) || !finite32(y1) {
			continue
		}
		l := float32(math.Hypot(float64(x1-x0), float64(y1-y0)))
		for t := float32(0); t < l || (t == 0 && l == 0); t += step {
			if dash <= 0 || int((run+t)/dash)%2 == 0 {
				f := float32(0)
				if l > 0 {
					f = t / l
				}
				d.disc(dst, x0+f*(x1-x0), y0+f*(y1-y0), r, c)
			}
			if l == 0 {
				break
			}
		}
		run += l
	}
	if n := len(xy); n >= 2 && finite32(xy[n-2]) && finite32(xy[n-1]) && dash <= 0 {
		d.disc(dst, xy[n-2], xy[n-1], r, c)
	}
}

// finite32 reports whether v is neither NaN nor infinite.
func finite32(v float32) bool { return v == v && v-v == 0 }

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
