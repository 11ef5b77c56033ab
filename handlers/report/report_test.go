package report

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/commsgate/commsgate/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is a Tuesday afternoon inside the default publication window.
var now = time.Date(2027, 2, 16, 16, 30, 0, 0, time.UTC)

func rules() *policy.Rules {
	r := policy.DefaultRules()
	r.Groups = map[string]policy.Group{
		"comms":    {Name: "comms", Team: "example/comms", Count: 1},
		"security": {Name: "security", Team: "example/security", Count: 1, EmbargoTeam: "example/src"},
		"steering": {Name: "steering", Team: "example/steering", Majority: true},
	}
	r.SIGs = map[string]string{"sig-auth": "example/sig-auth-leads", "sig-node": "example/sig-node-leads"}
	return r
}

func doc(path string) *policy.Document {
	return &policy.Document{
		Path: path, Title: "Registry freeze", Type: "deprecation",
		SIGs: []string{"sig-auth"}, Audience: []string{"end-users"}, Channels: []string{"dev-list", "blog"},
		PublishAt: time.Date(2027, 2, 16, 16, 0, 0, 0, time.UTC),
		Fields: []policy.Field{
			{Key: "publish_at", KeyPos: policy.Pos{Line: 9, Column: 1}, ValuePos: policy.Pos{Line: 9, Column: 13}},
			{Key: "embargo_until", KeyPos: policy.Pos{Line: 11, Column: 1}, ValuePos: policy.Pos{Line: 11, Column: 16}},
		},
	}
}

func approval(user string, n int) policy.Review {
	return review(user, policy.ReviewApproved, n)
}

func review(user string, state policy.ReviewState, n int) policy.Review {
	return policy.Review{
		ID: int64(n), User: user, State: state, CommitID: "head0000000",
		SubmittedAt: time.Date(2027, 2, 16, 9, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute),
	}
}

func facts(reviews ...policy.Review) policy.Facts {
	return policy.Facts{
		Rules:     rules(),
		Author:    "alice",
		HeadSHA:   "head0000000",
		Documents: []*policy.Document{doc("comms/2027-02-registry-freeze.md")},
		Reviews:   reviews,
		CommsChangedSince: map[string]bool{
			"head0000000": false, "old0000000": true,
		},
		TeamMembers: map[string][]string{
			"example/sig-auth-leads": {"alice", "ann"},
			"example/sig-node-leads": {"nora"},
			"example/comms":          {"carol", "cody"},
			"example/security":       {"sam"},
			"example/src":            {"sid", "sue"},
			"example/steering":       {"s1", "s2", "s3", "s4", "s5"},
		},
		Now: now,
	}
}

