//go:build torch

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sugarme/gotch"

	"github.com/samlab/samlab/native/torchnet"
)

// Set by `make torch` with -ldflags -X (mk/torch.mk) from the patched gotch
// copy: the LibTorch release built against and a one-line description.
var (
	torchVersion string
	torchBuild   string
)

func init() {
	register("env", "the LibTorch this binary runs on: version, threads, CUDA", runEnv)
}

func runEnv(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	threads := fs.Int("threads", 0, "set LibTorch's thread count first (0: leave the default)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	lib, runVersion := loadedLibtorch()
	version := runVersion
	if version == "" {
		version = orUnknown(torchVersion) + " (as built)"
	}
	fmt.Printf("libtorch version: %s\n", version)
	fmt.Printf("libtorch loaded: %s\n", orUnknown(lib))
	fmt.Printf("built with: %s\n", orUnknown(torchBuild))
	if runVersion != "" && torchVersion != "" && runVersion != torchVersion &&
		strings.SplitN(runVersion, "+", 2)[0] != strings.SplitN(torchVersion, "+", 2)[0] {
		fmt.Printf("warning: built against LibTorch %s but running on %s: wrappers may not match\n", torchVersion, runVersion)
	}
	fmt.Printf("threads: %d\n", torchnet.SetThreads(*threads))
	// Availability first: device_count on a CUDA build without a driver or
	// GPU is 0 without an error, but asking only when available keeps any
	// driver message out of the way.
	avail := gotch.CUDA.IsAvailable()
	fmt.Printf("cuda available: %t\n", avail)
	n := int64(0)
	if avail {
		n = gotch.CUDA.DeviceCount()
	}
	fmt.Printf("cuda devices: %d\n", n)
	if avail {
		fmt.Printf("cudnn available: %t\n", gotch.CUDA.CudnnIsAvailable())
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// loadedLibtorch returns the libtorch_cpu.so this process mapped (from
// /proc/self/maps) and, when it sits in a PyTorch wheel (lib/../version.py),
// that wheel's version.
func loadedLibtorch() (path, version string) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return "", ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasPrefix(filepath.Base(fields[5]), "libtorch_cpu.so") {
			continue
		}
		path = fields[5]
		break
	}
	if path == "" {
		return "", ""
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(path), "..", "version.py"))
	if err != nil {
		return path, ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "__version__ = "); ok {
			return path, strings.Trim(strings.TrimSpace(v), `'"`)
		}
	}
	return path, ""
}
