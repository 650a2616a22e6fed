package data

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Gauss2D configures two (or more) Gaussian classes in the plane.
// The zero value is invalid; start from a preset or set every field.
type Gauss2D struct {
	// Means holds the 2-D component means. Without MeanClasses, component c
	// is class c; with it, component c belongs to class MeanClasses[c] (so
	// several Gaussians can form one class, as in the XOR layout).
	Means       [][2]float64 `yaml:"means" json:"means"`
	MeanClasses []int        `yaml:"mean_classes,omitempty" json:"mean_classes,omitempty"`
	// Spread is the standard deviation of each coordinate.
	Spread float64 `yaml:"spread" json:"spread"`
	// NTrain and NTest are the total numbers of points, split evenly over components.
	NTrain int `yaml:"n_train" json:"n_train"`
	NTest  int `yaml:"n_test" json:"n_test"`
}

// MaxPoints bounds n_train and n_test of the 2-D toys, and MaxValues the
// values (points x dimension) of a whole dataset: beyond them a toy run
// would only exhaust memory.
const (
	MaxPoints = 100_000
	MaxValues = 50_000_000
)

// Validate reports every invalid field, one per line (errors.Join).
func (g Gauss2D) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if len(g.Means) < 2 {
		add("data: need at least 2 class means (got %d)", len(g.Means))
	}
	for i, m := range g.Means {
		if !finite(m[0]) || !finite(m[1]) {
			add("data: means[%d] must be finite (got %v)", i, m)
		}
	}
	switch {
	case g.MeanClasses != nil && len(g.MeanClasses) != len(g.Means):
		add("data: mean_classes has %d entries for %d means", len(g.MeanClasses), len(g.Means))
	case len(g.Means) >= 2 && g.classes() < 2:
		add("data: mean_classes must name at least 2 classes 0..K-1 (got %v)", g.MeanClasses)
	}
	if !(g.Spread > 0) || math.IsInf(g.Spread, 0) {
		add("data: spread must be > 0 and finite (got %g)", g.Spread)
	}
	if g.NTrain < max(len(g.Means), 2) || g.NTrain > MaxPoints {
		add("data: n_train must be in [number of classes, %d] (got %d)", MaxPoints, g.NTrain)
	}
	if g.NTest < 1 || g.NTest > MaxPoints {
		add("data: n_test must be in [1, %d] (got %d)", MaxPoints, g.NTest)
	}
	return errors.Join(errs...)
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// classes returns the number of classes K (0 if MeanClasses is malformed).
func (g Gauss2D) classes() int {
	if g.MeanClasses == nil {
		return len(g.Means)
	}
	seen := map[int]bool{}
	k := 0
	for _, c := range g.MeanClasses {
		if c < 0 {
			return 0
		}
		seen[c] = true
		k = max(k, c+1)
	}
	if len(seen) != k {
		return 0
	}
	return k
}

// Make draws the train and test sets (clean labels) for a seed.
func (g Gauss2D) Make(seed uint64) (train, test *Dataset, err error) {
	if err := g.Validate(); err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6a055))
	draw := func(n int) *Dataset {
		d := newDataset(n, 2, g.classes())
		for i := 0; i < n; i++ {
			c := i % len(g.Means)
			d.X[2*i] = g.Means[c][0] + g.Spread*rng.NormFloat64()
			d.X[2*i+1] = g.Means[c][1] + g.Spread*rng.NormFloat64()
			y := c
			if g.MeanClasses != nil {
				y = g.MeanClasses[c]
			}
			d.Y[i], d.Clean[i] = y, y
		}
		return d
	}
	return draw(g.NTrain), draw(g.NTest), nil
}

// Blobs returns a Gauss2D with k classes whose means sit on a circle of the
// given radius.
func Blobs(k int, radius, spread float64, nTrain, nTest int) Gauss2D {
	g := Gauss2D{Spread: spread, NTrain: nTrain, NTest: nTest}
	for c := 0; c < k; c++ {
		a := 2 * math.Pi * float64(c) / float64(k)
		g.Means = append(g.Means, [2]float64{radius * math.Cos(a), radius * math.Sin(a)})
	}
	return g
}

// HighDim configures the high-dimensional linear toy x = y*mu + noise with
// y in {-1,+1} (stored as labels 1 and 0), mu = MuNorm*e_1 and isotropic
// Gaussian noise of standard deviation Sigma in D dimensions. With D > NTrain
// a linear model can memorise flipped labels through the noise directions.
type HighDim struct {
	D      int     `yaml:"d" json:"d"`
	NTrain int     `yaml:"n_train" json:"n_train"`
	NTest  int     `yaml:"n_test" json:"n_test"`
	MuNorm float64 `yaml:"mu_norm" json:"mu_norm"`
	Sigma  float64 `yaml:"sigma" json:"sigma"`
}

// Validate reports every invalid field, one per line (errors.Join).
func (h HighDim) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if h.D < 2 || h.D > MaxValues {
		add("data: d must be in [2, %d] (got %d)", MaxValues, h.D)
	}
	if h.NTrain < 2 || h.NTrain > MaxPoints {
		add("data: n_train must be in [2, %d] (got %d)", MaxPoints, h.NTrain)
	}
	if h.NTest < 1 || h.NTest > MaxPoints {
		add("data: n_test must be in [1, %d] (got %d)", MaxPoints, h.NTest)
	}
	if v := float64(h.NTrain+h.NTest) * float64(h.D); len(errs) == 0 && v > MaxValues {
		add("data: (n_train + n_test) * d = %.3g values, more than the %d a toy run may hold", v, MaxValues)
	}
	if !(h.MuNorm > 0) || !finite(h.MuNorm) {
		add("data: mu_norm must be > 0 and finite (got %g)", h.MuNorm)
	}
	if !(h.Sigma > 0) || !finite(h.Sigma) {
		add("data: sigma must be > 0 and finite (got %g)", h.Sigma)
	}
	return errors.Join(errs...)
}

// Mu returns the class mean mu (length D): class +1 is centred on mu and
// class -1 on -mu. It lies on the first axis, mu = MuNorm*e_1.
func (h HighDim) Mu() []float64 {
	mu := make([]float64, h.D)
	mu[0] = h.MuNorm
	return mu
}

// Make draws the train and test sets (clean labels) for a seed.
func (h HighDim) Make(seed uint64) (train, test *Dataset, err error) {
	if err := h.Validate(); err != nil {
		return nil, nil, err
	}
	mu := h.Mu()
	rng := rand.New(rand.NewPCG(seed, 0x41d1))
	draw := func(n int) *Dataset {
		d := newDataset(n, h.D, 2)
		for i := 0; i < n; i++ {
			c := i % 2
			s := float64(2*c - 1)
			row := d.Row(i)
			for j := range row {
				row[j] = h.Sigma * rng.NormFloat64()
			}
			floats.AddScaled(row, s, mu)
			d.Y[i], d.Clean[i] = c, c
		}
		return d
	}
	return draw(h.NTrain), draw(h.NTest), nil
}
