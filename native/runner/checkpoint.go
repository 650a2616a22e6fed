package runner

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// State is the training state saved in a checkpoint besides the tensors:
// position in the run (Epoch completed epochs, then Step batches of the
// next), the running loss of the partial epoch, best test accuracy so far.
type State struct {
	// Version is the file format: 3 (with the run's identity) from
	// SaveCheckpoint; LoadCheckpoint also reads 2 and 1 (see
	// checkpointVersion).
	Version     int     `json:"version"`
	Method      string  `json:"method"`
	Model       string  `json:"model"`
	Epoch       int     `json:"epoch"`
	Step        int     `json:"step"`
	LossSum     float64 `json:"loss_sum"`
	LossCount   int     `json:"loss_count"`
	Seconds     float64 `json:"seconds"`
	Images      int     `json:"images"`
	BestTestAcc float64 `json:"best_test_acc"`
	BestEpoch   int     `json:"best_epoch"`
	// Chunk is the per-example chunk the run used: how many examples one
	// per-example pass (1-SAM, L-SAM, J-SAM) took at once; 0 when not
	// recorded or the method has no per-example pass.
	Chunk int `json:"chunk,omitempty"`
	// Run is the identity of the run that wrote the checkpoint (format 3;
	// nil in older files): a resume refuses a checkpoint whose identity is
	// not the folder's run (Identity.Diff).
	Run *Identity `json:"run,omitempty"`
	// Lengths of the three float32 blocks that follow the header line:
	// parameters, momentum buffer (0 before the first step or without
	// momentum), BatchNorm running statistics.
	Params   int `json:"params"`
	Momentum int `json:"momentum"`
	Buffers  int `json:"buffers"`
}

