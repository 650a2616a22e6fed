package sim

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/samlab/samlab/core/data"
)

// A user's own points travel in the share link as the query key pts: the
// points dropped as a CSV file (they replace the preset's), or the points
// clicked onto a preset's plane (they are added to the preset's). The
// value is base64url (no padding) of a version byte (PointsVersion), a
// mode byte (0 replace, 1 add) and a DEFLATE stream (compress/flate) of:
// the point count (uvarint), one byte per point (label | 0x80 if its label
// is flipped), then per point x and y as zigzag varints of the coordinate
// in units of PointsGrid. A lab rounds a user's coordinates to PointsGrid
// as they come in (AddPoint, WithPoints), so the link reopens exactly the
// points the page trains on.

// PointsVersion is the first byte of a pts value: the format above.
const PointsVersion = 1

// PointsGrid is the resolution of a user's coordinates: they are rounded
// to multiples of it (1e-4, far below a pixel of any view the demo draws).
const PointsGrid = 1e-4

// MaxQuery is the longest query (after "?") the share line offers: a link
// of it and a host name stays under 8000 characters, which browsers,
// servers and course platforms accept. Beyond it the share line says how
// many points made it too long (ShareQuery).
const MaxQuery = 7600

// The pts modes: a user's points replace the preset's or are added to them.
const (
	ptsReplace = 0
	ptsAdd     = 1
)

// maxCoord bounds a user's coordinates (as ParsePoints does).
const maxCoord = 1e6

// LinkPoints are the points a pts value holds.
type LinkPoints struct {
	// Add is true for points added to the preset's (clicked), false for
	// points that replace them (a file).
	Add bool
	// D holds the points (2-D), their labels and flipped marks; K is the
	// number of classes their labels name.
	D *data.Dataset
}

// gridded returns v rounded to a multiple of PointsGrid, as EncodePoints
// stores it.
func gridded(v float64) float64 { return math.Round(v/PointsGrid) * PointsGrid }

// EncodePoints returns the pts value for rows from.. of d (2-D), added to
// the preset's points (add) or replacing them. Coordinates are rounded to
// PointsGrid.
func EncodePoints(d *data.Dataset, from int, add bool) string {
	n := d.N() - from
	var raw bytes.Buffer
	buf := binary.AppendUvarint(nil, uint64(n))
	for i := from; i < d.N(); i++ {
		b := byte(d.Y[i])
		if d.Flipped[i] {
			b |= 0x80
		}
		buf = append(buf, b)
	}
	for i := from; i < d.N(); i++ {
		for _, v := range d.Row(i)[:2] { // the plane (noisyplane's added points are 0 beyond it)
			buf = binary.AppendVarint(buf, int64(math.Round(v/PointsGrid)))
		}
	}
	mode := byte(ptsReplace)
	if add {
		mode = ptsAdd
	}
	raw.Write([]byte{PointsVersion, mode})
	w, _ := flate.NewWriter(&raw, flate.BestCompression) // the level is valid: no error
	w.Write(buf)
	w.Close()
	return base64.RawURLEncoding.EncodeToString(raw.Bytes())
}

