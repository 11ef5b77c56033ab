package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/commsgate/commsgate/internal/schematest"
	"github.com/commsgate/commsgate/policy"
)

func compiledPolicySchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	out, err := RepoPolicySchema()
	if err != nil {
		t.Fatal(err)
	}
	s, err := schematest.Compile(out)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The policy schema is plain draft-07 and passes its meta-schema.
func TestRepoPolicySchemaIsDraft07(t *testing.T) {
	out, err := RepoPolicySchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range schematest.DialectProblems(out) {
		t.Error(p)
	}
	if _, err := schematest.Compile(out); err != nil {
		t.Fatal(err)
	}
}

// policySchemaBlindSpots are the fixtures the loader rejects and the schema
// cannot, each with the reason. Loading the policy (`commsgate check`, and
// every approval check) reports each of them; the README says so.
var policySchemaBlindSpots = map[string]string{
	// YAML itself: the editor's YAML parser reports these before any schema applies.
	"duplicate key":                   "a duplicate key is a YAML error the editor's parser reports; a schema sees only the last value",
	"anchor":                          "an anchor is YAML syntax, invisible in the data a schema sees",
	"alias":                           "an alias is YAML syntax; a schema sees the expanded value",
	"alias bomb":                      "an alias is YAML syntax; a schema sees the expanded value",
	"unclosed flow mapping":           "a YAML syntax error, reported by the editor's YAML parser",
	"list item inside a mapping":      "a YAML syntax error, reported by the editor's YAML parser",
	"unclosed flow on the first line": "a YAML syntax error, reported by the editor's YAML parser",
	"tab indentation":                 "a YAML syntax error, reported by the editor's YAML parser",
	"binary garbage":                  "not YAML at all",
	"two documents":                   "a schema applies to each document of a stream; the second one is valid on its own",
	"file over 256 KiB":               "the size of the file is not a property of its data",
	// Checks across keys: a schema validates each value where it stands.
	"tier group without team":                             "needs the tiers and the groups together: the group used by a tier has no team",
	"default tiers need teams, reported at groups":        "needs the default tiers and the file's groups together",
	"default tiers need teams, reported at the first key": "needs the default tiers and the file's groups together",
	"new group referenced without team":                   "needs the tiers and the groups together",
	"tier stage neither sig nor group":                    "a stage must name a group defined elsewhere in the file or in the defaults",
	"type min_tier not defined":                           "min_tier must name a tier the tiers key (or the defaults) defines",
	"built-in type needs a dropped tier":                  "a built-in type's min_tier must name a tier the file's tiers still define",
	"scope tier not defined":                              "a scope rule must name a tier the tiers key (or the defaults) defines",
	"field defined twice":                                 "uniqueness of one key across the items of a list is beyond draft-07",
	"required_when names a missing field":                 "required_when must name another field of the same type",
	"required_when value the enum never takes":            "required_when values must be ones the other field's enum allows",
	"section listed twice":                                "headings compare case-insensitively across the items of a list",
	"section every type has":                              "Summary and Contact compare case-insensitively, ignoring trailing punctuation",
	"window ends before it starts":                        "comparing two values (from before to) is beyond JSON Schema",
	"blackout ends before it starts":                      "comparing two dates is beyond JSON Schema",
	"huge duration":                                       "the ten-year cap is a sum of days, hours and minutes, not a pattern",
	// Values only a lookup can judge.
	"bad time zone":   "whether a name is in the IANA time zone database needs the database",
	"bad window zone": "whether a name is in the IANA time zone database needs the database",
	"broken-hostile":  "its problems are anchors, aliases and a second document: YAML, not data",
	"broken-syntax":   "a YAML syntax error, reported by the editor's YAML parser",
	// A fragment of a file, shown to explain one key.
	"REPO_POLICY.md example 3": "the tiers snippet alone: its groups get their teams in the rest of a file",
}

// policyFixture is one policy file the loader's tests use.
type policyFixture struct {
	name string
	data []byte
}

