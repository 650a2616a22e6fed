//go:build torch

package torchnet

import (
	"fmt"

	"github.com/samlab/samlab/core/optim"
)

// MaxAutoChunk caps the automatic chunk: beyond it a larger chunk saves
// little time and costs memory linearly.
const MaxAutoChunk = 128

// cpuChunkBytes caps the automatic chunk's memory on a CPU. With the ghost
// form the deep layers keep no per-example weights, and ResNet18-LN at
// batch 128 fits one chunk (about 5.5 GB) where half the available memory
// allows it; the grouped form preferred small chunks (docs/speed.md).
const cpuChunkBytes = 8 << 30

// Chunk returns the most examples one per-example pass takes: ChunkSize
// when set, otherwise the automatic chunk (AutoChunk).
func (b *Backend) Chunk() int {
	if b.ChunkSize > 0 {
		return b.ChunkSize
	}
	if b.auto == 0 {
		b.auto = b.AutoChunk()
	}
	return b.auto
}

// ExampleBytes estimates the memory one example of a per-example pass
// holds, in bytes of float32: what it keeps between the passes (a
// grouped-form convolution's gradient G_k, a ghost-form convolution's input
// and output error, a linear layer's two factors, a norm's affine
// gradients; a merged-form convolution's G_k and its kernels w + c_k G_k,
// which the perturbed pass saves), four times its forward activations (values, probes and
// their gradients, the second pass's extra outputs and what autograd
// saves; each block's other intermediates are freed when it ends), and a
// ghost-form layer's unfolded inputs and cross-Gram in the perturbed pass.
// The factor is calibrated on the measured peak (ResNet18-LN, chunk 32
// against chunk 8: about 40 MB per example in the auto form).
func (b *Backend) ExampleBytes() int64 {
	layers, act := b.Net.shapes()
	var keep, extra int64
	for _, l := range layers {
		switch {
		case l.kind == 'n':
			keep += 2 * l.c
		case l.kind == 'l':
			keep += l.d + l.c
		case b.layerForm(l) == "ghost":
			keep += l.in + l.t*l.c
			extra += 2*l.t*l.d + l.t*l.t
		case b.layerForm(l) == "merged":
			keep += l.d * l.c
			extra += l.d * l.c // the kernels w + c_k G_k the perturbed pass saves
		default:
			keep += l.d * l.c
		}
	}
	return 4 * (keep + extra + 4*act)
}

// memBudget returns the bytes per-example passes may use: half of the
// memory available now on a CPU (Linux MemAvailable), 0 when unknown (a
// GPU, whose free memory LibTorch does not report through gotch).
func (b *Backend) memBudget() int64 {
	if b.Net.Device.Name != "CPU" {
		return 0
	}
	return memAvailable() / 2
}

// memAvailable returns /proc/meminfo's MemAvailable in bytes (0 if unknown).
func memAvailable() int64 { return 1024 * ProcKiB("/proc/meminfo", "MemAvailable:") }

// AutoChunk returns the chunk used when ChunkSize is 0. On a CPU it is the
// largest up to MaxAutoChunk whose estimated memory (ExampleBytes per
// example) stays within cpuChunkBytes and within the budget (half the available
// memory); on a GPU it is MaxAutoChunk (gotch ends the process on a
// LibTorch error, out-of-memory included: start again with a smaller chunk).
func (b *Backend) AutoChunk() int {
	budget := b.memBudget()
	if budget <= 0 {
		return MaxAutoChunk
	}
	return int(max(1, min(int64(MaxAutoChunk), min(budget, cpuChunkBytes)/b.ExampleBytes())))
}

// CheckChunk reports a ChunkSize whose estimated memory exceeds the budget
// (an explicit chunk too large for the machine), naming both and the
// largest chunk that fits.
func (b *Backend) CheckChunk() error {
	budget := b.memBudget()
	if b.ChunkSize <= 0 || budget <= 0 {
		return nil
	}
	per := b.ExampleBytes()
	if need := int64(b.ChunkSize) * per; need > budget {
		return fmt.Errorf("chunk %d needs about %.1f GB for %s's per-example passes (%.0f MB per example), more than the %.1f GB this machine can spare (half of what is available): use a chunk of at most %d, or 0 to choose automatically",
			b.ChunkSize, gb(need), b.Net.Spec.Arch, float64(per)/1e6, gb(budget), max(1, budget/per))
	}
	return nil
}

func gb(n int64) float64 { return float64(n) / 1e9 }

// NewOptimizer returns the optimizer of the method called name for the
// LibTorch backend (optim.NewOptimizer); free its tensors with
// DropOptimizer.
func NewOptimizer(name string, h optim.Hyper, u optim.Update[Vec]) (*optim.Optimizer[Vec, *Examples], error) {
	return optim.NewOptimizer[Vec, *Examples](name, h, u)
}

// DropOptimizer frees o's direction and momentum tensors.
func DropOptimizer(o *optim.Optimizer[Vec, *Examples]) {
	if g, ok := o.Direction(); ok {
		g.Drop()
	}
	if m, ok := o.Update.Buffer(); ok {
		m.Drop()
	}
}
