//go:build !torch

package main

import (
	"context"
	"strings"
	"testing"
)

func TestDeepRunNeedsTorch(t *testing.T) {
	err := runReport(context.Background(), []string{"-deep-run", "fashion-mnist", "-quick", "-out", t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "make torch") {
		t.Fatalf("err %v", err)
	}
}
