// Command web is the demo's browser build: compiled with GOOS=js
// GOARCH=wasm into assets/samlab.wasm (make wasm). The page's index.html
// passes its URL query as the program's arguments (wasm_exec's go.argv),
// so ?methods=sgd,1sam&noise=0.3 arrives as -methods=sgd,1sam -noise=0.3;
// app.ParseQuery reads it and ignores, naming them on the page, the keys
// the page cannot use (the desktop-only -frames and -screenshot, help).
package main

import (
	"fmt"
	"os"

	"github.com/samlab/samlab/wasm/app"
)

func main() {
	// ParseQuery never fails: what the page cannot use is named on the
	// page, never a reason to exit before the canvas exists (a blank page).
	o := app.ParseQuery(os.Args[1:])
	if err := app.Run(o); err != nil {
		fmt.Fprintln(os.Stderr, "samlab:", err)
		os.Exit(1)
	}
}
