//go:build desktop

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/samlab/samlab/cmd/samlab-desktop/internal/preflight"
	"github.com/samlab/samlab/wasm/app"
)

// withoutDisplay returns the environment without DISPLAY and
// WAYLAND_DISPLAY (env -u DISPLAY -u WAYLAND_DISPLAY).
func withoutDisplay() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	return env
}

// TestNoDisplay builds the binary and runs it without a display: it
// checks its flags (-h and bad flags answer as with a display), then
// says in one line that there is no display and exits 1, where Ebiten's
// GLFW used to panic before main ran.
func TestNoDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the display variables are Linux's")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "samlab-desktop")
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build the binary: %v", err)
	}
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	shot := filepath.Join(dir, "frame.png")
	const noDisplay = "samlab-desktop: no display: run under X or xvfb-run (e.g. xvfb-run -a samlab-desktop)\n"
	cases := []struct {
		args   []string
		code   int
		stderr string   // exactly, if set
		want   []string // substrings of a one-line stderr otherwise
	}{
		{args: nil, code: 1, stderr: noDisplay},
		{args: []string{"-methods=sgd,sam", "-noise=0.3", "-screenshot", shot, "-frames", "5"}, code: 1, stderr: noDisplay},
		{args: []string{"-noise=0.9"}, code: 2, want: []string{"noise", "0.9", preflight.Hint}},
		{args: []string{"-methods=adam"}, code: 2, want: []string{"adam", preflight.Hint}},
		{args: []string{"-frames=-1"}, code: 2, want: []string{"-frames", "-1", preflight.Hint}},
		{args: []string{"-bogus"}, code: 2, want: []string{"-bogus", preflight.Hint}},
		{args: []string{"-seed=x"}, code: 2, want: []string{`"x"`, "-seed", preflight.Hint}},
		{args: []string{"-noise=0.2", "stray"}, code: 2, want: []string{`unexpected argument "stray"`, preflight.Hint}},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = withoutDisplay()
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		code := 0
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		msg := stderr.String()
		if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") || strings.Contains(msg, "glfw") {
			t.Errorf("%q: stderr has a panic or GLFW's error:\n%s", c.args, msg)
		}
		if code != c.code || stdout.Len() != 0 {
			t.Errorf("%q: status %d, stdout %q; want status %d and no output", c.args, code, stdout.String(), c.code)
		}
		if c.stderr != "" && msg != c.stderr {
			t.Errorf("%q: stderr %q, want %q", c.args, msg, c.stderr)
		}
		if c.want != nil && (strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "samlab-desktop: ")) {
			t.Errorf("%q: stderr %q, want one line", c.args, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%q: stderr %q does not name %s", c.args, msg, w)
			}
		}
	}
	if _, err := os.Stat(shot); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("-screenshot without a display: %s exists (%v)", shot, err)
	}

	// -h lists the flags, as with a display.
	cmd := exec.Command(bin, "-h")
	cmd.Env = withoutDisplay()
	out, err := cmd.CombinedOutput()
	var want bytes.Buffer
	want.WriteString("usage: samlab-desktop [flags]\n")
	app.Usage(&want)
	if err != nil || string(out) != want.String() {
		t.Errorf("-h without a display: %v\n%s\nwant\n%s", err, out, want.String())
	}
}

// TestUnreachableDisplay: with DISPLAY set to a display no X server
// listens on, the binary says so in one line and exits 1 (GLFW used to
// panic with a stack trace), and -h and bad flags answer as usual.
func TestUnreachableDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the display variables are Linux's")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "samlab-desktop")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("go build: %v\n%s", err, out)
	}
	display := ":" + strconv.Itoa(7000+os.Getpid()%1000) // no server there
	env := append(withoutDisplay(), "DISPLAY="+display)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 1, "samlab-desktop: cannot reach the display DISPLAY=" + display + " (no X server listens on /tmp/.X11-unix/X"},
		{[]string{"-noise=0.9"}, 2, preflight.Hint},
		{[]string{"-h"}, 0, "usage: samlab-desktop [flags]"},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		msg := stderr.String()
		if code != c.code || !strings.HasPrefix(msg, c.want) && !strings.Contains(msg, c.want) || strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") {
			t.Errorf("%q: status %d, stderr %q; want status %d and %q", c.args, code, msg, c.code, c.want)
		}
		if c.code != 0 && strings.Count(msg, "\n") != 1 {
			t.Errorf("%q: stderr %q, want one line", c.args, msg)
		}
	}
}

// TestPreflightFlagsMatchApp: the flags preflight checks are the app's.
func TestPreflightFlagsMatchApp(t *testing.T) {
	var a, p bytes.Buffer
	app.Usage(&a)
	preflight.PrintDefaults(&p)
	if a.String() != p.String() {
		t.Errorf("preflight's flags differ from wasm/app's:\n%s\n---\n%s", p.String(), a.String())
	}
	// Every accepted command line is accepted by the app without a warning.
	for _, args := range [][]string{nil, {"-preset=xor", "-width=8"}, {"-methods=sgd,1sam,lsam", "-noise=0.4", "-frames=3", "-log-every=-1"}} {
		if err := preflight.Check(args); err != nil {
			t.Errorf("Check(%q): %v", args, err)
		}
		if o, err := app.ParseArgs(args); err != nil || o.ArgErr != nil {
			t.Errorf("app.ParseArgs(%q): %v, %v", args, err, o.ArgErr)
		}
	}
}