// decisions are built by the real evaluation, so the goldens show what
// reviewers will actually read.
func decisions() map[string]policy.Facts {
	out := map[string]policy.Facts{}

	out["approved"] = facts(approval("ann", 1), approval("carol", 2), approval("s1", 3), approval("s2", 4), approval("s3", 5))

	stale := approval("cody", 2)
	stale.CommitID = "old0000000"
	out["pending"] = facts(approval("ann", 1), stale, approval("alice", 3), approval("mallory", 4), approval("s1", 5),
		review("s2", policy.ReviewCommented, 6))

	blocked := facts(approval("ann", 1), approval("carol", 2), review("cody", policy.ReviewChangesRequested, 3))
	blocked.Documents[0].SIGs = []string{"sig-auth", "sig-storage"}
	blocked.Holds = []policy.Hold{{By: "carol", Reason: "wait for the\nrelease notes", At: now.Add(-time.Hour)}}
	out["blocked"] = blocked

	scheduled := facts(approval("ann", 1), approval("carol", 2), approval("s1", 3), approval("s2", 4), approval("s3", 5))
	scheduled.Documents[0].PublishAt = time.Date(2027, 2, 17, 16, 0, 0, 0, time.UTC)
	scheduled.Rules.AutoMerge = true
	out["scheduled"] = scheduled

	invalid := facts(approval("ann", 1))
	invalid.Documents[0].PublishAt = time.Date(2027, 2, 19, 16, 0, 0, 0, time.UTC)
	invalid.Findings = []policy.Finding{{File: "comms/2027-02-registry-freeze.md", Line: 4, Column: 10, Severity: policy.SeverityError, Rule: "missing-field", Message: "summary is missing; add one or two sentences"}}
	out["invalid"] = invalid

	embargo := facts(approval("ann", 1), approval("carol", 2), approval("sam", 3))
	embargo.Draft = true
	d := embargo.Documents[0]
	d.Type = "security-advisory"
	d.Embargo = true
	d.PublishAt = time.Date(2027, 2, 18, 16, 0, 0, 0, time.UTC)
	d.EmbargoUntil = d.PublishAt
	d.DistributorsNotified = time.Date(2027, 2, 9, 16, 0, 0, 0, time.UTC)
	second := doc("comms/2027-02-registry-freeze-faq.md")
	second.Type = "announcement"
	second.SIGs = []string{"sig-node"}
	embargo.Documents = append(embargo.Documents, second)
	out["embargo-two-documents"] = embargo

	// An ongoing incident at Saturday 03:00 UTC, outside every window.
	crisis := facts(approval("carol", 1), approval("s1", 2), approval("s2", 3))
	crisis.Now = time.Date(2027, 2, 20, 3, 10, 0, 0, time.UTC)
	c := crisis.Documents[0]
	c.Type, c.Title = "incident", "Registry serving corrupted images"
	c.PublishAt = time.Date(2027, 2, 20, 3, 0, 0, 0, time.UTC)
	c.Expedite, c.ExpediteReason = true, "Clusters pull corrupted images right now;\nwaiting for Monday's window leaves them broken."
	out["expedited"] = crisis

	return out
}

func TestApprovalCheckGolden(t *testing.T) {
	for name, f := range decisions() {
		t.Run(name, func(t *testing.T) {
			d := policy.Evaluate(f)
			title, summary := ApprovalCheck(d)
			if title != d.Headline {
				t.Errorf("title %q is not the headline %q", title, d.Headline)
			}
			golden(t, "approval-"+name+".md", "title: "+title+"\n\n"+summary)
			golden(t, "approval-"+name+".txt", strings.Join(ApprovalLines(d), "\n")+"\n")
		})
	}
}

func TestApprovalCheckFirstLineIsTheVerdict(t *testing.T) {
	want := map[string]string{
		"approved":              "APPROVED",
		"pending":               "NOT APPROVED",
		"blocked":               "BLOCKED",
		"scheduled":             "SCHEDULED",
		"invalid":               "NOT APPROVED",
		"embargo-two-documents": "NOT APPROVED",
		"expedited":             "APPROVED",
	}
	for name, f := range decisions() {
		title, summary := ApprovalCheck(policy.Evaluate(f))
		first, _, _ := strings.Cut(summary, "\n")
		if !strings.HasPrefix(title, want[name]+" — ") || !strings.Contains(first, " "+want[name]+" — ") {
			t.Errorf("%s: title %q, first line %q, want verdict %s", name, title, first, want[name])
		}
	}
}

