package dataset

import (
	"fmt"
	"os"
	"path/filepath"
)

// CIFAR10 binary format: each record is 1 label byte then 3072 pixel bytes
// (1024 red, 1024 green, 1024 blue, row-major 32x32).
const (
	cifarSide   = 32
	cifarRecord = 1 + 3*cifarSide*cifarSide
)

// CIFAR10Classes are the CIFAR10 class names in label order.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// CIFAR10TrainFiles and CIFAR10TestFile are the binary batch names inside the
// dataset folder (cifar-10-batches-bin).
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile   = "test_batch.bin"
)

// LoadCIFAR10 reads CIFAR10's binary batches from dir: data_batch_1..5.bin
// for training and test_batch.bin for test.
func LoadCIFAR10(dir string) (train, test *Set, err error) {
	var paths []string
	for _, f := range CIFAR10TrainFiles {
		paths = append(paths, filepath.Join(dir, f))
	}
	if train, err = ReadCIFAR10(paths...); err != nil {
		return nil, nil, err
	}
	if test, err = ReadCIFAR10(filepath.Join(dir, CIFAR10TestFile)); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// ReadCIFAR10 reads and concatenates CIFAR10 binary batch files. A missing
// file, a size that is not a whole number of 3073-byte records, or a label
// outside 0..9 is an error naming the file.
func ReadCIFAR10(paths ...string) (*Set, error) {
	s := newCIFARSet()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("cifar10: %w", err)
		}
		if len(b) == 0 || len(b)%cifarRecord != 0 {
			return nil, fmt.Errorf("cifar10: %s: size %d bytes is not a whole number of %d-byte records (truncated or not a CIFAR10 binary batch)", p, len(b), cifarRecord)
		}
		n := len(b) / cifarRecord
		for r := 0; r < n; r++ {
			rec := b[r*cifarRecord : (r+1)*cifarRecord]
			if rec[0] > 9 {
				return nil, fmt.Errorf("cifar10: %s: record %d has label %d, want 0..9", p, r, rec[0])
			}
			s.Labels = append(s.Labels, int(rec[0]))
			s.Pixels = append(s.Pixels, rec[1:]...)
		}
		s.N += n
	}
	return s, nil
}

func newCIFARSet() *Set {
	return &Set{
		Name: "cifar10", C: 3, H: cifarSide, W: cifarSide, K: 10,
		Mean:    []float32{0.4914, 0.4822, 0.4465},
		Std:     []float32{0.2470, 0.2435, 0.2616},
		Classes: CIFAR10Classes,
	}
}

// WriteCIFAR10 writes s (3x32x32 images, labels 0..9) as one CIFAR10 binary
// batch file; tests use it to make small files in the real format.
func WriteCIFAR10(path string, s *Set) error {
	if s.C != 3 || s.H != cifarSide || s.W != cifarSide {
		return fmt.Errorf("cifar10: write %s: images are %dx%dx%d, want 3x32x32", path, s.C, s.H, s.W)
	}
	sz := s.ImageSize()
	out := make([]byte, 0, s.N*cifarRecord)
	for i := 0; i < s.N; i++ {
		out = append(out, byte(s.Labels[i]))
		out = append(out, s.Pixels[i*sz:(i+1)*sz]...)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("cifar10: %w", err)
	}
	return nil
}
