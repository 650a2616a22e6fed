package report

// claimEntry is one claim of the report: its ID and how it is built from
// the evidence.
type claimEntry struct {
	// ID names the claim ("3", "D1"); Deep marks a deep-network claim,
	// built only when the report has deep run folders.
	ID    string
	Deep  bool
	build func(ev *evidence) (*Claim, error)
}

// deepSectionID is the claim that carries the deep section's tables and
// figures (deepSection).
const deepSectionID = "D1"

// claimList is the report's claims, in report order. A new claim is its
// file (claimN.go: prose, measurement, figure, table, tests) and a row here.
var claimList = []claimEntry{
	{ID: "1", build: fromMain(claim1)},
	{ID: "2", build: fromMain(claim2)},
	{ID: "3", build: func(ev *evidence) (*Claim, error) { return claim3(ev.ctx, ev.pool, ev.plan, ev.out) }},
	{ID: "4", build: func(ev *evidence) (*Claim, error) { return claim4(ev.ctx, ev.pool, ev.plan, ev.out) }},
	{ID: "5", build: fromMain(claim5)},
	{ID: "6", build: fromMain(claim6)},
	{ID: "7", build: fromMain(claim7)},
	{ID: "8", build: fromMain(claim8)},
	{ID: "D1", Deep: true, build: fromDeep(deepGain)},
	{ID: "D2", Deep: true, build: fromDeep(deepClean)},
	{ID: "D3", Deep: true, build: fromDeep(deepSplit)},
	{ID: "D4", Deep: true, build: fromDeep(deepReg)},
	{ID: "D5", Deep: true, build: fromDeep(deepMem)},
}

// fromMain builds a claim from the shared toy runs.
func fromMain(f func(*mainRuns, string) (*Claim, error)) func(*evidence) (*Claim, error) {
	return func(ev *evidence) (*Claim, error) {
		mr, err := ev.main()
		if err != nil {
			return nil, err
		}
		return f(mr, ev.out)
	}
}

// fromDeep builds a claim from the deep run folders.
func fromDeep(f func(*deepRuns, string) (*Claim, error)) func(*evidence) (*Claim, error) {
	return func(ev *evidence) (*Claim, error) {
		d, err := ev.deep()
		if err != nil {
			return nil, err
		}
		return f(d, ev.out)
	}
}

// buildClaims builds, in order, the claims of claimList that want accepts,
// each with its ID and its verdict (Combine of its tests: the one place a
// verdict is computed).
func buildClaims(ev *evidence, want func(claimEntry) bool) ([]*Claim, error) {
	var cs []*Claim
	for _, e := range claimList {
		if !want(e) {
			continue
		}
		c, err := e.build(ev)
		if err != nil {
			return nil, err
		}
		c.ID = e.ID
		c.Verdict = Combine(c.Tests)
		cs = append(cs, c)
	}
	return cs, nil
}
