// Package preflight checks samlab-desktop's command line before Ebiten
// starts, and stops the program when there is no display to open a window
// on.
//
// Ebiten initialises GLFW in a package init, and on Linux without an X
// server that init panics, before main can read a flag. This package's
// init runs before Ebiten's: the Go spec initialises packages in the order
// of their import paths among those whose imports are initialised, and
// this package imports nothing of Ebiten's, while Ebiten's internal/ui
// waits on packages whose paths sort after this one. So, on Linux with
// neither DISPLAY nor WAYLAND_DISPLAY set, or with a DISPLAY whose X server
// does not accept a connection (Reach), init checks the flags (-h prints
// them, a bad one is refused as usual), then prints one line saying there
// is no display (or which one it could not reach) and exits with status 1. cmd/samlab-desktop's no-display
// test builds the binary and holds this to account.
package preflight

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/samlab/samlab/wasm/sim"
)

// NoDisplay is the message, after "samlab-desktop: ", when there is no
// display.
const NoDisplay = "no display: run under X or xvfb-run (e.g. xvfb-run -a samlab-desktop)"

// Hint ends the message of a refused command line.
const Hint = "run samlab-desktop -h for the flags"

func init() {
	if runtime.GOOS != "linux" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return
	}
	// A test binary, whose arguments are the testing package's flags, goes
	// on: this package's tests need no display, the desktop's run under
	// xvfb-run.
	if strings.HasSuffix(filepath.Base(os.Args[0]), ".test") {
		return
	}
	msg := NoDisplay
	if d := os.Getenv("DISPLAY"); d != "" {
		err := Reach(d, time.Second)
		if err == nil {
			return
		}
		msg = fmt.Sprintf("cannot reach the display DISPLAY=%s (%v): start its X server or fix DISPLAY, or run under xvfb-run (e.g. xvfb-run -a samlab-desktop)", d, err)
	}
	if err := Check(os.Args[1:]); errors.Is(err, flag.ErrHelp) {
		Usage(os.Stderr)
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintf(os.Stderr, "samlab-desktop: %v; %s\n", err, Hint)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "samlab-desktop: "+msg)
	os.Exit(1)
}

// Reach reports whether the X server that the DISPLAY value d names
// accepts a connection within timeout: ":N" and "unix:N" through the local
// socket /tmp/.X11-unix/XN (or its abstract twin), "host:N" through TCP
// port 6000+N. It is nil when a connection opened (the server may still
// refuse the client later, which GLFW reports itself).
func Reach(d string, timeout time.Duration) error {
	i := strings.LastIndexByte(d, ':')
	if i < 0 {
		return fmt.Errorf("%q is not a display name (want [host]:N)", d)
	}
	host, num := d[:i], d[i+1:]
	if j := strings.IndexByte(num, '.'); j >= 0 {
		num = num[:j] // the screen
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 65535-6000 {
		return fmt.Errorf("%q is not a display name (want [host]:N)", d)
	}
	if host == "" || host == "unix" {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		c, err := net.DialTimeout("unix", sock, timeout)
		if err != nil {
			c, err = net.DialTimeout("unix", "@"+sock, timeout)
		}
		if err != nil {
			return fmt.Errorf("no X server listens on %s", sock)
		}
		return c.Close()
	}
	host = strings.TrimPrefix(host, "tcp/")
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), timeout)
	if err != nil {
		return fmt.Errorf("no X server answers at %s: %w", net.JoinHostPort(host, strconv.Itoa(6000+n)), err)
	}
	return c.Close()
}

// flags returns the flag set of the desktop app over p: the experiment
// flags of sim.Params and the app's own (wasm/app.ParseArgs defines the
// same; the desktop tests check that the two agree).
func flags(p *sim.Params) *flag.FlagSet {
	fs := p.FlagSet("samlab-desktop")
	fs.Int("frames", 0, "end after this many frames (0: run until closed)")
	fs.String("screenshot", "", "write the last frame to this PNG file and end")
	fs.Int("log-every", 0, "frames between frame-timer log lines (0: 60, negative: never)")
	return fs
}

// Check parses the app's arguments strictly: an unknown flag, a bad value,
// an out-of-range experiment value or a positional argument is an error of
// one line naming it (the page, by contrast, ignores bad query keys). -h
// returns flag.ErrHelp.
func Check(args []string) error {
	p := sim.PresetParams(sim.PresetOf(args))
	fs := flags(&p)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (samlab-desktop takes flags only)", fs.Arg(0))
	}
	if err := p.Validate(); err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	if f := fs.Lookup("frames").Value.(flag.Getter).Get().(int); f < 0 {
		return fmt.Errorf("-frames must be >= 0 (got %d)", f)
	}
	return nil
}

// Usage writes the usage line and the flags to w.
func Usage(w io.Writer) {
	fmt.Fprintln(w, "usage: samlab-desktop [flags]")
	PrintDefaults(w)
}

// PrintDefaults writes the flags and their defaults to w.
func PrintDefaults(w io.Writer) {
	p := sim.Default()
	fs := flags(&p)
	fs.SetOutput(w)
	fs.PrintDefaults()
}
