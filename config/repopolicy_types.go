package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"
)

// fieldKinds are the kinds a type-specific field may have.
var fieldKinds = []string{
	string(policy.KindString), string(policy.KindText), string(policy.KindInstant),
	string(policy.KindEnum), string(policy.KindURL), string(policy.KindNumber),
	string(policy.KindBool), string(policy.KindCVE), string(policy.KindCVSSVector),
	string(policy.KindHandle), string(policy.KindHandles),
}

// decodeTypes merges types by name: a built-in type keeps what the file
// does not set, and a list the file sets (fields, sections) replaces the
// built-in list so the file reads as the whole truth for that list.
func (l *policyLoader) decodeTypes(n *yaml.Node) {
	es, ok := l.entries(n, "types")
	if !ok {
		return
	}
	l.minTierNodes = map[string]*yaml.Node{}
	for _, e := range es {
		if !l.name(e.KeyN, "type") {
			continue
		}
		where := "types." + e.Key
		tes, ok := l.entries(e.Value, where)
		if !ok {
			continue
		}
		keys := l.known(tes, where, "description", "min_tier", "fields", "sections")
		t, exists := l.rules.Types[e.Key]
		if !exists {
			t = policy.TypeSpec{Name: e.Key}
			if _, ok := keys["min_tier"]; !ok {
				l.errorf(e.KeyN, RuleMissingKey, "new type %s needs min_tier: the lowest tier its communications are reviewed at, e.g. min_tier: 2", e.Key)
			}
		}
		if k, ok := keys["description"]; ok {
			if s, ok := l.scalar(k.Value, where+".description"); ok {
				t.Description = s
			}
		}
		if k, ok := keys["min_tier"]; ok {
			if v, ok := l.integer(k.Value, where+".min_tier"); ok {
				if v < 1 || v > maxPolicyTier {
					l.errorf(k.Value, RuleTypeMinTier, "%s.min_tier is %d; use one of the tiers defined in tiers", where, v)
				} else {
					t.MinTier = v
					l.minTierNodes[e.Key] = k.Value
				}
			}
		}
		if k, ok := keys["fields"]; ok {
			if fields, ok := l.decodeFields(k.Value, where+".fields"); ok {
				t.Fields = fields
			}
		}
		if k, ok := keys["sections"]; ok {
			if sections, ok := l.decodeSections(k.Value, where+".sections"); ok {
				t.Sections = sections
			}
		}
		if t.MinTier == 0 {
			// Reported above; keep the type out of evaluation rather than
			// letting it pass at a tier nobody chose.
			continue
		}
		l.rules.Types[e.Key] = t
	}
}

