package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/samlab/samlab/native/dataset"
)

func init() {
	register("data", "download a dataset where train reads it (data fetch cifar10)", runData)
}

const dataUsage = `usage: samlab data fetch cifar10 [--dir data/cifar10] [--force] [--url U] [--md5 M] [--max-bytes N]

Downloads the official CIFAR-10 binary archive over HTTPS, checks its size
and MD5, and extracts its six batches and two notes into --dir, where
samlab train --dataset cifar10 reads them. A folder that already holds a
verified copy is left alone (no network). fashion-mnist and mnist are not
downloaded: samlab data fetch fashion-mnist checks for Debian's
dataset-fashion-mnist package and says how to get it.
`

// dataCmd is the data command with its outputs and source; tests replace
// them.
type dataCmd struct {
	stdout, stderr io.Writer
	terminal       bool           // stderr is a terminal: draw a progress bar
	src            dataset.Source // the default archive (--url and --md5 override)
	client         *http.Client   // nil: http.DefaultClient
}

func runData(ctx context.Context, args []string) error {
	c := dataCmd{stdout: os.Stdout, stderr: os.Stderr, terminal: term.IsTerminal(int(os.Stderr.Fd())), src: dataset.CIFAR10Source}
	return c.run(ctx, args)
}

func (c dataCmd) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return flagError{errors.New("missing subcommand: want fetch (samlab data fetch cifar10)")}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stderr, dataUsage)
		return flag.ErrHelp
	case "fetch":
		return c.fetch(ctx, args[1:])
	}
	return flagError{fmt.Errorf("unknown subcommand %q: want fetch (samlab data fetch cifar10)", args[0])}
}

// fetch runs `data fetch <dataset> [flags]`; flags may come before or after
// the dataset name.
func (c dataCmd) fetch(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("data fetch", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // a flag error is one line (below); -h prints the usage
	dir := fs.String("dir", "", "target `folder`, not a mount point (default "+dataset.DefaultDir("cifar10")+", the folder samlab train --dataset cifar10 reads)")
	force := fs.Bool("force", false, "download and replace even a valid copy")
	src := c.src
	fs.StringVar(&src.URL, "url", src.URL, "archive `URL`, for a mirror of the same file (a password in it is never printed)")
	fs.StringVar(&src.MD5, "md5", src.MD5, "expected `MD5` of the archive (change it only with --url for a different archive)")
	maxBytes := fs.Int64("max-bytes", dataset.DefaultMaxBytes, "the most `bytes` to download for an archive of unknown size (another --md5); the official archive is held to its own size")
	var pos []string
	rest := args
	for {
		err := fs.Parse(rest)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stderr, dataUsage+"\nflags:\n")
			fs.SetOutput(c.stderr)
			fs.PrintDefaults()
			return err
		}
		if err != nil {
			return flagError{fmt.Errorf("%v (samlab data fetch -h lists the flags)", err)}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) == 0 {
		return flagError{errors.New("fetch: missing dataset: want cifar10 (fashion-mnist and mnist are installed otherwise: samlab data fetch fashion-mnist says how)")}
	}
	if len(pos) > 1 {
		return flagError{fmt.Errorf("unexpected argument %q: samlab data fetch takes one dataset (samlab data fetch -h lists the flags)", pos[1])}
	}
	d, err := dataset.Lookup(pos[0])
	if err != nil {
		return flagError{fmt.Errorf("fetch: unknown dataset %q: want %s (samlab downloads cifar10; fashion-mnist and mnist are installed otherwise)", pos[0], strings.Join(dataset.Names, ", "))}
	}
	if d.Source == nil { // not downloaded: say how to get it
		var set []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "dir" {
				set = append(set, "--"+f.Name)
			}
		})
		if len(set) > 0 {
			return flagError{fmt.Errorf("fetch %s: %s apply to cifar10 only", d.Name, strings.Join(set, ", "))}
		}
		return c.notFetched(d, *dir)
	}

	src.MD5 = strings.ToLower(strings.TrimSpace(src.MD5))
	if err := dataset.CheckMD5(src.MD5); err != nil {
		return flagError{fmt.Errorf("--md5: %w", err)}
	}
	if src.MD5 != strings.ToLower(c.src.MD5) {
		src.Size = 0 // a different archive: its size is not known
	}
	if err := dataset.CheckURL(src.URL); err != nil {
		return flagError{fmt.Errorf("--url: %w", err)}
	}
	if *maxBytes <= 0 {
		return flagError{fmt.Errorf("--max-bytes %d: want a positive number of bytes", *maxBytes)}
	}
	if *dir == "" {
		*dir = dataset.DefaultDir("cifar10")
	}
	*dir = filepath.Clean(*dir) // data/cifar10/ is data/cifar10
	if !*force && src.Check(*dir) == nil {
		fmt.Fprintf(c.stdout, "cifar10: valid copy in %s, nothing to download\n", *dir)
		return nil
	}
	p := &fetchProgress{w: c.stderr, terminal: c.terminal, url: dataset.RedactURL(src.URL), dir: *dir}
	res, err := dataset.Fetch(ctx, src, *dir, dataset.FetchOptions{Force: *force, Client: c.client, Progress: p.update, MaxBytes: *maxBytes})
	p.finish(err == nil)
	var big *dataset.TooBigError
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return interrupted{err}
	case errors.As(err, &big) && !big.Known:
		return fmt.Errorf("%w (--max-bytes %d)", err, *maxBytes)
	default:
		return err
	}
	if res.Skipped { // a valid copy appeared meanwhile
		fmt.Fprintf(c.stdout, "cifar10: valid copy in %s, nothing to download\n", *dir)
		return nil
	}
	reads := "samlab train --dataset cifar10"
	if *dir != dataset.DefaultDir("cifar10") {
		reads += " --data " + *dir
	}
	fmt.Fprintf(c.stdout, "cifar10: md5 %s ok (%s), %d files in %s; %s reads them\n",
		src.MD5, megabytes(res.Bytes), len(res.Files), res.Dir, reads)
	return nil
}

