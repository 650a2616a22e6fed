package app

import (
	"fmt"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// faces holds the fonts the UI draws with: the Go fonts rasterised by
// x/image's opentype package and drawn through Ebiten's text v1, which
// needs no shaping engine (the wasm stays small).
type faces struct {
	small, body, bold, title font.Face
}

// loadFaces rasterises the fonts for the current uiScale.
func loadFaces() (*faces, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Go Regular: %w", err)
	}
	bld, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Go Bold: %w", err)
	}
	mk := func(f *opentype.Font, size float64) (font.Face, error) {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size * uiScale, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("font face %gpx: %w", size, err)
		}
		return face, nil
	}
	var fs faces
	if fs.small, err = mk(reg, 11); err != nil {
		return nil, err
	}
	if fs.body, err = mk(reg, 13); err != nil {
		return nil, err
	}
	if fs.bold, err = mk(bld, 13); err != nil {
		return nil, err
	}
	if fs.title, err = mk(bld, 18); err != nil {
		return nil, err
	}
	return &fs, nil
}

// drawText draws s with its top-left corner near (x, y) (y is the top of
// the line box, not the baseline).
func drawText(dst *ebiten.Image, s string, f font.Face, x, y float64, clr color.Color) {
	m := f.Metrics()
	text.Draw(dst, s, f, int(math.Round(x*uiScale)), int(math.Round(y*uiScale))+m.Ascent.Ceil(), clr)
}

// textWidth returns the advance width of s in pixels.
func textWidth(s string, f font.Face) float64 {
	return float64(font.MeasureString(f, s).Ceil()) / uiScale
}

// lineHeight returns the height of a line of f.
func lineHeight(f font.Face) float64 {
	m := f.Metrics()
	return float64((m.Ascent + m.Descent).Ceil()) / uiScale
}

// drawTextCentered draws s centred horizontally in [x, x+w] and vertically
// in [y, y+h].
func drawTextCentered(dst *ebiten.Image, s string, f font.Face, x, y, w, h float64, clr color.Color) {
	drawText(dst, s, f, x+(w-textWidth(s, f))/2, y+(h-lineHeight(f))/2, clr)
}

// ellipsize shortens s with "..." to fit in w pixels.
func ellipsize(s string, f font.Face, w float64) string {
	if textWidth(s, f) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && textWidth(string(r)+"...", f) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}