// policyFixtures gathers every policy file of config's tests and of
// testdata: the finding cases, the hostile ones, the broken and example
// files, the overlay cases and the examples in REPO_POLICY.md.
func policyFixtures(t *testing.T) []policyFixture {
	t.Helper()
	var out []policyFixture
	for _, tc := range repoPolicyFindingCases {
		out = append(out, policyFixture{tc.name, []byte(strings.Join(tc.file, "\n") + "\n")})
	}
	for _, tc := range hostilePolicyCases() {
		out = append(out, policyFixture{tc.name, []byte(tc.data)})
	}
	for _, tc := range overlayCases {
		out = append(out, policyFixture{tc.name, []byte(strings.Join(append(append([]string{}, policyTeamsPreamble...), tc.lines...), "\n") + "\n")})
	}
	for _, path := range []string{
		"../testdata/repo/.github/commsgate.yml", "../testdata/policies/minimal.yml",
		"../testdata/policies/broken-hostile.yml", "../testdata/policies/broken-publish.yml",
		"../testdata/policies/broken-review.yml", "../testdata/policies/broken-schedule.yml",
		"../testdata/policies/broken-syntax.yml", "../testdata/policies/broken-types.yml",
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(path[strings.LastIndex(path, "/")+1:], ".yml")
		out = append(out, policyFixture{name, data})
	}
	doc, err := os.ReadFile("REPO_POLICY.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, block := range yamlBlocks(string(doc)) {
		out = append(out, policyFixture{"REPO_POLICY.md example " + strconv.Itoa(i+1), []byte(block)})
	}
	return out
}

// yamlBlocks returns the ```yaml blocks of a markdown document.
func yamlBlocks(markdown string) []string {
	var out []string
	for _, part := range strings.Split(markdown, "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		out = append(out, block)
	}
	return out
}

// The schema agrees with the loader on every fixture: what the loader
// accepts, the schema accepts (an editor never flags a good file), and
// what it rejects, the schema rejects, unless the reason it cannot is
// listed in policySchemaBlindSpots. A listed fixture the schema does
// reject is a stale entry and fails too.
func TestRepoPolicySchemaAgreesWithTheLoader(t *testing.T) {
	s := compiledPolicySchema(t)
	seen := map[string]bool{}
	for _, fx := range policyFixtures(t) {
		seen[fx.name] = true
		t.Run(fx.name, func(t *testing.T) {
			_, findings := ParseRepoPolicy("p.yml", fx.data)
			verr := schematest.Validate(s, fx.data)
			if problem := schematest.Disagreement(policy.HasErrors(findings), verr, policySchemaBlindSpots[fx.name]); problem != "" {
				t.Errorf("%s; the loader's findings:\n%s", problem, renderFindings(findings))
			}
		})
	}
	for name := range policySchemaBlindSpots {
		if !seen[name] {
			t.Errorf("policySchemaBlindSpots lists %q, which is no fixture", name)
		}
	}
}

// The examples an administrator copies from are valid for the schema and
// the loader alike.
func TestRepoPolicySchemaAcceptsTheExamples(t *testing.T) {
	s := compiledPolicySchema(t)
	for _, fx := range policyFixtures(t) {
		if !strings.HasPrefix(fx.name, "REPO_POLICY.md") && fx.name != "commsgate" && fx.name != "minimal" {
			continue
		}
		if err := schematest.Validate(s, fx.data); err != nil {
			t.Errorf("%s: %v", fx.name, err)
		}
	}
}

// probeKey is a key no decoder accepts and that looks like no secret.
const probeKey = "zzprobe"

// keyProbes reach each closed object of the schema (by its path in the
// schema) with a file that puts probeKey there. The loader's "allowed keys
// are …" finding then says which keys the decoder accepts at that place.
var keyProbes = []struct{ schemaPath, file string }{
	{"#", probeKey + ": 1\n"},
	{"#/properties/scope", "scope: {" + probeKey + ": 1}\n"},
	{"#/properties/schedule", "schedule: {" + probeKey + ": 1}\n"},
	{"#/properties/followup", "followup: {" + probeKey + ": 1}\n"},
	{"#/properties/limits", "limits: {" + probeKey + ": 1}\n"},
	{"#/properties/expedite/oneOf/1", "expedite: {" + probeKey + ": 1}\n"},
	{"#/definitions/group", "groups: {comms: {" + probeKey + ": 1}}\n"},
	{"#/definitions/type", "types: {announcement: {" + probeKey + ": 1}}\n"},
	{"#/definitions/field", "types: {announcement: {fields: [{name: x, " + probeKey + ": 1}]}}\n"},
	{"#/definitions/section", "types: {announcement: {sections: [{title: X, " + probeKey + ": 1}]}}\n"},
	{"#/definitions/window", "schedule: {windows: [{" + probeKey + ": 1}]}\n"},
	{"#/definitions/blackout", "schedule: {blackout: [{" + probeKey + ": 1}]}\n"},
	{"#/definitions/target-github-issue", "publish: {x: {kind: github-issue, " + probeKey + ": 1}}\n"},
	{"#/definitions/target-email", "publish: {x: {kind: email, " + probeKey + ": 1}}\n"},
	{"#/definitions/target-slack", "publish: {x: {kind: slack, " + probeKey + ": 1}}\n"},
	{"#/definitions/target-webhook", "publish: {x: {kind: webhook, " + probeKey + ": 1}}\n"},
}

