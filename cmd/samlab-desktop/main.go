// Command samlab-desktop is the samlab demo in a native window (cgo, X11
// and OpenGL on Linux: make desktop installs the Debian packages). It takes
// the browser page's URL query keys as flags:
//
//	samlab-desktop -methods=sgd,1sam -noise=0.3 -rho=0.05 -seed=7
//
// and -screenshot FILE -frames N to save frame N as a PNG and quit.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/samlab/samlab/wasm/app"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "usage: samlab-desktop [flags]")
			app.Usage(os.Stderr)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "samlab-desktop:", err)
		os.Exit(1)
	}
}

// run parses args and runs the app; invalid experiment values are errors
// here (a typo on the command line should not silently fall back).
func run(args []string) error {
	o, err := app.ParseArgs(args)
	if err != nil {
		return err
	}
	if o.ArgErr != nil {
		return o.ArgErr
	}
	return app.Run(o)
}
