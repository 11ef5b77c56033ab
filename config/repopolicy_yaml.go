package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"
)

// policyLoader decodes one policy file. It collects findings instead of
// returning errors so an author sees every problem in one check run, and it
// remembers where cross-referenced values sit so checks that need the whole
// file (a tier naming a group without a team) still point at a line.
type policyLoader struct {
	file     string
	rules    *policy.Rules
	findings []policy.Finding

	// Positions kept for whole-file checks.
	groupsKey    *yaml.Node            // the "groups" key, if present
	tiersKey     *yaml.Node            // the "tiers" key, if present
	stageNodes   map[int][]*yaml.Node  // per tier, the node of each stage
	minTierNodes map[string]*yaml.Node // per type set in the file, its min_tier value
	scopeNodes   map[string]*yaml.Node // per scope rule set in the file, its value

	zones map[string]*time.Location
}

// policyEntry is one key of a YAML mapping with its value.
type policyEntry struct {
	Key   string
	KeyN  *yaml.Node
	Value *yaml.Node
}

func (l *policyLoader) errorf(n *yaml.Node, rule, format string, args ...any) {
	l.errorAt(n.Line, n.Column, rule, format, args...)
}

func (l *policyLoader) warnf(n *yaml.Node, rule, format string, args ...any) {
	l.add(n.Line, n.Column, policy.SeverityWarning, rule, fmt.Sprintf(format, args...))
}

func (l *policyLoader) errorAt(line, column int, rule, format string, args ...any) {
	l.add(line, column, policy.SeverityError, rule, fmt.Sprintf(format, args...))
}

func (l *policyLoader) add(line, column int, sev policy.Severity, rule, msg string) {
	if line < 1 {
		line = 1
	}
	if column < 1 {
		column = 1
	}
	l.findings = append(l.findings, policy.Finding{
		File: l.file, Line: line, Column: column, Severity: sev, Rule: rule, Message: msg,
	})
}

// yamlKindName names a node's shape the way an author would.
func yamlKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("the single value %q", clipValue(n.Value))
	}
	return "something else"
}

// clipValue shortens a value quoted in a message so a huge scalar cannot flood
// the check run.
func clipValue(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// wrongKind reports a value of the wrong shape. Aliases were already
// reported by checkShape and are skipped here.
func (l *policyLoader) wrongKind(n *yaml.Node, where, want string) {
	if n.Kind == yaml.AliasNode {
		return
	}
	l.errorf(n, RuleWrongKind, "%s must be %s, but it is %s", where, want, yamlKindName(n))
}

// entries returns a mapping's keys in file order. It reports a value that is
// not a mapping, keys that are not plain values, and duplicate keys (YAML
// would silently keep the last one; a reviewer would read the first).
func (l *policyLoader) entries(n *yaml.Node, where string) ([]policyEntry, bool) {
	if n.Kind != yaml.MappingNode {
		l.wrongKind(n, where, "a mapping (key: value)")
		return nil, false
	}
	seen := map[string]*yaml.Node{}
	var out []policyEntry
	if len(n.Content)/2 > maxPolicyMapEntries {
		l.errorf(n, RuleListTooLong, "%s has %d entries; a policy mapping holds at most %d, so only the first %d were checked", where, len(n.Content)/2, maxPolicyMapEntries, maxPolicyMapEntries)
	}
	for i := 0; i+1 < len(n.Content) && len(out) < maxPolicyMapEntries; i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			if k.Kind != yaml.AliasNode {
				l.errorf(k, RuleWrongKind, "a key in %s must be a plain name, but it is %s", where, yamlKindName(k))
			}
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.errorf(k, RuleDuplicateKey, "%q is set twice in %s (first at line %d); keep one", clipValue(k.Value), where, first.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, policyEntry{Key: k.Value, KeyN: k, Value: v})
	}
	return out, true
}

// known keeps the entries whose key is allowed and reports the others with
// the closest allowed key as a suggestion.
func (l *policyLoader) known(es []policyEntry, where string, allowed ...string) map[string]policyEntry {
	out := map[string]policyEntry{}
	for _, e := range es {
		if hasString(allowed, e.Key) {
			out[e.Key] = e
			continue
		}
		l.unknownKey(e.KeyN, where, allowed)
	}
	return out
}

func (l *policyLoader) unknownKey(k *yaml.Node, where string, allowed []string) {
	in := "in " + where
	if where == "" {
		in = "at the top level"
	}
	l.errorf(k, RuleUnknownKey, "unknown key %q %s%s; allowed keys are %s",
		clipValue(k.Value), in, didYouMean(k.Value, allowed), strings.Join(allowed, ", "))
}

// scalar returns a single non-empty value.
func (l *policyLoader) scalar(n *yaml.Node, where string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		l.wrongKind(n, where, "a single value")
		return "", false
	}
	if n.Tag == "!!null" {
		l.errorf(n, RuleWrongKind, "%s is empty; give it a value", where)
		return "", false
	}
	return n.Value, true
}

// integer returns a whole number.
func (l *policyLoader) integer(n *yaml.Node, where string) (int, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if n.Tag != "!!int" || err != nil {
		l.errorf(n, RuleWrongKind, "%s must be a whole number, but it is %q", where, clipValue(s))
		return 0, false
	}
	return v, true
}

// boolean returns true or false.
func (l *policyLoader) boolean(n *yaml.Node, where string) (bool, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return false, false
	}
	v, err := strconv.ParseBool(s)
	if n.Tag != "!!bool" || err != nil {
		l.errorf(n, RuleWrongKind, "%s must be true or false, but it is %q", where, clipValue(s))
		return false, false
	}
	return v, true
}

// number returns a decimal number.
func (l *policyLoader) number(n *yaml.Node, where string) (float64, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if (n.Tag != "!!int" && n.Tag != "!!float") || err != nil {
		l.errorf(n, RuleWrongKind, "%s must be a number, but it is %q", where, clipValue(s))
		return 0, false
	}
	return v, true
}

// list returns a sequence's items, at most maxListItems of them.
func (l *policyLoader) list(n *yaml.Node, where string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		l.wrongKind(n, where, "a list")
		return nil, false
	}
	if len(n.Content) > maxPolicyListItems {
		l.errorf(n, RuleListTooLong, "%s has %d items; a policy list holds at most %d, so only the first %d were checked", where, len(n.Content), maxPolicyListItems, maxPolicyListItems)
		return n.Content[:maxPolicyListItems], true
	}
	return n.Content, true
}

// scalars returns a list of single values; items that are not single
// values are reported and left out.
func (l *policyLoader) scalars(n *yaml.Node, where string) ([]string, []*yaml.Node, bool) {
	items, ok := l.list(n, where)
	if !ok {
		return nil, nil, false
	}
	var vals []string
	var nodes []*yaml.Node
	for i, it := range items {
		v, ok := l.scalar(it, fmt.Sprintf("%s[%d]", where, i))
		if !ok {
			continue
		}
		vals = append(vals, v)
		nodes = append(nodes, it)
	}
	return vals, nodes, true
}

// oneOf checks a value against a closed set.
func (l *policyLoader) oneOf(n *yaml.Node, where string, allowed ...string) (string, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return "", false
	}
	if !hasString(allowed, s) {
		l.errorf(n, RuleEnum, "%s is %q%s; use one of %s", where, clipValue(s), didYouMean(s, allowed), strings.Join(allowed, ", "))
		return "", false
	}
	return s, true
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// didYouMean phrases policy.Suggest's answer for a finding, or says nothing.
func didYouMean(word string, candidates []string) string {
	if best := policy.Suggest(word, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
