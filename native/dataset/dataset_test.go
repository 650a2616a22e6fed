package dataset

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func synth(n, c, h, w int) *Set {
	s := &Set{N: n, C: c, H: h, W: w, K: 10, Mean: make([]float32, c), Std: make([]float32, c)}
	for i := 0; i < n*c*h*w; i++ {
		s.Pixels = append(s.Pixels, byte(i*7+3))
	}
	for i := 0; i < n; i++ {
		s.Labels = append(s.Labels, (i*3)%10)
	}
	for i := range s.Std {
		s.Mean[i], s.Std[i] = 0.5, 0.25
	}
	return s
}

func sameData(t *testing.T, got, want *Set) {
	t.Helper()
	if got.N != want.N || got.C != want.C || got.H != want.H || got.W != want.W {
		t.Fatalf("shape %d x %dx%dx%d, want %d x %dx%dx%d", got.N, got.C, got.H, got.W, want.N, want.C, want.H, want.W)
	}
	if string(got.Pixels) != string(want.Pixels) {
		t.Fatal("pixels differ")
	}
	for i := range want.Labels {
		if got.Labels[i] != want.Labels[i] {
			t.Fatalf("label %d = %d, want %d", i, got.Labels[i], want.Labels[i])
		}
	}
}

func TestCIFAR10RoundTrip(t *testing.T) {
	dir := t.TempDir()
	var parts []*Set
	for i, f := range append(append([]string{}, CIFAR10TrainFiles...), CIFAR10TestFile) {
		s := synth(2+i, 3, 32, 32)
		parts = append(parts, s)
		if err := WriteCIFAR10(filepath.Join(dir, f), s); err != nil {
			t.Fatal(err)
		}
	}
	train, test, err := Load("cifar10", dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 2+3+4+5+6 || test.N != 7 {
		t.Fatalf("train %d test %d examples", train.N, test.N)
	}
	sameData(t, test, parts[5])
	// The third training file starts after 2+3 examples.
	if got := train.Subset(0); got.N != train.N {
		t.Fatal("Subset(0) must keep everything")
	}
	sz := train.ImageSize()
	if string(train.Pixels[5*sz:6*sz]) != string(parts[2].Pixels[:sz]) || train.Labels[5] != parts[2].Labels[0] {
		t.Fatal("training files not concatenated in order")
	}
	if train.K != 10 || train.C != 3 || len(train.Mean) != 3 {
		t.Fatalf("metadata: %+v", train)
	}
}

func TestIDXRoundTrip(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		tr, te := synth(5, 1, 28, 28), synth(3, 1, 28, 28)
		ext := ""
		if gz {
			ext = ".gz"
		}
		if err := WriteIDX(filepath.Join(dir, "train-images-idx3-ubyte"+ext), filepath.Join(dir, "train-labels-idx1-ubyte"+ext), tr, gz); err != nil {
			t.Fatal(err)
		}
		if err := WriteIDX(filepath.Join(dir, "t10k-images-idx3-ubyte"+ext), filepath.Join(dir, "t10k-labels-idx1-ubyte"+ext), te, gz); err != nil {
			t.Fatal(err)
		}
		train, test, err := Load("fashion-mnist", dir)
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		sameData(t, train, tr)
		sameData(t, test, te)
		if train.Name != "fashion-mnist" || train.Mean[0] != 0.2860 {
			t.Fatalf("metadata: %q %v", train.Name, train.Mean)
		}
	}
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoaderErrors(t *testing.T) {
	dir := t.TempDir()
	good := synth(4, 1, 28, 28)
	gi, gl := filepath.Join(dir, "good-img"), filepath.Join(dir, "good-lab")
	if err := WriteIDX(gi, gl, good, false); err != nil {
		t.Fatal(err)
	}
	img, _ := os.ReadFile(gi)
	lab, _ := os.ReadFile(gl)
	bad := func(b []byte, i int, v byte) []byte { c := append([]byte{}, b...); c[i] = v; return c }
	cif := synth(2, 3, 32, 32)
	cp := filepath.Join(dir, "c.bin")
	if err := WriteCIFAR10(cp, cif); err != nil {
		t.Fatal(err)
	}
	cb, _ := os.ReadFile(cp)

	cases := []struct {
		name string
		load func() error
		want []string // substrings of the error
	}{
		{"idx missing images", func() error { _, err := ReadIDX(filepath.Join(dir, "nope"), gl, 10); return err }, []string{"nope", "no such file"}},
		{"idx truncated images", func() error {
			_, err := ReadIDX(writeFile(t, dir, "trunc-img", img[:len(img)-5]), gl, 10)
			return err
		}, []string{"trunc-img", "truncated"}},
		{"idx short header", func() error { _, err := ReadIDX(writeFile(t, dir, "hdr", img[:9]), gl, 10); return err }, []string{"hdr", "too short"}},
		{"idx bad magic", func() error { _, err := ReadIDX(writeFile(t, dir, "magic", bad(img, 3, 1)), gl, 10); return err }, []string{"magic", "0x00000801"}},
		{"idx labels count", func() error { _, err := ReadIDX(gi, writeFile(t, dir, "cnt", bad(lab, 7, 9)), 10); return err }, []string{"cnt", "9 labels", "4 images"}},
		{"idx labels truncated", func() error { _, err := ReadIDX(gi, writeFile(t, dir, "lt", lab[:len(lab)-1]), 10); return err }, []string{"lt", "truncated"}},
		{"idx label range", func() error { _, err := ReadIDX(gi, writeFile(t, dir, "lr", bad(lab, 9, 12)), 10); return err }, []string{"lr", "label 12"}},
		{"idx corrupt gzip", func() error {
			_, err := ReadIDX(writeFile(t, dir, "z.gz", []byte{0x1f, 0x8b, 8, 0, 0, 0}), gl, 10)
			return err
		}, []string{"z.gz"}},
		{"cifar missing", func() error { _, err := ReadCIFAR10(filepath.Join(dir, "data_batch_9.bin")); return err }, []string{"data_batch_9.bin", "no such file"}},
		{"cifar truncated", func() error { _, err := ReadCIFAR10(writeFile(t, dir, "ct.bin", cb[:len(cb)-1])); return err }, []string{"ct.bin", "3073-byte records"}},
		{"cifar label", func() error { _, err := ReadCIFAR10(writeFile(t, dir, "cl.bin", bad(cb, 3073, 10))); return err }, []string{"cl.bin", "record 1", "label 10"}},
		{"cifar folder missing", func() error { _, _, err := Load("cifar10", filepath.Join(dir, "none")); return err }, []string{"data_batch_1.bin"}},
		{"mnist folder missing", func() error { _, _, err := Load("mnist", filepath.Join(dir, "none")); return err }, []string{"train-images-idx3-ubyte", "missing"}},
		{"unknown dataset", func() error { _, _, err := Load("imagenet", dir); return err }, []string{"imagenet", "cifar10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.load()
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestBatchNormalise(t *testing.T) {
	s := synth(3, 2, 4, 5)
	s.Mean, s.Std = []float32{0.5, 0.1}, []float32{0.25, 2}
	idx := []int{2, 0}
	dst := make([]float32, 2*s.ImageSize())
	s.Batch(dst, idx, Augment{}, nil)
	sz, hw := s.ImageSize(), s.H*s.W
	for b, i := range idx {
		for j := 0; j < sz; j++ {
			c := j / hw
			want := (float64(s.Pixels[i*sz+j])/255 - float64(s.Mean[c])) / float64(s.Std[c])
			if math.Abs(float64(dst[b*sz+j])-want) > 1e-5 {
				t.Fatalf("example %d value %d = %g, want %g", i, j, dst[b*sz+j], want)
			}
		}
	}
}

// TestBatchAugment checks crop and flip against a direct construction: every
// output pixel is either the padded zero (normalised) or the input pixel at a
// single offset, possibly mirrored, and the offsets cover the allowed range.
func TestBatchAugment(t *testing.T) {
	s := synth(1, 1, 6, 6)
	s.Mean, s.Std = []float32{0}, []float32{1}
	for i := range s.Pixels {
		s.Pixels[i] = byte(1 + i) // all non-zero, distinct
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dst := make([]float32, s.ImageSize())
	seen := map[[3]int]bool{}
	for trial := 0; trial < 400; trial++ {
		s.Batch(dst, []int{0}, Augment{Pad: 2, Flip: true}, rng)
		found := false
		for dy := -2; dy <= 2 && !found; dy++ {
			for dx := -2; dx <= 2 && !found; dx++ {
				for f := 0; f < 2 && !found; f++ {
					ok := true
					for y := 0; y < 6 && ok; y++ {
						for x := 0; x < 6 && ok; x++ {
							xx := x
							if f == 1 {
								xx = 5 - x
							}
							sy, sx := y+dy, xx+dx
							want := float32(0)
							if sy >= 0 && sy < 6 && sx >= 0 && sx < 6 {
								want = float32(s.Pixels[sy*6+sx]) / 255
							}
							ok = math.Abs(float64(dst[y*6+x]-want)) < 1e-6
						}
					}
					if ok {
						found = true
						seen[[3]int{dy, dx, f}] = true
					}
				}
			}
		}
		if !found {
			t.Fatalf("trial %d: output is no crop/flip of the input", trial)
		}
	}
	if len(seen) < 40 { // 5*5*2 = 50 possibilities
		t.Fatalf("only %d distinct crop/flip choices in 400 draws", len(seen))
	}
}

// TestRealFashionMNIST reads Debian's dataset-fashion-mnist when installed.
func TestRealFashionMNIST(t *testing.T) {
	dir := DefaultDir("fashion-mnist")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("dataset-fashion-mnist not installed")
	}
	train, test, err := Load("fashion-mnist", "")
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 60000 || test.N != 10000 || train.H != 28 || train.W != 28 {
		t.Fatalf("train %d test %d size %dx%d", train.N, test.N, train.H, train.W)
	}
	var counts [10]int
	for _, l := range train.Labels {
		counts[l]++
	}
	for c, n := range counts {
		if n != 6000 {
			t.Fatalf("class %d has %d training examples, want 6000", c, n)
		}
	}
}
