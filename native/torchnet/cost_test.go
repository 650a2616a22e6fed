//go:build torch

package torchnet

import (
	"testing"

	"github.com/sugarme/gotch"
)

// TestStepMACs: the multiply-add counts by hand for softmax regression
// (one layer, F = d K per example, no input gradient), and for ResNet18 the
// ghost form is chosen for layer3 and layer4 only and costs fewer
// multiply-adds than the grouped form, with every per-example method
// between one and three SGD steps.
func TestStepMACs(t *testing.T) {
	net, err := NewNet(linearSpec, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(net)
	d, k := float64(16), float64(3)
	f, r1 := d*k, d+k
	for _, tc := range []struct {
		name string
		want float64
	}{
		{"sgd", 2 * f},
		{"sam", 4 * f},
		{"regsgd", 2 * f},
		{"1sam", (f + r1) + (f + r1) + f},
		{"jsam", (f + r1) + (f + r1) + f},
		{"lsam", (f + r1) + (f + r1) + 2*f},
	} {
		got, err := b.StepMACs(tc.name, 5)
		if err != nil || got != 5*tc.want {
			t.Errorf("linear %s: %g MACs (%v), want %g", tc.name, got, err, 5*tc.want)
		}
	}
	if _, err := b.StepMACs("nope", 1); err == nil {
		t.Error("an unknown method has no error")
	}

	net, err = NewNet(Spec{Arch: "resnet18", Norm: "ln", InC: 3, H: 32, W: 32, K: 10}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	b = NewBackend(net)
	layers, _ := net.shapes()
	names := net.ParamNames()
	for _, l := range layers {
		if l.kind != 'c' {
			continue
		}
		want := "grouped" // layer2
		switch {
		case names[l.w] >= "layer3":
			want = "ghost"
		case names[l.w] < "layer2": // the stem ("conv1") and layer1
			want = "merged"
		}
		if got := b.layerForm(l); got != want {
			t.Errorf("%s (t %d, d %d, c %d): form %s, want %s", names[l.w], l.t, l.d, l.c, got, want)
		}
	}
	sgd, _ := b.StepMACs("sgd", 1)
	for _, m := range []string{"1sam", "lsam", "jsam"} {
		auto, _ := b.StepMACs(m, 1)
		b.Form = "grouped"
		grouped, _ := b.StepMACs(m, 1)
		b.Form = ""
		t.Logf("%s: %.3g MACs an example, %.2fx SGD (grouped form %.2fx)", m, auto, auto/sgd, grouped/sgd)
		if !(auto < grouped) || auto < sgd || auto > 3*sgd {
			t.Errorf("%s: %.3g MACs (grouped %.3g, SGD %.3g)", m, auto, grouped, sgd)
		}
	}
	t.Logf("ExampleBytes: auto %.0f MB, grouped %.0f MB", float64(b.ExampleBytes())/1e6, func() float64 { b.Form = "grouped"; return float64(b.ExampleBytes()) / 1e6 }())
}
