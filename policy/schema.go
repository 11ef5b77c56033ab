package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// schemaDialect is the JSON Schema version the YAML language server and
// most editors understand with if/then and unevaluatedProperties.
const schemaDialect = "https://json-schema.org/draft/2020-12/schema"

// Patterns in the schema mirror the validator's checks; they are written in
// the subset of regular expressions JSON Schema (ECMA-262) and Go share.
const (
	instantSchemaPattern = `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`
	handleSchemaPattern  = `^@?[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`
)

// fieldDescriptions explain the common fields in an editor's hover text.
var fieldDescriptions = map[string]string{
	"title":                    "Subject line on every channel.",
	"summary":                  "Who is affected and what happens, in one or two sentences.",
	"type":                     "The communication type; it decides the type fields and sections required.",
	"sigs":                     "Owning SIGs; their leads approve first.",
	"audience":                 "Who needs to know.",
	"priority":                 "How urgent the message is for its readers.",
	"channels":                 "Where the communication is published.",
	"publish_at":               "Publication time: RFC 3339 with a UTC offset.",
	"contacts":                 "GitHub usernames readers can ask.",
	"tier":                     "Review tier; commsgate computes it when absent and never lowers it.",
	"embargo":                  "True while the content must stay private until embargo_until.",
	"embargo_until":            "End of the embargo: RFC 3339 with a UTC offset.",
	"distributors_notified_at": "When the private distributors list was notified: RFC 3339 with a UTC offset.",
	"expedite":                 "True for the crisis path: a shorter ladder asked at once, windows waived, ratified afterwards.",
	"expedite_reason":          "Why waiting for the next publication window would harm people (required with expedite).",
}

// Schema returns a JSON Schema (draft 2020-12) for the front matter of the
// rules' communications, so an editor checks fields while the author
// writes. Each type is a branch: when `type` is X, X's fields are allowed
// and its required ones required; any other field is rejected. The schema
// cannot check everything ValidateDocument does (sections, placeholders),
// but what it rejects, the validator rejects too.
func Schema(rules *Rules) ([]byte, error) {
	if rules == nil {
		return nil, errors.New("schema: no rules")
	}
	properties := map[string]any{}
	var required []string
	for _, r := range commonFieldRules(rules) {
		s := fieldSchema(rules, r)
		if d, ok := fieldDescriptions[r.Name]; ok {
			s["description"] = d
		}
		properties[r.Name] = s
		if r.Required {
			required = append(required, r.Name)
		}
	}
	var branches []any
	for _, name := range slices.Sorted(maps.Keys(rules.Types)) {
		branches = append(branches, typeBranch(rules, rules.Types[name]))
	}
	branches = append(branches, map[string]any{
		"if":   map[string]any{"properties": map[string]any{"embargo": map[string]any{"const": true}}, "required": []string{"embargo"}},
		"then": map[string]any{"required": []string{"embargo_until", "distributors_notified_at"}},
	})
	schema := map[string]any{
		"$schema":               schemaDialect,
		"title":                 "commsgate communication",
		"description":           "Front matter of a communication reviewed and published by commsgate.",
		"type":                  "object",
		"properties":            properties,
		"required":              required,
		"allOf":                 branches,
		"unevaluatedProperties": false,
	}
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("schema: encode: %w", err)
	}
	return append(out, '\n'), nil
}

// typeBranch is "if type is X then X's fields".
func typeBranch(rules *Rules, t TypeSpec) map[string]any {
	properties := map[string]any{}
	var required []string
	var conditions []any
	for _, r := range typeFieldRules(t) {
		s := fieldSchema(rules, r)
		s["description"] = fmt.Sprintf("%s field, e.g. %s", t.Name, r.Guidance)
		properties[r.Name] = s
		if r.Required {
			required = append(required, r.Name)
		}
		for _, key := range slices.Sorted(maps.Keys(r.RequiredWhen)) {
			conditions = append(conditions, map[string]any{
				"if":   map[string]any{"properties": map[string]any{key: map[string]any{"enum": r.RequiredWhen[key]}}, "required": []string{key}},
				"then": map[string]any{"required": []string{r.Name}},
			})
		}
	}
	then := map[string]any{"properties": properties}
	if len(required) > 0 {
		then["required"] = required
	}
	if len(conditions) > 0 {
		then["allOf"] = conditions
	}
	return map[string]any{
		"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"const": t.Name}}, "required": []string{"type"}},
		"then": then,
	}
}

// fieldSchema is the schema of one field's value.
func fieldSchema(rules *Rules, r fieldRule) map[string]any {
	item := valueSchema(rules, r)
	if !r.List {
		return item
	}
	list := map[string]any{"type": "array", "items": item, "uniqueItems": true}
	if r.Required {
		list["minItems"] = 1
	}
	return list
}

func valueSchema(rules *Rules, r fieldRule) map[string]any {
	switch r.Kind {
	case KindInstant:
		return map[string]any{"type": "string", "format": "date-time", "pattern": instantSchemaPattern}
	case KindEnum, kindSIG, kindChannel:
		if len(r.Enum) == 0 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"enum": r.Enum}
	case kindTier:
		return map[string]any{"type": "integer", "minimum": 1, "maximum": rules.TopTier()}
	case KindHandle, KindHandles:
		return map[string]any{"type": "string", "pattern": handleSchemaPattern, "maxLength": 40}
	case KindURL:
		return map[string]any{"type": "string", "format": "uri", "pattern": "^https://[^/\\s]+"}
	case KindCVE:
		return map[string]any{"type": "string", "pattern": cvePattern.String()}
	case KindCVSSVector:
		return map[string]any{"type": "string", "pattern": cvss3Vector.String() + "|" + cvss4Vector.String()}
	case KindNumber:
		s := map[string]any{"type": "number"}
		if r.HasRange {
			s["minimum"], s["maximum"] = r.Min, r.Max
		}
		return s
	case KindBool:
		return map[string]any{"type": "boolean"}
	}
	s := map[string]any{"type": "string", "minLength": 1}
	switch r.Name {
	case "title":
		if rules.Limits.TitleChars > 0 {
			s["maxLength"] = rules.Limits.TitleChars
		}
	case "summary":
		if rules.Limits.SummaryChars > 0 {
			s["maxLength"] = rules.Limits.SummaryChars
		}
	}
	return s
}
