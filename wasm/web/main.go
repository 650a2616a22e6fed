// Command web is the demo's browser build: compiled with GOOS=js
// GOARCH=wasm into assets/samlab.wasm (make wasm). The page's index.html
// passes its URL query as the program's arguments (wasm_exec's go.argv),
// so ?methods=sgd,1sam&noise=0.3 arrives as -methods=sgd,1sam -noise=0.3.
package main

import (
	"fmt"
	"os"

	"github.com/samlab/samlab/wasm/app"
)

func main() {
	o, err := app.ParseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "samlab:", err)
		os.Exit(2)
	}
	if err := app.Run(o); err != nil {
		fmt.Fprintln(os.Stderr, "samlab:", err)
		os.Exit(1)
	}
}
