//go:build torch

package torchnet

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// mainThreads is the number of OS threads the main goroutine ran on while
// other goroutines competed for the processors (TestMain measures it before
// the tests run: only there is the goroutine the one init pinned).
var mainThreads int

func TestMain(m *testing.M) {
	mainThreads = threadsUnderContention()
	os.Exit(m.Run())
}

// threadsUnderContention yields the calling goroutine many times while
// busy goroutines keep every processor taken, and returns how many
// distinct OS threads it ran on.
func threadsUnderContention() int {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < 2*runtime.GOMAXPROCS(0)+2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				runtime.Gosched()
			}
		}()
	}
	seen := map[int]bool{}
	for i := 0; i < 20000; i++ {
		runtime.Gosched()
		seen[syscall.Gettid()] = true
	}
	stop.Store(true)
	wg.Wait()
	return len(seen)
}

// The main goroutine, which drives LibTorch in every command, stays on one
// OS thread (thread.go's init), so libgomp keeps one team of workers.
func TestMainGoroutinePinned(t *testing.T) {
	if mainThreads != 1 {
		t.Errorf("the main goroutine ran on %d OS threads, want 1", mainThreads)
	}
	if n := threadsUnderContention(); n < 2 {
		t.Logf("an unpinned goroutine stayed on one thread too (%d): the contention did not move it", n)
	}
}

// OpenBLAS, where LibTorch uses it, runs on one thread (thread.go's init).
func TestOpenBLASOneThread(t *testing.T) {
	switch n := OpenBLASThreads(); n {
	case -1:
		t.Skip("this LibTorch does not use OpenBLAS")
	case 1:
	default:
		t.Errorf("OpenBLAS runs %d threads, want 1", n)
	}
}
