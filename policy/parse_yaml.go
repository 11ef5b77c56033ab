package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlErrorLine finds the line yaml.v3 reports ("yaml: line 3: ...").
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFrontMatter reads the YAML between the delimiters into Fields and
// the typed common fields. firstLine is the file line of the YAML's first
// line, so every node position is converted to a file position.
func (p *docParser) parseFrontMatter(data []byte, firstLine int) {
	root, err := decodeYAML(data)
	if err != nil {
		p.doc.parsed.fieldsUnknown = true
		p.reportYAMLError(err, data, firstLine)
		return
	}
	node := root
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
	}
	at := func(n *yaml.Node) Pos { return Pos{Line: n.Line + firstLine - 1, Column: n.Column} }
	switch {
	case node.Kind == 0 || (node.Kind == yaml.ScalarNode && node.ShortTag() == "!!null"):
		return // empty front matter: validation reports the missing fields
	case node.Kind != yaml.MappingNode:
		p.doc.parsed.fieldsUnknown = true
		p.addf(at(node), RuleFrontMatterNotMapping,
			"the front matter must be a list of `key: value` fields, but it is a %s", describeNode(node))
		return
	}

	seen := map[string]Pos{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, value := node.Content[i], resolveAlias(node.Content[i+1])
		if key.Kind != yaml.ScalarNode {
			p.addf(at(key), RuleWrongType, "a field name must be a plain word such as `title`, not a %s", describeNode(key))
			continue
		}
		field := Field{Key: key.Value, KeyPos: at(key), ValuePos: at(node.Content[i+1]), Tag: value.ShortTag()}
		switch value.Kind {
		case yaml.ScalarNode:
			field.Scalar = value.Value
		case yaml.SequenceNode:
			field.Sequence = true
			for _, item := range value.Content {
				item = resolveAlias(item)
				if item.Kind != yaml.ScalarNode {
					p.addf(at(item), RuleWrongType, "each item of `%s` must be a single value, not a %s", key.Value, describeNode(item))
					continue
				}
				field.Items = append(field.Items, item.Value)
				field.ItemPos = append(field.ItemPos, at(item))
			}
		}
		p.doc.Fields = append(p.doc.Fields, field)
		if first, dup := seen[key.Value]; dup {
			p.addf(field.KeyPos, RuleDuplicateKey,
				"`%s` is set twice, on line %d column %d and here on line %d column %d: keep one (the first one is used)",
				key.Value, first.Line, first.Column, field.KeyPos.Line, field.KeyPos.Column)
			continue
		}
		seen[key.Value] = field.KeyPos
		p.doc.setCommon(field)
	}
}

// decodeYAML parses YAML into a node tree. yaml.v3 has had panics on
// hostile input; one must become a finding, not take the server down.
func decodeYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed on this input (%v)", r)
		}
	}()
	root = &yaml.Node{}
	if err := yaml.Unmarshal(data, root); err != nil {
		return nil, err
	}
	return root, nil
}

// reportYAMLError turns a yaml.v3 error into a finding on the file line it
// names, with a hint for the mistakes authors make most.
func (p *docParser) reportYAMLError(err error, data []byte, firstLine int) {
	message := strings.TrimPrefix(err.Error(), "yaml: ")
	at := Pos{Line: firstLine, Column: 1}
	if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			// yaml.v3 counts scanner errors from 1 but parser errors
			// from 0 (and omits "line 0"), so the latter need one more.
			if isYAMLParserError(m[2]) {
				n++
			}
			at.Line = n + firstLine - 1
		}
		message = m[2]
	}
	line := nthLine(data, at.Line-firstLine+1)
	p.addf(at, RuleYAMLSyntax, "the front matter is not valid YAML: %s%s", message, yamlHint(message, line))
}

// isYAMLParserError tells yaml.v3's parser errors (as opposed to its
// scanner's) by their wording, which is fixed in the library.
func isYAMLParserError(message string) bool {
	for _, prefix := range []string{"did not find expected", "found duplicate %", "found incompatible YAML", "found undefined tag handle"} {
		if strings.HasPrefix(message, prefix) {
			return true
		}
	}
	return false
}

// yamlHint explains the common causes of a YAML error in author's terms.
func yamlHint(message, line string) string {
	switch {
	case strings.Contains(line, "\t"):
		return "; YAML cannot indent with tabs, use spaces"
	case strings.Contains(message, "cannot start any token") && strings.Contains(line, "@"):
		return "; a value starting with `@` must be quoted, or write the handle without `@` (`- alice`)"
	case strings.Contains(message, "cannot start any token") && strings.Contains(line, "`"):
		return "; a value starting with a backtick must be quoted"
	case strings.Contains(message, "mapping values are not allowed"):
		return "; a value containing `: ` must be quoted, e.g. `title: \"Registry: frozen\"`"
	case strings.Contains(message, "did not find expected"):
		return "; check the indentation and that every quote and bracket is closed"
	}
	return ""
}

// nthLine returns line n (1-based) of data, or "" when there is none.
func nthLine(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	// One level only: aliases of aliases are not worth following, and a
	// cycle must not loop.
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping of fields"
	case yaml.AliasNode:
		return "YAML alias"
	default:
		return "single value"
	}
}

// setCommon fills the typed common fields from a field whose value reads
// cleanly; ValidateDocument reports every field that does not.
func (d *Document) setCommon(f Field) {
	scalar := func() (string, bool) {
		return f.Scalar, !f.Sequence && f.Tag != "!!null" && f.Tag != "!!map"
	}
	switch f.Key {
	case "title":
		d.Title, _ = scalar()
	case "summary":
		d.Summary, _ = scalar()
	case "type":
		d.Type, _ = scalar()
	case "priority":
		d.Priority, _ = scalar()
	case "sigs":
		d.SIGs = append([]string(nil), f.Items...)
	case "audience":
		d.Audience = append([]string(nil), f.Items...)
	case "channels":
		d.Channels = append([]string(nil), f.Items...)
	case "contacts":
		for _, c := range f.Items {
			d.Contacts = append(d.Contacts, strings.TrimPrefix(c, "@"))
		}
	case "publish_at", "embargo_until", "distributors_notified_at":
		s, ok := scalar()
		if !ok {
			return
		}
		t, problem := parseInstant(s)
		if problem != instantOK {
			return
		}
		switch f.Key {
		case "publish_at":
			d.PublishAt = t
		case "embargo_until":
			d.EmbargoUntil = t
		default:
			d.DistributorsNotified = t
		}
	case "tier":
		if f.Tag == "!!int" {
			if n, err := strconv.Atoi(f.Scalar); err == nil {
				d.DeclaredTier = n
			}
		}
	case "embargo":
		if f.Tag == "!!bool" {
			d.Embargo, _ = strconv.ParseBool(strings.ToLower(f.Scalar))
		}
	case "expedite":
		if f.Tag == "!!bool" {
			d.Expedite, _ = strconv.ParseBool(strings.ToLower(f.Scalar))
		}
	case "expedite_reason":
		d.ExpediteReason, _ = scalar()
	}
}
