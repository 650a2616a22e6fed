package report

import (
	"fmt"
	"strings"
)

// published is a published deep label-noise result the report sets beside
// samlab's runs: best test accuracies in percent (NaN: not reported) or,
// where the source gives only the gap, the gap.
type published struct {
	Source, Network, Training, Noise, SGD, SAM, OneSAM, Gain string
}

// publishedGaps lists the published numbers (as the issue that asked for this
// table cites them).
var publishedGaps = []published{
	{"Baek, Kolter & Raghunathan 2024 (the paper)", "CIFAR10 (50,000 colour images), ResNet18 (11M parameters)",
		"200 epochs, batch 128, lr 0.01, wd 5e-4, rho 0.01, crop+flip", "30%", "—", "—", "—", "1-SAM about +17"},
	{"Foret et al. 2021", "CIFAR10, ResNet-32", "their label-noise setting", "60%", "48.2", "90.5", "—", "SAM +42.3"},
	{"Andriushchenko & Flammarion 2022", "CIFAR10, ResNet-18", "their label-noise setting", "60%", "about 80 (best test error about 20%)", "about 90 (about 10%)", "—", "SAM about +10"},
}

// anchors is the table of the published gaps beside this report's, one
// samlab row per setting with SGD runs, stating the differences of scale.
func (d *deepRuns) anchors() Table {
	t := Table{Caption: "**Anchors beside samlab's numbers** (best test accuracy over epochs, %; samlab: mean over seeds, gains paired by seed). " +
		"Differences of scale: the anchors train ResNets (0.5M-11M parameters) on CIFAR10's 50,000 colour 32x32 images with augmentation for about 200 epochs on GPUs; " +
		"samlab's rows train a small CNN (about 0.1M parameters at width 0.5) on a subset of Fashion-MNIST's grey 28x28 images, without augmentation, for tens of epochs on a 2-core CPU, " +
		"with lr, rho and the Reg-SGD coefficients chosen on a held-out split (the rows marked as the paper's settings take the paper's values untuned). " +
		"The noise is symmetric (a flipped label is another class, uniformly) throughout.",
		Header: []string{"source", "data, network", "training", "noise", "SGD", "SAM", "1-SAM", "gain over SGD (pts)"}}
	for _, a := range publishedGaps {
		t.Rows = append(t.Rows, []string{a.Source, a.Network, a.Training, a.Noise, a.SGD, a.SAM, a.OneSAM, a.Gain})
	}
	for _, g := range d.groups {
		if !g.has("sgd") {
			continue
		}
		cell := func(m string) string {
			if !g.has(m) {
				return "—"
			}
			return fmt.Sprintf("%.1f", 100*mean(perRun(g, m, bestOfRun)))
		}
		var gains []string
		for _, m := range []string{"sam", "1sam"} {
			if g.has(m) {
				a, b := g.paired(m, "sgd")
				gains = append(gains, fmt.Sprintf("%s %s", label(m), Points.Signed(NewPaired(a, b).Mean())))
			}
		}
		r := g.Runs["sgd"][0]
		net := fmt.Sprintf("%s (%d images), %s", g.Dataset, r.TrainSubset, g.Model)
		if r.Width > 0 {
			net += fmt.Sprintf(" width %g", r.Width)
		}
		if r.Norm != "" {
			net += ", " + r.Norm
		}
		training := fmt.Sprintf("%d epochs, batch %d, lr %g, wd %g%s", r.Planned, r.Batch, r.LR, r.WeightDecay, rhosOf(g))
		if g.Arm.paper() {
			training += " (the paper's settings, untuned)"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("samlab (%d seeds)", len(g.Runs["sgd"])), net, training, pctNoise(g.Noise), cell("sgd"), cell("sam"), cell("1sam"), strings.Join(gains, ", ")})
	}
	return t
}

// rhosOf lists the radii of g's SAM and 1-SAM runs, e.g. ", rho SAM 0.05,
// 1-SAM 0.01".
func rhosOf(g *deepGroup) string {
	var rs []string
	for _, m := range []string{"sam", "1sam"} {
		if g.has(m) {
			rs = append(rs, fmt.Sprintf("%s %g", label(m), g.Runs[m][0].Rho))
		}
	}
	if len(rs) == 0 {
		return ""
	}
	return ", rho " + strings.Join(rs, ", ")
}
