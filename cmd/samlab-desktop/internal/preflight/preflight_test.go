package preflight

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
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

// TestReach: a DISPLAY whose server listens is reachable (local socket,
// abstract or TCP); one with no server, or not a display name, is not, and
// the error says which.
func TestReach(t *testing.T) {
	n := 6000 + os.Getpid()%1000
	l, err := net.Listen("unix", fmt.Sprintf("@/tmp/.X11-unix/X%d", n))
	if err != nil {
		t.Skipf("no abstract socket: %v", err)
	}
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := tl.Addr().(*net.TCPAddr).Port
	for _, d := range []string{fmt.Sprintf(":%d", n), fmt.Sprintf(":%d.0", n), fmt.Sprintf("unix:%d", n), fmt.Sprintf("127.0.0.1:%d", port-6000)} {
		if err := Reach(d, time.Second); err != nil {
			t.Errorf("Reach(%q) with a server: %v", d, err)
		}
	}
	l.Close()
	tl.Close()
	for _, c := range []struct{ d, want string }{
		{fmt.Sprintf(":%d", n), fmt.Sprintf("no X server listens on /tmp/.X11-unix/X%d", n)},
		{fmt.Sprintf("127.0.0.1:%d", port-6000), fmt.Sprintf("no X server answers at 127.0.0.1:%d", port)},
		{"garbage", `"garbage" is not a display name`},
		{":x", `":x" is not a display name`},
		{":-1", `":-1" is not a display name`},
	} {
		if err := Reach(c.d, time.Second); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Reach(%q): %v, want %q", c.d, err, c.want)
		}
	}
}
