package runner

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// State is the training state saved in a checkpoint besides the tensors:
// position in the run (Epoch completed epochs, then Step batches of the
// next), the running loss of the partial epoch, best test accuracy so far.
type State struct {
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
	// Lengths of the three float32 blocks that follow the header line:
	// parameters, momentum buffer (0 before the first step or without
	// momentum), BatchNorm running statistics.
	Params   int `json:"params"`
	Momentum int `json:"momentum"`
	Buffers  int `json:"buffers"`
}

// checkpoint file: one JSON line (State), then little-endian float32 blocks.
// Written to a temporary file and renamed, so a crash never leaves a
// half-written checkpoint in place of the last good one.

// SaveCheckpoint writes st and the float32 blocks to path atomically.
func SaveCheckpoint(path string, st State, params, momentum, buffers []float32) error {
	st.Version, st.Params, st.Momentum, st.Buffers = 1, len(params), len(momentum), len(buffers)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ckpt-*")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	w := bufio.NewWriter(tmp)
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

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint.
func LoadCheckpoint(path string) (st State, params, momentum, buffers []float32, err error) {
	f, err := os.Open(path)
	if err != nil {
		return st, nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return st, nil, nil, nil, fmt.Errorf("checkpoint %s: no header line: %w", path, err)
	}
	if err := json.Unmarshal(line, &st); err != nil || st.Version != 1 {
		return st, nil, nil, nil, fmt.Errorf("checkpoint %s: bad header (not a samlab checkpoint?)", path)
	}
	read := func(n int) ([]float32, error) {
		if n < 0 || n > 1<<31 {
			return nil, fmt.Errorf("checkpoint %s: bad block length %d", path, n)
		}
		b := make([]byte, 4*n)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("checkpoint %s: truncated: %w", path, err)
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return out, nil
	}
	if params, err = read(st.Params); err != nil {
		return
	}
	if momentum, err = read(st.Momentum); err != nil {
		return
	}
	buffers, err = read(st.Buffers)
	return
}
