//go:build !torch

package main

// withTorch reports whether this binary has the LibTorch commands.
const withTorch = false
