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
	"os"
	"os/signal"
	"sort"
	"strings"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := c.run(ctx, os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(os.Stderr, "samlab %s: %s\n", os.Args[1], line)
		}
		os.Exit(1)
	}
}
