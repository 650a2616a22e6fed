package sim

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/palette"
)

// MaxClasses is the most classes a points file may hold (one colour each).
const MaxClasses = palette.NumClasses

// ParsePoints reads a user's training points from CSV: one point per row,
// "x,y,label" or "x,y,label,flipped", an optional header row (x,y,label...),
// labels 0..K-1 (2 <= K <= MaxClasses), flipped as true/false or 1/0 (the
// label is a flipped one). At least 4 and at most MaxPoints points, and
// with more than two classes at least one not flipped (a flipped label's
// true class is then unknown: the points' test set, their true labels,
// would be empty). A UTF-8 byte-order mark (Excel's "CSV UTF-8") is
// skipped, and lines may end in LF, CR LF or CR alone (old Mac files). Any
// problem is one error naming the file (name), the line and the value;
// nothing is returned then.
func ParsePoints(r io.Reader, name string) (*data.Dataset, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cr := csv.NewReader(strings.NewReader(normalizeCSV(string(b))))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	d := &data.Dataset{D: 2}
	k := 0
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s line %d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if line == 1 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "x") {
			continue // header
		}
		line := csvLine(cr, line)
		if len(rec) != 3 && len(rec) != 4 {
			return nil, fmt.Errorf("%s line %d: %d fields, want x,y,label[,flipped]", name, line, len(rec))
		}
		var xy [2]float64
		for j := range 2 {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[j]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
				return nil, fmt.Errorf("%s line %d: %s %q is not a coordinate (a finite number within 1e6)", name, line, []string{"x", "y"}[j], rec[j])
			}
			xy[j] = v
		}
		y, err := strconv.Atoi(strings.TrimSpace(rec[2]))
		if err != nil || y < 0 || y >= MaxClasses {
			return nil, fmt.Errorf("%s line %d: label %q is not a class 0..%d", name, line, rec[2], MaxClasses-1)
		}
		flipped := false
		if len(rec) == 4 {
			switch strings.ToLower(strings.TrimSpace(rec[3])) {
			case "1", "true", "yes", "flipped":
				flipped = true
			case "0", "false", "no", "":
			default:
				return nil, fmt.Errorf("%s line %d: flipped %q is not true/false or 1/0", name, line, rec[3])
			}
		}
		if d.N() == MaxPoints {
			return nil, fmt.Errorf("%s: more than %d points", name, MaxPoints)
		}
		d.Append(xy[:], y)
		d.Flipped[d.N()-1] = flipped
		k = max(k, y+1)
	}
	switch {
	case d.N() < 4:
		return nil, fmt.Errorf("%s: %d points, want at least 4", name, d.N())
	case k < 2:
		return nil, fmt.Errorf("%s: every point has label 0: want at least two classes", name)
	}
	if k > 2 && d.NumFlipped() == d.N() {
		return nil, fmt.Errorf("%s: all %d points are flipped, and with %d classes their true classes are unknown: no point is left to measure test accuracy on; mark some points not flipped", name, d.N(), k)
	}
	d.K = k
	// Clean holds the true labels: a flipped binary label's true class is
	// the other one; with more classes it is unknown (kept as given).
	for i, f := range d.Flipped {
		if f && k == 2 {
			d.Clean[i] = 1 - d.Y[i]
		}
	}
	return d, nil
}

// normalizeCSV returns s without a leading UTF-8 byte-order mark and with
// every line ending in LF: CR LF and a lone CR (old Mac files, which
// encoding/csv would read as one line) become LF.
func normalizeCSV(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// csvLine returns the reader's line of the last record (after line rows).
func csvLine(cr *csv.Reader, row int) int {
	if l, _ := cr.FieldPos(0); l > 0 {
		return l
	}
	return row
}

// cleanSet returns the points with their true labels, the demo's test set
// for a user's own points (there is no separate test set): flipped points
// whose true class is unknown (more than two classes) are left out.
func cleanSet(d *data.Dataset) *data.Dataset {
	t := &data.Dataset{D: d.D, K: d.K}
	for i := range d.N() {
		if d.Flipped[i] && d.K != 2 {
			continue
		}
		t.Append(d.Row(i), d.Clean[i])
	}
	return t
}

// WithPoints returns a lab that trains l's methods, with l's settings, on
// a user's own points (ParsePoints): the model is l's for the points'
// classes, the weights start afresh, and test accuracy is measured on the
// points' true labels. l itself is unchanged.
func (l *Lab) WithPoints(d *data.Dataset) (*Lab, error) {
	if l.Space != nil {
		return nil, fmt.Errorf("points are 2-D and the %s preset's have %d dimensions: choose a 2-D preset to train on them", l.P.Preset, l.Train.D)
	}
	cfg := l.Config.Clone()
	d = gridPoints(d)
	s, err := cfg.BuildWith(l.P.Seed, d, cleanSet(d))
	if err != nil {
		return nil, fmt.Errorf("points: %w", err)
	}
	n := &Lab{P: l.P, Config: cfg, Setup: s, Train: s.Train, View: FitView(s.Train), Every: l.Every, Custom: true}
	if err := n.Reset(); err != nil {
		return nil, fmt.Errorf("points: %w", err)
	}
	n.P.Pts = n.linkPoints()
	return n, nil
}
