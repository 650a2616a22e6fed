// Package sim is the demo's state without any graphics: the parameters a
// page shares through its URL query (or the desktop app takes as flags), the
// panels that train one method each on the same data and initial weights,
// their accuracy curves, and heat maps rendered into RGBA buffers. It builds
// for js/wasm and natively and imports nothing from Ebiten, so plain
// `go test` runs it without a display.
package sim

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samlab/samlab/core/optim"
)

// Presets lists the presets the demo offers: core/experiment's presets
// whose data lie in the plane, which the panels show as planes with heat
// maps; noisyplane, whose classes lie in a plane among noise dimensions,
// shown as that plane (the heat maps at the noise coordinates 0); and
// highdim, the paper's own toy (a linear model on 1000-D data), which they
// show through its margins and a projection (InPlane).
var Presets = []string{"noisyplane", "demo", "linear2d", "wide2d", "xor", "blobs3", "highdim"}

// DefaultPreset is the preset of the page without a query: the measured
// scene in which SGD and 1-SAM differ as the paper describes (docs/web.md,
// "The default scene, measured").
const DefaultPreset = "noisyplane"

// InPlane reports whether preset's data lie in the plane (a 2-D preset,
// shown as planes with heat maps) rather than in many dimensions (highdim,
// shown as the margin view and the projection; its model is the paper's
// linear one, so the model and width controls do not apply).
func InPlane(preset string) bool { return preset != "highdim" }

// The limits of the values a user can set.
const (
	MinPanels = 1
	MaxPanels = 4
	MinPoints = 20
	MaxPoints = 2000
	MinWidth  = 2
	MaxWidth  = 256
	MaxSpeed  = 64
	MaxSteps  = 100000
	MaxNoise  = 0.5
	MaxRho    = 16.0
	MaxLR     = 5.0
	// DefaultSeed is the seed the presets start on (PresetParams), but
	// DefaultPreset, which starts on SceneSeed.
	DefaultSeed = 6
	// SceneSeed is the seed of the page without a query (DefaultPreset):
	// the seed of the median score (the upper of the two middle ones) over
	// seeds 1-20 after 1800 steps, 30 s of the page (docs/web.md, "The
	// default scene, measured"; TestMeasureDefaultSeeds).
	SceneSeed = 16
	// TestPoints caps the test set (the demo measures test accuracy on
	// every curve sample, in the frame budget).
	TestPoints = 500
)

// Params is everything that defines an experiment in the demo, the state a
// URL query shares. Zero or negative values of Noise, Rho, LR, Model, Width
// and Points mean "the preset's value" (Noise and Rho use -1 for that, as 0
// is meaningful for both); Resolve fills them in.
type Params struct {
	// Preset is the base experiment, one of Presets.
	Preset string
	// Methods holds one canonical method name per panel (MinPanels..MaxPanels).
	Methods []string
	// Noise is the fraction of flipped training labels in [0, 0.5]; -1: preset.
	Noise float64
	// Rho is the SAM radius used by every SAM variant; -1: the preset's
	// per-method values.
	Rho float64
	// LR is the learning rate; 0: preset.
	LR float64
	// Model is "linear" or "mlp"; "": preset.
	Model string
	// Width is the width of each of the MLP's hidden layers; 0: preset.
	Width int
	// Points is the number of training points; 0: preset.
	Points int
	// Seed draws the data and the initial weights.
	Seed uint64
	// Speed is the number of training steps per frame while playing (>= 1).
	Speed int
	// Steps fast-forwards the panels to this many steps when the demo
	// opens (0: start at step 0), so a link can share a trained state.
	Steps int
	// Test shows the test points.
	Test bool
	// Paused starts the demo paused (it plays by default).
	Paused bool
	// Shares draws every training point with an area proportional to its
	// share of its panel's last update (ShareRadius) instead of at one
	// size: the gradient-share view.
	Shares bool
	// Embed shows the canvas without the sidebar, for a course page's
	// iframe: the panels and curves take the full width, the keys still
	// work and the share line stays. It is a property of the page, not of
	// the experiment: Query leaves it out, so a shared link opens the full
	// page.
	Embed bool
	// Pts holds a user's own points, encoded (EncodePoints, link.go): the
	// query key pts, empty for the preset's points only.
	Pts string
	// Tour is the guided tour's step (1..len(Tour); 0: outside the tour).
	Tour int
}

