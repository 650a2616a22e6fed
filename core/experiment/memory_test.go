package experiment

import "testing"

// TestMemoryBytes: every preset fits in little memory; the config
// within every documented bound (100k + 100k points, three 4096-wide
// layers, full batch) is estimated far beyond a machine's memory; the
// estimate grows with the batch, the width and the runs in parallel.
func TestMemoryBytes(t *testing.T) {
	for _, name := range Presets() {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if n := c.MemoryBytes(16); n <= 0 || n > 2e9 {
			t.Errorf("preset %s: %d bytes", name, n)
		}
	}
	big, _ := Preset("demo")
	big.Data.NTrain, big.Data.NTest = 100_000, 100_000
	big.Model.Kind, big.Model.Hidden = "mlp", []int{4096, 4096, 4096}
	if err := big.Validate(); err != nil {
		t.Fatal(err)
	}
	full := big.MemoryBytes(1)
	// One full-batch step alone holds 100k rows x (2 + 3 x 3 x 4096) floats.
	if full < 8*100_000*(2+9*4096) {
		t.Errorf("full batch: %d bytes, less than one step's activations", full)
	}
	small := big.Clone()
	small.Train.Batch = 128
	narrow := big.Clone()
	narrow.Model.Hidden = []int{64, 64, 64}
	for _, tc := range []struct {
		name      string
		less, mor int64
	}{
		{"batch 128 < full batch", small.MemoryBytes(1), full},
		{"width 64 < width 4096", narrow.MemoryBytes(1), full},
		{"1 worker < 2 workers", full, big.MemoryBytes(2)},
	} {
		if !(tc.less < tc.mor) {
			t.Errorf("%s: %d vs %d", tc.name, tc.less, tc.mor)
		}
	}
}
