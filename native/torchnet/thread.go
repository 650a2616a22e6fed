//go:build torch

package torchnet

import "runtime"

// LibTorch's CPU kernels run in parallel with OpenMP, and libgomp keeps a
// team of worker threads for each thread that opens a parallel region. The
// Go scheduler moves a goroutine to another OS thread after a long cgo call,
// so a goroutine that drives LibTorch unpinned opens regions from many
// threads: each gets its own team, and the teams' idle workers spin on the
// cores the working team needs (a ResNet18 SGD step ran its kernels on about
// six threads instead of two). The work therefore stays on one OS thread.

// init pins the main goroutine, which runs every command's LibTorch work,
// to the startup thread (an init function's lock carries over to main).
func init() { runtime.LockOSThread() }
