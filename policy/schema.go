package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// SchemaDialect is the JSON Schema version of the schemas commsgate prints.
// It is draft-07 because that is the newest draft yaml-language-server (the
// YAML support of VS Code, Neovim and most editors) implements: it ignores
// 2020-12 keywords such as unevaluatedProperties, so a 2020-12 schema would
// silently accept unknown fields. The policy file's schema (package config)
// uses the same dialect.
const SchemaDialect = "http://json-schema.org/draft-07/schema#"

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

// Schema returns a JSON Schema (draft-07) for the front matter of the
// rules' communications, so an editor checks fields while the author
// writes. The common fields are properties of the whole object; each type
// is a definition listing every field it allows (common ones included, so
// additionalProperties can close it: draft-07 has no
// unevaluatedProperties) and the fields it requires, chosen by an
// if/then on `type`. The schema cannot check everything ValidateDocument
// does (sections, placeholders, invisible characters), but what it
// rejects, the validator rejects too.
func Schema(rules *Rules) ([]byte, error) {
	if rules == nil {
		return nil, errors.New("schema: no rules")
	}
	properties := map[string]any{}
	var required, common []string
	for _, r := range commonFieldRules(rules) {
		s := fieldSchema(rules, r)
		if d, ok := fieldDescriptions[r.Name]; ok {
			s["description"] = d
		}
		properties[r.Name] = s
		common = append(common, r.Name)
		if r.Required {
			required = append(required, r.Name)
		}
	}
	var branches []any
	definitions := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(rules.Types)) {
		definitions[name] = typeDefinition(rules, rules.Types[name], common)
		branches = append(branches, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"const": name}}, "required": []string{"type"}},
			"then": map[string]any{"$ref": "#/definitions/" + schemaPointerEscape(name)},
		})
	}
	branches = append(branches, map[string]any{
		"if":   map[string]any{"properties": map[string]any{"embargo": map[string]any{"const": true}}, "required": []string{"embargo"}},
		"then": map[string]any{"required": []string{"embargo_until", "distributors_notified_at"}},
	})
	// The crisis path: only the types the policy names, and never without
	// a reason (a blank one is caught by check).
	expedite := map[string]any{"properties": map[string]any{"expedite": map[string]any{"const": true}}, "required": []string{"expedite"}}
	branches = append(branches, map[string]any{
		"if":   expedite,
		"then": map[string]any{"required": []string{"expedite_reason"}},
	})
	var calm []string
	for _, name := range slices.Sorted(maps.Keys(rules.Types)) {
		if !rules.Expedite.Allows(name) {
			calm = append(calm, name)
		}
	}
	if len(calm) > 0 {
		branches = append(branches, map[string]any{
			"if":   expedite,
			"then": map[string]any{"not": map[string]any{"properties": map[string]any{"type": map[string]any{"enum": calm}}, "required": []string{"type"}}},
		})
	}
	schema := map[string]any{
		"$schema":     SchemaDialect,
		"title":       "commsgate communication",
		"description": "Front matter of a communication reviewed and published by commsgate.",
		"type":        "object",
		"properties":  properties,
		"required":    required,
		"allOf":       branches,
		"definitions": definitions,
	}
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("schema: encode: %w", err)
	}
	return append(out, '\n'), nil
}

// typeDefinition is the closed object of one type: the common fields (their
// values are checked by the top-level properties), the type's own fields,
// which it requires, and which it requires only while another field has
// certain values.
func typeDefinition(rules *Rules, t TypeSpec, common []string) map[string]any {
	properties := map[string]any{}
	for _, name := range common {
		properties[name] = true
	}
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
	def := map[string]any{
		"description":          fmt.Sprintf("The fields of a %s communication; any other field is unknown.", t.Name),
		"properties":           properties,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		def["required"] = required
	}
	if len(conditions) > 0 {
		def["allOf"] = conditions
	}
	return def
}

// schemaPointerEscape escapes a name for a JSON Pointer in a $ref (RFC 6901).
func schemaPointerEscape(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// fieldSchema is the schema of one field's value.
func fieldSchema(rules *Rules, r fieldRule) map[string]any {
	item := valueSchema(rules, r)
	if !r.List {
		return item
	}
	// No uniqueItems: the validator accepts a value listed twice, and the
	// schema must never reject what check accepts.
	list := map[string]any{"type": "array", "items": item}
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
