//go:build torch

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/samlab/samlab/native/runner"
	"github.com/samlab/samlab/native/torchnet"
)

func init() {
	register("speed", "images/s of each method's training step on random data (LibTorch)", runSpeed)
}

func runSpeed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("speed", flag.ContinueOnError)
	methods := fs.String("methods", "sgd,sam,regsgd", "comma-separated methods")
	model := fs.String("model", "resnet18", "model: "+strings.Join(torchnet.Archs, ", "))
	norm := fs.String("norm", "bn", "normalisation: "+strings.Join(torchnet.Norms, ", "))
	width := fs.Float64("width", 1, "channel width multiplier")
	shape := fs.String("shape", "3x32x32", "input CxHxW")
	classes := fs.Int("classes", 10, "classes")
	batch := fs.Int("batch", 128, "batch size")
	steps := fs.Int("steps", 5, "timed steps per method")
	warmup := fs.Int("warmup", 1, "untimed steps first")
	rounds := fs.Int("rounds", 1, "repeat the methods this many times, interleaved, and keep each one's fastest round")
	rho := fs.Float64("rho", 0.01, "rho")
	ga := fs.Float64("gamma-act", 1e-3, "Reg-SGD gamma_act")
	gl := fs.Float64("gamma-last", 1e-3, "Reg-SGD gamma_last")
	device := fs.String("device", "auto", "device: auto, cpu, cuda")
	threads := fs.Int("threads", 0, "LibTorch threads (0: default)")
	rss := fs.Int("rss-every", 0, "print the resident set size every N steps (leak check)")
	chunk := fs.Int("chunk", 0, "examples per per-example pass (1-SAM, L-SAM, J-SAM); 0: automatic from the available memory")
	form := fs.String("form", "auto", "per-example convolutions: "+strings.Join(torchnet.Forms, ", ")+" (auto: per layer, torchnet.ConvForm)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, v := range []struct {
		name   string
		n, min int
	}{{"batch", *batch, 1}, {"steps", *steps, 1}, {"warmup", *warmup, 0}, {"rounds", *rounds, 1}, {"classes", *classes, 2},
		{"threads", *threads, 0}, {"rss-every", *rss, 0}, {"chunk", *chunk, 0}} {
		if v.n < v.min {
			return fmt.Errorf("-%s must be >= %d (got %d)", v.name, v.min, v.n)
		}
	}
	var c, h, w int
	if _, err := fmt.Sscanf(*shape, "%dx%dx%d", &c, &h, &w); err != nil {
		return fmt.Errorf("-shape %q: want CxHxW, e.g. 3x32x32", *shape)
	}
	cfg := runner.SpeedConfig{
		Methods: strings.Split(*methods, ","),
		Spec:    torchnet.Spec{Arch: *model, Norm: *norm, Width: *width, InC: c, H: h, W: w, K: *classes},
		Batch:   *batch, Steps: *steps, Warmup: *warmup, Rounds: *rounds, Rho: *rho, GammaAct: *ga, GammaLast: *gl,
		Device: *device, Threads: *threads, RSSEvery: *rss, Chunk: *chunk, Form: *form,
	}
	if err := torchnet.CheckForm(*form); err != nil {
		return fmt.Errorf("-form: %w", err)
	}
	dev, err := torchnet.ParseDevice(*device)
	if err != nil {
		return err
	}
	fmt.Printf("%s/%s width %g, input %s, batch %d, %d timed steps, %s, %d threads, per-example form %s\n",
		*model, *norm, *width, *shape, *batch, *steps, torchnet.DeviceName(dev), torchnet.SetThreads(*threads), *form)
	fmt.Printf("%-8s %10s %10s %8s %6s %10s %8s %8s %8s\n", "method", "s/step", "images/s", "x SGD", "chunk", "peak MiB", "cpu x", "MAC x", "GMAC")
	var sgd, sgdCPU, sgdMACs float64
	_, err = runner.Speed(ctx, cfg, func(r runner.SpeedResult) {
		if r.Method == "sgd" {
			sgd, sgdCPU, sgdMACs = r.StepSeconds, r.CPUStepSeconds, r.MACs
		}
		ratio, cpu, mac := "-", "-", "-"
		if sgd > 0 {
			ratio = fmt.Sprintf("%.2f", r.StepSeconds/sgd)
		}
		if sgdCPU > 0 {
			cpu = fmt.Sprintf("%.2f", r.CPUStepSeconds/sgdCPU)
		}
		if sgdMACs > 0 && r.MACs > 0 {
			mac = fmt.Sprintf("%.2f", r.MACs/sgdMACs)
		}
		chunk := "-"
		if r.Chunk > 0 {
			chunk = fmt.Sprint(r.Chunk)
		}
		fmt.Printf("%-8s %10.4f %10.1f %8s %6s %10.0f %8s %8s %8.1f\n", r.Method, r.StepSeconds, r.ImagesPerSec, ratio, chunk, float64(r.PeakKiB)/1024, cpu, mac, r.MACs/1e9)
		for _, s := range r.RSS {
			fmt.Printf("  rss after %d steps: %d KiB\n", s.Step, s.KiB)
		}
	})
	if errors.Is(err, context.Canceled) {
		return interrupted{errors.New("interrupted")}
	}
	return err
}
