package data

import (
	"fmt"
	"math"
	"math/rand/v2"
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

// Validate reports the first invalid field.
func (g Gauss2D) Validate() error {
	switch {
	case len(g.Means) < 2:
		return fmt.Errorf("data: need at least 2 class means (got %d)", len(g.Means))
	case g.MeanClasses != nil && len(g.MeanClasses) != len(g.Means):
		return fmt.Errorf("data: mean_classes has %d entries for %d means", len(g.MeanClasses), len(g.Means))
	case g.classes() < 2:
		return fmt.Errorf("data: mean_classes must name at least 2 classes 0..K-1 (got %v)", g.MeanClasses)
	case !(g.Spread > 0):
		return fmt.Errorf("data: spread must be > 0 (got %g)", g.Spread)
	case g.NTrain < len(g.Means):
		return fmt.Errorf("data: n_train must be at least the number of classes (got %d)", g.NTrain)
	case g.NTest < 1:
		return fmt.Errorf("data: n_test must be >= 1 (got %d)", g.NTest)
	}
	return nil
}

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

// Validate reports the first invalid field.
func (h HighDim) Validate() error {
	switch {
	case h.D < 2:
		return fmt.Errorf("data: d must be >= 2 (got %d)", h.D)
	case h.NTrain < 2 || h.NTest < 1:
		return fmt.Errorf("data: n_train must be >= 2 and n_test >= 1 (got %d, %d)", h.NTrain, h.NTest)
	case !(h.MuNorm > 0) || !(h.Sigma > 0):
		return fmt.Errorf("data: mu_norm and sigma must be > 0 (got %g, %g)", h.MuNorm, h.Sigma)
	}
	return nil
}

// Make draws the train and test sets (clean labels) for a seed.
func (h HighDim) Make(seed uint64) (train, test *Dataset, err error) {
	if err := h.Validate(); err != nil {
		return nil, nil, err
	}
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
			row[0] += s * h.MuNorm
			d.Y[i], d.Clean[i] = c, c
		}
		return d
	}
	return draw(h.NTrain), draw(h.NTest), nil
}
