package runner

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// checkpointFixture is a small checkpoint's contents.
func checkpointFixture() (State, []float32, []float32, []float32) {
	st := State{Method: "1sam", Model: "resnet18", Epoch: 4, Step: 17, LossSum: math.Pi, LossCount: 17,
		Seconds: 12.5, Images: 4352, BestTestAcc: 0.625, BestEpoch: 3, Chunk: 32,
		Run: &Identity{Config: map[string]string{"seed": "3", "lr": "0.01"}, Data: strings.Repeat("ab", 32)}}
	params := []float32{1, -2, 3.5, float32(math.Inf(1)), math.SmallestNonzeroFloat32, float32(math.Copysign(0, -1)), 1e-30, 7}
	momentum := []float32{0.5, -0.25, 0.125, 0, 1, 2, 3, 4}
	buffers := []float32{0.25, 9}
	return st, params, momentum, buffers
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestCheckpointRoundTripExact(t *testing.T) {
	st, p, m, b := checkpointFixture()
	path := filepath.Join(t.TempDir(), LastFile)
	if err := SaveCheckpoint(path, st, p, m, b); err != nil {
		t.Fatal(err)
	}
	got, gp, gm, gb, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	want := st
	want.Version, want.Params, want.Momentum, want.Buffers = checkpointVersion, len(p), len(m), len(b)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("state %+v, want %+v", got, want)
	}
	if !sameBits(gp, p) || !sameBits(gm, m) || !sameBits(gb, b) {
		t.Errorf("blocks differ: %v %v %v", gp, gm, gb)
	}
	// No momentum yet (before the first step) is a block of length 0.
	if err := SaveCheckpoint(path, st, p, nil, b); err != nil {
		t.Fatal(err)
	}
	if _, _, gm, _, err := LoadCheckpoint(path); err != nil || len(gm) != 0 {
		t.Errorf("empty momentum: %v, %v", err, gm)
	}
}

// TestCheckpointCorrupt: a flipped byte anywhere, a truncated file or
// trailing bytes are refused as corrupt, never loaded.
func TestCheckpointCorrupt(t *testing.T) {
	dir := t.TempDir()
	st, p, m, b := checkpointFixture()
	good := filepath.Join(dir, "good.ckpt")
	if err := SaveCheckpoint(good, st, p, m, b); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	hdr := bytes.IndexByte(raw, '\n') + 1
	at := func(s string) int { return bytes.Index(raw[:hdr], []byte(s)) + len(s) }
	offsets := map[string]int{
		"header first byte":   0,
		"header method value": at(`"method":"`) + 1,
		"header epoch digit":  at(`"epoch":`),
		"header loss_sum":     at(`"loss_sum":`) + 2,
		"header params digit": at(`"params":`),
		"header key name":     at(`"buffe`),
		"header newline":      hdr - 1,
		"params first byte":   hdr,
		"params middle":       hdr + 4*len(p)/2 + 1,
		"momentum":            hdr + 4*len(p) + 6,
		"buffers last byte":   hdr + 4*(len(p)+len(m)+len(b)) - 1,
		"checksum":            len(raw) - 4,
		"last byte":           len(raw) - 1,
	}
	cases := map[string][]byte{}
	for name, off := range offsets {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			c := bytes.Clone(raw)
			c[off] ^= mask
			cases[fmt.Sprintf("%s ^%02x", name, mask)] = c
		}
	}
	for _, n := range []int{1, 2, 4, 5, 4 * len(b), len(raw) - hdr, len(raw) - hdr + 1, len(raw) - 1} {
		cases[fmt.Sprintf("truncated by %d", n)] = raw[:len(raw)-n]
	}
	cases["empty file"] = nil
	cases["one trailing byte"] = append(bytes.Clone(raw), 0)
	cases["trailing garbage"] = append(bytes.Clone(raw), []byte("garbage after the checksum\n")...)
	cases["trailing copy"] = append(bytes.Clone(raw), raw...)
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), LastFile)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, gp, gm, gb, err := LoadCheckpoint(path)
			if err == nil {
				t.Fatalf("loaded a corrupt checkpoint (params %v momentum %v buffers %v)", gp, gm, gb)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+" is corrupt (") ||
				!strings.HasSuffix(msg, "): it cannot be resumed; delete it to start over, or restore a copy") ||
				strings.Contains(msg, "\n") {
				t.Errorf("error %q, want %q", msg, path+" is corrupt (...): it cannot be resumed; delete it to start over, or restore a copy")
			}
			if gp != nil || gm != nil || gb != nil {
				t.Error("blocks returned with the error")
			}
		})
	}
	// A flipped byte in the floats, with a header that still reads, is
	// caught by the checksum alone.
	c := bytes.Clone(raw)
	c[hdr+5] ^= 0x10
	path := filepath.Join(dir, "flip.ckpt")
	os.WriteFile(path, c, 0o644)
	if _, _, _, _, err := LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), "(checksum mismatch)") {
		t.Errorf("flipped float: %v, want a checksum mismatch", err)
	}
}

