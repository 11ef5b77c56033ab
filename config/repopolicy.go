package config

import (
	"bytes"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"

	// Time zones in the policy file are resolved at load; the embedded
	// database makes that independent of the machine's /usr/share/zoneinfo.
	_ "time/tzdata"
)

// RepoPolicyPath is where a repository keeps its commsgate policy.
const RepoPolicyPath = ".github/commsgate.yml"

// Hostile-input bounds. A real policy file is a few kilobytes and about
// eight levels deep; anything far beyond that is a mistake or an attack,
// and the loader refuses it before doing any work proportional to it.
const (
	maxPolicyBytes    = 256 * 1024
	maxPolicyDepth    = 16
	maxPolicyFindings = 200
	// Lists (stages, zones, labels, fields) are short in any real policy;
	// the caps also bound the time spent resolving time zones.
	maxPolicyListItems  = 100
	maxPolicyMapEntries = 500
)

// ParseRepoPolicy parses and validates a repository policy file. It starts
// from policy.DefaultRules and overlays what the file sets. Every problem is
// a finding at the file position to edit; parsing never stops at the first
// one. The returned Rules are nil only when the file is unusable (too large,
// not YAML, not a mapping, too deep); when any finding is an error the
// caller must treat the policy as broken even though Rules are returned.
func ParseRepoPolicy(path string, data []byte) (*policy.Rules, []policy.Finding) {
	l := &policyLoader{file: path, rules: policy.DefaultRules()}
	if len(data) > maxPolicyBytes {
		l.errorAt(1, 1, RulePolicyTooLarge,
			"the policy file is %d bytes; the limit is %d bytes (256 KiB). A policy file only maps teams and settings: remove what is not needed",
			len(data), maxPolicyBytes)
		return nil, l.findings
	}
	root, ok := l.parseYAML(data)
	if !ok {
		return nil, l.findings
	}
	if !l.checkShape(root) {
		return nil, l.findings
	}
	l.decodeRoot(root)
	// Decoding follows the schema's order, whole-file checks come last;
	// authors read findings top to bottom, so they are sorted by position.
	sort.SliceStable(l.findings, func(i, j int) bool {
		a, b := l.findings[i], l.findings[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	if len(l.findings) > maxPolicyFindings {
		extra := len(l.findings) - maxPolicyFindings
		l.findings = l.findings[:maxPolicyFindings]
		l.errorAt(1, 1, RulePolicyTooMany,
			"%d more findings were left out; fix the ones above and run the check again", extra)
	}
	return l.rules, l.findings
}

// parseYAML reads exactly one YAML document into a node tree. An empty
// file is an empty mapping: every setting keeps its default.
func (l *policyLoader) parseYAML(data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// yaml.v3 has panicked on malformed input in the past; a policy file
		// is untrusted, so a panic becomes a syntax finding, never a crash.
		if r := recover(); r != nil {
			l.errorAt(1, 1, RulePolicySyntax, "the file is not valid YAML (%v); fix the syntax", r)
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}, true
		}
		line, msg := yamlErrorLine(err)
		// An unclosed bracket is found at the end of the stream, which can
		// be past the last line an editor shows.
		line = min(line, yamlLineCount(data))
		hint := "fix the syntax at or just after this line"
		if indentedWithTab(data, line) {
			hint = "indent with spaces: YAML does not allow tabs for indentation"
		}
		l.errorAt(line, 1, RulePolicySyntax, "the file is not valid YAML: %s; %s", msg, hint)
		return nil, false
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		line := next.Line
		if line == 0 {
			line, _ = yamlErrorLine(err)
		}
		l.errorAt(line, 1, RulePolicyMultiDoc,
			"the file holds more than one YAML document; remove the \"---\" separator and everything after it, or merge it into the first document")
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}, true
	}
	root = doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		// A file holding only comments parses as a null document.
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}, true
	}
	if root.Kind != yaml.MappingNode {
		l.errorf(root, RulePolicyNotMapping,
			"the policy file must be a mapping of settings (key: value), but it is %s; start from the example in REPO_POLICY.md",
			yamlKindName(root))
		return nil, false
	}
	return root, true
}

// checkShape rejects anchors, aliases and deep nesting before any decoding.
// A policy file has no use for anchors; refusing them rules out alias
// expansion attacks and keeps each finding at the place it is about.
func (l *policyLoader) checkShape(root *yaml.Node) bool {
	usable := true
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if !usable {
			return
		}
		if depth > maxPolicyDepth {
			l.errorf(n, RulePolicyDepth,
				"the file nests deeper than %d levels; a policy file never needs that, so flatten this value", maxPolicyDepth)
			usable = false
			return
		}
		if n.Kind == yaml.AliasNode {
			l.errorf(n, RulePolicyAlias,
				"YAML aliases (*%s) are not allowed in a policy file; write the value out in full", n.Value)
			return // never follow an alias
		}
		if n.Anchor != "" {
			l.errorf(n, RulePolicyAlias,
				"YAML anchors (&%s) are not allowed in a policy file; remove the anchor and write values out in full", n.Anchor)
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 1)
	return usable
}

// yamlParserProblems are yaml.v3 parser (not scanner) errors. yaml.v3 reports
// their line 0-based and leaves out "line 0", unlike scanner errors, so the
// loader adds one to point at the line an author sees in the editor.
var yamlParserProblems = []string{
	"did not find expected <",
	"did not find expected node content",
	"did not find expected key",
	"did not find expected '-' indicator",
	"did not find expected ',' or",
}

// yamlErrorLine pulls the line number out of a yaml.v3 error message, which
// reads "yaml: line N: problem". Errors without a line point at line 1.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, problem, found := strings.Cut(rest, ":"); found {
			if n, convErr := strconv.Atoi(num); convErr == nil && n > 0 {
				line, msg = n, strings.TrimSpace(problem)
			}
		}
	}
	for _, p := range yamlParserProblems {
		if strings.HasPrefix(msg, p) {
			return line + 1, msg
		}
	}
	return max(line, 1), msg
}

// indentedWithTab tells whether the 1-based line starts with a tab among
// its leading whitespace, the most common cause of a YAML syntax error.
func indentedWithTab(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return false
	}
	text := lines[line-1]
	indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
	return bytes.IndexByte(indent, '\t') >= 0
}

// yamlLineCount is the number of lines an editor shows for data.
func yamlLineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return max(n, 1)
}
