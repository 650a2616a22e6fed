// Command samlab-desktop is the samlab demo in a native window (cgo, X11
// and OpenGL on Linux: make desktop installs the Debian packages). It takes
// the browser page's URL query keys as flags:
//
//	samlab-desktop -methods=sgd,1sam -noise=0.3 -rho=0.05 -seed=7
//
// and -screenshot FILE -frames N to save frame N as a PNG and quit.
// Without a display (DISPLAY and WAYLAND_DISPLAY unset on Linux, or a
// DISPLAY whose X server cannot be reached) it checks its flags, then says
// so in one line and exits 1; run it under xvfb-run there.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/samlab/samlab/cmd/samlab-desktop/internal/preflight"
	"github.com/samlab/samlab/wasm/app"
)

func main() {
	err := run(os.Args[1:])
	var ue usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(os.Stderr, "usage: samlab-desktop [flags]")
		app.Usage(os.Stderr)
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "samlab-desktop: %v; %s\n", err, preflight.Hint)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "samlab-desktop:", err)
		os.Exit(1)
	}
}

// usageError is a refused command line.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// run parses args and runs the app. Arguments are checked strictly
// (preflight.Check): a typo on the command line is refused rather than
// shown in the window and ignored, as the page does with its URL query.
func run(args []string) error {
	if err := preflight.Check(args); errors.Is(err, flag.ErrHelp) {
		return err
	} else if err != nil {
		return usageError{err}
	}
	o, err := app.ParseArgs(args)
	if err != nil {
		return usageError{err}
	}
	if o.ArgErr != nil {
		return usageError{o.ArgErr}
	}
	return app.Run(o)
}
