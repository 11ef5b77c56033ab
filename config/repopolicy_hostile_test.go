package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/policy"
)

// hostilePolicyCase is a file an attacker or an accident could produce.
type hostilePolicyCase struct {
	name     string
	data     string
	rule     string
	line     int
	unusable bool // Rules must be nil
}

// hostilePolicyCases are also read by the policy schema's test.
func hostilePolicyCases() []hostilePolicyCase {
	aliasBomb := strings.Join([]string{
		"a: &a [x, x, x, x, x, x, x, x, x]",
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]",
	}, "\n")
	return []hostilePolicyCase{
		{"file over 256 KiB", "comms_path: comms/\n#" + strings.Repeat("x", maxPolicyBytes), RulePolicyTooLarge, 1, true},
		{"deep nesting", "groups: " + strings.Repeat("[", 40) + strings.Repeat("]", 40), RulePolicyDepth, 1, true},
		{"deep block nesting", nestedPolicy(30), RulePolicyDepth, maxPolicyDepth, true},
		{"alias bomb", aliasBomb, RulePolicyAlias, 1, false},
		{"binary garbage", "\x00\x01\x02\xff\xfe", RulePolicySyntax, 1, true},
		{"scalar document", "just words", RulePolicyNotMapping, 1, true},
		{"many unknown keys", manyUnknownKeys(500), RulePolicyTooMany, 1, false},
	}
}

func TestHostileInput(t *testing.T) {
	for _, tc := range hostilePolicyCases() {
		t.Run(tc.name, func(t *testing.T) {
			rules, findings := ParseRepoPolicy("p.yml", []byte(tc.data))
			if tc.unusable != (rules == nil) {
				t.Errorf("rules nil = %v, want %v", rules == nil, tc.unusable)
			}
			if len(findings) > maxPolicyFindings+1 {
				t.Errorf("%d findings, want at most %d", len(findings), maxPolicyFindings+1)
			}
			for _, f := range findings {
				if f.Rule == tc.rule && f.Line == tc.line && f.Severity == policy.SeverityError {
					return
				}
			}
			t.Errorf("no %s error at line %d; got:\n%s", tc.rule, tc.line, renderFindings(findings))
		})
	}
}

// nestedPolicy builds a block mapping n levels deep: "k: " on each line, one
// level more indented than the last.
func nestedPolicy(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat("  ", i) + "k:\n")
	}
	return b.String()
}

func manyUnknownKeys(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("unknown_" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "_" + policyItoa(i) + ": 1\n")
	}
	return b.String()
}

func policyItoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return policyItoa(i/10) + digits[i%10:i%10+1]
}

// FuzzParseRepoPolicy: whatever the bytes, parsing never panics, every
// finding points at a real position with a rule and a message, and nil
// rules always come with an error.
func FuzzParseRepoPolicy(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/policies/*.yml")
	seeds = append(seeds, "../testdata/repo/.github/commsgate.yml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte("tiers: {1: [sig, comms], 2: []}"))
	f.Add([]byte("schedule: {windows: [{days: [mon], from: \"24:00\", to: \"24:00\"}], max_embargo: 99999999d}"))
	f.Add([]byte("publish: {x: {kind: email, to: \"a@b.c\\r\\nBcc: x@y.z\", secret: s}}"))
	f.Add([]byte("types: {t: {min_tier: 1, fields: [{name: a, kind: enum, values: [x], required_when: {a: [x]}}]}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, findings := ParseRepoPolicy("p.yml", data)
		if rules == nil && !policy.HasErrors(findings) {
			t.Fatalf("nil rules without an error finding")
		}
		if len(findings) > maxPolicyFindings+1 {
			t.Fatalf("%d findings, over the cap", len(findings))
		}
		for _, fd := range findings {
			if fd.Line < 1 || fd.Column < 1 || fd.Rule == "" || fd.Message == "" || fd.File != "p.yml" {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
	})
}

// largeListPolicy is a file at the size cap made of one long list.
func largeListPolicy(prefix string) []byte {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; b.Len() < maxPolicyBytes-100; i++ {
		b.WriteString("v" + policyItoa(i) + ", ")
	}
	b.WriteString("end]}\n")
	return []byte(b.String())
}

var largeListPrefixes = []string{"followup: {labels: [", "tiers: {1: [", "schedule: {timezones: ["}

// TestLargeListsAreCapped: a list at the size cap is cut short with a
// finding rather than checked item by item (its cost is measured by
// BenchmarkLargeLists).
func TestLargeListsAreCapped(t *testing.T) {
	for _, prefix := range largeListPrefixes {
		_, findings := ParseRepoPolicy("p.yml", largeListPolicy(prefix))
		if len(findings) > maxPolicyFindings+1 {
			t.Errorf("%s…: %d findings over the cap", prefix, len(findings))
		}
	}
}

func BenchmarkLargeLists(b *testing.B) {
	for _, prefix := range largeListPrefixes {
		data := largeListPolicy(prefix)
		b.Run(strings.Fields(prefix)[0], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ParseRepoPolicy("p.yml", data)
			}
		})
	}
}