// Default returns the parameters of the page without a query: SGD beside
// 1-SAM on DefaultPreset, at its sizes (PresetParams).
func Default() Params {
	return PresetParams(DefaultPreset)
}

// PresetParams returns the starting parameters for a preset: SGD beside
// 1-SAM, the default seed (SceneSeed for DefaultPreset), the preset's values (demo as it is: 400 points,
// MLP 2-32-32-1), except that xor and blobs3 start narrower (width 24 and
// 16) and blobs3 with fewer points (240), so that a step of both methods
// plus a heat-map refresh fit in a browser frame (docs/web.md).
func PresetParams(preset string) Params {
	p := Params{Preset: preset, Methods: []string{"sgd", "1sam"}, Noise: -1, Rho: -1, Seed: DefaultSeed, Speed: DefaultSpeed}
	switch preset {
	case DefaultPreset:
		p.Seed = SceneSeed
	case "xor":
		p.Width = 24
	case "blobs3":
		p.Points, p.Width = 240, 16
	}
	return p
}

// DefaultSpeed is the default number of steps per frame (see docs/web.md
// for the per-frame cost it gives in the browser).
const DefaultSpeed = 1

// FlagSet returns a flag set whose flags set p's fields; the names are the
// URL query keys (methods, noise, rho, lr, model, width, n, seed, speed,
// steps, test, paused, shares, preset, embed, pts).
func (p *Params) FlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&p.Preset, "preset", p.Preset, "base experiment: "+strings.Join(Presets, ", "))
	fs.Func("methods", "comma-separated methods, one panel each (1 to 4 of "+strings.Join(optim.Names, ", ")+")", func(s string) error {
		m, err := ParseMethods(s)
		if err != nil {
			return err
		}
		p.Methods = m
		return nil
	})
	fs.Float64Var(&p.Noise, "noise", p.Noise, "fraction of flipped training labels in [0, 0.5] (-1: preset)")
	fs.Float64Var(&p.Rho, "rho", p.Rho, "SAM radius for every SAM variant (-1: the preset's per-method values)")
	fs.Float64Var(&p.LR, "lr", p.LR, "learning rate (0: preset)")
	fs.StringVar(&p.Model, "model", p.Model, "model: linear or mlp (empty: preset)")
	fs.IntVar(&p.Width, "width", p.Width, "width of each MLP hidden layer (0: preset)")
	fs.IntVar(&p.Points, "n", p.Points, "number of training points (0: preset)")
	fs.Uint64Var(&p.Seed, "seed", p.Seed, "seed of the data and initial weights")
	fs.IntVar(&p.Speed, "speed", p.Speed, "training steps per frame while playing")
	fs.IntVar(&p.Steps, "steps", p.Steps, "fast-forward to this many training steps on opening")
	fs.BoolVar(&p.Test, "test", p.Test, "show the test points")
	fs.BoolVar(&p.Paused, "paused", p.Paused, "start paused")
	fs.BoolVar(&p.Shares, "shares", p.Shares, "draw each training point with an area proportional to its share of the update")
	fs.StringVar(&p.Pts, "pts", p.Pts, "a user's own points, encoded (see docs/web.md)")
	fs.BoolVar(&p.Embed, "embed", p.Embed, "no sidebar: the panels and curves only, for a course page's iframe")
	fs.IntVar(&p.Tour, "tour", p.Tour, fmt.Sprintf("guided tour step, 1 to %d (0: none)", len(Tour)))
	return fs
}

// ParseMethods parses a comma-separated list of 1 to 4 method names.
func ParseMethods(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		m, err := optim.Canonical(f)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) < MinPanels || len(out) > MaxPanels {
		return nil, fmt.Errorf("methods: want %d to %d methods (got %d)", MinPanels, MaxPanels, len(out))
	}
	return out, nil
}

