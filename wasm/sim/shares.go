package sim

import "math"

// The gradient-share view and the fourth chart: what the demo draws of
// Panel.Shares and Sample.CleanShare, without graphics.

// ShareRadius returns the radius of a training point drawn with an area
// proportional to its share of the update, of n points: base times
// sqrt(share*n), so a point with the uniform share 1/n is drawn at base
// and one with four times that at twice base; the result is clamped to
// [lo, hi] (a tiny share stays visible, a huge one does not cover the
// panel). A share that is not a positive finite number (a point that has
// no share yet, before the first step) gets lo. It needs n >= 1 and
// 0 < lo <= base <= hi, and panics otherwise.
func ShareRadius(share float64, n int, base, lo, hi float64) float64 {
	if n < 1 || !(lo > 0 && lo <= base && base <= hi) {
		panic("sim: ShareRadius needs n >= 1 and 0 < lo <= base <= hi")
	}
	if !(share > 0) || math.IsInf(share, 0) {
		return lo
	}
	return min(hi, max(lo, base*math.Sqrt(share*float64(n))))
}

// FlippedShare returns the share of a sample's update that came from the
// flipped points, 1 - CleanShare, in [0,1]; NaN when no training label is
// flipped (the sample's Flipped accuracy is NaN then): the fourth chart.
func FlippedShare(s Sample) float64 {
	if math.IsNaN(s.Flipped) {
		return math.NaN()
	}
	return min(1, max(0, 1-s.CleanShare))
}

// FlippedFraction returns the fraction of the training points whose label
// is flipped (added points are clean): the share of the update the flipped
// points would have if every point weighed the same, the fourth chart's
// reference line. It is NaN when none is flipped.
func (l *Lab) FlippedFraction() float64 {
	nf := l.Train.NumFlipped()
	if nf == 0 {
		return math.NaN()
	}
	return float64(nf) / float64(l.Train.N())
}

// FlippedShareNow returns the flipped points' share of panel p's last
// update, summed from Panel.Shares (the points' shares of the update, not
// the curve's last sample, which may be a few steps old); NaN before the
// first step or when no label is flipped.
func (l *Lab) FlippedShareNow(p *Panel) float64 {
	if l.Train.NumFlipped() == 0 {
		return math.NaN()
	}
	f, all := 0.0, 0.0
	for i, s := range p.Shares {
		all += s
		if i < len(l.Train.Flipped) && l.Train.Flipped[i] {
			f += s
		}
	}
	if !(all > 0) {
		return math.NaN()
	}
	return f / all
}
