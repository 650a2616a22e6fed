package sim

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMeasureTourScenes prints, with SAMLAB_MEASURE=tour, the per-method
// best test accuracy and flipped fit over seeds 1-10 of the candidate
// scenes for the tour's last two steps (docs/web.md, "The guided tour").
func TestMeasureTourScenes(t *testing.T) {
	if os.Getenv("SAMLAB_MEASURE") != "tour" {
		t.Skip("measurement: set SAMLAB_MEASURE=tour")
	}
	for _, q := range strings.Fields(os.Getenv("SAMLAB_SCENES")) {
		args := []string{}
		for _, kv := range strings.Split(q, "&") {
			args = append(args, "-"+kv)
		}
		p, err := Parse(args)
		if err != nil {
			t.Fatal(err)
		}
		const seeds = 10
		steps, _ := strconv.Atoi(os.Getenv("SAMLAB_STEPS"))
		best := make([]float64, len(p.Methods))
		fit := make([]float64, len(p.Methods))
		jWins, rWins, jFit, rFit := 0, 0, 0, 0
		for seed := uint64(1); seed <= seeds; seed++ {
			p.Seed = seed
			l, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			l.Step(steps)
			b, f := map[string]float64{}, map[string]float64{}
			for i, pn := range l.Panels {
				best[i] += pn.Best.Test / seeds
				fit[i] += pn.Last().Flipped / seeds
				b[pn.Method] = pn.Best.Test
				f[pn.Method] = pn.Last().Flipped
			}
			if f["jsam"] < f["lsam"] {
				jFit++
			}
			if f["regsgd"] < f["sgd"] {
				rFit++
			}
			if b["jsam"] > b["lsam"] {
				jWins++
			}
			if b["regsgd"] > b["sgd"] {
				rWins++
			}
		}
		fmt.Printf("%s:", q)
		for i, m := range p.Methods {
			fmt.Printf(" %s best %.1f fit %.1f;", m, 100*best[i], 100*fit[i])
		}
		fmt.Printf(" steps %d: jsam>lsam best %d/10, jsam<lsam flipped fit %d/10, regsgd>sgd best %d/10, regsgd<sgd flipped fit %d/10\n", steps, jWins, jFit, rWins, rFit)
	}
}
