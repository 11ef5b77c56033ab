package policy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/commsgate/commsgate/internal/schematest"
)

func TestSchemaGolden(t *testing.T) {
	out, err := Schema(testRules())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "schema.golden.json", out)
}

// The schema is plain draft-07, the newest draft yaml-language-server
// implements, and passes the draft-07 meta-schema.
func TestSchemaIsDraft07(t *testing.T) {
	out, err := Schema(testRules())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range schematest.DialectProblems(out) {
		t.Error(p)
	}
	if SchemaDialect != schematest.Draft07 {
		t.Errorf("SchemaDialect is %q", SchemaDialect)
	}
	if _, err := schematest.Compile(out); err != nil {
		t.Fatal(err)
	}
}

// The schema's structure follows the rules: one closed definition per type
// with its required fields, chosen by type, and the embargo condition.
func TestSchemaFollowsRules(t *testing.T) {
	rules := testRules()
	out, err := Schema(rules)
	if err != nil {
		t.Fatal(err)
	}
	type branch struct {
		If struct {
			Properties map[string]struct {
				Const any `json:"const"`
			} `json:"properties"`
		} `json:"if"`
		Then struct {
			Ref      string   `json:"$ref"`
			Required []string `json:"required"`
		} `json:"then"`
	}
	var s struct {
		Required    []string                   `json:"required"`
		Properties  map[string]json.RawMessage `json:"properties"`
		AllOf       []branch                   `json:"allOf"`
		Definitions map[string]struct {
			Required             []string                   `json:"required"`
			Properties           map[string]json.RawMessage `json:"properties"`
			AdditionalProperties *bool                      `json:"additionalProperties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	wantRequired := []string{"title", "summary", "type", "sigs", "audience", "priority", "channels", "publish_at", "contacts"}
	if !reflect.DeepEqual(s.Required, wantRequired) {
		t.Errorf("required %v, want %v", s.Required, wantRequired)
	}
	if len(s.Properties) != len(CommonFields) {
		t.Errorf("want %d common properties, got %d", len(CommonFields), len(s.Properties))
	}
	refs := map[any]string{}
	for _, b := range s.AllOf {
		if c, ok := b.If.Properties["type"]; ok {
			refs[c.Const] = b.Then.Ref
		}
		if c, ok := b.If.Properties["embargo"]; ok && c.Const == true {
			if !reflect.DeepEqual(b.Then.Required, []string{"embargo_until", "distributors_notified_at"}) {
				t.Errorf("embargo branch requires %v", b.Then.Required)
			}
		}
	}
	if len(refs) != len(rules.Types) || len(s.Definitions) != len(rules.Types) {
		t.Errorf("want a branch and a definition per type, got %v and %d definitions", refs, len(s.Definitions))
	}
	for name, typ := range rules.Types {
		if refs[name] != "#/definitions/"+name {
			t.Errorf("type %s branch refers to %q", name, refs[name])
		}
		def := s.Definitions[name]
		if def.AdditionalProperties == nil || *def.AdditionalProperties {
			t.Errorf("type %s is not closed: additionalProperties %v", name, def.AdditionalProperties)
		}
		if want := len(CommonFields) + len(typ.Fields); len(def.Properties) != want {
			t.Errorf("type %s allows %d fields, want %d (common and its own)", name, len(def.Properties), want)
		}
	}
	if got := s.Definitions["security-advisory"].Required; !reflect.DeepEqual(got, []string{"cve", "severity", "cvss_score", "cvss_vector"}) {
		t.Errorf("security-advisory requires %v", got)
	}
}

func TestSchemaNeedsRules(t *testing.T) {
	if _, err := Schema(nil); err == nil {
		t.Error("want an error without rules")
	}
}

// compiledSchema is the front-matter schema of testRules, compiled by a real
// draft-07 validator.
func compiledSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	out, err := Schema(testRules())
	if err != nil {
		t.Fatal(err)
	}
	s, err := schematest.Compile(out)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// frontMatterOf returns the YAML between a file's --- lines.
func frontMatterOf(t *testing.T, path string) ([]byte, bool) {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	split := splitFrontMatter(content)
	return split.yaml, split.opened && split.closed
}

// Every finished example passes the schema: an editor shows no error on a
// communication check accepts.
func TestSchemaAcceptsTheExamples(t *testing.T) {
	s := compiledSchema(t)
	paths, err := filepath.Glob("../testdata/repo/comms/*.md")
	if err != nil || len(paths) < 5 {
		t.Fatalf("want at least 5 examples, got %d (%v)", len(paths), err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			fm, ok := frontMatterOf(t, path)
			if !ok {
				t.Fatal("no front matter")
			}
			if err := schematest.Validate(s, fm); err != nil {
				t.Errorf("the schema rejects a valid example: %v", err)
			}
		})
	}
}

// schemaBlindSpots are the invalid examples the front-matter schema cannot
// reject, each with the reason. `commsgate check` catches every one of
// them (TestInvalidExamples proves its findings); the README says so.
var schemaBlindSpots = map[string]string{
	"deceptive-link.md":              "links are in the markdown body, which no schema sees",
	"duplicate-key.md":               "a duplicate key is a YAML error, reported by the editor's YAML parser before any schema applies; JSON Schema sees only the last value",
	"empty-section.md":               "sections are in the markdown body, which no schema sees",
	"file-too-large.md":              "the size of the whole file, body included",
	"front-matter-missing.md":        "without the opening --- there is no front matter to validate",
	"front-matter-unclosed.md":       "without the closing --- there is no front matter to validate",
	"invisible-character.md":         "invisible characters are valid in a JSON string; check's Unicode rules name them and their code points",
	"missing-section.md":             "sections are in the markdown body, which no schema sees",
	"placeholder.md":                 "placeholders are words inside valid strings, and most sit in the body",
	"raw-html.md":                    "raw HTML is in the markdown body, which no schema sees",
	"yaml-syntax-unquoted-handle.md": "a YAML syntax error, reported by the editor's YAML parser before any schema applies",
	"yaml-syntax.md":                 "a YAML syntax error, reported by the editor's YAML parser before any schema applies",
}

// Every invalid example check rejects is rejected by the schema unless it
// is a listed blind spot; one check only warns about passes the schema;
// and every listed blind spot really passes the schema (a stale entry
// would hide a regression).
func TestSchemaRejectsTheInvalidExamples(t *testing.T) {
	s := compiledSchema(t)
	seen := map[string]bool{}
	for _, path := range invalidExamplePaths(t) {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			fm, ok := frontMatterOf(t, path)
			verr := errors.New("yaml: no front matter")
			if ok {
				verr = schematest.Validate(s, fm)
			}
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, findings := ParseDocument(path, content)
			findings = append(findings, ValidateDocument(doc, testRules())...)
			if problem := schematest.Disagreement(HasErrors(findings), verr, schemaBlindSpots[name]); problem != "" {
				t.Errorf("%s; check's findings:\n%s", problem, formatFindings(findings))
			}
		})
	}
	for name := range schemaBlindSpots {
		if !seen[name] {
			t.Errorf("schemaBlindSpots lists %s, which does not exist", name)
		}
	}
}

// Cases the invalid examples do not cover on their own: each is a document
// the validator rejects and the schema must reject too.
func TestSchemaRejects(t *testing.T) {
	s := compiledSchema(t)
	valid := "title: Registry freeze\nsummary: Pushes stop.\ntype: deprecation\nsigs: [sig-release]\naudience: [contributors]\n" +
		"priority: priority-info\nchannels: [announce]\npublish_at: 2027-03-09T16:00:00Z\ncontacts: [alice]\nremoval_at: 2027-06-01T16:00:00Z\n"
	body := "---\n## Summary\n\nPushes stop.\n\n## Who is affected\n\nEveryone.\n\n## What you need to do\n\nMove.\n\n" +
		"## Timeline\n\nJune.\n\n## Contact\n\nAsk alice.\n"
	if err := schematest.Validate(s, []byte(valid)); err != nil {
		t.Fatalf("the base document is rejected: %v", err)
	}
	if f := check("---\n" + valid + body); HasErrors(f) {
		t.Fatalf("check rejects the base document:\n%s", formatFindings(f))
	}
	tests := []struct{ name, yaml string }{
		{"a field of another type", valid + "cve: CVE-2027-1234\n"},
		{"an unknown field", valid + "publish_time: 2027-03-09T16:00:00Z\n"},
		{"embargoed without its dates", valid + "embargo: true\n"},
		{"no type", strings.Replace(valid, "type: deprecation\n", "", 1)},
		{"an unknown type", strings.Replace(valid, "type: deprecation", "type: notice", 1)},
		{"a required type field missing", strings.Replace(valid, "removal_at: 2027-06-01T16:00:00Z\n", "", 1)},
		{"an instant without offset", strings.Replace(valid, "16:00:00Z", "16:00:00", 1)},
		{"an empty SIG list", strings.Replace(valid, "[sig-release]", "[]", 1)},
		{"a tier of zero", valid + "tier: 0\n"},
		{"the front matter is a list", "- title\n- summary\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if schematest.Validate(s, []byte(tc.yaml)) == nil {
				t.Error("the schema accepts it")
			}
			if !HasErrors(check("---\n" + tc.yaml + body)) {
				t.Error("check accepts it too; this case does not belong here")
			}
		})
	}
}
