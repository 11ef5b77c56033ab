package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// checkServerKeys walks the YAML document alongside the Server struct and
// reports the first key the struct does not know, with its line and full
// path, e.g. "config: serve.yaml line 3: unknown key server.prot (known: address, port, public_url)".
// Strictness matters here: a misspelt webhook_secret silently ignored would
// turn signature checking off.
func checkServerKeys(path string, root *yaml.Node, lines keyLines) error {
	return checkServerNode(path, root, reflect.TypeOf(Server{}), "", lines)
}

// keyLines maps a full key path (secret names canonical, as validation
// names them) to the line the file sets it on.
type keyLines map[string]int

func (l keyLines) record(key string, line int) {
	if rest, ok := strings.CutPrefix(key, secretsKeyPrefix); ok {
		name, field, hasField := strings.Cut(rest, ".")
		key = secretsKeyPrefix + CanonicalSecretName(name)
		if hasField {
			key += "." + field
		}
	}
	if _, seen := l[key]; !seen {
		l[key] = line
	}
}

const secretsKeyPrefix = "publish.secrets."

func checkServerNode(path string, n *yaml.Node, t reflect.Type, where string, lines keyLines) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		return nil // a scalar; the decoder checks its value
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return fmt.Errorf("config: %s line %d: %s must be a mapping of keys", path, n.Line, serverKeyName(where))
		}
		fields := serverYAMLFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			field, ok := fields[key.Value]
			if !ok {
				return fmt.Errorf("config: %s line %d: unknown key %s (known keys here: %s)",
					path, key.Line, joinServerKey(where, key.Value), strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
			}
			lines.record(joinServerKey(where, key.Value), key.Line)
			if err := checkServerNode(path, value, field.Type, joinServerKey(where, key.Value), lines); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return fmt.Errorf("config: %s line %d: %s must be a mapping of names", path, n.Line, serverKeyName(where))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			lines.record(joinServerKey(where, key.Value), key.Line)
			if err := checkServerNode(path, value, t.Elem(), joinServerKey(where, key.Value), lines); err != nil {
				return err
			}
		}
	}
	return nil
}

func serverYAMLFields(t reflect.Type) map[string]reflect.StructField {
	fields := make(map[string]reflect.StructField)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f
	}
	return fields
}

func joinServerKey(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}

func serverKeyName(where string) string {
	if where == "" {
		return "the file"
	}
	return where
}
