package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// report prints the table of rows, in grid order, then the eligible rows
// ranked by score and the best row of each family.
func report(rows []row, stage string, cost bool) {
	fmt.Printf("Stage %s: %d scenes, SGD and 1-SAM, seeds %d-%d. Gain: 1-SAM's best test accuracy minus SGD's (points); gap: SGD's flipped share of the update over steps 1-500 minus 1-SAM's (points); mean ± sample std over seeds, [seeds > 0]. c: median rho*||grad_w f(x_i)|| over the training points of the first seed, at the initial weights and after 500 SGD steps. Cost: a demo frame's training work (one SGD and one 1-SAM step) over the demo preset's, natively, one thread.\n\n",
		stage, len(rows), rows[0].cfg.FirstSeed, rows[0].cfg.FirstSeed+uint64(rows[0].cfg.Seeds)-1)
	fmt.Println("| # | scene | c init | c 500 | best SGD | best 1-SAM | gain | share SGD | share 1-SAM | gap | final SGD / 1-SAM | cost | verdict |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for i, r := range rows {
		fmt.Printf("| %d | %s | %.2f | %.2f | %.3f | %.3f | %+.1f ± %.1f [%d] | %.3f | %.3f | %+.1f ± %.1f [%d] | %.3f / %.3f | %s | %s |\n",
			i+1, r.label, r.cInit, r.cMid, r.bestSGD, r.bestOne, 100*r.gain.Mean, 100*r.gain.Std, r.gainWins,
			r.shareSGD, r.shareOne, 100*r.gap.Mean, 100*r.gap.Std, r.gapWins, r.finalSGD, r.finalOne, costText(r, cost), verdict(r, cost))
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].score > rows[idx[b]].score })
	fmt.Println("\nEligible, by score (gap/5 + gain/3, points):")
	n := 0
	for _, i := range idx {
		if r := rows[i]; r.eligible {
			n++
			fmt.Printf("%d. #%d %s: score %.2f (gap %+.1f, gain %+.1f, cost %s)\n", n, i+1, r.label, r.score, 100*r.gap.Mean, 100*r.gain.Mean, costText(r, cost))
		}
	}
	if n == 0 {
		fmt.Println("none")
	}
	fmt.Println("\nBest score per family, eligible or not:")
	seen := map[string]bool{}
	for _, i := range idx {
		f := family(rows[i])
		if !seen[f] {
			seen[f] = true
			r := rows[i]
			fmt.Printf("- %s: #%d %s, score %.2f, %s\n", f, i+1, r.label, r.score, verdict(r, cost))
		}
	}
}

// family names a row's data kind and model kind.
func family(r row) string { return r.cfg.Data.Kind + " " + r.cfg.Model.Kind }

func costText(r row, cost bool) string {
	switch {
	case !cost:
		return "–"
	case math.IsNaN(r.cost):
		return "diverged"
	}
	return fmt.Sprintf("%.2f", r.cost)
}

// verdict says why a row is not eligible, or that it is.
func verdict(r row, cost bool) string {
	if r.eligible {
		return "**eligible**"
	}
	var why []string
	if !r.meets {
		why = append(why, "below the bar")
	} else if !r.holds {
		why = append(why, fmt.Sprintf("holds on fewer than %d seeds", minHolds))
	}
	if r.failed > 0 {
		why = append(why, fmt.Sprintf("%d runs diverged", r.failed))
	}
	if r.finalOne < r.finalSGD-maxFinal {
		why = append(why, fmt.Sprintf("1-SAM ends %.1f below SGD", 100*(r.finalSGD-r.finalOne)))
	}
	if cost && !(r.cost <= maxCost) {
		why = append(why, "over the frame budget")
	}
	return strings.Join(why, "; ")
}
