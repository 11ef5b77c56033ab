package handlers

import (
	"go/build"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/commsgate/commsgate/"

// The packages may only depend downwards, the way data flows: webhook →
// facts → decision → effects. allowedImports lists, per package, the
// commsgate packages its non-test code may import; a new import outside
// it fails here, so a shortcut (the pure core reaching for GitHub, the
// facts reader reaching for the gate) is a deliberate change to this
// table, not an accident.
var allowedImports = map[string][]string{
	"policy":               {},
	"config":               {"policy"},
	"internal/schematest":  {}, // tests only: validates the schemas with a real draft-07 validator
	"handlers/ghclient":    {},
	"handlers/coalesce":    {},
	"handlers/timers":      {},
	"handlers/report":      {"policy"},
	"handlers/publish":     {"policy"},
	"handlers/server":      {"config"},
	"handlers/facts":       {"config", "handlers/ghclient", "policy"},
	"handlers/gate":        {"handlers/coalesce", "handlers/facts", "handlers/ghclient", "handlers/publish", "handlers/report", "policy"},
	"handlers/publication": {"config", "handlers/coalesce", "handlers/facts", "handlers/ghclient", "handlers/publish", "handlers/report", "policy"},
	"handlers/sweep":       {"handlers/facts", "handlers/gate", "handlers/ghclient", "handlers/publication"},
	"handlers/calendar":    {"handlers/facts", "handlers/gate", "handlers/ghclient", "handlers/publication", "handlers/report", "policy"},
	// The web UI reads GitHub as the app does (facts) and shows the
	// calendar's entries; it never decides or writes.
	"handlers/web": {"config", "handlers/calendar", "handlers/facts", "policy"},
	"handlers":     {"config", "handlers/calendar", "handlers/facts", "handlers/gate", "handlers/ghclient", "handlers/publication", "handlers/report", "handlers/server", "handlers/sweep", "handlers/timers", "handlers/web", "policy"},
}

// forbiddenInPolicy keeps the core pure: no network, no files, no
// go-github types. (The clock is kept out by review: time.Now is not an
// import.)
var forbiddenInPolicy = []string{"net", "net/http", "os", "github.com/google/go-github/v62/github", "github.com/palantir/go-githubapp/githubapp"}

func TestPackagesDependOnlyDownwards(t *testing.T) {
	for pkg, allowed := range allowedImports {
		imports := commsgateImports(t, pkg)
		for _, imp := range imports {
			if !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s, which the layering does not allow (allowed: %v)", pkg, imp, allowed)
			}
		}
	}
}

func TestPolicyStaysPure(t *testing.T) {
	for _, imp := range imports(t, "policy") {
		if slices.Contains(forbiddenInPolicy, imp) {
			t.Errorf("policy imports %s: the core takes facts and now, it does not fetch them", imp)
		}
	}
}

// TestEveryPackageIsInTheTable catches a new package that would escape
// the layering check.
func TestEveryPackageIsInTheTable(t *testing.T) {
	for pkg := range allowedImports {
		for _, imp := range commsgateImports(t, pkg) {
			if _, ok := allowedImports[imp]; !ok && !strings.HasPrefix(imp, "handlers/githubfake") && !strings.HasPrefix(imp, "handlers/sandbox") {
				t.Errorf("%s imports %s, which has no row in allowedImports", pkg, imp)
			}
		}
	}
}

func commsgateImports(t *testing.T, pkg string) []string {
	var out []string
	for _, imp := range imports(t, pkg) {
		if rest, ok := strings.CutPrefix(imp, module); ok {
			out = append(out, rest)
		}
	}
	return out
}

// imports lists what the package's non-test files import, read from the
// source so the check needs nothing but the repository.
func imports(t *testing.T, pkg string) []string {
	t.Helper()
	dir := filepath.Join("..", filepath.FromSlash(pkg))
	if pkg == "handlers" {
		dir = "."
	}
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		t.Fatalf("read package %s: %v", pkg, err)
	}
	return bp.Imports // sorted, without test files
}
