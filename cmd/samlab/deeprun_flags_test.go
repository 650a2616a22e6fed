package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A bad --deep-* flag is a one-line error naming the flag or value, and
// nothing is written (in either build: the plan is checked before the
// LibTorch build is asked for).
func TestDeepRunFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-deep-noises", "0,1.5"}, "1.5"},
		{[]string{"-deep-noises", "0.6,x"}, `"x"`},
		{[]string{"-deep-noises", "0.6,0.6"}, "0.6 listed twice"},
		{[]string{"-deep-methods", "sgd,adam"}, "adam"},
		{[]string{"-deep-methods", "sgd,sgd"}, "sgd listed twice"},
		{[]string{"-deep-seeds", "-1"}, "deep-seeds"},
		{[]string{"-deep-train", "-5"}, "deep-train"},
		{[]string{"-deep-epochs", "-2"}, "deep-epochs"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		args := append([]string{"-deep-run", "fashion-mnist", "-quiet", "-out", out}, tc.args...)
		err := runReport(context.Background(), args)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line naming %q", tc.args, err, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: %s was written", tc.args, out)
		}
	}
}
