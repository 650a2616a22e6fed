// Command samlab-web serves the browser demo: the page, Go's wasm_exec.js
// and the demo's WebAssembly module, all embedded in the binary (package
// assets). It binds the loopback interface by default and prints the URL:
//
//	samlab-web              # http://127.0.0.1:8080/
//	samlab-web -port 9000
//
// Build it with make serve (or make run), which builds the wasm first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "samlab-web:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("samlab-web", flag.ContinueOnError)
	port := fl.Int("port", 8080, "TCP port to listen on")
	host := fl.String("host", "127.0.0.1", "interface to bind (the loopback by default; 0.0.0.0 exposes the demo to the network)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("-port must be in [0, 65535] (got %d)", *port)
	}
	if err := checkAssets(assets.FS()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: NewHandler(assets.FS()), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("samlab demo: http://%s/  (Ctrl+C to stop)\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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

// checkAssets reports build outputs missing from the embedded tree.
func checkAssets(fsys fs.FS) error {
	for _, name := range []string{"index.html", "wasm_exec.js", assets.WASM} {
		if _, err := fs.Stat(fsys, name); err != nil {
			return fmt.Errorf("%s is not embedded (run make wasm before building the server, or use make serve): %w", name, err)
		}
	}
	return nil
}
