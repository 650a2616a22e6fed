package data

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Plane configures a 2-D Gaussian scene lifted into 2 + NoiseDims
// dimensions: the first two coordinates of each point are those Gauss2D
// draws for the same seed (the signal plane), the other NoiseDims are
// independent Gaussian noise of standard deviation Sigma that carries no
// label. With NoiseDims large against NTrain a model can fit flipped labels
// through the noise coordinates, as in the paper's high-dimensional toy,
// while the plane shows the signal (draw it with the noise coordinates at
// 0, their mean).
type Plane struct {
	Gauss2D `yaml:",inline" json:",inline"`
	// NoiseDims is the number of noise coordinates after the plane.
	NoiseDims int `yaml:"noise_dims" json:"noise_dims"`
	// Sigma is the noise coordinates' standard deviation.
	Sigma float64 `yaml:"sigma" json:"sigma"`
}

// Validate reports every invalid field, one per line (errors.Join).
func (p Plane) Validate() error {
	errs := []error{p.Gauss2D.Validate()}
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if p.NoiseDims < 1 || p.NoiseDims > MaxValues {
		add("data: noise_dims must be in [1, %d] (got %d)", MaxValues, p.NoiseDims)
	} else if v := float64(p.NTrain+p.NTest) * float64(2+p.NoiseDims); v > MaxValues {
		add("data: (n_train + n_test) * (2 + noise_dims) = %.3g values, more than the %d a toy run may hold", v, MaxValues)
	}
	if !(p.Sigma > 0) || !finite(p.Sigma) {
		add("data: sigma must be > 0 and finite (got %g)", p.Sigma)
	}
	return errors.Join(errs...)
}

// Make draws the train and test sets (clean labels) for a seed. Their first
// two coordinates and labels are Gauss2D.Make's for the seed.
func (p Plane) Make(seed uint64) (train, test *Dataset, err error) {
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	tr, te, err := p.Gauss2D.Make(seed)
	if err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x91a4e))
	lift := func(flat *Dataset) *Dataset {
		d := newDataset(flat.N(), 2+p.NoiseDims, flat.K)
		for i := range flat.N() {
			row := d.Row(i)
			copy(row, flat.Row(i))
			for j := 2; j < len(row); j++ {
				row[j] = p.Sigma * rng.NormFloat64()
			}
		}
		copy(d.Y, flat.Y)
		copy(d.Clean, flat.Clean)
		return d
	}
	return lift(tr), lift(te), nil
}
