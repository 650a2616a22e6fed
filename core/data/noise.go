package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NoiseConvention records how labels are flipped, for run configs.
const NoiseConvention = "symmetric: exactly round(rate*n) training labels, chosen uniformly without replacement, each replaced by a different class chosen uniformly"

// FlipCount returns the number of labels FlipLabels flips: round(rate*n).
func FlipCount(n int, rate float64) int { return int(math.Round(rate * float64(n))) }

// FlipLabels flips exactly round(rate*len(y)) of the labels y (in [0,k)),
// chosen uniformly without replacement; each flipped label moves to a
// different class chosen uniformly. It returns the new labels and the mask
// of flipped examples; y is not modified. The result depends only on y, k,
// rate and seed. This is the one noise function of the project: the toy
// data and the image datasets (native) both use it.
func FlipLabels(y []int, k int, rate float64, seed uint64) ([]int, []bool, error) {
	if rate < 0 || rate > 1 || math.IsNaN(rate) {
		return nil, nil, fmt.Errorf("noise rate must be in [0, 1] (got %g)", rate)
	}
	if k < 2 {
		return nil, nil, fmt.Errorf("noise: need at least 2 classes (got %d)", k)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5a11ab))
	out := append([]int(nil), y...)
	mask := make([]bool, len(y))
	perm := rng.Perm(len(y))
	for _, i := range perm[:FlipCount(len(y), rate)] {
		c := rng.IntN(k - 1)
		if c >= y[i] {
			c++
		}
		out[i], mask[i] = c, true
	}
	return out, mask, nil
}

// ApplyNoise flips labels of d in place with FlipLabels (from its clean labels).
func (d *Dataset) ApplyNoise(rate float64, seed uint64) error {
	y, mask, err := FlipLabels(d.Clean, d.K, rate, seed)
	if err != nil {
		return err
	}
	d.Y, d.Flipped = y, mask
	return nil
}