// The checkpoint file, version 3: one JSON line (State, with the run's
// Identity), then the
// little-endian float32 blocks, then 4 bytes: the CRC-32 (Castagnoli,
// little-endian) of everything before them. A flipped byte anywhere, a
// truncated file or trailing bytes are refused as corrupt.
//
// Version 2 is the same without the run's identity, and version 1 without
// the checksum either. LoadCheckpoint still reads both, so that runs
// started before version 3 resume (their identity unchecked), and version
// 1 checking only that the file has the size its header describes: a
// flipped byte in such a file goes unnoticed (see the NaN stop in Train).
// A version above 3 is refused as written by a newer samlab.
// SaveCheckpoint always writes version 3.
//
// The file is written to a temporary file and renamed, so a crash never
// leaves a half-written checkpoint in place of the last good one.
const (
	checkpointVersion = 3
	checkpointNoRun   = 2 // version 2: a checksum, no run identity
	checkpointLegacy  = 1
	checksumSize      = 4
	// maxHeader bounds the header line (a State is a few hundred bytes).
	maxHeader = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// SaveCheckpoint writes st and the float32 blocks to path atomically, with a
// checksum (version 3). It sets st's Version and block lengths; st.Run
// must be set.
func SaveCheckpoint(path string, st State, params, momentum, buffers []float32) error {
	if st.Run == nil {
		return fmt.Errorf("checkpoint %s: no run identity", path)
	}
	st.Version, st.Params, st.Momentum, st.Buffers = checkpointVersion, len(params), len(momentum), len(buffers)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ckpt-*")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	sum := crc32.New(castagnoli)
	w := bufio.NewWriter(io.MultiWriter(tmp, sum))
	hdr, _ := json.Marshal(st)
	w.Write(hdr)
	w.WriteByte('\n')
	buf := make([]byte, 4)
	for _, block := range [][]float32{params, momentum, buffers} {
		for _, v := range block {
			binary.LittleEndian.PutUint32(buf, math.Float32bits(v))
			w.Write(buf)
		}
	}
	err = w.Flush()
	if err == nil {
		_, err = tmp.Write(binary.LittleEndian.AppendUint32(nil, sum.Sum32()))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// corrupt returns the error for a checkpoint that cannot be trusted.
func corrupt(path, format string, a ...any) error {
	return fmt.Errorf("%s is corrupt (%s): it cannot be resumed; delete it to start over, or restore a copy", path, fmt.Sprintf(format, a...))
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint. A version-3
// or version-2 file whose checksum, size or header does not hold is refused
// with an error saying it is corrupt; a version-1 file (no checksum) is
// read when its size matches its header; a version above 3 is refused as
// written by a newer samlab; a folder is refused as not a checkpoint.
func LoadCheckpoint(path string) (st State, params, momentum, buffers []float32, err error) {
	f, err := os.Open(path)
	if err != nil {
		return st, nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return st, nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	if fi.IsDir() {
		return st, nil, nil, nil, fmt.Errorf("%s is a directory, not a checkpoint: move it away to start over", path)
	}
	r := bufio.NewReader(io.LimitReader(f, fi.Size()))
	line, err := readHeader(r)
	if err != nil {
		return st, nil, nil, nil, corrupt(path, "%v", err)
	}
	if v, ok := newerVersion(line); ok {
		return st, nil, nil, nil, fmt.Errorf("%s was written by a newer samlab (checkpoint format %d; this samlab reads formats 1 to %d): resume it with that samlab", path, v, checkpointVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil || dec.InputOffset() != int64(len(line)-1) {
		return st, nil, nil, nil, corrupt(path, "unreadable header")
	}
	if st.Version != checkpointVersion && st.Version != checkpointNoRun && st.Version != checkpointLegacy {
		return st, nil, nil, nil, corrupt(path, "unknown version %d", st.Version)
	}
	if (st.Run != nil) != (st.Version == checkpointVersion) {
		return st, nil, nil, nil, corrupt(path, "version %d with%s a run identity", st.Version, map[bool]string{true: "", false: "out"}[st.Run != nil])
	}
	const maxBlock = 1 << 31
	for _, n := range []int{st.Params, st.Momentum, st.Buffers} {
		if n < 0 || n > maxBlock {
			return st, nil, nil, nil, corrupt(path, "bad block length %d", n)
		}
	}
	want := int64(len(line)) + 4*int64(st.Params+st.Momentum+st.Buffers)
	if st.Version != checkpointLegacy {
		want += checksumSize
	}
	switch {
	case fi.Size() < want:
		return st, nil, nil, nil, corrupt(path, "truncated or altered: %d bytes, its header describes %d", fi.Size(), want)
	case fi.Size() > want:
		return st, nil, nil, nil, corrupt(path, "trailing data or altered header: %d bytes, its header describes %d", fi.Size(), want)
	}
	var sum hash.Hash32
	src := io.Reader(r)
	if st.Version != checkpointLegacy {
		sum = crc32.New(castagnoli)
		sum.Write(line)
		src = io.TeeReader(r, sum)
	}
	read := func(n int) ([]float32, error) {
		b := make([]byte, 4*n)
		if _, err := io.ReadFull(src, b); err != nil {
			return nil, err
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return out, nil
	}
	blocks := make([][]float32, 3)
	for i, n := range []int{st.Params, st.Momentum, st.Buffers} {
		if blocks[i], err = read(n); err != nil {
			// The size matched: only a file changing under us gets here.
			return st, nil, nil, nil, corrupt(path, "truncated while reading: %v", err)
		}
	}
	if sum != nil {
		tail := make([]byte, checksumSize)
		if _, err := io.ReadFull(r, tail); err != nil {
			return st, nil, nil, nil, corrupt(path, "truncated while reading: %v", err)
		}
		if binary.LittleEndian.Uint32(tail) != sum.Sum32() {
			return st, nil, nil, nil, corrupt(path, "checksum mismatch")
		}
	}
	return st, blocks[0], blocks[1], blocks[2], nil
}

// newerVersion reports the version of a header line that reads as JSON
// with a whole "version" above checkpointVersion: a file from a newer
// samlab, whose other fields this one does not know.
func newerVersion(line []byte) (int, bool) {
	var h struct {
		Version json.Number `json:"version"`
	}
	if json.Unmarshal(line, &h) != nil {
		return 0, false
	}
	v, err := strconv.Atoi(h.Version.String())
	return v, err == nil && v > checkpointVersion
}

// readHeader returns the header line, newline included.
func readHeader(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for len(line) <= maxHeader {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return nil, errors.New("no header line")
		default:
			return nil, err
		}
	}
	return nil, errors.New("no header line")
}
