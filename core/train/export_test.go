package train

// SetCopyRows makes t copy every example into its batches (the simple
// path) instead of reading full batches in place (the fast path).
func SetCopyRows(t *Trainer, on bool) {
	t.backend.copyRows = on
	t.eval.copyRows = on
}
