// Package dataset loads the image datasets of samlab's native benchmarks in
// pure Go (no cgo, no build tag): CIFAR10 binary batches and IDX files
// (MNIST, Fashion-MNIST; gzip or raw). Images stay as bytes; Batch turns a
// list of examples into normalised float32 NCHW input, with optional random
// crop (zero padding) and horizontal flip.
package dataset

import (
	"fmt"
	"math/rand/v2"
)

// Set is an image classification set: N images of C x H x W bytes (row-major
// NCHW, one image after the other) with labels in [0, K).
type Set struct {
	Name    string
	N       int
	C, H, W int
	K       int
	Pixels  []byte // length N*C*H*W
	Labels  []int  // length N
	Mean    []float32
	Std     []float32 // per channel, in [0,1] pixel units
	Classes []string
}

// ImageSize returns C*H*W, the number of values per image.
func (s *Set) ImageSize() int { return s.C * s.H * s.W }

// Subset returns the first n examples of s (all of them when n <= 0 or
// n >= N), sharing pixel storage with s.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n >= s.N {
		return s
	}
	t := *s
	t.N = n
	t.Pixels = s.Pixels[:n*s.ImageSize()]
	t.Labels = s.Labels[:n]
	return &t
}

// Slice returns examples lo..hi-1 of s (0 <= lo <= hi <= N), sharing pixel
// storage with s.
func (s *Set) Slice(lo, hi int) *Set {
	t := *s
	sz := s.ImageSize()
	t.N = hi - lo
	t.Pixels = s.Pixels[lo*sz : hi*sz]
	t.Labels = s.Labels[lo:hi]
	return &t
}

// Augment configures training-time augmentation. The zero value does none.
type Augment struct {
	// Pad is the zero padding of the random crop (4 for CIFAR10): the image is
	// padded by Pad pixels per side and an H x W window is cut at random.
	Pad int
	// Flip mirrors each image left-right with probability 1/2.
	Flip bool
}

// Batch writes the normalised images idx into dst (length len(idx)*C*H*W,
// NCHW float32): (pixel/255 - Mean[c]) / Std[c]. With aug non-zero, rng draws
// the crop offsets and flips (rng may be nil when aug does nothing). Padding
// pixels are raw zeros before normalisation, as torchvision's RandomCrop.
func (s *Set) Batch(dst []float32, idx []int, aug Augment, rng *rand.Rand) {
	sz := s.ImageSize()
	if len(dst) != len(idx)*sz {
		panic(fmt.Sprintf("dataset: Batch dst has length %d, want %d", len(dst), len(idx)*sz))
	}
	scale := make([]float32, s.C)
	shift := make([]float32, s.C)
	for c := 0; c < s.C; c++ {
		scale[c] = 1 / (255 * s.Std[c])
		shift[c] = -s.Mean[c] / s.Std[c]
	}
	hw := s.H * s.W
	for b, i := range idx {
		src := s.Pixels[i*sz : (i+1)*sz]
		out := dst[b*sz : (b+1)*sz]
		dx, dy, flip := 0, 0, false
		if aug.Pad > 0 {
			dy = rng.IntN(2*aug.Pad+1) - aug.Pad
			dx = rng.IntN(2*aug.Pad+1) - aug.Pad
		}
		if aug.Flip {
			flip = rng.IntN(2) == 1
		}
		for c := 0; c < s.C; c++ {
			sc, sh := scale[c], shift[c]
			plane := src[c*hw : (c+1)*hw]
			o := out[c*hw : (c+1)*hw]
			if dx == 0 && dy == 0 && !flip {
				for j, p := range plane {
					o[j] = float32(p)*sc + sh
				}
				continue
			}
			for y := 0; y < s.H; y++ {
				sy := y + dy
				for x := 0; x < s.W; x++ {
					xx := x
					if flip {
						xx = s.W - 1 - x
					}
					sx := xx + dx
					v := float32(0)
					if sy >= 0 && sy < s.H && sx >= 0 && sx < s.W {
						v = float32(plane[sy*s.W+sx])
					}
					o[y*s.W+x] = v*sc + sh
				}
			}
		}
	}
}
