package policy

import (
	"os"
	"testing"
)

// BenchmarkValidateDocument parses and validates a realistic 3 KB
// security advisory, the largest of the examples.
func BenchmarkValidateDocument(b *testing.B) {
	content, err := os.ReadFile("../testdata/repo/comms/2027-02-16-kubelet-proxy-cve.md")
	if err != nil {
		b.Fatal(err)
	}
	rules := testRules()
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		doc, findings := ParseDocument("comms/cve.md", content)
		findings = append(findings, ValidateDocument(doc, rules)...)
		if len(findings) != 0 {
			b.Fatalf("unexpected findings: %v", findings)
		}
	}
}

// Parsing must be safe from many goroutines: handlers parse the documents
// of several pull requests at once. Run with -race.
func TestParseDocumentConcurrently(t *testing.T) {
	content, err := os.ReadFile("../testdata/repo/comms/2027-02-16-kubelet-proxy-cve.md")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []Finding)
	for range 8 {
		go func() {
			doc, findings := ParseDocument("comms/cve.md", content)
			done <- append(findings, ValidateDocument(doc, testRules())...)
		}()
	}
	for range 8 {
		requireNoFindings(t, <-done)
	}
}
