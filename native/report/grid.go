package report

import (
	"errors"
	"fmt"
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// figure is a grid of panels saved as one PNG.
type figure struct {
	Panels        [][]*panel
	Width, Height vg.Length
}

// The size of one panel.
const (
	panelW = 5.2 * vg.Inch
	panelH = 3.8 * vg.Inch
)

// figureDPI is the resolution of the PNG files.
const figureDPI = 150

// row returns a one-row figure of the panels.
func row(ps ...*panel) figure {
	return figure{Panels: [][]*panel{ps}, Width: panelW * vg.Length(len(ps)), Height: panelH}
}

// grid returns a figure of the panels, two per row.
func grid(ps []*panel) figure {
	cols := min(2, len(ps))
	rows := (len(ps) + cols - 1) / cols
	g := make([][]*panel, rows)
	for i, p := range ps {
		if g[i/cols] == nil {
			g[i/cols] = make([]*panel, cols)
		}
		g[i/cols][i%cols] = p
	}
	return figure{Panels: g, Width: panelW * vg.Length(cols), Height: panelH * vg.Length(rows)}
}

// save writes the figure to path as a PNG (figureDPI), or returns the
// first error of its panels.
func (f figure) save(path string) error {
	var errs []error
	plots := make([][]*plot.Plot, len(f.Panels))
	cols := 0
	for i, r := range f.Panels {
		cols = max(cols, len(r))
		for _, p := range r {
			var pl *plot.Plot
			if p != nil {
				pl = p.Plot
				errs = append(errs, p.err)
			}
			plots[i] = append(plots[i], pl)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	img := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(figureDPI))
	dc := draw.New(img)
	dc.SetColor(color.White) // white background
	dc.Fill(dc.Rectangle.Path())
	t := draw.Tiles{Rows: len(plots), Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3}
	cs := plot.Align(plots, t, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(cs[i][j])
			}
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("figure: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(fh); err != nil {
		fh.Close()
		return fmt.Errorf("figure %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	return nil
}