// DecodePoints reads a pts value of any length (a lab's own may be longer
// than a link holds: ShareQuery says so). Any problem is one error saying what is
// wrong (not the value itself, which may be thousands of characters long).
func DecodePoints(s string) (LinkPoints, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return LinkPoints{}, fmt.Errorf("not base64url: %w", err)
	}
	if len(raw) < 3 {
		return LinkPoints{}, errors.New("too short to hold points")
	}
	if raw[0] != PointsVersion {
		return LinkPoints{}, fmt.Errorf("version %d, this page reads version %d", raw[0], PointsVersion)
	}
	if raw[1] != ptsReplace && raw[1] != ptsAdd {
		return LinkPoints{}, fmt.Errorf("mode %d, want %d (replace) or %d (add)", raw[1], ptsReplace, ptsAdd)
	}
	// The largest valid payload: a count, and per point a byte and two
	// varints of at most 10 bytes.
	limit := int64(binary.MaxVarintLen64 + MaxPoints*(1+2*binary.MaxVarintLen64))
	body, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw[2:])), limit+1))
	if err != nil {
		return LinkPoints{}, fmt.Errorf("not a DEFLATE stream: %w", err)
	}
	if int64(len(body)) > limit {
		return LinkPoints{}, fmt.Errorf("more than %d bytes of points", limit)
	}
	lp := LinkPoints{Add: raw[1] == ptsAdd}
	n, k := binary.Uvarint(body)
	switch {
	case k <= 0:
		return LinkPoints{}, errors.New("no point count")
	case n == 0 || n > MaxPoints:
		return LinkPoints{}, fmt.Errorf("%d points, want 1 to %d", n, MaxPoints)
	case !lp.Add && n < 4:
		return LinkPoints{}, fmt.Errorf("%d points, want at least 4", n)
	case uint64(len(body)-k) < n:
		return LinkPoints{}, fmt.Errorf("%d labels for %d points", len(body)-k, n)
	}
	body = body[k:]
	d := &data.Dataset{D: 2}
	labels := body[:n]
	body = body[n:]
	for i, b := range labels {
		y := int(b &^ 0x80)
		if y >= MaxClasses {
			return LinkPoints{}, fmt.Errorf("point %d: label %d is not a class 0..%d", i, y, MaxClasses-1)
		}
		if b&0x80 != 0 && lp.Add {
			return LinkPoints{}, fmt.Errorf("point %d: a point added on the plane has no flipped label", i)
		}
		var xy [2]float64
		for j := range xy {
			v, k := binary.Varint(body)
			if k <= 0 {
				return LinkPoints{}, fmt.Errorf("point %d: no %s coordinate", i, []string{"x", "y"}[j])
			}
			body = body[k:]
			xy[j] = float64(v) * PointsGrid
			if math.Abs(xy[j]) > maxCoord {
				return LinkPoints{}, fmt.Errorf("point %d: %s = %g is beyond %g", i, []string{"x", "y"}[j], xy[j], maxCoord)
			}
		}
		d.Append(xy[:], y)
		d.Flipped[i] = b&0x80 != 0
		d.K = max(d.K, y+1)
	}
	if len(body) != 0 {
		return LinkPoints{}, fmt.Errorf("%d bytes after the last point", len(body))
	}
	if !lp.Add && d.K < 2 {
		return LinkPoints{}, errors.New("every point has label 0: want at least two classes")
	}
	if !lp.Add && d.K == 2 { // as ParsePoints: a flipped binary label's true class is the other one
		for i, f := range d.Flipped {
			if f {
				d.Clean[i] = 1 - d.Y[i]
			}
		}
	}
	lp.D = d
	return lp, nil
}

// ShareQuery returns the query the share line offers (Query), or, when a
// user's points make it longer than MaxQuery, an error saying so: how many
// points, how long, the limit, and what to do instead.
func (p Params) ShareQuery() (string, error) {
	q := p.Query()
	if len(q) <= MaxQuery {
		return q, nil
	}
	n := 0
	if lp, err := DecodePoints(p.Pts); err == nil {
		n = lp.D.N()
	}
	return "", fmt.Errorf("too many points to share in a link: %d points make it %d characters, the limit is %d; share the CSV file instead", n, len(q), MaxQuery)
}

// gridPoints returns a copy of d with its coordinates rounded to
// PointsGrid (what a link reopens).
func gridPoints(d *data.Dataset) *data.Dataset {
	g := d.Clone()
	for i, v := range g.X {
		g.X[i] = gridded(v)
	}
	return g
}

// linkPoints returns the pts value of the lab's user points: all its
// training points when they are a user's own (Custom), the points added to
// the preset's otherwise, "" when there are none.
func (l *Lab) linkPoints() string {
	switch {
	case l.Space != nil:
		return ""
	case l.Custom:
		return EncodePoints(l.Train, 0, false)
	case l.Added > 0:
		return EncodePoints(l.Train, l.Train.N()-l.Added, true)
	}
	return ""
}

// buildLinked makes the Setup of p under cfg: on the points of p.Pts when
// they replace the preset's (and then reports custom), else on the
// preset's data.
func buildLinked(cfg *Config, p Params) (s *Setup, custom bool, err error) {
	if p.Pts == "" {
		s, err = cfg.Build(p.Seed)
		return s, false, err
	}
	lp, err := DecodePoints(p.Pts)
	if err != nil {
		return nil, false, fmt.Errorf("pts: %w", err)
	}
	if lp.Add {
		s, err = cfg.Build(p.Seed)
		return s, false, err
	}
	s, err = cfg.BuildWith(p.Seed, lp.D, cleanSet(lp.D))
	if err != nil {
		return nil, false, fmt.Errorf("pts: %w", err)
	}
	return s, true, nil
}

// addLinked adds the points of p.Pts to the lab's training set when they
// are added to the preset's (before the panels are made).
func (l *Lab) addLinked() error {
	if l.P.Pts == "" || l.Custom {
		return nil
	}
	lp, err := DecodePoints(l.P.Pts)
	if err != nil {
		return fmt.Errorf("pts: %w", err)
	}
	d := l.Train.Clone()
	for i := range lp.D.N() {
		if y := lp.D.Y[i]; y >= d.K {
			return fmt.Errorf("pts: point %d has label %d, and the %s preset has %d classes", i, y, l.P.Preset, d.K)
		}
		row := make([]float64, d.D) // in the plane; any further coordinates 0, as AddPoint's
		copy(row, lp.D.Row(i))
		d.Append(row, lp.D.Y[i])
	}
	l.Train, l.Added = d, lp.D.N()
	return nil
}
