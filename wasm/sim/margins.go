package sim

import (
	"math"

	"github.com/samlab/samlab/core/model"
)

// The margin view of the high-dimensional scene. For a linear model
// without bias, f(x) = w.x, an example's contribution to the update is a
// multiple of its input: the gradient of the logistic loss at margin
// m = y w.x is -y sigmoid(-m) x. 1-SAM's ascent step e_i = rho g_i/||g_i||
// = -rho y x_i/||x_i|| lowers the margin by c_i = rho ||x_i||, so 1-SAM is
// SGD with the per-example weight sigmoid(c_i - m_i) instead of
// sigmoid(-m_i) (docs/science.md, section 4.1). An example's share of the
// update, ||g_i|| / sum_j ||g_j||, is then its weight times ||x_i||,
// normalised.

// Weight returns the per-example weight method m's update gives an
// example of margin mg and ascent term c = rho*||x|| on a linear model
// without bias, and whether the method has one that depends on these
// alone: sigmoid(-mg) for SGD, J-SAM (the Jacobian of a linear model is
// the input, wherever it is taken) and Reg-SGD (its penalty on the weights
// is not an example's); sigmoid(c - mg) for 1-SAM and L-SAM (L-SAM takes
// the residual at w + e_i and the Jacobian, the input, anywhere). SAM has
// none: its shared ascent step e moves each margin by y_i e.x_i, which
// depends on the example beyond its margin.
func Weight(m string, mg, c float64) (float64, bool) {
	switch m {
	case "sgd", "jsam", "regsgd":
		return model.Sigmoid(-mg), true
	case "1sam", "lsam":
		return model.Sigmoid(c - mg), true
	}
	return 0, false
}

// Curve is a closed-form weight curve of the margin view, scaled as the
// view's y axis is: an example's share of the update in multiples of the
// uniform share 1/N.
type Curve struct {
	// Method is the method whose weight the curve draws (Weight).
	Method string
	// C is the ascent term of an example of the mean norm,
	// rho*Space.NormMean (0 for the methods without one).
	C float64
	// Scale turns a weight into a multiple of the uniform share for an
	// example of the mean norm: N*NormMean / sum_j Weight(m_j, c_j)||x_j||
	// over the panel's margins m_j.
	Scale float64
}

// At returns the curve at margin mg: the share of the update, in multiples
// of the uniform one, of an example of the mean norm at that margin.
func (c Curve) At(mg float64) float64 {
	w, _ := Weight(c.Method, mg, c.C)
	return w * c.Scale
}

// WeightCurve returns method m's closed-form weight curve with radius rho
// for panel views v (at their margins): the shares m's update would give
// the points at those margins. It reports false when m has no such curve
// (SAM), v has no margins, or the weights are not finite.
func (l *Lab) WeightCurve(v *Views, m string, rho float64) (Curve, bool) {
	sp := l.Space
	if sp == nil || !v.Valid {
		return Curve{}, false
	}
	if _, ok := Weight(m, 0, 0); !ok {
		return Curve{}, false
	}
	if !UsesRho(m) {
		rho = 0
	}
	sum := 0.0
	for k, mg := range v.Margins {
		w, _ := Weight(m, mg, rho*sp.Norms[k])
		sum += w * sp.Norms[k]
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return Curve{}, false
	}
	return Curve{Method: m, C: rho * sp.NormMean, Scale: float64(len(v.Margins)) * sp.NormMean / sum}, true
}
