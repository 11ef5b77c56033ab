package policy

import (
	"bufio"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// readInvalidIndex reads testdata/invalid/README.md: for each file, the
// rules it must trigger.
func readInvalidIndex(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("../testdata/invalid/README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	index := map[string][]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line, ok := strings.CutPrefix(scanner.Text(), "- ")
		if !ok {
			continue
		}
		name, rest, ok := strings.Cut(line, ": ")
		if !ok || !strings.HasSuffix(name, ".md") {
			continue
		}
		rules, _, _ := strings.Cut(rest, " (")
		for _, rule := range strings.Split(rules, ",") {
			index[name] = append(index[name], strings.TrimSpace(rule))
		}
	}
	return index
}

// Every invalid example triggers exactly the rules its README line lists,
// including the rule it is named after.
func TestInvalidExamples(t *testing.T) {
	index := readInvalidIndex(t)
	seen := map[string]bool{}
	for _, path := range invalidExamplePaths(t) {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			want, ok := index[name]
			if !ok {
				t.Fatalf("%s is not listed in testdata/invalid/README.md", name)
			}
			if named := strings.TrimSuffix(name, ".md"); !strings.HasPrefix(named, want[0]) && !strings.HasPrefix(name, "many-") {
				t.Errorf("file name %s should start with its main rule %s", name, want[0])
			}
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, findings := ParseDocument(path, content)
			findings = append(findings, ValidateDocument(doc, testRules())...)
			got := map[string]bool{}
			for _, f := range findings {
				got[f.Rule] = true
			}
			wantSet := map[string]bool{}
			for _, r := range want {
				wantSet[r] = true
			}
			if !reflect.DeepEqual(got, wantSet) {
				t.Errorf("rules %v, README lists %v; findings:\n%s", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(wantSet)), formatFindings(findings))
			}
		})
	}
	for name := range index {
		if !seen[name] {
			t.Errorf("README lists %s, which does not exist", name)
		}
	}
}

// Every rule identifier has at least one invalid example or a table case;
// this guards against a rule nobody exercises end to end.
func TestInvalidExamplesCoverTheMainRules(t *testing.T) {
	covered := map[string]bool{}
	for _, rules := range readInvalidIndex(t) {
		for _, r := range rules {
			covered[r] = true
		}
	}
	var missing []string
	for _, r := range []string{
		RuleFrontMatterMissing, RuleFrontMatterUnclosed, RuleFrontMatterNotMapping, RuleYAMLSyntax, RuleDuplicateKey,
		RuleInvisibleCharacter, RuleUnknownField, RuleMissingField, RuleWrongType, RuleInvalidInstant,
		RuleInstantWithoutOffset, RuleInvalidEnum, RuleInvalidHandle, RuleInsecureURL, RuleInvalidURL, RuleInvalidCVE,
		RuleCVSSOutOfRange, RuleInvalidCVSSVector, RuleUnknownSIG, RuleUnknownChannel, RuleInvalidTier,
		RuleMissingSection, RuleEmptySection, RulePlaceholder, RuleTitleTooLong, RuleSummaryTooLong, RuleFileTooLarge,
		RuleExpediteNotAllowed, RuleExpediteWithoutWhy,
	} {
		if !covered[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no invalid example for %v", missing)
	}
}

// invalidExamplePaths lists the invalid example communications (not
// their README).
func invalidExamplePaths(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../testdata/invalid/*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := paths[:0]
	for _, p := range paths {
		if filepath.Base(p) != "README.md" {
			out = append(out, p)
		}
	}
	return out
}
