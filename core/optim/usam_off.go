//go:build !samlab_usam

package optim

// exampleMethods returns the methods that follow the paper's six in the
// table: none, unless the build tag samlab_usam adds the example method
// USAM (usam.go).
func exampleMethods[V, E any]() []row[V, E] { return nil }
