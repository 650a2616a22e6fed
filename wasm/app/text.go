package app

import (
	"fmt"
	"image/color"
	"math"

	//lint:ignore SA1019 text v1 needs no shaping engine; text/v2's font shaping adds about 5 MB to the wasm
	"github.com/hajimehoshi/ebiten/v2/text"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// fontKind names one of the UI's faces.
type fontKind int

// The UI's faces.
const (
	fontSmall fontKind = iota // Go Regular 11 px
	fontBody                  // Go Regular 13 px
	fontBold                  // Go Bold 13 px
	fontTitle                 // Go Bold 18 px
	numFonts
)

// faces holds the UI's faces rasterised at one scale, indexed by fontKind:
// the Go fonts through x/image's opentype package, drawn with Ebiten's text
// v1, which needs no shaping engine (the wasm stays small).
type faces [numFonts]font.Face

// fonts holds the parsed Go fonts and their faces at the scale of the last
// frame drawn: faces are rasterised per scale, so a new scale makes new
// ones. It is a cache the view owns.
type fonts struct {
	regular, bold *opentype.Font
	faces         *faces
	scale         float64
}

// loadFonts parses the Go fonts and rasterises them at scale 1.
func loadFonts() (*fonts, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Go Regular: %w", err)
	}
	bld, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Go Bold: %w", err)
	}
	f := &fonts{regular: reg, bold: bld}
	if f.faces, err = f.rasterise(1); err != nil {
		return nil, err
	}
	f.scale = 1
	return f, nil
}

// at returns the faces at scale s, rasterising them when s is new; should
// that fail, the previous faces serve.
func (f *fonts) at(s float64) *faces {
	if s != f.scale {
		if fs, err := f.rasterise(s); err == nil {
			f.faces = fs
		}
		f.scale = s
	}
	return f.faces
}

// rasterise makes the UI's faces at scale s.
func (f *fonts) rasterise(s float64) (*faces, error) {
	var fs faces
	for k, spec := range [numFonts]struct {
		font *opentype.Font
		size float64
	}{fontSmall: {f.regular, 11}, fontBody: {f.regular, 13}, fontBold: {f.bold, 13}, fontTitle: {f.bold, 18}} {
		face, err := opentype.NewFace(spec.font, &opentype.FaceOptions{Size: spec.size * s, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("font face %gpx: %w", spec.size, err)
		}
		fs[k] = face
	}
	return &fs, nil
}

// text draws s with its top-left corner near (x, y) (y is the top of the
// line box, not the baseline).
func (c canvas) text(s string, k fontKind, x, y float64, clr color.Color) {
	f := c.fs[k]
	m := f.Metrics()
	text.Draw(c.dst, s, f, int(math.Round(x*c.s)), int(math.Round(y*c.s))+m.Ascent.Ceil(), clr)
}

// textWidth returns the advance width of s in logical pixels.
func (c canvas) textWidth(s string, k fontKind) float64 {
	return float64(font.MeasureString(c.fs[k], s).Ceil()) / c.s
}

// lineHeight returns the height of a line of k in logical pixels.
func (c canvas) lineHeight(k fontKind) float64 {
	m := c.fs[k].Metrics()
	return float64((m.Ascent + m.Descent).Ceil()) / c.s
}

// textCentered draws s centred horizontally in [x, x+w] and vertically in
// [y, y+h].
func (c canvas) textCentered(s string, k fontKind, x, y, w, h float64, clr color.Color) {
	c.text(s, k, x+(w-c.textWidth(s, k))/2, y+(h-c.lineHeight(k))/2, clr)
}

// ellipsize shortens s with "..." to fit in w logical pixels.
func (c canvas) ellipsize(s string, k fontKind, w float64) string {
	if c.textWidth(s, k) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && c.textWidth(string(r)+"...", k) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}