// decodeFields reads a type's field list. Broken fields are reported and
// left out.
func (l *policyLoader) decodeFields(n *yaml.Node, where string) ([]policy.FieldSpec, bool) {
	items, ok := l.list(n, where)
	if !ok {
		return nil, false
	}
	var out []policy.FieldSpec
	seen := map[string]*yaml.Node{}
	// required_when may name a field listed later, so it is checked once
	// every name is known.
	type conditional struct {
		index int
		e     policyEntry
	}
	var pending []conditional
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", where, i)
		fes, ok := l.entries(it, at)
		if !ok {
			continue
		}
		keys := l.known(fes, at, "name", "kind", "required", "required_when", "values", "min", "max", "guidance")
		nameE, ok := keys["name"]
		if !ok {
			l.errorf(it, RuleMissingKey, "%s has no name; add name: snake_case_name", at)
			continue
		}
		name, ok := l.scalar(nameE.Value, at+".name")
		if !ok {
			continue
		}
		if !fieldNamePattern.MatchString(name) {
			l.errorf(nameE.Value, RuleBadName, "field name %q must be lowercase letters, digits and _ starting with a letter (front matter keys are snake_case), e.g. expires_at", clipValue(name))
			continue
		}
		at = where + "." + name
		if hasString(policy.CommonFields, name) {
			l.errorf(nameE.Value, RuleFieldReserved, "field %q is a common field every communication already has; remove it or choose another name", name)
			continue
		}
		if first, dup := seen[name]; dup {
			l.errorf(nameE.Value, RuleFieldDuplicate, "field %q is defined twice (first at line %d); keep one", name, first.Line)
			continue
		}
		seen[name] = nameE.Value
		f := policy.FieldSpec{Name: name, Kind: policy.KindString}
		if k, ok := keys["kind"]; ok {
			s, ok := l.scalar(k.Value, at+".kind")
			if !ok {
				continue
			}
			if !hasString(fieldKinds, s) {
				l.errorf(k.Value, RuleFieldKind, "%s.kind is %q%s; use one of %s", at, clipValue(s), didYouMean(s, fieldKinds), strings.Join(fieldKinds, ", "))
				continue
			}
			f.Kind = policy.FieldKind(s)
		}
		if k, ok := keys["required"]; ok {
			if v, ok := l.boolean(k.Value, at+".required"); ok {
				f.Required = v
			}
		}
		if k, ok := keys["guidance"]; ok {
			if s, ok := l.scalar(k.Value, at+".guidance"); ok {
				f.Guidance = s
			}
		}
		if !l.decodeEnumValues(&f, keys, it, at) || !l.decodeRange(&f, keys, at) {
			continue
		}
		if k, ok := keys["required_when"]; ok {
			if f.Required {
				l.errorf(k.KeyN, RuleFieldRequiredWhen, "%s is always required, so required_when has no effect; remove one of them", at)
				continue
			}
			pending = append(pending, conditional{len(out), k})
		}
		out = append(out, f)
	}
	enums := map[string][]string{"audience": policy.Audiences, "priority": policy.Priorities}
	for _, f := range out {
		if f.Kind == policy.KindEnum {
			enums[f.Name] = f.Enum
		}
	}
	for _, p := range pending {
		f := &out[p.index]
		f.RequiredWhen = l.decodeRequiredWhen(p.e.Value, where+"."+f.Name+".required_when", seen, enums)
	}
	return out, true
}

// decodeEnumValues reads values, which an enum needs and other kinds must not have.
func (l *policyLoader) decodeEnumValues(f *policy.FieldSpec, keys map[string]policyEntry, item *yaml.Node, at string) bool {
	k, has := keys["values"]
	if f.Kind != policy.KindEnum {
		if has {
			l.errorf(k.KeyN, RuleFieldEnum, "%s has values but its kind is %s; set kind: enum or remove values", at, f.Kind)
			return false
		}
		return true
	}
	if !has {
		l.errorf(item, RuleFieldEnum, "%s is an enum without values; add values: [first, second]", at)
		return false
	}
	vals, nodes, ok := l.scalars(k.Value, at+".values")
	if !ok {
		return false
	}
	if len(vals) == 0 {
		l.errorf(k.Value, RuleFieldEnum, "%s.values is empty; list the allowed values, e.g. [first, second]", at)
		return false
	}
	seen := map[string]bool{}
	for i, v := range vals {
		if seen[v] {
			l.errorf(nodes[i], RuleFieldEnum, "%s.values lists %q twice; keep one", at, clipValue(v))
			return false
		}
		seen[v] = true
	}
	f.Enum = vals
	return true
}

// decodeRange reads min and max, which only number fields may have.
func (l *policyLoader) decodeRange(f *policy.FieldSpec, keys map[string]policyEntry, at string) bool {
	minE, hasMin := keys["min"]
	maxE, hasMax := keys["max"]
	if !hasMin && !hasMax {
		return true
	}
	if f.Kind != policy.KindNumber {
		k := minE
		if !hasMin {
			k = maxE
		}
		l.errorf(k.KeyN, RuleFieldRange, "%s has min/max but its kind is %s; only number fields take a range", at, f.Kind)
		return false
	}
	if !hasMin || !hasMax {
		k := minE
		if !hasMin {
			k = maxE
		}
		l.errorf(k.KeyN, RuleFieldRange, "%s needs both min and max (inclusive bounds), e.g. min: 0 and max: 10", at)
		return false
	}
	lo, ok1 := l.number(minE.Value, at+".min")
	hi, ok2 := l.number(maxE.Value, at+".max")
	if !ok1 || !ok2 {
		return false
	}
	if lo > hi {
		l.errorf(minE.Value, RuleFieldRange, "%s.min (%v) is above max (%v); swap them", at, lo, hi)
		return false
	}
	f.HasRange, f.Min, f.Max = true, lo, hi
	return true
}