func TestTemplateCheckGolden(t *testing.T) {
	tests := map[string][]policy.Finding{
		"none": nil,
		"warnings-only": {
			{File: "comms/a.md", Line: 3, Column: 8, Severity: policy.SeverityWarning, Rule: "summary-too-long", Message: "summary has 320 characters; keep it under 300 so it fits a notification"},
		},
		"mixed": {
			{File: "comms/b.md", Line: 12, Column: 1, Severity: policy.SeverityError, Rule: "missing-section", Message: `section "## Timeline" is missing; add it after "## What you need to do"`},
			{File: "comms/a.md", Line: 9, Column: 13, Severity: policy.SeverityError, Rule: policy.RuleOutsideWindow, Message: "publish_at Fri 2027-02-19 16:00 UTC is outside the allowed publication windows (Mon, Tue, Wed, Thu 14:00–18:00 UTC); next allowed slot: Mon 2027-02-22 14:00 UTC"},
			{File: "comms/a.md", Line: 3, Column: 8, Severity: policy.SeverityWarning, Rule: "summary-too-long", Message: "summary has 320 characters; keep it under 300"},
			{File: "comms/b.md", Severity: policy.SeverityError, Rule: "front-matter-missing", Message: "the file has no front matter; start it with a line of three dashes"},
		},
	}
	for name, findings := range tests {
		t.Run(name, func(t *testing.T) {
			title, summary := TemplateCheck(findings)
			golden(t, "template-"+name+".md", "title: "+title+"\n\n"+summary)
			golden(t, "template-"+name+".txt", strings.Join(TemplateLines(findings), "\n")+"\n")
		})
	}
}

func TestSummariesStayWithinGitHubsLimit(t *testing.T) {
	f := facts(approval("ann", 1))
	for i := range 4000 {
		f.Reviews = append(f.Reviews, approval(fmt.Sprintf("outsider-with-a-long-login-%04d", i), 10+i))
	}
	title, summary := ApprovalCheck(policy.Evaluate(f))
	if len(summary) > MaxSummary || !utf8.ValidString(summary) {
		t.Fatalf("summary has %d bytes (limit %d), valid UTF-8 %v", len(summary), MaxSummary, utf8.ValidString(summary))
	}
	if !strings.Contains(summary, "**… truncated:**") {
		t.Error("an oversized summary does not say it was truncated")
	}
	if strings.Count(summary, "<details>") != strings.Count(summary, "</details>") {
		t.Error("truncation left a <details> section open")
	}
	if !strings.Contains(summary, "### Next") || !strings.HasPrefix(title, "NOT APPROVED") {
		t.Error("truncation cut the verdict or the next step")
	}

	var findings []policy.Finding
	for i := range 3000 {
		findings = append(findings, policy.Finding{File: "comms/a.md", Line: i + 1, Column: 1, Severity: policy.SeverityError, Rule: "x", Message: strings.Repeat("é", 20)})
	}
	_, summary = TemplateCheck(findings)
	if len(summary) > MaxSummary || !utf8.ValidString(summary) || !strings.Contains(summary, "commsgate check") {
		t.Errorf("template summary: %d bytes, valid %v", len(summary), utf8.ValidString(summary))
	}
}

func TestEmptyDecisionNeverReadsAsApproved(t *testing.T) {
	title, summary := ApprovalCheck(policy.Decision{})
	if !strings.HasPrefix(title, "NOT APPROVED") || !strings.Contains(summary, "NOT APPROVED") {
		t.Errorf("empty decision rendered as %q / %q", title, summary)
	}
}

func TestShortSummariesAreNotTruncated(t *testing.T) {
	s := strings.Repeat("x\n", 100)
	if got := truncateSummary(s, "hint"); got != s {
		t.Errorf("a short summary changed: %q", got)
	}
}

func TestClipTitle(t *testing.T) {
	long := strings.Repeat("ü", 300)
	got := clipTitle(long)
	if utf8.RuneCountInString(got) != maxTitle || !strings.HasSuffix(got, "…") {
		t.Errorf("clipped title has %d runes: %q", utf8.RuneCountInString(got), got)
	}
	if clipTitle("short") != "short" {
		t.Error("a short title changed")
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write golden %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run go test -update to create it): %v", path, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run go test ./handlers/report -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func TestNoCommunicationGolden(t *testing.T) {
	title, summary := NoCommunication("comms/", ".github/commsgate.yml", 2)
	golden(t, "no-communication.md", "# "+title+"\n\n"+summary+"\n")
	if _, one := NoCommunication("comms/", ".github/commsgate.yml", 1); !strings.Contains(one, "changes 1 file,") {
		t.Errorf("one file: %q", one)
	}
}
