//go:build unix

package dataset

import (
	"os"
	"syscall"
)

// otherDevice reports whether path and parent are on different devices,
// which makes path a mount point. It is false when either cannot be read.
func otherDevice(path, parent string) bool {
	a, err := os.Stat(path)
	if err != nil {
		return false
	}
	b, err := os.Stat(parent)
	if err != nil {
		return false
	}
	sa, ok := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok && ok2 && sa.Dev != sb.Dev
}
