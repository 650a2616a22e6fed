// Package data makes the toy datasets of the paper's experiments: 2-D
// Gaussian classes, multi-class blobs, the high-dimensional linear toy and
// the 2-D classes lifted among noise dimensions (Plane), and flips a chosen
// fraction of training labels, keeping the flipped mask.
package data

import "fmt"

// Dataset is n examples of dimension D in row-major X (n*D values) with
// integer labels Y in [0, K). Flipped[i] is true when Y[i] is a noisy label
// (then Clean[i] holds the original); test sets have no flipped examples.
type Dataset struct {
	D, K    int
	X       []float64
	Y       []int
	Clean   []int
	Flipped []bool
}

// N returns the number of examples.
func (d *Dataset) N() int { return len(d.Y) }

// Row returns example i's features (a view into X).
func (d *Dataset) Row(i int) []float64 { return d.X[i*d.D : (i+1)*d.D] }

// NumFlipped returns how many labels are flipped.
func (d *Dataset) NumFlipped() int {
	n := 0
	for _, f := range d.Flipped {
		if f {
			n++
		}
	}
	return n
}

// Validate checks the shapes and label range.
func (d *Dataset) Validate() error {
	n := len(d.Y)
	switch {
	case d.D <= 0 || d.K < 2:
		return fmt.Errorf("dataset: need D > 0 and K >= 2 (got D=%d, K=%d)", d.D, d.K)
	case len(d.X) != n*d.D:
		return fmt.Errorf("dataset: X has %d values, want %d*%d", len(d.X), n, d.D)
	case len(d.Clean) != n || len(d.Flipped) != n:
		return fmt.Errorf("dataset: Clean/Flipped have %d/%d entries, want %d", len(d.Clean), len(d.Flipped), n)
	}
	for i, y := range d.Y {
		if y < 0 || y >= d.K {
			return fmt.Errorf("dataset: label %d of example %d outside [0,%d)", y, i, d.K)
		}
	}
	return nil
}

// Clone returns a deep copy.
func (d *Dataset) Clone() *Dataset {
	c := *d
	c.X = append([]float64(nil), d.X...)
	c.Y = append([]int(nil), d.Y...)
	c.Clean = append([]int(nil), d.Clean...)
	c.Flipped = append([]bool(nil), d.Flipped...)
	return &c
}

// Append adds one example with label y (clean).
func (d *Dataset) Append(x []float64, y int) {
	d.X = append(d.X, x...)
	d.Y = append(d.Y, y)
	d.Clean = append(d.Clean, y)
	d.Flipped = append(d.Flipped, false)
}

func newDataset(n, dim, k int) *Dataset {
	return &Dataset{D: dim, K: k, X: make([]float64, n*dim), Y: make([]int, n), Clean: make([]int, n), Flipped: make([]bool, n)}
}
