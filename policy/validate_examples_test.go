package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// The example communications are what a finished document looks like;
// each must pass every rule.
func TestExampleDocumentsAreValid(t *testing.T) {
	paths, err := filepath.Glob("../testdata/repo/comms/*.md")
	if err != nil || len(paths) < 5 {
		t.Fatalf("want at least 5 examples, got %d (%v)", len(paths), err)
	}
	types := map[string]bool{}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, findings := ParseDocument(path, content)
			findings = append(findings, ValidateDocument(doc, testRules())...)
			requireNoFindings(t, findings)
			types[doc.Type] = true
			if doc.PublishAt.IsZero() || len(doc.SIGs) == 0 || len(doc.Channels) == 0 || len(doc.Contacts) == 0 {
				t.Errorf("typed fields not filled: %+v", doc)
			}
		})
	}
	for name := range DefaultTypes() {
		if !types[name] {
			t.Errorf("no example of type %s", name)
		}
	}
}
