package app

import (
	"fmt"
	"image/color"
	"strconv"
	"time"

	"github.com/samlab/samlab/wasm/sim"
)

// inspectEvery is how often, at most, the inspector measures its point
// again in a panel while the panels train (a few batch-of-one passes;
// SAM's also a full-batch gradient for its shared ascent point).
const inspectEvery = 250 * time.Millisecond

// inspector is the training point the user asked about (Alt- or
// Ctrl-click, or a tap in inspect mode) and what sim.Lab.Inspect measured
// of it in every panel. Update measures it in every panel on the click,
// and again, while the panels train, in a panel whose weights changed
// once inspectEvery has passed, at most one panel a frame (round robin),
// so a frame's work stays bounded; Draw only shows the values it holds.
type inspector struct {
	point    int     // index in Lab.Train; -1: closed (the zero value is made closed by keep)
	x, y     float64 // the point's position, to tell whether a new lab still holds it
	in       []sim.Inspection
	versions []uint64    // per panel: its Version when measured
	at       []time.Time // per panel: when measured
	rr       int         // the refresh's round-robin cursor
}

// isOpen reports whether a point is being inspected.
func (n *inspector) isOpen() bool { return n.point >= 0 && len(n.in) > 0 }

// open inspects training point i of lab in every panel.
func (n *inspector) open(lab *sim.Lab, i int) error {
	n.point = i
	if err := n.measure(lab); err != nil {
		n.close()
		return err
	}
	return nil
}

// close closes the inspector.
func (n *inspector) close() {
	n.point, n.in, n.versions, n.at = -1, n.in[:0], n.versions[:0], n.at[:0]
}

// keep is called with every new lab, reset or added point: the inspector
// stays open, measured again, if lab still holds the point at the same
// index and place (a reset, a change of methods or of training values),
// and closes otherwise (new data).
func (n *inspector) keep(lab *sim.Lab) {
	if n.point < 0 || len(n.in) == 0 {
		n.point = -1
		return
	}
	i := n.point
	if i >= lab.Train.N() || lab.Train.Row(i)[0] != n.x || lab.Train.Row(i)[1] != n.y {
		n.close()
		return
	}
	if err := n.measure(lab); err != nil {
		n.close()
	}
}

// refresh measures the point again in one panel whose weights changed
// since inspectEvery or more before now, if there is one; it reports
// whether it did.
func (n *inspector) refresh(lab *sim.Lab, now time.Time) (bool, error) {
	if !n.isOpen() {
		return false, nil
	}
	if len(n.in) != len(lab.Panels) {
		return true, n.measure(lab)
	}
	for j := range lab.Panels {
		k := (n.rr + j) % len(lab.Panels)
		if n.versions[k] == lab.Panels[k].Version || now.Sub(n.at[k]) < inspectEvery {
			continue
		}
		in, err := lab.Inspect(k, n.point)
		if err != nil {
			n.close()
			return true, fmt.Errorf("inspect point %d: %w", n.point, err)
		}
		n.in[k], n.versions[k], n.at[k] = in, lab.Panels[k].Version, now
		n.rr = k + 1
		return true, nil
	}
	return false, nil
}

// measure inspects the point in every panel of lab.
func (n *inspector) measure(lab *sim.Lab) error {
	n.in, n.versions, n.at = n.in[:0], n.versions[:0], n.at[:0]
	now := time.Now()
	for k, p := range lab.Panels {
		in, err := lab.Inspect(k, n.point)
		if err != nil {
			return fmt.Errorf("inspect point %d: %w", n.point, err)
		}
		n.in = append(n.in, in)
		n.versions = append(n.versions, p.Version)
		n.at = append(n.at, now)
	}
	n.x, n.y = n.in[0].X, n.in[0].Y
	return nil
}

// drawInspection marks the inspected point in panel i of n of session s
// and shows what was measured of it there (in) in a box beside it: in the
// high-dimensional scene beside the point in the projection, where the
// view layers mark it (in both views).
func drawInspection(c canvas, s *session, i, n int, in sim.Inspection) {
	l := s.lab
	pr := planeRect(i, n)
	var x, y float64
	if l.HighDim() {
		v := &l.Panels[i].Views
		if !v.Valid || in.Point >= len(v.Proj.B) {
			return
		}
		pr = projRect(i, n)
		x, y = s.space.projXY(pr, v.Proj.A[in.Point], v.Proj.B[in.Point])
	} else {
		u, v := l.View.ToUnit(in.X, in.Y)
		x, y = pr.X+u*pr.W, pr.Y+v*pr.H
		c.ring(x, y, 11, 2.5, colText)
		c.ring(x, y, 13.5, 1.5, color.White)
	}

	p := l.Panels[i]
	ascent := "at w+e_i" // the per-example methods' own ascent point
	switch {
	case in.Rho == 0:
		ascent = "" // SGD, Reg-SGD (or rho 0): the ascent point is w
	case p.Method == "sam":
		ascent = "at w+e"
	}
	what := fmt.Sprintf("point %d: clean, class %d", in.Point, in.Label)
	if in.Flipped {
		what = fmt.Sprintf("point %d: flipped, trained as %d", in.Point, in.Label)
	}
	share := fmt.Sprintf("%s%%", sig(100*in.Share))
	if nt := l.Train.N(); in.Share > 0 {
		share += fmt.Sprintf("  (%s x uniform)", sig(in.Share*float64(nt)))
	}
	type row struct{ name, atW, atE string }
	rows := []row{{"", "at w", ascent}, {"loss", sig(in.Loss), ""}, {"||r_i||", sig(in.Scale), sig(in.ScaleAt)}, {"||J_i||", sig(in.Jacobian), sig(in.JacobianAt)}}
	if ascent == "" {
		rows[2].atE, rows[3].atE = "", ""
	}
	const lh, col1, col2 = 14.0, 50.0, 112.0
	w := max(c.textWidth(what, fontSmall), col1+c.textWidth(share, fontSmall), col2+c.textWidth(sig(in.JacobianAt), fontSmall), col2+48) + 16
	h := lh*float64(len(rows)+2) + 10
	bx, by := x+16, y+16
	if bx+w > pr.X+pr.W-2 {
		bx = x - 16 - w
	}
	if by+h > pr.Y+pr.H-2 {
		by = y - 16 - h
	}
	bx, by = max(pr.X+2, min(bx, pr.X+pr.W-2-w)), max(pr.Y+2, min(by, pr.Y+pr.H-2-h))
	box := rect{bx, by, w, h}
	c.fillRoundRect(box, 5, withAlpha(rgb(0xffffff), 0.94))
	c.strokeRoundRect(box, 5, 1, colBorder)
	tx, ty := bx+8, by+5
	c.text(what, fontSmall, tx, ty, colText)
	ty += lh
	for k, r := range rows {
		clr := colText
		if k == 0 {
			clr = colMuted
		}
		c.text(r.name, fontSmall, tx, ty, colMuted)
		c.text(r.atW, fontSmall, tx+col1, ty, clr)
		c.text(r.atE, fontSmall, tx+col2, ty, clr)
		ty += lh
	}
	c.text("share", fontSmall, tx, ty, colMuted)
	c.text(share, fontSmall, tx+col1, ty, colText)
}

// sig formats v with 4 significant digits.
func sig(v float64) string {
	return strconv.FormatFloat(v, 'g', 4, 64)
}
