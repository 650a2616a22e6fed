package optim

import (
	"image/color"
	"slices"
)

// Traits is what samlab knows about a method besides its Direction: its
// names, the hyperparameters it trains with, how it runs and how it is
// drawn. The runner, the demo, the deep experiment, the presets, the report
// and the colours read a method's Traits instead of listing method names,
// so a new method is its own file and one row of the table below.
type Traits struct {
	// Name is the canonical short name (sgd, sam, 1sam, ...); Label the
	// display name (SGD, SAM, 1-SAM, ...).
	Name, Label string
	// Rho is true for a method that trains with the perturbation radius
	// Hyper.Rho (radius 0 makes it SGD).
	Rho bool
	// Gammas is true for a method that trains with Hyper.GammaAct and
	// Hyper.GammaLast.
	Gammas bool
	// PerExample is true for a method whose examples each get their own
	// perturbation: it costs one or two extra passes per example (run in
	// chunks), and its passes never update BatchNorm statistics, so a
	// training loop updates them once per batch for it.
	PerExample bool
	// Colour is the method's colour in the demo and in the report's
	// figures (core/palette.Method).
	Colour color.RGBA
}

// row is one method of the table: its traits and its constructor for the
// backend types V, E.
type row[V, E any] struct {
	Traits
	new func(h Hyper) Method[V, E]
}

// table lists the methods in the paper's order, the order of Names.
// Adding a method: its file (the type and its Direction, beside the
// equation) and one row here; TestTraits and every consumer's
// TestEveryMethod then check it (README, "Extending samlab").
func table[V, E any]() []row[V, E] {
	return append([]row[V, E]{
		{Traits{Name: "sgd", Label: "SGD", Colour: rgb(0xd55e00)}, // Okabe-Ito vermillion
			func(Hyper) Method[V, E] { return &SGD[V, E]{} }},
		{Traits{Name: "sam", Label: "SAM", Rho: true, Colour: rgb(0xcc79a7)}, // Okabe-Ito reddish purple
			func(h Hyper) Method[V, E] { return &SAM[V, E]{Rho: h.Rho} }},
		{Traits{Name: "1sam", Label: "1-SAM", Rho: true, PerExample: true, Colour: rgb(0x0072b2)}, // Okabe-Ito blue
			func(h Hyper) Method[V, E] { return &OneSAM[V, E]{Rho: h.Rho} }},
		{Traits{Name: "lsam", Label: "L-SAM", Rho: true, PerExample: true, Colour: rgb(0x009e73)}, // Okabe-Ito bluish green
			func(h Hyper) Method[V, E] { return &LSAM[V, E]{Rho: h.Rho} }},
		{Traits{Name: "jsam", Label: "J-SAM", Rho: true, PerExample: true, Colour: rgb(0x56b4e9)}, // Okabe-Ito sky blue
			func(h Hyper) Method[V, E] { return &JSAM[V, E]{Rho: h.Rho} }},
		{Traits{Name: "regsgd", Label: "Reg-SGD", Gammas: true, Colour: rgb(0x1a1a1a)}, // Okabe-Ito black, lifted off the zero value
			func(h Hyper) Method[V, E] { return &RegSGD[V, E]{GammaAct: h.GammaAct, GammaLast: h.GammaLast} }},
	}, exampleMethods[V, E]()...)
}

// all holds every method's traits, in table order.
var all = func() []Traits {
	var ts []Traits
	for _, r := range table[struct{}, struct{}]() {
		ts = append(ts, r.Traits)
	}
	return ts
}()

// Names lists the method names accepted by New, in the paper's order.
var Names = func() []string {
	var ns []string
	for _, t := range all {
		ns = append(ns, t.Name)
	}
	return ns
}()

// Labels maps method names to display labels.
var Labels = func() map[string]string {
	ls := map[string]string{}
	for _, t := range all {
		ls[t.Name] = t.Label
	}
	return ls
}()

// All returns every method's traits, in the order of Names (a new slice).
func All() []Traits { return slices.Clone(all) }

// Lookup returns the traits of the method with canonical name name, and
// whether there is one.
func Lookup(name string) (Traits, bool) {
	if i := slices.IndexFunc(all, func(t Traits) bool { return t.Name == name }); i >= 0 {
		return all[i], true
	}
	return Traits{}, false
}

// Of returns the traits of the method with canonical name name: the zero
// Traits (no radius, no penalties, not per-example, no colour) for any
// other name.
func Of(name string) Traits {
	t, _ := Lookup(name)
	return t
}

// Rank returns name's place in Names, the order in which tables and
// figures list the methods; unknown names rank last.
func Rank(name string) int {
	if i := slices.Index(Names, name); i >= 0 {
		return i
	}
	return len(Names)
}

// rgb returns the opaque colour 0xRRGGBB.
func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}
