package torchnet

import (
	"fmt"
	"strings"
)

// Spec describes a model: architecture, normalisation, width and the input
// and output sizes. It is plain data (no build tag) so configs can hold it.
type Spec struct {
	// Arch is "resnet18" (CIFAR stem: 3x3 conv, no max-pool) or "cnn" (two
	// conv blocks with max-pool, then a hidden linear layer).
	Arch string `yaml:"model" json:"model"`
	// Norm is "bn" (BatchNorm), "ln" (LayerNorm over C,H,W with per-channel
	// affine, i.e. GroupNorm with one group), "gn" (GroupNorm, up to 32
	// groups) or "none".
	Norm string `yaml:"norm" json:"norm"`
	// Width multiplies the channel counts (ResNet18: 64,128,256,512;
	// cnn: 32,64 and 128 hidden units). 0 means 1. "linear" is softmax
	// regression on the pixels (tests and sanity runs; hidden = the input).
	Width float64 `yaml:"width" json:"width"`
	// InC, H, W are the input channels and image size; K the classes.
	InC int `yaml:"-" json:"in_channels"`
	H   int `yaml:"-" json:"height"`
	W   int `yaml:"-" json:"width_px"`
	K   int `yaml:"-" json:"classes"`
}

// Archs and Norms list the accepted values of Spec.Arch and Spec.Norm.
var (
	Archs = []string{"resnet18", "cnn", "linear"}
	Norms = []string{"bn", "ln", "gn", "none"}
)

// NormName returns the canonical name of s.Norm (bn, ln, gn, none; also
// accepting batchnorm, layernorm, groupnorm and their short forms), or ""
// for an unknown one.
func (s Spec) NormName() string {
	switch n := strings.ToLower(strings.TrimSpace(s.Norm)); n {
	case "batchnorm", "batch", "bn":
		return "bn"
	case "layernorm", "layer", "ln":
		return "ln"
	case "groupnorm", "group", "gn":
		return "gn"
	case "none":
		return "none"
	}
	return ""
}

// Validate normalises names and reports unknown or impossible settings.
func (s *Spec) Validate() error {
	s.Arch = strings.ToLower(strings.TrimSpace(s.Arch))
	if n := s.NormName(); n != "" {
		s.Norm = n
	}
	if s.Width == 0 {
		s.Width = 1
	}
	switch {
	case s.Arch != "resnet18" && s.Arch != "cnn" && s.Arch != "linear":
		return fmt.Errorf("unknown model %q (want one of %s)", s.Arch, strings.Join(Archs, ", "))
	case s.Norm != "bn" && s.Norm != "ln" && s.Norm != "gn" && s.Norm != "none":
		return fmt.Errorf("unknown norm %q (want one of %s)", s.Norm, strings.Join(Norms, ", "))
	case !(s.Width > 0) || s.Width > 16:
		return fmt.Errorf("width multiplier must be in (0, 16] (got %g)", s.Width)
	case s.InC <= 0 || s.H < 4 || s.W < 4 || s.K < 2:
		return fmt.Errorf("model input %dx%dx%d with %d classes is too small", s.InC, s.H, s.W, s.K)
	case s.Arch == "cnn" && (s.H%4 != 0 || s.W%4 != 0):
		return fmt.Errorf("cnn needs image sides divisible by 4 (got %dx%d)", s.H, s.W)
	}
	return nil
}
