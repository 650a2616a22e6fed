//go:build torch

package torchnet

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>

// samlab_openblas sets OpenBLAS's thread count when the process has
// OpenBLAS (n > 0) and returns the count in effect, or -1 without it.
static int samlab_openblas(int n) {
	void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
	int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
	if (!set || !get) return -1;
	if (n > 0) set(n);
	return get();
}
*/
import "C"

import "runtime"

// LibTorch's CPU kernels run in parallel with OpenMP, and libgomp keeps a
// team of worker threads for each thread that opens a parallel region. The
// Go scheduler moves a goroutine to another OS thread after a long cgo call,
// so a goroutine that drives LibTorch unpinned opens regions from many
// threads: each gets its own team, and the teams' idle workers spin on the
// cores the working team needs (a ResNet18 SGD step ran its kernels on about
// six threads instead of two). The work therefore stays on one OS thread.
//
// A LibTorch linked with OpenBLAS built on pthreads (Debian's libtorch)
// has a second pool: OpenBLAS's own threads, which spin and yield beside
// the OpenMP team whenever a matrix product is called, often from inside
// an OpenMP region that already uses every thread. OpenBLAS is therefore
// kept to one thread: LibTorch's parallelism is the OpenMP team's.

// init pins the main goroutine, which runs every command's LibTorch work,
// to the startup thread (an init function's lock carries over to main),
// and keeps OpenBLAS, where the process has it, to one thread.
func init() {
	runtime.LockOSThread()
	C.samlab_openblas(1)
}

// OpenBLASThreads returns OpenBLAS's thread count, or -1 when this
// LibTorch does not use OpenBLAS (a PyTorch wheel's uses MKL).
func OpenBLASThreads() int { return int(C.samlab_openblas(0)) }
