package sim

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DesktopOnly lists the desktop app's flags that the page must not read:
// they end the app after a number of frames or write a file, which would
// stop or freeze a page (PageArgs ignores them).
var DesktopOnly = []string{"frames", "screenshot"}

// MaxArgBytes bounds the page's arguments as Go's wasm_exec.js lays them
// out in the program's memory (ArgBytes): past it wasm_exec.js refuses to
// start the program (a blank page), so a longer link opens the defaults.
// assets/index.html applies the same rule before starting the program and
// passes only -query-length=N (the query's length) for a longer link. A
// shared link of MaxQuery characters fits (TestArgBytes).
const MaxArgBytes = 8192 - 1

// ArgBytes returns the memory args take as wasm_exec.js lays them out:
// each NUL-terminated and 8-byte aligned, then a pointer (8 bytes) to
// each, and a null pointer after them and after the (empty) environment.
func ArgBytes(args []string) int {
	n := 16 + 8*len(args)
	for _, a := range args {
		n += (len(a) + 1 + 7) / 8 * 8
	}
	return n
}

// PageArgs sorts the page's arguments (its URL query, as index.html passes
// it) into those to parse and those to ignore, so that no link can leave
// the page blank or frozen. It keeps the experiment keys (Params.FlagSet),
// the app's own keys named in app (the desktop-only ones among them are
// still ignored), and positional arguments (for the
// parser to name); it ignores, with one line per reason in ignored: help
// (?h, ?help; the line lists the keys), the desktop-only flags
// (DesktopOnly) and unknown keys. A query too long for the page
// (ArgBytes past MaxArgBytes, or index.html's -query-length=N) keeps
// nothing: the page opens the defaults and says the link is too long.
func PageArgs(args []string, app ...string) (kept, ignored []string) {
	tooLong := func(n int) []string {
		return []string{fmt.Sprintf("the link is too long (%d characters; the page reads about 8 KB): opened the defaults", n)}
	}
	if ArgBytes(append([]string{"samlab"}, args...)) > MaxArgBytes {
		n := 0
		for _, a := range args {
			n += len(a)
		}
		return nil, tooLong(n)
	}
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "-query-length="); ok {
			n, _ := strconv.Atoi(v)
			return nil, tooLong(n)
		}
	}
	var p Params
	fs := p.FlagSet("page")
	known := func(name string) bool { return fs.Lookup(name) != nil || slices.Contains(app, name) }
	var desktop, unknown []string
	help := false
	for _, a := range args {
		name, ok := flagName(a)
		switch {
		case !ok:
			kept = append(kept, a)
		case name == "h" || name == "help":
			help = true
		case slices.Contains(DesktopOnly, name):
			desktop = appendNew(desktop, name)
		case !known(name):
			unknown = appendNew(unknown, name)
		default:
			kept = append(kept, a)
		}
	}
	if len(desktop) > 0 {
		ignored = append(ignored, fmt.Sprintf("ignored %s: desktop app only", strings.Join(desktop, ", ")))
	}
	if len(unknown) > 0 {
		ignored = append(ignored, fmt.Sprintf("ignored unknown keys %s", ellipsize(strings.Join(unknown, ", "), 80)))
	}
	if help {
		var keys []string
		fs.VisitAll(func(f *flag.Flag) { keys = append(keys, f.Name) })
		for _, k := range app {
			if !slices.Contains(DesktopOnly, k) {
				keys = appendNew(keys, k)
			}
		}
		ignored = append(ignored, "help: the link's keys are "+strings.Join(keys, ", ")+" (docs/web.md); the controls are in the sidebar")
	}
	return kept, ignored
}

// flagName returns the name of a flag argument (-name, --name,
// -name=value) and whether a is one.
func flagName(a string) (string, bool) {
	if len(a) < 2 || a[0] != '-' || a == "--" {
		return "", false
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
	return name, name != ""
}

// appendNew appends s to v unless v holds it.
func appendNew(v []string, s string) []string {
	if slices.Contains(v, s) {
		return v
	}
	return append(v, s)
}

// ellipsize cuts s to at most n bytes (on a rune boundary), ending in "...".
func ellipsize(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - 3
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