// TestCheckpointVersion1: files written before the checksum still resume
// (their size is checked, their bytes cannot be); a short one is refused.
func TestCheckpointVersion1(t *testing.T) {
	st, p, m, b := checkpointFixture()
	st.Chunk, st.Run = 0, nil // version 1 had no chunk, no run identity
	st.Version, st.Params, st.Momentum, st.Buffers = checkpointLegacy, len(p), len(m), len(b)
	hdr, _ := json.Marshal(st)
	raw := append(hdr, '\n')
	for _, block := range [][]float32{p, m, b} {
		for _, v := range block {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
	}
	path := filepath.Join(t.TempDir(), LastFile)
	os.WriteFile(path, raw, 0o644)
	got, gp, gm, gb, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) || !sameBits(gp, p) || !sameBits(gm, m) || !sameBits(gb, b) {
		t.Errorf("version 1: %+v %v %v %v", got, gp, gm, gb)
	}
	for name, data := range map[string][]byte{"truncated": raw[:len(raw)-3], "trailing": append(bytes.Clone(raw), 1, 2, 3, 4)} {
		os.WriteFile(path, data, 0o644)
		if _, _, _, _, err := LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), "is corrupt (") {
			t.Errorf("version 1 %s: %v, want it refused as corrupt", name, err)
		}
	}
}

// TestCheckpointVersion2: a file with a checksum but no run identity (before
// format 3) still loads, with Run nil; one that claims version 3 without an
// identity, or 2 with one, is corrupt.
func TestCheckpointVersion2(t *testing.T) {
	st, p, m, b := checkpointFixture()
	write := func(st State) string {
		st.Params, st.Momentum, st.Buffers = len(p), len(m), len(b)
		hdr, _ := json.Marshal(st)
		raw := append(hdr, '\n')
		for _, block := range [][]float32{p, m, b} {
			for _, v := range block {
				raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
			}
		}
		raw = binary.LittleEndian.AppendUint32(raw, crc32.Checksum(raw, castagnoli))
		path := filepath.Join(t.TempDir(), LastFile)
		os.WriteFile(path, raw, 0o644)
		return path
	}
	old := st
	old.Version, old.Run = checkpointNoRun, nil
	got, gp, _, _, err := LoadCheckpoint(write(old))
	if err != nil || got.Run != nil || got.Version != 2 || !sameBits(gp, p) {
		t.Fatalf("version 2: %v %+v", err, got)
	}
	for name, st := range map[string]State{
		"version 3 without identity": func() State { s := st; s.Version, s.Run = checkpointVersion, nil; return s }(),
		"version 2 with identity":    func() State { s := st; s.Version = checkpointNoRun; return s }(),
	} {
		if _, _, _, _, err := LoadCheckpoint(write(st)); err == nil || !strings.Contains(err.Error(), "is corrupt (") {
			t.Errorf("%s: %v, want it refused as corrupt", name, err)
		}
	}
}

// TestCheckpointNotACheckpoint: a folder named last.ckpt and a file from a
// newer samlab are refused with what they are, not called corrupt.
func TestCheckpointNotACheckpoint(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, LastFile)
	os.Mkdir(d, 0o755)
	if _, _, _, _, err := LoadCheckpoint(d); err == nil || err.Error() != d+" is a directory, not a checkpoint: move it away to start over" {
		t.Errorf("directory: %v", err)
	}
	for _, hdr := range []string{`{"version":4}`, `{"version":12,"method":"sgd","future":[1,2]}`} {
		p := filepath.Join(dir, "new.ckpt")
		os.WriteFile(p, []byte(hdr+"\n\x00\x01"), 0o644)
		_, _, _, _, err := LoadCheckpoint(p)
		if err == nil || !strings.Contains(err.Error(), "was written by a newer samlab (checkpoint format") || strings.Contains(err.Error(), "corrupt") {
			t.Errorf("%s: %v", hdr, err)
		}
	}
}
