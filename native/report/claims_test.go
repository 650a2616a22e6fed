package report

import (
	"slices"
	"strings"
	"testing"
)

// deepClaims builds the deep claims of the claim list from run folders.
func deepClaims(paths []string, out string) ([]*Claim, error) {
	return buildClaims(&evidence{out: out, deepPaths: paths}, func(e claimEntry) bool { return e.Deep })
}

// The claim list is the report's order: the toy claims 1 to 8, then the
// deep claims D1 to D5, each ID once, the deep ones marked, every claim
// with a builder; the claim carrying the deep section is a deep claim.
func TestClaimList(t *testing.T) {
	var ids []string
	for _, e := range claimList {
		ids = append(ids, e.ID)
		if e.Deep != strings.HasPrefix(e.ID, "D") || e.build == nil {
			t.Errorf("claim %s: deep %v, builder %v", e.ID, e.Deep, e.build != nil)
		}
		if (&Claim{ID: e.ID}).Deep() != e.Deep {
			t.Errorf("claim %s: Claim.Deep disagrees with the list", e.ID)
		}
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "D1", "D2", "D3", "D4", "D5"}
	if !slices.Equal(ids, want) {
		t.Fatalf("claim IDs %v, want %v", ids, want)
	}
	if i := slices.Index(ids, deepSectionID); i < 0 || !claimList[i].Deep {
		t.Errorf("the deep section is carried by %q, not a deep claim of the list", deepSectionID)
	}
	for _, c := range []struct{ id, anchor string }{{"3", "claim-3"}, {"D1", "deep-1"}, {"D5", "deep-5"}} {
		if got := anchor(&Claim{ID: c.id}); got != c.anchor {
			t.Errorf("anchor of %s = %q, want %q", c.id, got, c.anchor)
		}
	}
}
