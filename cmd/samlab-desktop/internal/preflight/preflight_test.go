package preflight

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, args := range [][]string{nil, {"-preset=blobs3"}, {"-methods=sgd,1sam", "-noise=0.3", "-rho=0.05", "-seed=7"},
		{"-screenshot", "x.png", "-frames", "40", "-steps", "300", "-log-every", "10"}} {
		if err := Check(args); err != nil {
			t.Errorf("Check(%q): %v", args, err)
		}
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"stray"}, []string{`unexpected argument "stray"`}},
		{[]string{"-noise=0.9"}, []string{"noise", "0.9"}},
		{[]string{"-noise=0.9", "-speed=0"}, []string{"noise", "0.9", "speed", "0"}},
		{[]string{"-methods=adam"}, []string{"adam"}},
		{[]string{"-frames=-1"}, []string{"-frames", "-1"}},
		{[]string{"-bogus"}, []string{"-bogus"}},
		{[]string{"-n", "x"}, []string{"-n", `"x"`}},
	} {
		err := Check(c.args)
		if err == nil {
			t.Errorf("Check(%q) accepted", c.args)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Check(%q): %q spans lines", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Check(%q): %q does not name %s", c.args, err, w)
			}
		}
	}
	if err := Check([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}
