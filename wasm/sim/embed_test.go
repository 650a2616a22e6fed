package sim

import (
	"strings"
	"testing"
)

// ?embed=1 (and ?embed, which the page passes as -embed=true) sets Embed;
// the shared query leaves it out, so a link copied from an embedded page
// opens the full page, and every other value survives.
func TestEmbed(t *testing.T) {
	cases := []struct {
		query string
		embed bool
		want  string // Query()
	}{
		{"embed=1", true, "methods=sgd,1sam&seed=16"},
		{"embed", true, "methods=sgd,1sam&seed=16"},
		{"embed=true&noise=0.3&methods=sgd,sam", true, "methods=sgd,sam&noise=0.3&seed=16"},
		{"embed=0&test", false, "methods=sgd,1sam&seed=16&test=true"},
		{"preset=highdim&embed=1", true, "preset=highdim&methods=sgd,1sam&seed=6"},
		{"", false, "methods=sgd,1sam&seed=16"},
	}
	for _, c := range cases {
		p, err := Parse(pageArgs(c.query))
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.query, err)
		}
		if p.Embed != c.embed {
			t.Errorf("%q: Embed = %t, want %t", c.query, p.Embed, c.embed)
		}
		if got := p.Query(); got != c.want {
			t.Errorf("%q: Query() = %q, want %q", c.query, got, c.want)
		}
		if strings.Contains(strings.Join(p.Args(), " "), "embed") {
			t.Errorf("%q: Args() %q carries embed", c.query, p.Args())
		}
	}
	if _, err := Parse([]string{"-embed=maybe"}); err == nil || !strings.Contains(err.Error(), "embed") {
		t.Errorf("Parse(-embed=maybe) = %v, want an error naming embed", err)
	}
}