// notFetched explains where a dataset samlab does not download comes from
// (fashion-mnist, mnist); it succeeds when dir (or the default folder)
// already holds a loadable copy.
func (c dataCmd) notFetched(d dataset.Info, dir string) error {
	if dir == "" {
		dir = d.Dir
	}
	train, test, err := d.Load(dir)
	if err == nil {
		fmt.Fprintf(c.stdout, "%s: found in %s (%d train, %d test images), nothing to download\n", d.Name, dir, train.N, test.N)
		return nil
	}
	return fmt.Errorf("fetch %s: not downloaded (samlab data fetch gets cifar10 only); %s (not usable in %s: %v)", d.Name, d.Get, dir, err)
}

// fetchProgress shows the download: a line naming the URL once the server
// answers, then a progress bar on a terminal, else a line every 10% (every
// 16 MB when the size is unknown), never a carriage return.
type fetchProgress struct {
	w        io.Writer
	terminal bool
	url, dir string
	started  bool
	bar      *progressbar.ProgressBar
	step     int64 // last reported tenth, or 16 MB block
}

func (p *fetchProgress) update(done, total int64) {
	if !p.started {
		p.started = true
		size := "size unknown"
		if total >= 0 {
			size = megabytes(total)
		}
		fmt.Fprintf(p.w, "cifar10: downloading %s (%s) into %s\n", p.url, size, p.dir)
	}
	if p.terminal {
		if p.bar == nil {
			p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription("cifar10"), progressbar.OptionShowBytes(true),
				progressbar.OptionShowTotalBytes(true), progressbar.OptionShowCount(), progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(),
				progressbar.OptionSpinnerType(14))
		}
		_ = p.bar.Set64(done)
		return
	}
	if total > 0 {
		if s := done * 10 / total; s > p.step {
			p.step = s
			fmt.Fprintf(p.w, "cifar10: %d%% (%s of %s)\n", s*10, megabytes(done), megabytes(total))
		}
		return
	}
	if s := done >> 24; s > p.step {
		p.step = s
		fmt.Fprintf(p.w, "cifar10: %s\n", megabytes(done))
	}
}

// finish removes the bar (so that an error line starts on a clean line).
func (p *fetchProgress) finish(ok bool) {
	if p.bar == nil {
		return
	}
	if ok {
		_ = p.bar.Finish()
	}
	_ = p.bar.Clear()
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
