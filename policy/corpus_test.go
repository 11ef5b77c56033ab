package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCorpusHasNoTextFindings runs the placeholder, invisible-character
// and look-alike rules over real public announcements
// (testdata/corpus/README.md lists their sources). They are all clean, so
// every finding is a false positive; the rate is findings per document
// and the README reports it.
func TestCorpusHasNoTextFindings(t *testing.T) {
	paths, err := filepath.Glob("../testdata/corpus/*.md")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	findings, docs := 0, 0
	for _, path := range paths {
		if filepath.Base(path) == "README.md" {
			continue
		}
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, parsed := ParseDocument(path, content)
		got := onlyRules(append(parsed, ValidateDocument(doc, testRules())...), textRules...)
		for _, f := range got {
			t.Errorf("false positive: %s", f)
		}
		findings += len(got)
		docs++
		types[doc.Type]++
	}
	if docs < 15 {
		t.Fatalf("want at least 15 corpus documents, got %d", docs)
	}
	for name := range DefaultTypes() {
		if types[name] == 0 {
			t.Errorf("the corpus has no %s", name)
		}
	}
	t.Logf("false-positive rate: %d findings of the text rules on %d documents (%.2f per document)", findings, docs, float64(findings)/float64(docs))
}
