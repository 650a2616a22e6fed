package sim

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// pageArgs turns a URL query into the program arguments the way the page
// does (assets/index.html): new URLSearchParams(location.search), each
// pair as -key=value, -key=true for an empty value. It follows the WHATWG
// urlencoded parser: split on &, skip empty pieces, split at the first =,
// + is a space, valid %XX escapes are decoded (others kept as written) and
// invalid UTF-8 becomes U+FFFD.
func pageArgs(query string) []string {
	query = strings.TrimPrefix(query, "?")
	var args []string
	for _, piece := range strings.Split(query, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		k, v = formDecode(k), formDecode(v)
		if v == "" {
			v = "true" // as index.html: a key without a value is a switch
		}
		args = append(args, "-"+k+"="+v)
	}
	return args
}

// formDecode decodes one name or value of application/x-www-form-urlencoded.
func formDecode(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(n))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return strings.ToValidUTF8(string(b), string(utf8.RuneError))
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func TestPageArgs(t *testing.T) {
	for q, want := range map[string]string{
		"?methods=sgd,1sam&noise=0.3": "-methods=sgd,1sam -noise=0.3",
		"test&&paused=":               "-test=true -paused=true",
		"n=%32%30%30&model=+mlp":      "-n=200 -model= mlp",
		"seed=%zz&rho=0.1%":           "-seed=%zz -rho=0.1%",
		"a=b=c":                       "-a=b=c",
	} {
		if got := strings.Join(pageArgs(q), " "); got != want {
			t.Errorf("pageArgs(%q) = %q, want %q", q, got, want)
		}
	}
}

// FuzzParse: no URL query panics the parser; one it accepts gives
// parameters whose Query reopens the same experiment, both as the desktop
// app's arguments (Args) and as the page's link, and whose Config builds.
func FuzzParse(f *testing.F) {
	for _, preset := range Presets {
		f.Add(PresetParams(preset).Query())
	}
	for _, q := range []string{
		// valid
		"", "methods=sgd,1sam&noise=0.3&rho=0.05&seed=7", "preset=xor&methods=sgd,sam,lsam,jsam&test=true&paused",
		"preset=blobs3&model=mlp&width=8&n=100&lr=0.5&speed=4&steps=200", "model=linear&noise=0&rho=0&methods=regsgd",
		// edge
		"noise=0.5&rho=2&lr=5&speed=64&steps=100000&n=2000&width=256", "noise=-1&rho=-1&lr=0&width=0&n=0",
		"preset=xor&width=0", "preset=blobs3&n=0", "noise=-0&rho=-0", "noise=0.12345678&rho=1.99996",
		"lr=5e-324", "seed=18446744073709551615", "methods=,sgd,,1sam,", "methods=SGD,1-SAM",
		"preset=xor&preset=demo", "preset=bogus", "preset", "-preset=xor", "--preset=xor", "model=linear&width=9",
		"test=false&paused=false", "test=1", "a=b=c", "shares", "shares=true&steps=1500", "shares=0&test",
		"preset=highdim&methods=sgd,1sam,sam&n=20&steps=200", "preset=highdim&model=linear", "preset=highdim&model=mlp",
		"preset=highdim&width=8", "preset=twolayer",
		// a user's points (link.go): a file's, clicked ones, malformed ones
		"pts=" + EncodePoints(randomPoints(1, 12, 2, 2, 0.25), 0, false), "pts=" + EncodePoints(randomPoints(2, 3, 2, 1, 0), 0, true),
		"preset=xor&pts=" + EncodePoints(randomPoints(3, 9, 3, 1, 0), 0, true), "pts=", "pts=AQA", "pts=AgE", "embed=1&pts=%%",
		// hostile
		"noise=NaN", "rho=Inf", "lr=-Inf", "seed=-1", "n=9999999999999999999999", "methods=sgd,sgd,sgd,sgd,sgd",
		"methods=%00", "methods=sgd%26noise=0.9", "noise=0.3%", "%zz=1", "=1", "&&&", "?", "h", "help",
		"methods=" + strings.Repeat("sgd,", 1000), "seed=\xff\xfe", "model=mlp%0Awidth=8", "preset=xor&-preset=blobs3",
		// desktop-only flags and help: the page ignores them (PageArgs)
		"frames=-1", "frames=1", "screenshot=x.png&frames=2", "help=1", "h&noise=0.2",
		"n=2000&width=256&methods=1sam,lsam,jsam,sam&speed=64",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		args := pageArgs(query)
		kept, _ := PageArgs(args, DesktopOnly...)
		for _, a := range kept {
			if n, ok := flagName(a); ok && (slices.Contains(DesktopOnly, n) || n == "h" || n == "help") {
				t.Fatalf("PageArgs(%q) kept %q: the page would end or stay blank", args, a)
			}
		}
		p, err := Parse(args)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse(%q) accepted invalid parameters: %v", args, err)
		}
		q := p.Query()
		for _, again := range [][]string{p.Args(), pageArgs(q)} {
			p2, err := Parse(again)
			if err != nil {
				t.Fatalf("Parse(%q) = %+v, Query %q; Parse(%q): %v", args, p, q, again, err)
			}
			if q2 := p2.Query(); q2 != q {
				t.Fatalf("Parse(%q).Query() = %q, but Parse(%q).Query() = %q", args, q, again, q2)
			}
		}
		if _, err := p.Config(); err != nil {
			t.Fatalf("Parse(%q) accepted parameters without a config: %v", args, err)
		}
	})
}
