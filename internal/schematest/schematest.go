// Package schematest checks commsgate's JSON Schemas the way an editor
// applies them: YAML read as yaml-language-server reads it (YAML 1.2, so
// dates and times stay strings), validated by a real draft-07 validator.
// It is used by tests only.
package schematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// Draft07 is the $schema the editors' language server understands.
const Draft07 = "http://json-schema.org/draft-07/schema#"

// laterKeywords are keywords of drafts after 07. yaml-language-server
// ignores them, so a schema that relies on one is silently weaker in the
// editor than in a test run by a newer validator.
var laterKeywords = []string{
	"$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary",
	"unevaluatedProperties", "unevaluatedItems", "prefixItems", "dependentRequired", "dependentSchemas",
	"minContains", "maxContains",
}

// Compile compiles a schema with draft-07 semantics and format assertions
// on. The compiler validates the schema against the draft-07 meta-schema
// first, so a keyword used wrongly fails here.
func Compile(schema []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	if err := c.AddResource("commsgate.schema.json", doc); err != nil {
		return nil, fmt.Errorf("add schema: %w", err)
	}
	s, err := c.Compile("commsgate.schema.json")
	if err != nil {
		return nil, fmt.Errorf("compile schema: %w", err)
	}
	return s, nil
}

// DialectProblems lists why a schema is not plain draft-07: a $schema
// other than draft-07's, or any keyword of a later draft, with its path.
func DialectProblems(schema []byte) []string {
	var doc map[string]any
	if err := json.Unmarshal(schema, &doc); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	var problems []string
	if doc["$schema"] != Draft07 {
		problems = append(problems, fmt.Sprintf("$schema is %v, want %s", doc["$schema"], Draft07))
	}
	var walk func(v any, path string, inProperties bool)
	walk = func(v any, path string, inProperties bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				// Under properties and definitions the keys are names,
				// not keywords: a field may be called prefixItems.
				if !inProperties {
					for _, kw := range laterKeywords {
						if k == kw {
							problems = append(problems, fmt.Sprintf("%s/%s is a keyword after draft-07", path, k))
						}
					}
				}
				names := !inProperties && (k == "properties" || k == "definitions" || k == "patternProperties")
				walk(child, path+"/"+k, names)
			}
		case []any:
			for i, child := range v {
				walk(child, fmt.Sprintf("%s/%d", path, i), false)
			}
		}
	}
	walk(doc, "#", false)
	return problems
}

// Validate reads YAML as an editor's language server would and validates it
// against the schema. A YAML error is returned as such: the editor reports
// it before any schema applies.
func Validate(s *jsonschema.Schema, yamlText []byte) error {
	v, err := YAMLValue(yamlText)
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// YAMLValue converts one YAML document to the JSON value a schema sees.
// yaml-language-server reads YAML 1.2 (core schema), so an unquoted date or
// time is a string and only true/false are booleans; yaml.v3's tags give
// that reading. Numbers stay json.Number, as the validator expects.
func YAMLValue(yamlText []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(yamlText, &doc); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return nodeValue(doc.Content[0])
}

func nodeValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		// Expanding aliases is how an alias bomb explodes; commsgate refuses
		// them in its files, so the tests never need the expanded value.
		return nil, fmt.Errorf("yaml: alias *%s at line %d is not expanded", n.Value, n.Line)
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := nodeValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			return strings.EqualFold(n.Value, "true"), nil
		case "!!int", "!!float":
			var num json.Number
			if err := json.Unmarshal([]byte(n.Value), &num); err != nil {
				// 0x1F, 0o17, .inf: valid YAML numbers JSON cannot write;
				// no commsgate file needs one, so they stay text.
				return n.Value, nil
			}
			return num, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("yaml: unexpected node kind %v at line %d", n.Kind, n.Line)
}

// Disagreement says how a schema and commsgate's own check disagree on one
// example, or returns "" when they agree. checkRejects is whether the check
// finds an error; schemaErr is what Validate returned; blindSpot is the
// reason the schema cannot reject this example, or "" when it is not
// listed as one. A blind spot the schema does reject is a stale entry.
func Disagreement(checkRejects bool, schemaErr error, blindSpot string) string {
	yamlErr := schemaErr != nil && strings.HasPrefix(schemaErr.Error(), "yaml:")
	switch {
	case !checkRejects && schemaErr != nil:
		return fmt.Sprintf("check accepts it but the schema rejects it, so an editor would flag a good file: %v", schemaErr)
	case !checkRejects && blindSpot != "":
		return "check accepts it, so it is no blind spot; remove it from the list"
	case checkRejects && blindSpot != "" && schemaErr != nil && !yamlErr:
		return fmt.Sprintf("listed as a blind spot (%s), but the schema rejects it: %v", blindSpot, schemaErr)
	case checkRejects && blindSpot == "" && schemaErr == nil:
		return "check rejects it and the schema accepts it; make the schema reject it, or list it as a blind spot with the reason"
	case checkRejects && blindSpot == "" && yamlErr:
		return fmt.Sprintf("no data a schema can see (%v); list it as a blind spot with the reason", schemaErr)
	}
	return ""
}
