package sim

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// Projection is a panel's projection of the high-dimensional scene on the
// plane of two orthonormal axes: U1, the class-mean direction (Space.U1),
// and U2, the unit component of the weights w orthogonal to U1. The
// weights lie in that plane, w = W1*U1 + W2*U2, so a point's logit is
// exactly w.x = W1*a + W2*b at its coordinates (a, b) = (x.U1, x.U2),
// whatever its components outside the plane: the decision line
// W1*a + W2*b = 0 separates the points as the model does. The test
// accuracy is a function of the angle between w and U1 alone: for
// x = y*mu + noise of standard deviation sigma it is
// Phi(||mu|| cos(angle) / sigma) (ExpectedAccuracy). A model that
// memorises turns w away from U1, towards the noise directions.
type Projection struct {
	// U2 is the second axis: the unit component of w orthogonal to U1
	// (when w has none, a fixed unit vector orthogonal to U1).
	U2 []float64
	// W1 and W2 are w's coordinates, w.U1 and w.U2 (W2 >= 0).
	W1, W2 float64
	// A and B hold the training points' coordinates along U1 and U2 (A is
	// Space.A, shared by the panels).
	A, B []float64
	// TestA and TestB hold the test points' (nil unless asked for).
	TestA, TestB []float64
}

// set computes the projection for weights w of the training inputs x (d
// values a row) whose products with w are xw.
func (pr *Projection) set(sp *Space, w, xw, x []float64, d int) {
	if len(pr.U2) != len(w) {
		pr.U2 = make([]float64, len(w))
	}
	pr.W1 = floats.Dot(w, sp.U1)
	copy(pr.U2, w)
	floats.AddScaled(pr.U2, -pr.W1, sp.U1)
	pr.W2 = floats.Norm(pr.U2, 2)
	pr.A = sp.A
	pr.B = slicesGrow(pr.B, len(xw))
	if pr.W2 > 1e-9*floats.Norm(w, 2) {
		floats.Scale(1/pr.W2, pr.U2)
		// b = x.U2 = (x.w - W1 a) / W2: no second product.
		for k := range xw {
			pr.B[k] = (xw[k] - pr.W1*sp.A[k]) / pr.W2
		}
		return
	}
	// w lies along U1 (or is zero): any unit vector orthogonal to U1 will
	// do; the plane's second axis carries no weight.
	pr.W2 = 0
	orthogonalUnit(pr.U2, sp.U1)
	mul(pr.B, x, d, pr.U2)
}

// project returns dst resized to hold the coordinates along U2 of the rows
// of x (d values a row), x.U2.
func (pr *Projection) project(dst, x []float64, d int) []float64 {
	n := len(x) / d
	dst = slicesGrow(dst, n)
	mul(dst, x, d, pr.U2)
	return dst
}

// orthogonalUnit sets u to a unit vector orthogonal to the unit vector u1:
// the coordinate axis least aligned with u1, minus its component along u1,
// normalised.
func orthogonalUnit(u, u1 []float64) {
	j := 0
	for k, v := range u1 {
		if math.Abs(v) < math.Abs(u1[j]) {
			j = k
		}
	}
	clear(u)
	u[j] = 1
	floats.AddScaled(u, -u1[j], u1)
	floats.Scale(1/floats.Norm(u, 2), u)
}

// slicesGrow returns v resized to n values (reallocated only when too
// short).
func slicesGrow(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n)
	}
	return v[:n]
}

// Angle returns the angle between w and the class-mean direction U1, in
// degrees in [0, 180]: 0 when w points along mu, 90 when it ignores it.
func (pr *Projection) Angle() float64 {
	return math.Atan2(pr.W2, pr.W1) * 180 / math.Pi
}

// ExpectedAccuracy returns the test accuracy a linear model without bias
// whose weights make angle deg with mu has on the clean distribution
// x = y*mu + noise (isotropic, standard deviation sigma):
// Phi(||mu|| cos(angle) / sigma), as w.x = y w.mu + w.noise with w.noise
// ~ N(0, sigma^2 ||w||^2).
func ExpectedAccuracy(deg, muNorm, sigma float64) float64 {
	z := muNorm * math.Cos(deg*math.Pi/180) / sigma
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// Window returns the half-extents (along U1, along U2) of the smallest
// window centred on the origin that holds every projected training point
// of the views vs (and the test points where the views hold them), with a
// margin of 5%; at least 1 each.
func Window(vs []*Views) (ha, hb float64) {
	ha, hb = 1, 1
	grow := func(a, b []float64) {
		for k := range a {
			if !math.IsNaN(a[k]) {
				ha = max(ha, 1.05*math.Abs(a[k]))
			}
			if k < len(b) && !math.IsNaN(b[k]) {
				hb = max(hb, 1.05*math.Abs(b[k]))
			}
		}
	}
	for _, v := range vs {
		if !v.Valid {
			continue
		}
		grow(v.Proj.A, v.Proj.B)
		grow(v.Proj.TestA, v.Proj.TestB)
	}
	return ha, hb
}

// Render fills pix (gw x gh RGBA pixels, row 0 at the top) with the model's
// predicted class probability at the cell centres of the window
// [-ha, ha] x [-hb, hb] of the plane (a to the right, b upwards), in the
// heat maps' colours: sigmoid(W1 a + W2 b), which is exact for every point
// projected there, as w lies in the plane. It allocates nothing.
func (pr *Projection) Render(pix []byte, gw, gh int, ha, hb float64) {
	var p [2]float64
	var z [1]float64
	for j := range gh {
		b := hb * (1 - 2*(float64(j)+0.5)/float64(gh))
		for i := range gw {
			a := ha * (2*(float64(i)+0.5)/float64(gw) - 1)
			z[0] = pr.W1*a + pr.W2*b
			probs(p[:], z[:])
			c := 4 * (j*gw + i)
			pix[c], pix[c+1], pix[c+2] = tint(p[:])
			pix[c+3] = 0xff
		}
	}
}
