//go:build torch

package torchnet

import "github.com/samlab/samlab/core/optim"

// TrainStep takes one training step on a batch, the protocol every
// LibTorch loop follows (the runner's training and its speed benchmark):
// it uploads the images x and labels y (SetBatch), updates the BatchNorm
// running statistics for a per-example method (optim.Traits.PerExample:
// its own passes never do), and steps w with opt over the whole batch. It
// returns the mean loss at w before the step.
func (b *Backend) TrainStep(opt *optim.Optimizer[Vec, *Examples], w Vec, x []float32, y []int) float64 {
	b.SetBatch(x, y)
	if optim.Of(opt.Name()).PerExample {
		b.UpdateRunningStats(w)
	}
	return opt.Step(b, w, b.Batch())
}
