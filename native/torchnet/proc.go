package torchnet

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// ProcKiB returns the value in kB of the line starting with key in a Linux
// /proc file (e.g. "MemAvailable:" in /proc/meminfo, "VmRSS:" in
// /proc/self/status), or 0 where the file or the key is missing.
func ProcKiB(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
