// Package assets embeds the browser demo's files: index.html (written by
// hand) and the build outputs of `make wasm`, samlab.wasm (with its gzip
// copy samlab.wasm.gz) and Go's wasm_exec.js. The pattern matches
// index.html in a clean clone too, so this package and the server build
// (and go vet passes) before the wasm is built; the server then reports
// the missing wasm instead of serving a broken page.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed *
var files embed.FS

// FS returns the embedded asset tree. It also holds this Go source file;
// servers serve only the names they allow (cmd/samlab-web serves web
// file types only).
func FS() fs.FS { return files }

// WASM is the name of the demo's WebAssembly module in FS.
const WASM = "samlab.wasm"
