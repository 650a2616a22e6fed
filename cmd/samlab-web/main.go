// Command samlab-web serves the browser demo: the page, Go's wasm_exec.js
// and the demo's WebAssembly module, all embedded in the binary (package
// assets). It binds the loopback interface by default and prints the URL:
//
//	samlab-web              # http://127.0.0.1:8080/
//	samlab-web -port 9000
//	samlab-web -host 0.0.0.0   # all interfaces: warns that the demo is exposed
//
// Build it with make serve (or make run), which builds the wasm first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/samlab/samlab/assets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := command{fsys: assets.FS(), stdout: os.Stdout, stderr: os.Stderr, timeouts: defaultTimeouts}
	code := c.main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// timeouts bound how long the server waits on a client (http.Server's
// fields of the same names).
type timeouts struct {
	readHeader, read, write, idle time.Duration
}

// defaultTimeouts suit a demo whose largest file is the wasm module (about
// 3 MB gzipped, 12 MB raw): a request is headers only, so reading it is
// quick; writing allows a slow link; an idle keep-alive connection is
// closed after a minute.
var defaultTimeouts = timeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 3 * time.Minute, idle: time.Minute}

// command is samlab-web from its arguments to the running server. Its
// outputs and timeouts are fields so that tests can capture and shorten
// them.
type command struct {
	fsys           fs.FS // the files to serve (assets.FS())
	stdout, stderr io.Writer
	timeouts       timeouts
}

// errUsage marks errors in the command line.
var errUsage = errors.New("run samlab-web -h for the flags")

// main runs the command until ctx is done and returns the exit status; an
// error is printed as one line on stderr.
func (c command) main(ctx context.Context, args []string) int {
	err := c.run(ctx, args)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(c.stderr, "samlab-web:", err)
		return 2
	}
	fmt.Fprintln(c.stderr, "samlab-web:", err)
	return 1
}

// run parses args, listens and serves until ctx is done.
func (c command) run(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("samlab-web", flag.ContinueOnError)
	fl.SetOutput(io.Discard) // errors are returned as one line; -h prints the usage below
	port := fl.Int("port", 8080, "TCP port to listen on (0: any free port)")
	host := fl.String("host", "127.0.0.1", "interface to bind (the loopback by default; 0.0.0.0 exposes the demo to the network)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(c.stderr, "usage: samlab-web [-host ADDRESS] [-port N]")
			fl.SetOutput(c.stderr)
			fl.PrintDefaults()
			return err
		}
		return fmt.Errorf("%v; %w", err, errUsage)
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (samlab-web takes flags only); %w", fl.Arg(0), errUsage)
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("-port must be in [0, 65535] (got %d); %w", *port, errUsage)
	}
	if err := checkAssets(c.fsys); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("listen on -host %q -port %d: %w", *host, *port, err)
	}
	url, note, exposed := pageURL(ln.Addr().(*net.TCPAddr))
	if exposed {
		fmt.Fprintf(c.stderr, "samlab-web: warning: -host %q: the demo is exposed to the network (anyone who can reach this machine can open it; the default -host 127.0.0.1 keeps it local)\n", *host)
	}
	t := c.timeouts
	srv := &http.Server{
		Handler:           NewHandler(c.fsys),
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
	}
	fmt.Fprintf(c.stdout, "samlab demo: %s  (%sCtrl+C to stop)\n", url, note)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// pageURL returns the URL a browser on this machine opens for the listening
// address a, a note to print beside it, and whether a is reachable from
// other machines. An unspecified address (0.0.0.0, ::) listens on every
// interface: the URL names the loopback, which is among them. IPv6 hosts
// are bracketed, with the zone escaped.
func pageURL(a *net.TCPAddr) (url, note string, exposed bool) {
	host := a.IP.String()
	switch {
	case a.IP.IsUnspecified():
		host, note = "127.0.0.1", "listening on all interfaces; "
	case a.Zone != "":
		host += "%25" + a.Zone
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/", note, !a.IP.IsLoopback()
}

// checkAssets reports build outputs missing from the embedded tree.
func checkAssets(fsys fs.FS) error {
	for _, name := range []string{"index.html", "wasm_exec.js", assets.WASM} {
		if _, err := fs.Stat(fsys, name); err != nil {
			return fmt.Errorf("%s is not embedded (run make wasm before building the server, or use make serve): %w", name, err)
		}
	}
	return nil
}
