package report

import (
	"fmt"
	"slices"
	"strings"
)

// claimEntry is one claim of the report: its ID and how it is built from
// the evidence.
type claimEntry struct {
	// ID names the claim ("3", "D1"); Deep marks a deep-network claim,
	// built only when the report has deep run folders.
	ID   string
	Deep bool
	// build makes the claim from the evidence at seeds seeds (the deep
	// claims use the seeds their run folders have).
	build func(ev *evidence, seeds int) (*Claim, error)
}

// deepSectionID is the claim that carries the deep section's tables and
// figures (deepSection).
const deepSectionID = "D1"

// claimList is the report's claims, in report order. A new claim is its
// file (claimN.go: prose, measurement, figure, table, tests) and a row here.
var claimList = []claimEntry{
	{ID: "1", build: fromMain(claim1, func(mr *mainRuns) []*runSet {
		return []*runSet{&mr.clean, &mr.demoNoisy, &mr.demoClean, &mr.linNoisy, &mr.linClean}
	})},
	{ID: "2", build: fromMain(claim2, noisyOnly)},
	{ID: "3", build: func(ev *evidence, n int) (*Claim, error) { return claim3(ev.ctx, ev.pool, ev.plan, n, ev.out) }},
	{ID: "4", build: func(ev *evidence, n int) (*Claim, error) { return claim4(ev.ctx, ev.pool, ev.plan, n, ev.out) }},
	{ID: "5", build: fromMain(claim5, noisyOnly)},
	{ID: "6", build: fromMain(claim6, noisyOnly)},
	{ID: "7", build: fromMain(claim7, func(mr *mainRuns) []*runSet { return setsOf(mr.grid) })},
	{ID: "8", build: fromMain(claim8, func(mr *mainRuns) []*runSet { return append(setsOf(mr.rho), setsOf(mr.noise)...) })},
	{ID: "D1", Deep: true, build: fromDeep(deepGain)},
	{ID: "D2", Deep: true, build: fromDeep(deepClean)},
	{ID: "D3", Deep: true, build: fromDeep(deepSplit)},
	{ID: "D4", Deep: true, build: fromDeep(deepReg)},
	{ID: "D5", Deep: true, build: fromDeep(deepMem)},
}

// noisyOnly names no set beyond the main noisy one (which evidence.main
// always grows).
func noisyOnly(*mainRuns) []*runSet { return nil }

// fromMain builds a claim from the shared toy runs at n seeds, growing
// the sets uses names (only those: a claim that needs more seeds does
// not make the others run them).
func fromMain(f func(*mainRuns, string) (*Claim, error), uses func(*mainRuns) []*runSet) func(*evidence, int) (*Claim, error) {
	return func(ev *evidence, n int) (*Claim, error) {
		mr, err := ev.main(n, uses)
		if err != nil {
			return nil, err
		}
		return f(mr, ev.out)
	}
}

// fromDeep builds a claim from the deep run folders.
func fromDeep(f func(*deepRuns, string) (*Claim, error)) func(*evidence, int) (*Claim, error) {
	return func(ev *evidence, _ int) (*Claim, error) {
		d, err := ev.deep()
		if err != nil {
			return nil, err
		}
		return f(d, ev.out)
	}
}

// buildClaims builds, in order, the claims of claimList that want accepts,
// each with its ID, its verdict (Combine of its tests: the one place a
// verdict is computed) and its seeds: a toy claim is built at the plan's
// seeds, then with more (adaptSeeds) while an interval of its tests is
// open; a deep claim once, on the seeds of its runs.
func buildClaims(ev *evidence, want func(claimEntry) bool) ([]*Claim, error) {
	var cs []*Claim
	for _, e := range claimList {
		if !want(e) {
			continue
		}
		var c *Claim
		n, err := adaptSeeds(ev.plan.Looks(), func(n int) (bool, error) {
			var err error
			c, err = e.build(ev, n)
			return err == nil && (e.Deep || Decided(c.Tests)), err
		})
		if err != nil {
			return nil, err
		}
		c.ID = e.ID
		c.Verdict = Combine(c.Tests)
		c.Seeds, c.Capped = n, !Decided(c.Tests)
		if e.Deep {
			c.Seeds, c.Capped = 0, false
			for _, t := range c.Tests {
				c.Seeds = max(c.Seeds, t.N)
			}
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// CheckClaims reports an ID in ids that names no claim of the report.
func CheckClaims(ids []string) error {
	var known []string
	for _, e := range claimList {
		known = append(known, e.ID)
	}
	for _, id := range ids {
		if !slices.Contains(known, id) {
			return fmt.Errorf("report: unknown claim %q (the claims are %s)", id, strings.Join(known, ", "))
		}
	}
	return nil
}