var allowedKeysPattern = regexp.MustCompile(`allowed keys are (.*)$`)

// The schema lists exactly the keys the decoder accepts, at every place:
// each closed object of the schema is probed with an unknown key, and the
// decoder's own list of allowed keys must equal the schema's properties.
// Every closed object must have a probe, so a new one cannot go unchecked.
func TestRepoPolicySchemaListsEveryKeyTheDecoderAccepts(t *testing.T) {
	out, err := RepoPolicySchema()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	closedObjects := map[string][]string{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			if v["additionalProperties"] == false {
				props, _ := v["properties"].(map[string]any)
				var keys []string
				for k := range props {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				closedObjects[path] = keys
			}
			for k, child := range v {
				walk(child, path+"/"+k)
			}
		case []any:
			for i, child := range v {
				walk(child, path+"/"+string(rune('0'+i)))
			}
		}
	}
	walk(doc, "#")
	probed := map[string]bool{}
	for _, p := range keyProbes {
		probed[p.schemaPath] = true
		t.Run(p.schemaPath, func(t *testing.T) {
			want, ok := closedObjects[p.schemaPath]
			if !ok {
				t.Fatalf("the schema has no closed object at %s", p.schemaPath)
			}
			_, findings := ParseRepoPolicy("p.yml", []byte(p.file))
			var decoder []string
			for _, f := range findings {
				if f.Rule != RuleUnknownKey || !strings.Contains(f.Message, `"`+probeKey+`"`) {
					continue
				}
				m := allowedKeysPattern.FindStringSubmatch(f.Message)
				if m == nil {
					t.Fatalf("the finding names no allowed keys: %s", f.Message)
				}
				decoder = strings.Split(m[1], ", ")
			}
			if decoder == nil {
				t.Fatalf("the decoder did not report the probe key; findings:\n%s", renderFindings(findings))
			}
			sort.Strings(decoder)
			if !slices.Equal(decoder, want) {
				t.Errorf("the decoder accepts %v, the schema lists %v", decoder, want)
			}
		})
	}
	for path := range closedObjects {
		if !probed[path] {
			t.Errorf("closed object %s has no probe in keyProbes; add one so its keys are compared with the decoder's", path)
		}
	}
}

// exampleSchemaPath is the policy schema as the README tells administrators
// to write it, next to the example policy.
const exampleSchemaPath = "../testdata/repo/.github/commsgate.schema.json"

// The schema checked in next to the example policy is the one the code
// builds (it is also the golden file: rewrite it with -update).
func TestRepoPolicySchemaGolden(t *testing.T) {
	out, err := RepoPolicySchema()
	if err != nil {
		t.Fatal(err)
	}
	if *updatePolicyGolden {
		if err := os.WriteFile(exampleSchemaPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(exampleSchemaPath)
	if err != nil {
		t.Fatalf("read %s (run go test ./config -run TestRepoPolicySchemaGolden -update): %v", exampleSchemaPath, err)
	}
	if string(want) != string(out) {
		t.Errorf("%s differs from RepoPolicySchema(); run go test ./config -run TestRepoPolicySchemaGolden -update if the change is intended", exampleSchemaPath)
	}
}

// The policy files an administrator copies from start with the line that
// points yaml-language-server at the schema, and in the example repository
// that relative path (resolved against the policy file, as the language
// server does) is the schema file.
func TestPolicyTemplatesNameTheSchema(t *testing.T) {
	example, err := os.ReadFile("../testdata/repo/.github/commsgate.yml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("REPO_POLICY.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := yamlBlocks(string(doc))
	templates := map[string]string{
		"testdata/repo/.github/commsgate.yml":      string(example),
		"REPO_POLICY.md, the smallest useful file": blocks[0],
		"REPO_POLICY.md, a complete example":       blocks[1],
	}
	for name, text := range templates {
		first, _, _ := strings.Cut(text, "\n")
		if first != RepoPolicySchemaComment {
			t.Errorf("%s starts with %q, want %q", name, first, RepoPolicySchemaComment)
		}
	}
	_, rel, _ := strings.Cut(RepoPolicySchemaComment, "$schema=")
	resolved := filepath.Join("../testdata/repo/.github", rel)
	if filepath.Clean(resolved) != filepath.Clean(exampleSchemaPath) {
		t.Errorf("the comment's %s resolves to %s, not to the schema file %s", rel, resolved, exampleSchemaPath)
	}
	if filepath.Join(filepath.Dir(RepoPolicyPath), rel) != RepoPolicySchemaFile {
		t.Errorf("in a repository, %s next to %s is not %s", rel, RepoPolicyPath, RepoPolicySchemaFile)
	}
}
