//go:build torch

package torchnet

/*
#include <stdint.h>
void at_set_num_threads(int n_threads);
int at_get_num_threads();
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"unsafe"

	"github.com/sugarme/gotch"
	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// SetThreads sets LibTorch's intra-op thread count (n <= 0 leaves it),
// capped at the number of CPUs (more threads only contend; a very large
// count makes LibTorch's pool hang), and returns the count in effect.
func SetThreads(n int) int {
	n = min(n, runtime.NumCPU())
	if n > 0 {
		C.at_set_num_threads(C.int(n))
	}
	return int(C.at_get_num_threads())
}

// ParseDevice maps "auto" (CUDA when available, else CPU), "cpu" and "cuda"
// (or "cuda:N") to a gotch device. Asking for CUDA without one is an error.
func ParseDevice(s string) (gotch.Device, error) {
	switch s := strings.ToLower(strings.TrimSpace(s)); {
	case s == "" || s == "auto":
		return gotch.CudaIfAvailable(), nil
	case s == "cpu":
		return gotch.CPU, nil
	case s == "cuda" || strings.HasPrefix(s, "cuda:"):
		if !gotch.CUDA.IsAvailable() {
			return gotch.CPU, fmt.Errorf("device %q: CUDA is not available in this LibTorch build or machine (build with LIBTORCH=<CUDA LibTorch dir> TORCH_CUDA=1, or use -device cpu)", s)
		}
		idx := 0
		if strings.HasPrefix(s, "cuda:") {
			if _, err := fmt.Sscanf(s, "cuda:%d", &idx); err != nil {
				return gotch.CPU, fmt.Errorf("device %q: want cuda:<index>", s)
			}
		}
		return gotch.CudaBuilder(uint(idx)), nil
	}
	return gotch.CPU, fmt.Errorf("unknown device %q (want auto, cpu or cuda)", s)
}

// DeviceName returns "cpu" or "cuda:N".
func DeviceName(d gotch.Device) string {
	if d.Name == "CPU" {
		return "cpu"
	}
	return fmt.Sprintf("cuda:%d", d.Value)
}

// ctensor returns the C handle of t.
func ctensor(t *ts.Tensor) lib.Ctensor { return lib.Ctensor(t.Ctensor()) }

// FromFloat32 copies data into a new float32 tensor of the given shape on dev.
func FromFloat32(data []float32, shape []int64, dev gotch.Device) *ts.Tensor {
	n := int64(1)
	for _, s := range shape {
		n *= s
	}
	if int64(len(data)) != n {
		panic(fmt.Sprintf("torchnet: %d values for shape %v", len(data), shape))
	}
	ct := lib.AtTensorOfData(unsafe.Pointer(&data[0]), shape, uint(len(shape)), 4, int(gotch.Float.CKind()))
	must(ts.TorchErr())
	return toDevice(ts.New(ct), dev)
}

// FromInt64 copies labels into a new int64 tensor of shape [len(y)] on dev.
func FromInt64(y []int, dev gotch.Device) *ts.Tensor {
	v := make([]int64, len(y))
	for i, l := range y {
		v[i] = int64(l)
	}
	ct := lib.AtTensorOfData(unsafe.Pointer(&v[0]), []int64{int64(len(v))}, 1, 8, int(gotch.Int64.CKind()))
	must(ts.TorchErr())
	return toDevice(ts.New(ct), dev)
}

func toDevice(t *ts.Tensor, dev gotch.Device) *ts.Tensor {
	if dev.Name == "CPU" {
		return t
	}
	u := t.MustTo(dev, false)
	t.MustDrop()
	return u
}

// ToFloat32 copies a float32 tensor (any device, any shape) into dst, which
// must have its number of elements.
func ToFloat32(t *ts.Tensor, dst []float32) {
	c := t
	if t.MustDevice().Name != "CPU" || !t.MustIsContiguous() {
		c = t.MustTo(gotch.CPU, false).MustContiguous(true)
		defer c.MustDrop()
	}
	if int(c.Numel()) != len(dst) {
		panic(fmt.Sprintf("torchnet: tensor has %d values, dst %d", c.Numel(), len(dst)))
	}
	if len(dst) == 0 {
		return
	}
	lib.AtCopyData(ctensor(c), unsafe.Pointer(&dst[0]), uint(len(dst)), 4)
	must(ts.TorchErr())
}

// scalarValue returns the single value of a 0-d or 1-element tensor.
func scalarValue(t *ts.Tensor) float64 {
	return t.MustFloat64Value([]int64{})
}

func must(err error) {
	if err != nil {
		panic(fmt.Errorf("torchnet: %w", err))
	}
}

// Vec is a list of plain tensors (no autograd) shaped like a model's
// parameters: the parameter-vector type V of optim.Backend.
type Vec []*ts.Tensor

// Drop frees the tensors of v.
func (v Vec) Drop() {
	for _, t := range v {
		if t != nil {
			t.MustDrop()
		}
	}
}

// Numel returns the total number of values in v.
func (v Vec) Numel() int {
	n := 0
	for _, t := range v {
		n += int(t.Numel())
	}
	return n
}

// Flatten copies v into one float32 slice (parameter order).
func (v Vec) Flatten() []float32 {
	out := make([]float32, v.Numel())
	o := 0
	for _, t := range v {
		n := int(t.Numel())
		ToFloat32(t, out[o:o+n])
		o += n
	}
	return out
}

// Load sets v from a slice made by Flatten.
func (v Vec) Load(data []float32) error {
	if len(data) != v.Numel() {
		return fmt.Errorf("parameter vector has %d values, data %d", v.Numel(), len(data))
	}
	o := 0
	for _, t := range v {
		n := int(t.Numel())
		src := FromFloat32(data[o:o+n], t.MustSize(), gotch.CPU)
		t.Copy_(src)
		src.MustDrop()
		o += n
	}
	return nil
}

// Finite reports whether every value of v is finite.
func (v Vec) Finite() bool {
	for _, t := range v {
		s := t.MustSum(gotch.Double, false)
		x := scalarValue(s)
		s.MustDrop()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
