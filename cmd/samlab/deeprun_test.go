//go:build !torch

package main

import (
	"context"
	"strings"
	"testing"
)

func TestDeepRunGrid(t *testing.T) {
	cells, err := deepRunGrid("fashion-mnist").Cells(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, c := range cells {
		methods = append(methods, c.Method)
		if c.Noise != 0.4 || c.Dataset != "fashion-mnist" || c.Model != "cnn" {
			t.Errorf("cell %+v", c)
		}
	}
	if strings.Join(methods, ",") != "sgd,sam,jsam,regsgd" {
		t.Errorf("methods %v", methods)
	}
	if _, err := deepRunGrid("svhn").Cells(t.TempDir()); err == nil {
		t.Error("unknown dataset accepted")
	}
}

func TestDeepRunNeedsTorch(t *testing.T) {
	err := runReport(context.Background(), []string{"-deep-run", "fashion-mnist", "-quick", "-out", t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "make torch") {
		t.Fatalf("err %v", err)
	}
}
