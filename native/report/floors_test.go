package report

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

// floors places every file of the package on a floor. A file may use what
// files on its own floor and the floors below declare, never what a floor
// above declares: knowledge flows one way, as between the packages (cmd →
// native → core). A new file must be placed here.
var floors = [][]string{
	// the tools: statistics, units and cells, the verdict rules and their
	// margins, the figures, the machine
	{"stats.go", "tables.go", "verdict.go", "figures.go", "axes.go", "grid.go", "curves.go", "perseed.go", "machine.go"},
	// a claim's shape
	{"claim.go"},
	// the evidence: the plan, the runs, the shared run sets, the deep run
	// folders
	{"plan.go", "runs.go", "experiments.go", "evidence.go", "deepruns.go", "deepgroups.go"},
	// the claims, a room each
	{"claim1.go", "claim2.go", "claim3.go", "claim3_measure.go", "claim3_figure.go", "claim4.go", "claim5.go", "claim6.go",
		"claim7.go", "claim8.go", "deep.go", "deepclaims.go", "deepfigures.go", "deepanchors.go", "deepseeds.go"},
	// the claim list
	{"claims.go"},
	// the report and its Markdown
	{"report.go", "markdown.go", "docs.go"},
}

// emptyImporter stands in for every import: the check needs only the
// package's own declarations, so imported names stay unresolved.
type emptyImporter struct{}

func (emptyImporter) Import(p string) (*types.Package, error) {
	pkg := types.NewPackage(p, path.Base(p))
	pkg.MarkComplete()
	return pkg, nil
}

// No file uses a name (a function, type, variable, constant, method or
// field) declared on a floor above its own.
func TestFloors(t *testing.T) {
	floor := map[string]int{}
	for i, fs := range floors {
		for _, f := range fs {
			if _, dup := floor[f]; dup {
				t.Errorf("%s is on two floors", f)
			}
			floor[f] = i
		}
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if _, ok := floor[n]; !ok {
			t.Errorf("%s is on no floor: place it in floors", n)
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: emptyImporter{}, Error: func(error) {}} // imported names do not resolve
	pkg, _ := conf.Check("report", fset, files, info)
	var bad []string
	for id, obj := range info.Uses {
		if obj.Pkg() != pkg || !obj.Pos().IsValid() || !packageLevel(obj, pkg) {
			continue
		}
		from, to := fset.Position(id.Pos()).Filename, fset.Position(obj.Pos()).Filename
		if floor[from] < floor[to] {
			bad = append(bad, fmt.Sprintf("%s (floor %d) uses %s from %s (floor %d)", from, floor[from], obj.Name(), to, floor[to]))
		}
	}
	slices.Sort(bad)
	for _, b := range slices.Compact(bad) {
		t.Error(b)
	}
	if len(info.Uses) < 1000 {
		t.Fatalf("only %d names resolved: the check saw too little of the package", len(info.Uses))
	}
}

// packageLevel reports whether obj is declared at package level: in the
// package scope, or a method or a field.
func packageLevel(obj types.Object, pkg *types.Package) bool {
	switch o := obj.(type) {
	case *types.Func:
		if o.Type().(*types.Signature).Recv() != nil {
			return true
		}
	case *types.Var:
		if o.IsField() {
			return true
		}
	}
	return obj.Parent() == pkg.Scope()
}
