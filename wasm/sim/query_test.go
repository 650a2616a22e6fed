package sim

import (
	"strings"
	"testing"
)

// TestPageArgsIgnores: the URL queries that left the page blank or frozen (help,
// the desktop-only flags, a link of 100,000 characters), through the
// page's path: index.html's arguments (pageArgs), PageArgs, then Parse.
// The page opens the experiment the rest of the query names (or the
// defaults), and a notice names what was ignored.
func TestPageArgsIgnores(t *testing.T) {
	def := Default().Query()
	long := "methods=" + strings.Repeat("s", 100_000)
	cases := []struct {
		query   string
		opens   string   // the experiment Parse opens from what PageArgs kept
		ignored []string // substrings of the ignored lines, in order (nil: none)
	}{
		{"", def, nil},
		{"methods=sgd,sam&noise=0.2&log-every=5", "methods=sgd,sam&noise=0.2&seed=16", nil},
		{"h", def, []string{"help: the link's keys are embed, lr, methods, model, n, noise"}},
		{"help=1", def, []string{"help:"}},
		{"help&noise=0.1", "methods=sgd,1sam&noise=0.1&seed=16", []string{"help:"}},
		{"frames=-1", def, []string{"ignored frames: desktop app only"}},
		{"frames=1&noise=0.3", "methods=sgd,1sam&noise=0.3&seed=16", []string{"ignored frames: desktop app only"}},
		{"screenshot=x.png&frames=2", def, []string{"ignored screenshot, frames: desktop app only"}},
		{"frames=1&frames=2", def, []string{"ignored frames: desktop app only"}},
		{"frames=abc", def, []string{"ignored frames: desktop app only"}},
		{"-frames=1", def, []string{"ignored frames: desktop app only"}}, // --frames=1
		{"utm_source=x&noise=0.1", "methods=sgd,1sam&noise=0.1&seed=16", []string{"ignored unknown keys utm_source"}},
		{"h&frames=1&bogus", def, []string{"ignored frames", "ignored unknown keys bogus", "help:"}},
		{strings.Repeat("k=1&", 300), def, []string{"ignored unknown keys k"}},
		{long, def, []string{"the link is too long (100009 characters; the page reads about 8 KB): opened the defaults"}},
		{"query-length=100020", def, []string{"the link is too long (100020 characters;"}}, // index.html's marker
		{"noise=0.1&x=" + strings.Repeat("a", MaxArgBytes), def, []string{"the link is too long"}},
		{strings.Repeat("a&", 600), def, []string{"the link is too long (4200 characters;"}}, // short, but 600 arguments
		{"x=" + strings.Repeat("a", 8000), def, []string{"ignored unknown keys x"}},
		{"x=" + strings.Repeat("a", 8200), def, []string{"the link is too long (8203 characters;"}},
	}
	for _, c := range cases {
		kept, ignored := PageArgs(pageArgs(c.query), "frames", "screenshot", "log-every")
		for _, a := range kept {
			if n, _ := flagName(a); n == "frames" || n == "screenshot" || n == "h" || n == "help" {
				t.Errorf("PageArgs(%.60q) kept %q", c.query, a)
			}
		}
		var app []string // the app's own keys, parsed by the app
		for _, a := range kept {
			if !strings.HasPrefix(a, "-log-every=") {
				app = append(app, a)
			}
		}
		p, err := Parse(app)
		if err != nil {
			t.Errorf("Parse(PageArgs(%.60q)): %v", c.query, err)
		}
		if q := p.Query(); q != c.opens {
			t.Errorf("%.60q opens %q, want %q", c.query, q, c.opens)
		}
		if len(ignored) != len(c.ignored) {
			t.Errorf("%.60q: ignored %q, want lines with %q", c.query, ignored, c.ignored)
			continue
		}
		for i, want := range c.ignored {
			if !strings.Contains(ignored[i], want) {
				t.Errorf("%.60q: ignored line %q does not contain %q", c.query, ignored[i], want)
			}
			if len(ignored[i]) > 300 || strings.Contains(ignored[i], "\n") {
				t.Errorf("%.60q: ignored line of %d characters, want one short line: %.80q", c.query, len(ignored[i]), ignored[i])
			}
		}
	}
}

// TestArgBytes: the memory the page's arguments take in the program, as Go's
// wasm_exec.js lays them out, against a copy of its layout (offsets from
// 4096: each string NUL-terminated and 8-byte aligned, then the pointers).
func TestArgBytes(t *testing.T) {
	layout := func(args []string) int {
		offset := 4096
		for _, a := range args {
			offset += len(a) + 1
			if offset%8 != 0 {
				offset += 8 - offset%8
			}
		}
		offset += 8 * (len(args) + 2) // argv pointers, a null, no env, a null
		return offset - 4096
	}
	for _, args := range [][]string{nil, {"samlab"}, {"samlab", "-n=2000"}, {"samlab", "-methods=" + strings.Repeat("s", 7)}, pageArgs(strings.Repeat("k=1&", 40))} {
		if got, want := ArgBytes(args), layout(args); got != want {
			t.Errorf("ArgBytes(%d args) = %d, wasm_exec.js lays out %d", len(args), got, want)
		}
	}
	// wasm_exec.js refuses at 8192 bytes: MaxArgBytes keeps below it.
	if MaxArgBytes >= 8192 {
		t.Errorf("MaxArgBytes %d: wasm_exec.js refuses from 8192", MaxArgBytes)
	}
	// The longest link the share line offers (MaxQuery characters) fits,
	// with every key of a full experiment and the rest in pts.
	q := "preset=blobs3&methods=sgd,1sam,lsam,jsam&noise=0.25&rho=0.05&lr=0.05&model=mlp&width=16&n=240&seed=123456&speed=8&steps=1500&test=true&shares=true&pts="
	q += strings.Repeat("A", MaxQuery-len(q))
	if n := ArgBytes(append([]string{"samlab"}, pageArgs(q)...)); n > MaxArgBytes {
		t.Errorf("a shared link of %d characters takes %d bytes of arguments, over MaxArgBytes %d", len(q), n, MaxArgBytes)
	}
	if _, ignored := PageArgs(pageArgs(q)); len(ignored) > 0 {
		t.Errorf("a shared link of %d characters: %q", len(q), ignored)
	}
}
