package runner

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/samlab/samlab/native/dataset"
)

// Identity is what makes a run the run it is, as a checkpoint records it
// (format 3): the config keys that define its trajectory (every key but
// those a resume may change and data_dir, a location) with their values as
// config.yaml writes them, and the SHA-256 fingerprint of the data it
// trains and evaluates on (DataFingerprint). Two runs with the same
// identity take the same steps.
type Identity struct {
	Config map[string]string `json:"config"`
	Data   string            `json:"data"`
}

// RunIdentity returns the identity of the run c (validated) on the data
// whose fingerprint is data.
func RunIdentity(c Config, data string) *Identity {
	id := &Identity{Config: map[string]string{}, Data: data}
	for k, v := range asMap(c) {
		if resumeSafe[k] || k == "data_dir" {
			continue
		}
		id.Config[k] = show(v)
	}
	return id
}

// DataFingerprint returns the hexadecimal SHA-256 of the training and test
// sets a run uses (their shapes, pixels and true labels, after the subsets
// and the holdout): the same files give the same fingerprint wherever they
// are; another dataset, another subset or altered files give another.
func DataFingerprint(train, test *dataset.Set) string {
	h := sha256.New()
	var b [8]byte
	put := func(n int) {
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		h.Write(b[:])
	}
	for _, s := range []*dataset.Set{train, test} {
		for _, n := range []int{s.N, s.C, s.H, s.W, s.K} {
			put(n)
		}
		h.Write(s.Pixels[:s.N*s.ImageSize()])
		for _, l := range s.Labels[:s.N] {
			put(l)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Diff returns what differs between the identity a checkpoint recorded
// (id) and the run now (the folder's config and data), one phrase per
// difference in key order ("seed 4, this run's is 3"); nil when they are
// the same run.
func (id *Identity) Diff(now *Identity) []string {
	keys := map[string]bool{}
	for k := range id.Config {
		keys[k] = true
	}
	for k := range now.Config {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []string
	for _, k := range sorted {
		a, okA := id.Config[k]
		b, okB := now.Config[k]
		if !okA {
			a = "(not set)"
		}
		if !okB {
			b = "(not set)"
		}
		if a != b {
			out = append(out, fmt.Sprintf("%s %s, this run's is %s", k, a, b))
		}
	}
	if id.Data != now.Data {
		out = append(out, fmt.Sprintf("data with fingerprint %s, this run's data has %s", short(id.Data), short(now.Data)))
	}
	return out
}

// short returns the first 12 characters of a fingerprint.
func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
