package runner

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/native/dataset"
)

// fakeMNIST writes a small MNIST-layout dataset (8x8 images, 10 classes,
// class-dependent bright square plus noise) into a temp folder.
func fakeMNIST(t testing.TB, nTrain, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	mk := func(n int, seed int) *dataset.Set {
		s := &dataset.Set{N: n, C: 1, H: 8, W: 8, K: 10}
		st := uint32(seed*7919 + 1)
		for i := 0; i < n; i++ {
			y := i % 10
			s.Labels = append(s.Labels, y)
			for p := 0; p < 64; p++ {
				st = st*1664525 + 1013904223
				v := int(st>>26) * 2 // 0..126 noise
				if p/8 == y%8 || (y >= 8 && p%8 == y-8) {
					v += 120
				}
				s.Pixels = append(s.Pixels, byte(v))
			}
		}
		return s
	}
	for _, f := range []struct {
		prefix string
		n      int
	}{{"train", nTrain}, {"t10k", nTest}} {
		s := mk(f.n, f.n)
		if err := dataset.WriteIDX(filepath.Join(dir, f.prefix+"-images-idx3-ubyte.gz"), filepath.Join(dir, f.prefix+"-labels-idx1-ubyte.gz"), s, true); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDataNoise(t *testing.T) {
	dir := fakeMNIST(t, 250, 20)
	c := Default()
	c.Dataset, c.DataDir, c.Noise, c.Seed, c.TrainSubset = "mnist", dir, 0.4, 3, 200
	train, test, noisy, flipped, err := LoadData(c)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 200 || test.N != 20 {
		t.Fatalf("subset: %d train %d test", train.N, test.N)
	}
	nf := 0
	for i, f := range flipped {
		if f {
			nf++
			if noisy[i] == train.Labels[i] {
				t.Fatalf("example %d flipped to its own class", i)
			}
		} else if noisy[i] != train.Labels[i] {
			t.Fatalf("example %d changed but not marked flipped", i)
		}
	}
	if nf != 80 {
		t.Fatalf("%d labels flipped, want exactly 40%% of 200", nf)
	}
	_, _, again, _, _ := LoadData(c)
	c.Seed = 4
	_, _, other, _, _ := LoadData(c)
	same, diff := true, false
	for i := range noisy {
		same = same && noisy[i] == again[i]
		diff = diff || noisy[i] != other[i]
	}
	if !same || !diff {
		t.Fatalf("noise must be a function of the seed (same seed equal: %v, other seed differs: %v)", same, diff)
	}
}

func TestConfigYAML(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("method: J-SAM\ndataset: fashion-mnist\nmodel: cnn\nnoise: 0.4\nrho: 0.05\nseed: 7\n"), 0o644)
	c, err := LoadConfig(p, Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Method != "jsam" || c.Model != "cnn" || c.Noise != 0.4 || c.Rho != 0.05 || c.Seed != 7 || c.Batch != 128 {
		t.Fatalf("config %+v", c)
	}
	if c.NoiseConvention != data.NoiseConvention {
		t.Fatal("noise convention not recorded")
	}
	out := filepath.Join(dir, "out.yaml")
	if err := WriteConfig(out, c); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	for _, k := range []string{"method: jsam", "dataset: fashion-mnist", "model: cnn", "noise: 0.4", "rho: 0.05", "seed: 7"} {
		if !strings.Contains(string(b), k+"\n") {
			t.Errorf("written config lacks %q:\n%s", k, b)
		}
	}
	back, err := LoadConfig(out, Config{})
	if err != nil || back != c {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, c)
	}
	os.WriteFile(p, []byte("methd: sgd\n"), 0o644)
	if _, err := LoadConfig(p, Default()); err == nil || !strings.Contains(err.Error(), "methd") {
		t.Fatalf("unknown key: %v", err)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.Method = "adam" },
		func(c *Config) { c.Dataset = "imagenet" },
		func(c *Config) { c.Noise = 1.5 },
		func(c *Config) { c.LR = 0 },
		func(c *Config) { c.Momentum = 1 },
		func(c *Config) { c.Epochs = 0 },
	} {
		c := Default()
		bad(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("invalid config accepted: %+v", c)
		}
	}
}

func TestMetricsAndCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rows := []Row{{1, 2.25, 0.5, 0.6, 0.7, 0.1, 0.5, 1, 3.5, 100}, {2, 1.0 / 3, 0.55, 0.65, 0.75, 0.2, 0.55, 2, 3.25, 110}}
	p := filepath.Join(dir, MetricsFile)
	if err := WriteMetrics(p, rows); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if !strings.HasPrefix(string(b), "epoch,loss,test_acc,train_acc,clean_acc,flipped_acc,best_test_acc,best_epoch,seconds,images_per_sec\n") {
		t.Fatalf("header: %q", b)
	}
	got, err := ReadMetrics(p)
	if err != nil || len(got) != 2 || got[1].Loss != 1.0/3 || got[0] != rows[0] {
		t.Fatalf("metrics round trip: %v %+v", err, got)
	}
	st := State{Method: "sam", Model: "cnn", Epoch: 3, Step: 2, LossSum: math.Pi, LossCount: 2, BestTestAcc: 0.5, BestEpoch: 2, Run: &Identity{Data: "x"}}
	ck := filepath.Join(dir, "x.ckpt")
	if err := SaveCheckpoint(ck, st, []float32{1, -2, 3.5}, nil, []float32{0.25}); err != nil {
		t.Fatal(err)
	}
	st2, pr, mom, bufs, err := LoadCheckpoint(ck)
	if err != nil || st2.LossSum != math.Pi || st2.Step != 2 || len(pr) != 3 || pr[1] != -2 || len(mom) != 0 || bufs[0] != 0.25 {
		t.Fatalf("checkpoint round trip: %v %+v %v %v %v", err, st2, pr, mom, bufs)
	}
	raw, _ := os.ReadFile(ck)
	os.WriteFile(ck, raw[:len(raw)-2], 0o644)
	if _, _, _, _, err := LoadCheckpoint(ck); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated checkpoint: %v", err)
	}
}