// decodeRequiredWhen reads {other_field: [value, ...]}; the other field must
// be one of this type's fields or a common field, and when it is an enum
// each value must be one it allows (a condition that can never hold would
// silently make the field optional).
func (l *policyLoader) decodeRequiredWhen(n *yaml.Node, where string, typeFields map[string]*yaml.Node, enums map[string][]string) map[string][]string {
	es, ok := l.entries(n, where)
	if !ok {
		return nil
	}
	out := map[string][]string{}
	for _, e := range es {
		if _, ok := typeFields[e.Key]; !ok && !hasString(policy.CommonFields, e.Key) {
			known := append(slices.Sorted(maps.Keys(typeFields)), policy.CommonFields...)
			l.errorf(e.KeyN, RuleFieldRequiredWhen, "%s refers to field %q, which this type does not have%s; name one of its fields or a common field", where, clipValue(e.Key), didYouMean(e.Key, known))
			continue
		}
		var vals []string
		var nodes []*yaml.Node
		if e.Value.Kind == yaml.ScalarNode {
			if v, ok := l.scalar(e.Value, where+"."+e.Key); ok {
				vals, nodes = []string{v}, []*yaml.Node{e.Value}
			}
		} else if vs, ns, ok := l.scalars(e.Value, where+"."+e.Key); ok {
			vals, nodes = vs, ns
		}
		if allowed, isEnum := enums[e.Key]; isEnum {
			var kept []string
			for i, v := range vals {
				if !hasString(allowed, v) {
					l.errorf(nodes[i], RuleFieldRequiredWhen, "%s: %s can never be %q%s; use one of %s", where, e.Key, clipValue(v), didYouMean(v, allowed), strings.Join(allowed, ", "))
					continue
				}
				kept = append(kept, v)
			}
			vals = kept
		}
		if len(vals) == 0 {
			continue
		}
		out[e.Key] = vals
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// decodeSections reads a type's required sections.
func (l *policyLoader) decodeSections(n *yaml.Node, where string) ([]policy.SectionSpec, bool) {
	items, ok := l.list(n, where)
	if !ok {
		return nil, false
	}
	var out []policy.SectionSpec
	seen := map[string]*yaml.Node{}
	for _, c := range policy.CommonSections {
		seen[normalizeSectionTitle(c.Title)] = nil
	}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", where, i)
		ses, ok := l.entries(it, at)
		if !ok {
			continue
		}
		keys := l.known(ses, at, "title", "guidance")
		titleE, ok := keys["title"]
		if !ok {
			l.errorf(it, RuleMissingKey, "%s has no title; add title: the heading text without ##", at)
			continue
		}
		title, ok := l.scalar(titleE.Value, at+".title")
		if !ok {
			continue
		}
		title = strings.TrimSpace(strings.TrimLeft(title, "# "))
		if title == "" || strings.ContainsAny(title, "\r\n") {
			l.errorf(titleE.Value, RuleBadName, "%s.title must be one line of heading text, e.g. Banner text", at)
			continue
		}
		norm := normalizeSectionTitle(title)
		if first, dup := seen[norm]; dup {
			if first == nil {
				l.errorf(titleE.Value, RuleSectionDuplicate, "section %q is already required in every communication; remove it here", title)
			} else {
				l.errorf(titleE.Value, RuleSectionDuplicate, "section %q is listed twice (first at line %d); keep one", title, first.Line)
			}
			continue
		}
		seen[norm] = titleE.Value
		s := policy.SectionSpec{Title: title}
		if k, ok := keys["guidance"]; ok {
			if g, ok := l.scalar(k.Value, at+".guidance"); ok {
				s.Guidance = g
			}
		}
		out = append(out, s)
	}
	return out, true
}

// normalizeSectionTitle compares headings as a reader would, matching
// policy's own comparison (case and trailing punctuation do not matter).
func normalizeSectionTitle(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimRight(s, " :?.!")
}
