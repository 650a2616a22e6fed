package main

import (
	"os"
	"strings"
	"testing"
)

// TestMain lets this test binary stand in for samlab: with SAMLAB_AS_MAIN=1
// and a command as its first argument (not a -test. flag) it runs main, so
// that commands which start samlab again (sweep, report --deep-run: they
// run `<executable> train ...`) can be tested without building a binary.
func TestMain(m *testing.M) {
	if os.Getenv("SAMLAB_AS_MAIN") == "1" && len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-test.") {
		main()
		return
	}
	os.Exit(m.Run())
}