// Validate reports every out-of-range value, and a scene whose step is
// estimated too slow for the page (StepMs past MaxStepMs).
func (p Params) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !slices.Contains(Presets, p.Preset) {
		add("preset must be one of %s (got %q)", strings.Join(Presets, ", "), p.Preset)
	}
	if len(p.Methods) < MinPanels || len(p.Methods) > MaxPanels {
		add("methods: want %d to %d methods (got %d)", MinPanels, MaxPanels, len(p.Methods))
	}
	for _, m := range p.Methods {
		if _, err := optim.Canonical(m); err != nil {
			add("methods: %v", err)
		}
	}
	if p.Noise != -1 && !(p.Noise >= 0 && p.Noise <= MaxNoise) {
		add("noise must be in [0, %g] (got %g)", MaxNoise, p.Noise)
	}
	if p.Rho != -1 && !(p.Rho >= 0 && p.Rho <= MaxRho) {
		add("rho must be in [0, %g] (got %g)", MaxRho, p.Rho)
	}
	if !(p.LR >= 0 && p.LR <= MaxLR) {
		add("lr must be in (0, %g] (got %g)", MaxLR, p.LR)
	}
	switch p.Model {
	case "", "linear", "mlp":
	default:
		add("model must be linear or mlp (got %q)", p.Model)
	}
	if p.Width != 0 && (p.Width < MinWidth || p.Width > MaxWidth) {
		add("width must be in [%d, %d] (got %d)", MinWidth, MaxWidth, p.Width)
	}
	if !InPlane(p.Preset) {
		if p.Model == "mlp" {
			add("model: the %s preset trains the paper's linear model (got %q)", p.Preset, p.Model)
		}
		if p.Width != 0 {
			add("width: the %s preset's model is linear, with no hidden layer (got %d)", p.Preset, p.Width)
		}
	}
	if p.Points != 0 && (p.Points < MinPoints || p.Points > MaxPoints) {
		add("n must be in [%d, %d] (got %d)", MinPoints, MaxPoints, p.Points)
	}
	if p.Steps < 0 || p.Steps > MaxSteps {
		add("steps must be in [0, %d] (got %d)", MaxSteps, p.Steps)
	}
	if p.Tour < 0 || p.Tour > len(Tour) {
		add("tour must be in [0, %d] (got %d)", len(Tour), p.Tour)
	}
	if p.Speed < 1 || p.Speed > MaxSpeed {
		add("speed must be in [1, %d] (got %d)", MaxSpeed, p.Speed)
	}
	if p.Pts != "" {
		if !InPlane(p.Preset) {
			add("pts: points are 2-D, and the %s preset's have many dimensions", p.Preset)
		} else if _, err := DecodePoints(p.Pts); err != nil {
			add("pts (%d characters): %v", len(p.Pts), err)
		}
	}
	if len(errs) == 0 {
		errs = append(errs, p.checkCost()) // the frame budget's hard bound (budget.go)
	}
	return errors.Join(errs...)
}

// Parse parses program arguments (flags named as the URL query keys, e.g.
// -methods=sgd,1sam -noise=0.3) over the defaults. Extra flags the caller
// registers on the returned flag set's siblings are not known here: use
// FlagSet directly to add them.
func Parse(args []string) (Params, error) {
	p := Start(args)
	fs := p.FlagSet("samlab-demo")
	if err := fs.Parse(args); err != nil {
		return Default(), fmt.Errorf("arguments: %w", err)
	}
	if fs.NArg() > 0 {
		return Default(), fmt.Errorf("arguments: unexpected %q", fs.Args())
	}
	if err := p.Validate(); err != nil {
		return Default(), fmt.Errorf("arguments: %w", err)
	}
	return p, nil
}

// PresetOf returns the preset named by a -preset flag in args, or
// DefaultPreset.
// Parsers start from PresetParams(PresetOf(args)), so that the preset's
// own sizes apply unless other flags override them.
func PresetOf(args []string) string {
	name := DefaultPreset
	for i, a := range args {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if v, ok := strings.CutPrefix(a, "preset="); ok {
			name = v
		} else if a == "preset" && i+1 < len(args) {
			name = args[i+1]
		}
	}
	if !slices.Contains(Presets, name) {
		return DefaultPreset
	}
	return name
}

