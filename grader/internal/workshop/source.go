package workshop

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// TestFunc is a top-level test function of a suite.
type TestFunc struct {
	Name string
	File string // root-relative
	Line int
	Code string // the function's source
}

// TestFuncs parses the exercise's *_test.go files in the checkout at root
// and returns its top-level Test functions in file order (files sorted by
// name). It needs no compiler, so it also works when the package does not
// build.
func TestFuncs(root string, ex *Exercise) ([]TestFunc, error) {
	files, err := suiteFiles(root, ex)
	if err != nil {
		return nil, err
	}
	var out []TestFunc
	fset := token.NewFileSet()
	for _, rel := range files {
		if !strings.HasSuffix(rel, "_test.go") || strings.Contains(rel, "/testdata/") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", rel, err)
		}
		f, err := parser.ParseFile(fset, rel, src, parser.SkipObjectResolution)
		if err != nil {
			continue // the compiler will say what is wrong, more clearly
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !isTestName(fd.Name.Name) || !takesT(fd) {
				continue
			}
			start, end := fset.Position(fd.Pos()), fset.Position(fd.End())
			if fd.Doc != nil {
				start = fset.Position(fd.Doc.Pos())
			}
			out = append(out, TestFunc{
				Name: fd.Name.Name,
				File: rel,
				Line: fset.Position(fd.Pos()).Line,
				Code: string(src[start.Offset:end.Offset]),
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

func isTestName(n string) bool {
	if !strings.HasPrefix(n, "Test") || n == "TestMain" {
		return false
	}
	rest := strings.TrimPrefix(n, "Test")
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z')
}

func takesT(fd *ast.FuncDecl) bool {
	ps := fd.Type.Params.List
	if len(ps) != 1 {
		return false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}
