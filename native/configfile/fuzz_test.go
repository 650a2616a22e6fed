package configfile

import (
	"bytes"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/experiment"
)

// FuzzParse: no input panics the parser; an error is one line naming the
// file; a config it accepts either fails Validate (with an error, not a
// panic) or is usable: it survives Marshal and Parse unchanged, and, when
// small, builds and trains a step with every method.
func FuzzParse(f *testing.F) {
	for _, name := range experiment.Presets() {
		c, err := experiment.Preset(name)
		if err != nil {
			f.Fatal(err)
		}
		c.Normalize()
		b, err := Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add([]byte("preset: " + name + "\n"))
	}
	for _, s := range []string{
		// valid
		"preset: demo\ndata:\n  noise: 0.1\nmethods: [sgd, 1-SAM]\n",
		"name: x\ndata: {kind: gauss2d, means: [[-1,0],[1,0]], spread: 1, n_train: 20, n_test: 20, noise: 0.2}\nmodel: {kind: linear, bias: true}\ntrain: {lr: 0.1, steps: 5, rho: 0.1}\nmethods: [sam]\nseeds: 2\n",
		"name: h\ndata: {kind: highdim, d: 50, n_train: 20, n_test: 10, mu_norm: 1, sigma: 1, noise: 0.3}\nmodel: {kind: linear}\ntrain: {lr: 0.05, steps: 3, batch: 4}\nmethods: [sgd, sam, 1sam, lsam, jsam, regsgd]\nmethod_rho: {sam: 0.2}\nseeds: 1\n",
		"name: b\ndata: {kind: blobs, classes: 3, radius: 2, spread: 0.5, n_train: 30, n_test: 9}\nmodel: {kind: mlp, hidden: [8, 8], activation: tanh, bias: true, init_scale: 0.5}\ntrain: {lr: 0.1, steps: 2}\nmethods: [1sam]\nseeds: 1\n",
		// edge
		"", "# comment\n", "---\n", "~\n", "preset: ~\n", "preset: \"\"\n", "preset: demo\n---\npreset: xor\n",
		"preset: demo\nseeds: 2.5\n", "preset: demo\nseeds: 1e3\n", "preset: demo\nseeds: 9223372036854775807\n",
		"preset: demo\nseeds: 99999999999999999999\n", "preset: demo\nfirst_seed: -1\n", "preset: demo\ndata: {noise: .nan}\n",
		"preset: demo\ntrain: {lr: .inf}\n", "preset: demo\nmodel: {hidden: []}\n", "preset: demo\nmodel: {hidden: [0]}\n",
		"preset: demo\nmethods: []\n", "preset: demo\nmethods: [sgd, sgd]\n", "preset: demo\nmethod_rho: {nope: 1}\n",
		"preset: demo\ndata: {means: [[1]]}\n", "preset: demo\ndata: {mean_classes: [0, 0]}\n", "preset: demo\ndata: null\n",
		"preset: demo\ntrain:\n  steps: 0x10\n", "preset: demo\nseeds: 0o7\n", "preset: demo\nseeds: true\n",
		"preset: [demo]\n", "preset: {a: 1}\n", "data: 3\n", "- a\n- b\n", "methods: sgd\n",
		// hostile
		"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
		"preset: demo\n<<: {seeds: 3}\n", "preset: &p demo\nname: *p\n", "name: !!binary aGVsbG8=\n", "name: !!python/object:os.system ls\n",
		strings.Repeat("[", 2000), strings.Repeat("a:\n ", 500) + "b", "preset: demo\n\tseeds: 1\n", "\x00\xff\xfe",
		"preset: demo\nname: " + strings.Repeat("x", 10000) + "\n", "preset: demo\n? [a, b]\n: c\n",
		"preset: demo\nmodel:\n  hidden: [4096, 4096, 4096, 4096, 4096, 4096]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, "fuzz.yaml")
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "fuzz.yaml") {
				t.Fatalf("error %q: want one line naming the file", msg)
			}
			return
		}
		if c == nil {
			t.Fatal("no config and no error")
		}
		if err := c.Validate(); err != nil {
			return // reported: the caller refuses it
		}
		c.Normalize()
		out, err := Marshal(c)
		if err != nil {
			t.Fatalf("a valid config does not marshal: %v", err)
		}
		d, err := Parse(out, "fuzz.yaml (marshalled)")
		if err != nil {
			t.Fatalf("a valid config, marshalled, does not parse: %v\n%s", err, out)
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("a valid config, marshalled and parsed, is not valid: %v\n%s", err, out)
		}
		d.Normalize()
		if out2, _ := Marshal(d); !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the config:\n%s\n---\n%s", out, out2)
		}
		usable(t, c)
	})
}

// usable builds a small valid config's first seed and takes one step with
// each of its methods.
func usable(t *testing.T, c *experiment.Config) {
	dim, k := 2, 2
	switch c.Data.Kind {
	case "highdim":
		dim = c.Data.D
	case "blobs":
		k = c.Data.Classes
	default:
		k = 0
		for i := range c.Data.Means {
			if c.Data.MeanClasses != nil {
				k = max(k, c.Data.MeanClasses[i]+1)
			} else {
				k = i + 1
			}
		}
	}
	net, err := c.MakeNet(dim, k)
	if err != nil {
		t.Fatalf("valid config, no network: %v", err)
	}
	if (c.Data.NTrain+c.Data.NTest)*dim > 1e5 || net.NumParams()*c.Data.NTrain > 1e6 {
		return // too big for a fuzz iteration
	}
	s, err := c.Build(c.FirstSeed)
	if err != nil {
		t.Fatalf("valid config does not build: %v", err)
	}
	for _, m := range c.Methods {
		tr, err := c.Trainer(s, m)
		if err != nil {
			t.Fatalf("valid config, no trainer for %s: %v", m, err)
		}
		tr.Step() // a diverged step is an error, not a failure
	}
}

// TestParseRefusesSecondDocument: the decoder reads the first YAML
// document only; a second one, whose values would be ignored, is refused.
func TestParseRefusesSecondDocument(t *testing.T) {
	for _, s := range []string{"preset: demo\n---\nseeds: 500\n", "preset: demo\n---\n", "---\npreset: demo\n--- ~\n"} {
		_, err := Parse([]byte(s), "two.yaml")
		if err == nil || !strings.Contains(err.Error(), "two.yaml") || !strings.Contains(err.Error(), "second YAML document") {
			t.Errorf("%q: error %v, want the second document refused", s, err)
		}
	}
	for _, s := range []string{"---\npreset: demo\n", "preset: demo\n...\n", "preset: demo\n# ---\n"} {
		if _, err := Parse([]byte(s), "one.yaml"); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}
