package errf

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

type act int

func (act) String() string { return "relu" }

// The output must be fmt's for every verb and operand the core uses.
func TestMatchesFmt(t *testing.T) {
	cases := []struct {
		format string
		args   []any
	}{
		{"lr must be > 0 (got %g)", []any{-1.0}},
		{"got %g, %g, %g", []any{0.5, 1e-7, 3.0}},
		{"loss %v at step %d", []any{1.5e300, 7}},
		{"unknown method %q (want one of %s)", []any{"ad\"am", "sgd, sam"}},
		{"seed %d: %s %v", []any{uint64(42), act(0), true}},
		{"hidden %v", []any{[]int{32, 32}}},
		{"100%% of %d", []any{3}},
	}
	for _, tc := range cases {
		if got, want := Sprintf(tc.format, tc.args...), fmt.Sprintf(tc.format, tc.args...); got != want {
			t.Errorf("%q: %q, fmt gives %q", tc.format, got, want)
		}
	}
}

func TestErrorfWraps(t *testing.T) {
	err := Errorf("seed %d: %w", 3, io.EOF)
	if !errors.Is(err, io.EOF) || err.Error() != "seed 3: EOF" {
		t.Fatalf("%v", err)
	}
	if errors.Unwrap(Errorf("plain %d", 1)) != nil {
		t.Error("plain error unwraps")
	}
}