// Query returns the URL query (without "?") that reopens this experiment.
// Methods and seed are always present; other values only when set, and
// width and n also when 0 ("the preset's value") differs from where the
// preset starts (PresetParams).
func (p Params) Query() string {
	start := PresetParams(p.Preset)
	var kv []string
	add := func(k, v string) { kv = append(kv, k+"="+url.QueryEscape(v)) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
	if p.Preset != DefaultPreset {
		add("preset", p.Preset)
	}
	kv = append(kv, "methods="+strings.Join(p.Methods, ","))
	if p.Noise >= 0 {
		add("noise", f(p.Noise))
	}
	if p.Rho >= 0 {
		add("rho", f(p.Rho))
	}
	if p.LR > 0 {
		add("lr", f(p.LR))
	}
	if p.Model != "" {
		add("model", p.Model)
	}
	if p.Model != "linear" && (p.Width > 0 || p.Width != start.Width) {
		add("width", strconv.Itoa(p.Width))
	}
	if p.Points > 0 || p.Points != start.Points {
		add("n", strconv.Itoa(p.Points))
	}
	add("seed", strconv.FormatUint(p.Seed, 10))
	if p.Speed != DefaultSpeed {
		add("speed", strconv.Itoa(p.Speed))
	}
	if p.Steps > 0 {
		add("steps", strconv.Itoa(p.Steps))
	}
	if p.Test {
		add("test", "true")
	}
	if p.Shares {
		add("shares", "true")
	}
	if p.Tour > 0 {
		add("tour", strconv.Itoa(p.Tour))
	}
	if p.Pts != "" {
		add("pts", p.Pts)
	}
	return strings.Join(kv, "&")
}

// Args returns the program arguments equivalent to Query, the form the
// desktop app takes.
func (p Params) Args() []string {
	v, _ := url.ParseQuery(p.Query())
	var out []string
	for _, k := range []string{"preset", "methods", "noise", "rho", "lr", "model", "width", "n", "seed", "speed", "steps", "test", "shares", "tour", "pts"} {
		if x, ok := v[k]; ok {
			out = append(out, "-"+k+"="+x[0])
		}
	}
	return out
}

// Config returns the experiment these parameters describe, with the
// preset's values where p leaves them unset.
func (p Params) Config() (*Config, error) {
	cfg, err := Preset(p.Preset)
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	cfg.Data.NTest = min(cfg.Data.NTest, TestPoints)
	if p.Noise >= 0 {
		cfg.Data.Noise = p.Noise
	}
	if p.Points > 0 {
		cfg.Data.NTrain = p.Points
	}
	if p.LR > 0 {
		cfg.Train.LR = p.LR
	}
	act := cfg.Model.Activation
	if act == "" {
		act = "relu"
	}
	layers := max(1, len(cfg.Model.Hidden))
	if cfg.Model.Kind != "mlp" {
		layers = 2
	}
	width := 16
	if len(cfg.Model.Hidden) > 0 {
		width = cfg.Model.Hidden[0]
	}
	if p.Width > 0 {
		width = p.Width
	}
	if p.Model == "linear" {
		cfg.Model = Model{Kind: "linear", Bias: true}
	} else if p.Model == "mlp" || (cfg.Model.Kind == "mlp" && p.Width > 0) {
		cfg.Model = Model{Kind: "mlp", Hidden: slices.Repeat([]int{width}, layers), Activation: act, Bias: true}
	}
	if p.Rho >= 0 {
		cfg.Train.Rho = p.Rho
		cfg.MethodRho = map[string]float64{}
		for _, m := range optim.Names {
			cfg.MethodRho[m] = p.Rho
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	return cfg, nil
}

// Rho returns the radius method m trains with under cfg (0 for SGD and Reg-SGD).
func Rho(cfg *Config, m string) float64 {
	if !UsesRho(m) {
		return 0
	}
	return cfg.RunConfig(m).Rho
}

// UsesRho reports whether method m has a perturbation radius
// (optim.Traits.Rho).
func UsesRho(m string) bool { return optim.Of(m).Rho }
