package runner

import (
	"fmt"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/native/dataset"
)

// LoadData loads c's dataset, keeps the configured subsets and flips
// c.Noise of the training labels with data.FlipLabels (seed c.Seed). It
// returns the sets, the noisy training labels and the flipped mask. With
// c.Holdout > 0 the "test" set is the Holdout training images that follow
// the training subset, with their true labels: a validation set for
// choosing hyperparameters without the test set.
func LoadData(c Config) (train, test *dataset.Set, noisy []int, flipped []bool, err error) {
	if train, test, err = dataset.Load(c.Dataset, c.DataDir); err != nil {
		return
	}
	if c.Holdout > 0 {
		if c.TrainSubset+c.Holdout > train.N {
			err = fmt.Errorf("train_subset %d + holdout %d exceed the %d training images", c.TrainSubset, c.Holdout, train.N)
			return
		}
		test = train.Slice(c.TrainSubset, c.TrainSubset+c.Holdout)
	} else {
		test = test.Subset(c.TestSubset)
	}
	train = train.Subset(c.TrainSubset)
	noisy, flipped, err = data.FlipLabels(train.Labels, train.K, c.Noise, c.Seed)
	return
}