// A grid whose axis repeats a value is refused, naming it (two identical
// cells would train the same run twice into one folder).
func TestCellsRefuseRepeats(t *testing.T) {
	base := Default()
	base.Dataset = "fashion-mnist"
	cases := []struct {
		g    Grid
		want string
	}{
		{Grid{Base: base, Methods: []string{"sgd", "SGD"}, Noises: []float64{0}, Rhos: []float64{0.01}, Seeds: []uint64{0}}, "sweep: methods[1]: SGD repeats methods[0]"},
		{Grid{Base: base, Methods: []string{"sam", "1sam"}, Noises: []float64{0.4, 0.4}, Rhos: []float64{0.01}, Seeds: []uint64{0}}, "sweep: noises[1]: 0.4 repeats noises[0]"},
		{Grid{Base: base, Methods: []string{"sam"}, Noises: []float64{0}, Rhos: []float64{0.05, 0.01, 0.05}, Seeds: []uint64{0}}, "sweep: rhos[2]: 0.05 repeats rhos[0]"},
		{Grid{Base: base, Methods: []string{"adam", "adam"}, Noises: []float64{0}, Rhos: []float64{0.01}, Seeds: []uint64{0}}, "sweep: methods[1]: adam repeats methods[0]"},
	}
	for _, tc := range cases {
		_, err := tc.g.Cells(t.TempDir())
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: error %v, want %q", tc.g.Methods, err, tc.want)
		}
	}
	cells, err := Grid{Base: base, Methods: []string{"sgd", "sam"}, Noises: []float64{0, 0.4}, Rhos: []float64{0.01, 0.05}, Seeds: []uint64{0}}.Cells(t.TempDir())
	if err != nil || len(cells) != 6 { // sgd: one rho
		t.Fatalf("%d cells, %v; want 6", len(cells), err)
	}
}

// TestCellsCap: the 1,000-cell cap counts the cells the sweep writes (one
// rho for SGD and Reg-SGD), not methods x noises x rhos x seeds.
func TestCellsCap(t *testing.T) {
	base := Default()
	base.Dataset = "fashion-mnist"
	axis := func(n int, step float64) []float64 {
		var v []float64
		for i := range n {
			v = append(v, float64(i+1)*step)
		}
		return v
	}
	seeds := func(n int) []uint64 {
		var v []uint64
		for i := range n {
			v = append(v, uint64(i))
		}
		return v
	}
	cases := []struct {
		g     Grid
		cells int
		want  string
	}{
		// 3 x 2 x 20 x 10 = 1,200, but sgd and regsgd take one rho: 440.
		{Grid{Base: base, Methods: []string{"sgd", "regsgd", "sam"}, Noises: []float64{0.2, 0.4}, Rhos: axis(20, 0.01), Seeds: seeds(10)}, 440, ""},
		{Grid{Base: base, Methods: []string{"sgd"}, Noises: []float64{0.2}, Rhos: axis(1000, 0.001), Seeds: seeds(1000)}, 1000, ""},
		{Grid{Base: base, Methods: []string{"sgd", "sam"}, Noises: []float64{0.2}, Rhos: axis(1000, 0.001), Seeds: seeds(1)}, 0,
			"sweep: the grid has 1001 cells (2 methods, 1 noises, 1000 rhos, 1 seeds; one rho for sgd and regsgd), more than 1000: split the sweep"},
	}
	for _, tc := range cases {
		cells, err := tc.g.Cells(t.TempDir())
		switch {
		case tc.want == "" && (err != nil || len(cells) != tc.cells):
			t.Errorf("%v: %d cells, %v; want %d", tc.g.Methods, len(cells), err, tc.cells)
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("%v: error %v, want %q", tc.g.Methods, err, tc.want)
		}
	}
}

// TestCollectSkipsUnfinished: a run with no finished epoch is skipped with
// a line saying so; a root that is a file is named as not a directory.
func TestCollectSkipsUnfinished(t *testing.T) {
	root := t.TempDir()
	for name, rows := range map[string][]Row{"done": {{Epoch: 1, TestAcc: 0.5, BestTestAcc: 0.5, BestEpoch: 1}}, "fresh": nil} {
		os.Mkdir(filepath.Join(root, name), 0o755)
		c := Default()
		c.Out = filepath.Join(root, name)
		WriteConfig(filepath.Join(root, name, ConfigFile), c)
		WriteMetrics(filepath.Join(root, name, MetricsFile), rows)
	}
	var warn strings.Builder
	rs, err := Collect(root, &warn)
	if err != nil || len(rs) != 1 || filepath.Base(rs[0].Dir) != "done" {
		t.Fatalf("collect: %v, %+v", err, rs)
	}
	if want := "run " + filepath.Join(root, "fresh") + " has no finished epoch (skipped)\n"; warn.String() != want {
		t.Errorf("warning %q, want %q", warn.String(), want)
	}
	file := filepath.Join(root, "done", MetricsFile)
	if _, err := Collect(file, nil); err == nil || err.Error() != "collect: "+file+" is not a directory (--root names the folder holding the run folders)" {
		t.Errorf("collect on a file: %v", err)
	}
}
