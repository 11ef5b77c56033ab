package policy

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestSchemaGolden(t *testing.T) {
	out, err := Schema(testRules())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "schema.golden.json", out)
}

// The schema's structure follows the rules: one branch per type with its
// required fields, the embargo condition, and closed properties.
func TestSchemaFollowsRules(t *testing.T) {
	rules := testRules()
	out, err := Schema(rules)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Schema                string                     `json:"$schema"`
		Required              []string                   `json:"required"`
		Properties            map[string]json.RawMessage `json:"properties"`
		UnevaluatedProperties *bool                      `json:"unevaluatedProperties"`
		AllOf                 []struct {
			If struct {
				Properties map[string]struct {
					Const any `json:"const"`
				} `json:"properties"`
			} `json:"if"`
			Then struct {
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"then"`
		} `json:"allOf"`
	}
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if s.Schema != schemaDialect || s.UnevaluatedProperties == nil || *s.UnevaluatedProperties {
		t.Errorf("dialect %q, unevaluatedProperties %v", s.Schema, s.UnevaluatedProperties)
	}
	wantRequired := []string{"title", "summary", "type", "sigs", "audience", "priority", "channels", "publish_at", "contacts"}
	if !reflect.DeepEqual(s.Required, wantRequired) {
		t.Errorf("required %v, want %v", s.Required, wantRequired)
	}
	if len(s.Properties) != len(CommonFields) {
		t.Errorf("want %d common properties, got %d", len(CommonFields), len(s.Properties))
	}
	branches := map[any][]string{}
	for _, b := range s.AllOf {
		if c, ok := b.If.Properties["type"]; ok {
			branches[c.Const] = b.Then.Required
		}
		if c, ok := b.If.Properties["embargo"]; ok && c.Const == true {
			if !reflect.DeepEqual(b.Then.Required, []string{"embargo_until", "distributors_notified_at"}) {
				t.Errorf("embargo branch requires %v", b.Then.Required)
			}
		}
	}
	if len(branches) != len(rules.Types) {
		t.Errorf("want a branch per type, got %v", branches)
	}
	if !reflect.DeepEqual(branches["security-advisory"], []string{"cve", "severity", "cvss_score", "cvss_vector"}) {
		t.Errorf("security-advisory requires %v", branches["security-advisory"])
	}
}

func TestSchemaNeedsRules(t *testing.T) {
	if _, err := Schema(nil); err == nil {
		t.Error("want an error without rules")
	}
}
