package optim

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Method computes an update direction. Direction sets g to the direction at
// weights w for the examples in batch and returns the mean loss at w.
// A Method keeps its own scratch vectors, allocated on first use, so steady
// state steps allocate nothing. A Method value serves one Backend.
type Method[V, E any] interface {
	// Name returns the method's short name (sgd, sam, 1sam, lsam, jsam, regsgd).
	Name() string
	Direction(b Backend[V, E], g, w V, batch []int) float64
}

// Hyper holds the method hyperparameters. The zero value is plain SGD-like:
// Rho 0 makes every SAM variant equal SGD.
type Hyper struct {
	// Rho is the perturbation radius of SAM, 1-SAM, L-SAM and J-SAM.
	Rho float64 `yaml:"rho" json:"rho"`
	// GammaAct is Reg-SGD's penalty on the mean squared last hidden activation norm.
	GammaAct float64 `yaml:"gamma_act" json:"gamma_act"`
	// GammaLast is Reg-SGD's penalty on the squared last-layer weight norm.
	GammaLast float64 `yaml:"gamma_last" json:"gamma_last"`
}

// Validate reports every negative or non-finite rho, gamma_act or
// gamma_last, naming each (errors.Join).
func (h Hyper) Validate() error {
	var errs []error
	for _, v := range []struct {
		name string
		x    float64
	}{{"rho", h.Rho}, {"gamma_act", h.GammaAct}, {"gamma_last", h.GammaLast}} {
		if !(v.x >= 0) || math.IsInf(v.x, 0) {
			errs = append(errs, fmt.Errorf("%s must be >= 0 and finite (got %g)", v.name, v.x))
		}
	}
	return errors.Join(errs...)
}

// Canonical returns the canonical method name for s (case-insensitive,
// accepting "1-sam", "l-sam", "j-sam", "reg-sgd"), or an error naming the
// accepted names.
func Canonical(s string) (string, error) {
	n := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	n = strings.ReplaceAll(n, "_", "")
	for _, m := range Names {
		if n == m {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown method %q (want one of %s)", s, strings.Join(Names, ", "))
}

// New returns the method called name with hyperparameters h.
func New[V, E any](name string, h Hyper) (Method[V, E], error) {
	n, err := Canonical(name)
	if err != nil {
		return nil, err
	}
	if err := h.Validate(); err != nil {
		return nil, fmt.Errorf("method %s: %w", n, err)
	}
	for _, r := range table[V, E]() {
		if r.Name == n {
			return r.new(h), nil
		}
	}
	return nil, fmt.Errorf("method %s has no constructor", n) // unreachable: Names comes from the table
}
