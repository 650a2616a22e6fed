package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/samlab/samlab/wasm/sim"
)

// Options configure a run of the app.
type Options struct {
	// Params is the experiment the app opens with.
	Params sim.Params
	// ArgErr, if not nil, is shown in the canvas: the arguments (URL query)
	// that were ignored and why.
	ArgErr error
	// Frames, if > 0, ends the app after that many frames.
	Frames int
	// Screenshot, if set, is a PNG file the app writes its last frame to
	// (the frame Frames, or frame 60 if Frames is 0), then it ends.
	Screenshot string
	// LogEvery is the number of frames between the frame timer's log lines
	// (0: 60; negative: never).
	LogEvery int
	// Log receives the app's log lines (nil: standard output, which the
	// browser shows as console.log).
	Log io.Writer
}

// ParseArgs parses the app's arguments: the experiment flags of sim.Params
// (the URL query keys) and -frames, -screenshot and -log-every. Invalid
// experiment values are not fatal: they are reported in ArgErr and the
// defaults are used, so a bad shared link still opens the demo. Only
// malformed app flags return an error. The page parses its URL query with
// ParseQuery, which never fails.
func ParseArgs(args []string) (Options, error) {
	var o Options
	p := sim.Start(args)
	fs := appFlags(&o, &p)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		o.Params, o.ArgErr = sim.Default(), fmt.Errorf("ignored arguments: %w", err)
		return o, nil
	}
	if fs.NArg() > 0 {
		o.ArgErr = fmt.Errorf("ignored arguments %q", fs.Args())
	}
	if err := p.Validate(); err != nil {
		o.Params, o.ArgErr = sim.Default(), fmt.Errorf("ignored arguments: %w", err)
		return o, nil
	}
	if o.Frames < 0 {
		return o, fmt.Errorf("-frames must be >= 0 (got %d)", o.Frames)
	}
	o.Params = p
	return o, nil
}

// appFlags returns the flag set of the app's arguments over o and p: the
// experiment flags of sim.Params and the app's own.
func appFlags(o *Options, p *sim.Params) *flag.FlagSet {
	fs := p.FlagSet("samlab")
	fs.IntVar(&o.Frames, "frames", o.Frames, "end after this many frames (0: run until closed)")
	fs.StringVar(&o.Screenshot, "screenshot", o.Screenshot, "write the last frame to this PNG file and end")
	fs.IntVar(&o.LogEvery, "log-every", o.LogEvery, "frames between frame-timer log lines (0: 60, negative: never)")
	return fs
}

// ParseQuery parses the page's URL query (as index.html passes it: one
// -key=value argument per key) and never fails, so that no link leaves the
// page blank or frozen: sim.PageArgs sets aside what the page does not
// read (a query too long, help, the desktop-only -frames and -screenshot,
// unknown keys), ParseArgs reads the rest. Everything ignored is named in
// ArgErr, one line per reason, which the page shows as notices.
func ParseQuery(args []string) Options {
	var own []string
	appFlags(&Options{}, &sim.Params{}).VisitAll(func(f *flag.Flag) { own = append(own, f.Name) })
	kept, ignored := sim.PageArgs(args, own...)
	o, err := ParseArgs(kept)
	if err != nil {
		o = Options{Params: sim.Default(), ArgErr: fmt.Errorf("ignored arguments: %w", err)}
	}
	if o.ArgErr != nil {
		ignored = append([]string{o.ArgErr.Error()}, ignored...)
	}
	o.ArgErr = nil
	if len(ignored) > 0 {
		o.ArgErr = errors.New(strings.Join(ignored, "\n"))
	}
	return o
}

// Usage writes the flags to w.
func Usage(w io.Writer) {
	p := sim.Default()
	fs := appFlags(&Options{}, &p)
	fs.SetOutput(w)
	fs.PrintDefaults()
}
