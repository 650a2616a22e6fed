package sim

import (
	"fmt"
	"slices"

	"github.com/samlab/samlab/core/experiment"
)

// Config is core/experiment's experiment config; the demo offers its 2-D
// presets (data kinds gauss2d and blobs).
type Config = experiment.Config

// Model is core/experiment's model config.
type Model = experiment.Model

// Setup is what every panel of a lab shares: data, network, initial weights
// (experiment.Setup, from Config.Build).
type Setup = experiment.Setup

// Preset returns a copy of the named 2-D preset of core/experiment.
func Preset(name string) (*Config, error) {
	if !slices.Contains(Presets, name) {
		return nil, fmt.Errorf("unknown demo preset %q (want one of %v)", name, Presets)
	}
	return experiment.Preset(name)
}
