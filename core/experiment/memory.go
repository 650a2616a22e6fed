package experiment

import (
	"slices"

	"github.com/samlab/samlab/core/optim"
)

// shape returns the data dimension and the number of classes c's data
// kind makes (without making the data).
func (c *Config) shape() (dim, k int) {
	k = len(c.Data.Means)
	if len(c.Data.MeanClasses) > 0 {
		k = slices.Max(c.Data.MeanClasses) + 1
	}
	switch c.Data.Kind {
	case "blobs":
		return 2, c.Data.Classes
	case "highdim":
		return c.Data.D, 2
	case "plane":
		return 2 + c.Data.NoiseDims, k
	}
	return 2, k
}

// MemoryBytes estimates the most memory Run(ctx, c, workers, ...) holds at
// once, in bytes (c validated; workers as Run takes it, 0 counting as 1
// here: the caller passes the real count). Each run in parallel holds about
// ten parameter-sized vectors (the weights, the initial weights, the
// direction, momentum, perturbed weights, the transposed weights of each
// batch) and, per batch it keeps (three for a per-example method: the step,
// the clean and the perturbed examples; one otherwise), each layer's input,
// pre-activation and error for every example of a step (all the training
// points with a full batch); each seed's data is held once (points and
// labels in float64 and int). It is an estimate, not a bound: use it to
// refuse a run that cannot fit before it starts.
func (c *Config) MemoryBytes(workers int) int64 {
	dim, k := c.shape()
	out := k
	if k == 2 {
		out = 1
	}
	widths := []int{dim}
	if c.Model.Kind != "linear" {
		widths = append(widths, c.Model.Hidden...)
	}
	widths = append(widths, out)
	var params, perRow int64
	perRow = int64(dim)
	for l := 1; l < len(widths); l++ {
		params += int64(widths[l-1]+1) * int64(widths[l])
		perRow += 3 * int64(widths[l])
	}
	rows := int64(c.Data.NTrain)
	if b := int64(c.Train.Batch); b > 0 && b < rows {
		rows = b
	}
	batches := int64(1)
	for _, m := range c.Methods {
		if n, err := optim.Canonical(m); err == nil && optim.Of(n).PerExample {
			batches = 3
		}
	}
	const evalRows = 256
	run := 8 * (10*params + batches*rows*perRow + evalRows*perRow)
	seedData := 8 * int64(c.Data.NTrain+c.Data.NTest) * int64(dim+2)
	jobs := len(c.Methods) * c.Seeds
	parallel := int64(max(1, min(workers, jobs)))
	return parallel*run + min(parallel, int64(c.Seeds))*seedData
}
