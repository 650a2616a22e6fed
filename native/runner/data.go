package runner

import (
	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/native/dataset"
)

// LoadData loads c's dataset, keeps the configured subsets and flips
// c.Noise of the training labels with data.FlipLabels (seed c.Seed). It
// returns the sets, the noisy training labels and the flipped mask.
func LoadData(c Config) (train, test *dataset.Set, noisy []int, flipped []bool, err error) {
	if train, test, err = dataset.Load(c.Dataset, c.DataDir); err != nil {
		return
	}
	train, test = train.Subset(c.TrainSubset), test.Subset(c.TestSubset)
	noisy, flipped, err = data.FlipLabels(train.Labels, train.K, c.Noise, c.Seed)
	return
}
