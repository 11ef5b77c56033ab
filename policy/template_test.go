package policy

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/ with the current output")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output; run go test ./policy -run %s -update if the change is intended\n--- got:\n%s", path, t.Name(), got)
	}
}

// draftNow is a Wednesday; a week later is Wednesday 2026-12-02.
var draftNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func TestNewDraftGolden(t *testing.T) {
	rules := testRules()
	for _, typeName := range slices.Sorted(maps.Keys(rules.Types)) {
		t.Run(typeName, func(t *testing.T) {
			name, content, err := NewDraft(rules, typeName, DraftOptions{Now: draftNow})
			if err != nil {
				t.Fatal(err)
			}
			if want := "comms/2026-12-02-" + typeName + ".md"; name != want {
				t.Errorf("filename %q, want %q", name, want)
			}
			golden(t, filepath.Join("drafts", typeName+".md"), content)
		})
	}
}

// A fresh draft is structurally complete: every finding comes from a
// fill-in gap, never a missing field or section, and every gap is found.
func TestNewDraftOnlyGapsAreReported(t *testing.T) {
	rules := testRules()
	for _, typeName := range slices.Sorted(maps.Keys(rules.Types)) {
		t.Run(typeName, func(t *testing.T) {
			name, content, err := NewDraft(rules, typeName, DraftOptions{Now: draftNow, Title: "Registry freeze", SIGs: []string{"sig-release"}})
			if err != nil {
				t.Fatal(err)
			}
			doc, findings := ParseDocument(name, content)
			findings = append(findings, ValidateDocument(doc, rules)...)
			gapLines := map[int]bool{}
			placeholders := 0
			for _, f := range findings {
				if f.Rule == RulePlaceholder {
					gapLines[f.Line] = true
					placeholders++
				}
			}
			if want := strings.Count(string(content), "<fill in:"); placeholders != want {
				t.Errorf("want %d placeholder findings, got %d:\n%s", want, placeholders, formatFindings(findings))
			}
			for _, f := range findings {
				if !gapLines[f.Line] {
					t.Errorf("finding on a line without a gap: %s", f)
				}
			}
			if doc.Title != "Registry freeze" || len(doc.SIGs) != 1 || doc.PublishAt.IsZero() {
				t.Errorf("draft fields not read back: %+v", doc)
			}
		})
	}
}

func TestNewDraftFilenameAndSchedule(t *testing.T) {
	rules := testRules()
	// A blackout over the first candidate days moves the proposal on.
	rules.Schedule.Blackouts = []Blackout{{From: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), Reason: "freeze"}}
	name, content, err := NewDraft(rules, "deprecation", DraftOptions{Now: draftNow, Title: "Legacy registry: frozen on 2027-06-15!"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "comms/2026-12-07-legacy-registry-frozen-on-2027-06-15.md"; name != want {
		t.Errorf("filename %q, want %q", name, want)
	}
	if !strings.Contains(string(content), "publish_at: 2026-12-07T16:00:00Z\n") || !strings.Contains(string(content), `title: "Legacy registry: frozen on 2027-06-15!"`) {
		t.Errorf("unexpected draft:\n%s", content)
	}
}

func TestNewDraftErrors(t *testing.T) {
	cases := []struct {
		name     string
		rules    *Rules
		typeName string
		opts     DraftOptions
		want     string
	}{
		{"unknown type", testRules(), "advisory", DraftOptions{Now: draftNow}, "choose one of announcement, deprecation, incident, policy-change, security-advisory"},
		{"unknown sig", testRules(), "announcement", DraftOptions{Now: draftNow, SIGs: []string{"sig-nod"}}, `unknown SIG "sig-nod" (did you mean`},
		{"no clock", testRules(), "announcement", DraftOptions{}, "current time"},
		{"no rules", nil, "announcement", DraftOptions{Now: draftNow}, "no rules"},
		{"expedite on a calm type", testRules(), "announcement", DraftOptions{Now: draftNow, Expedite: true}, `type "announcement" cannot be expedited`},
		{"expedite switched off", func() *Rules { r := testRules(); r.Expedite.Enabled = false; return r }(), "incident", DraftOptions{Now: draftNow, Expedite: true}, "switches the crisis path off"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := NewDraft(tc.rules, tc.typeName, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

// An expedited draft declares the crisis path, asks for the reason and
// proposes to publish now; once its gaps are filled it takes the path.
func TestNewDraftExpedited(t *testing.T) {
	rules := testRules()
	for _, typeName := range []string{"incident", "security-advisory"} {
		t.Run(typeName, func(t *testing.T) {
			name, content, err := NewDraft(rules, typeName, DraftOptions{Now: draftNow.Add(90 * time.Second), Title: "Registry down", SIGs: []string{"sig-release"}, Expedite: true})
			if err != nil {
				t.Fatal(err)
			}
			doc, findings := ParseDocument(name, content)
			findings = append(findings, ValidateDocument(doc, rules)...)
			if !doc.Expedite || !doc.PublishAt.Equal(draftNow.Add(time.Minute)) {
				t.Errorf("expedite %v publish_at %s, want true and the current minute", doc.Expedite, doc.PublishAt)
			}
			gapLines := map[int]bool{}
			for _, f := range findings {
				if f.Rule == RulePlaceholder {
					gapLines[f.Line] = true
				}
			}
			for _, f := range findings {
				if !gapLines[f.Line] {
					t.Errorf("finding on a line without a gap: %s", f)
				}
			}
			if !strings.Contains(string(content), "expedite_reason: \"<fill in: why waiting") {
				t.Errorf("the draft does not ask why it cannot wait:\n%s", content)
			}
		})
	}
}
