// Command samlab is the samlab command line: toy experiments (toy), the
// paper-claims report (report) and, when built with -tags torch, the
// LibTorch benchmarks (train, sweep, collect, speed).
//
// Usage:
//
//	samlab <command> [flags]
//	samlab help <command>
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand; each file registers its own in init.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: samlab <command> [flags]   (samlab <command> -h for its flags)")
	fmt.Fprintln(os.Stderr, "commands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", n, commands[n].summary)
	}
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		if len(os.Args) == 3 {
			if c, ok := commands[os.Args[2]]; ok {
				_ = c.run(context.Background(), []string{"-h"})
				return
			}
		}
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "samlab: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	// SIGTERM (Slurm pre-emption, timeout) is handled as Ctrl-C: the run
	// saves its state and exits with ExitInterrupted.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := c.run(ctx, os.Args[2:])
	stop()
	os.Exit(exitStatus(os.Stderr, os.Args[1], err))
}

// ExitInterrupted is the exit status of a command stopped by Ctrl-C or
// SIGTERM (128 + SIGINT, as shells report it), so that `samlab train && next`
// does not carry on.
const ExitInterrupted = 130

// interrupted marks an error as the result of an interruption.
type interrupted struct{ err error }

func (e interrupted) Error() string { return e.err.Error() }
func (e interrupted) Unwrap() error { return e.err }

// exitStatus prints err (one "samlab <cmd>: " line per line of it) and returns
// the exit status: 0 without error or for -h, ExitInterrupted after an
// interruption, 2 for a flag error, 1 otherwise.
func exitStatus(w io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "samlab %s: %s\n", name, line)
	}
	var fe flagError
	switch {
	case errors.As(err, &interrupted{}):
		return ExitInterrupted
	case errors.As(err, &fe):
		return 2
	}
	return 1
}

// flagError is a command-line syntax error.
type flagError struct{ error }

// parseFlags parses args with fs: a bad flag is one line naming it and
// pointing at -h (not the whole usage, twice), -h prints the usage, and a
// positional argument is an error (every samlab command takes flags only).
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(os.Stderr)
		fmt.Fprintf(os.Stderr, "usage: samlab %s [flags]\n", fs.Name())
		fs.PrintDefaults()
		return err
	case err != nil:
		return flagError{fmt.Errorf("%v (samlab %s -h lists the flags)", err, fs.Name())}
	case fs.NArg() > 0:
		return flagError{fmt.Errorf("unexpected argument %q: samlab %s takes flags only (samlab %s -h lists them)", fs.Arg(0), fs.Name(), fs.Name())}
	}
	return nil
}
