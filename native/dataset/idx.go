package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// IDX magic numbers: 0x00000803 is unsigned-byte data with 3 dimensions
// (images N x H x W), 0x00000801 unsigned-byte data with 1 dimension (labels).
const (
	idxImages = 0x00000803
	idxLabels = 0x00000801
)

// FashionMNISTClasses are Fashion-MNIST's class names in label order.
var FashionMNISTClasses = []string{"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"}

// readMaybeGzip returns the file's bytes, gunzipped when they start with the
// gzip magic.
func readMaybeGzip(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: bad gzip header: %w", path, err)
		}
		u, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("%s: truncated or corrupt gzip data: %w", path, err)
		}
		return u, nil
	}
	return b, nil
}

// ReadIDX reads an IDX images file and its labels file (gzip or raw) into a
// Set with C=1. Errors name the file and the problem: missing file, wrong
// magic number, truncated data, no images, counts that disagree, labels >= k.
func ReadIDX(imagesPath, labelsPath string, k int) (*Set, error) {
	ib, err := readMaybeGzip(imagesPath)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	if len(ib) < 16 {
		return nil, fmt.Errorf("idx: %s: %d bytes, too short for an IDX images header (16 bytes)", imagesPath, len(ib))
	}
	if m := binary.BigEndian.Uint32(ib); m != idxImages {
		return nil, fmt.Errorf("idx: %s: magic number 0x%08x, want 0x%08x (unsigned-byte images, 3 dimensions)", imagesPath, m, idxImages)
	}
	n := int(binary.BigEndian.Uint32(ib[4:]))
	h := int(binary.BigEndian.Uint32(ib[8:]))
	w := int(binary.BigEndian.Uint32(ib[12:]))
	if h <= 0 || w <= 0 || h > 4096 || w > 4096 {
		return nil, fmt.Errorf("idx: %s: implausible image size %dx%d", imagesPath, h, w)
	}
	if n == 0 {
		return nil, fmt.Errorf("idx: %s: 0 images (an empty set can neither train nor measure accuracy)", imagesPath)
	}
	if want := 16 + n*h*w; len(ib) != want {
		return nil, fmt.Errorf("idx: %s: %d bytes, want %d for %d images of %dx%d (truncated or trailing data)", imagesPath, len(ib), want, n, h, w)
	}
	lb, err := readMaybeGzip(labelsPath)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	if len(lb) < 8 {
		return nil, fmt.Errorf("idx: %s: %d bytes, too short for an IDX labels header (8 bytes)", labelsPath, len(lb))
	}
	if m := binary.BigEndian.Uint32(lb); m != idxLabels {
		return nil, fmt.Errorf("idx: %s: magic number 0x%08x, want 0x%08x (unsigned-byte labels, 1 dimension)", labelsPath, m, idxLabels)
	}
	if ln := int(binary.BigEndian.Uint32(lb[4:])); ln != n {
		return nil, fmt.Errorf("idx: %s: %d labels, but %s has %d images", labelsPath, ln, imagesPath, n)
	}
	if len(lb) != 8+n {
		return nil, fmt.Errorf("idx: %s: %d bytes, want %d for %d labels (truncated or trailing data)", labelsPath, len(lb), 8+n, n)
	}
	s := &Set{N: n, C: 1, H: h, W: w, K: k, Pixels: ib[16:], Labels: make([]int, n)}
	for i, l := range lb[8:] {
		if int(l) >= k {
			return nil, fmt.Errorf("idx: %s: label %d of example %d, want 0..%d", labelsPath, l, i, k-1)
		}
		s.Labels[i] = int(l)
	}
	return s, nil
}

// findIDX returns dir/base.gz or dir/base, whichever exists as a file (gz
// first). When neither does, the error says which is a directory, or that
// both are missing.
func findIDX(dir, base string) (string, error) {
	var folder string
	for _, p := range []string{filepath.Join(dir, base+".gz"), filepath.Join(dir, base)} {
		st, err := os.Stat(p)
		switch {
		case err == nil && !st.IsDir():
			return p, nil
		case err == nil && folder == "":
			folder = p
		}
	}
	if folder != "" {
		return "", fmt.Errorf("idx: %s is a directory, not an IDX file", folder)
	}
	return "", fmt.Errorf("idx: %s: missing (looked for %s and %s.gz)", filepath.Join(dir, base), base, base)
}

// LoadMNISTDir reads an MNIST-layout folder (train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// each optionally .gz). name is "mnist" or "fashion-mnist" and picks the
// normalisation constants and class names. The training and test images
// must have the same size, or the error names both files and both sizes.
func LoadMNISTDir(dir, name string) (train, test *Set, err error) {
	var trainImages, testImages string
	load := func(prefix string, imagesPath *string) (*Set, error) {
		ip, err := findIDX(dir, prefix+"-images-idx3-ubyte")
		if err != nil {
			return nil, err
		}
		lp, err := findIDX(dir, prefix+"-labels-idx1-ubyte")
		if err != nil {
			return nil, err
		}
		s, err := ReadIDX(ip, lp, 10)
		if err != nil {
			return nil, err
		}
		*imagesPath = ip
		s.Name = name
		if name == "fashion-mnist" {
			s.Mean, s.Std, s.Classes = []float32{0.2860}, []float32{0.3530}, FashionMNISTClasses
		} else {
			s.Mean, s.Std = []float32{0.1307}, []float32{0.3081}
			s.Classes = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
		}
		return s, nil
	}
	if train, err = load("train", &trainImages); err != nil {
		return nil, nil, err
	}
	if test, err = load("t10k", &testImages); err != nil {
		return nil, nil, err
	}
	if train.C != test.C || train.H != test.H || train.W != test.W {
		return nil, nil, fmt.Errorf("idx: %s has %dx%dx%d images but %s has %dx%dx%d: training and test images must have the same size",
			trainImages, train.C, train.H, train.W, testImages, test.C, test.H, test.W)
	}
	return train, test, nil
}

// WriteIDX writes s (C=1) as an IDX images file and labels file, gzipped
// when gz is true; tests use it to make small files in the real format.
func WriteIDX(imagesPath, labelsPath string, s *Set, gz bool) error {
	if s.C != 1 {
		return fmt.Errorf("idx: write %s: %d channels, IDX images have 1", imagesPath, s.C)
	}
	hdr := make([]byte, 16)
	binary.BigEndian.PutUint32(hdr, idxImages)
	binary.BigEndian.PutUint32(hdr[4:], uint32(s.N))
	binary.BigEndian.PutUint32(hdr[8:], uint32(s.H))
	binary.BigEndian.PutUint32(hdr[12:], uint32(s.W))
	img := append(hdr, s.Pixels[:s.N*s.H*s.W]...)
	lab := make([]byte, 8, 8+s.N)
	binary.BigEndian.PutUint32(lab, idxLabels)
	binary.BigEndian.PutUint32(lab[4:], uint32(s.N))
	for _, l := range s.Labels[:s.N] {
		lab = append(lab, byte(l))
	}
	for _, f := range []struct {
		path string
		b    []byte
	}{{imagesPath, img}, {labelsPath, lab}} {
		b := f.b
		if gz {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(b)
			zw.Close()
			b = buf.Bytes()
		}
		if err := os.WriteFile(f.path, b, 0o644); err != nil {
			return fmt.Errorf("idx: %w", err)
		}
	}
	return nil
}
