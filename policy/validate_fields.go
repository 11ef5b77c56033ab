package policy

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Kinds only the common fields use: their allowed values come from the
// rules (SIGs, targets, tiers) rather than from a fixed list.
const (
	kindSIG     FieldKind = "sig"
	kindChannel FieldKind = "channel"
	kindTier    FieldKind = "tier"
)

// fieldRule is how one front-matter field is checked.
type fieldRule struct {
	FieldSpec
	// List fields hold a list whose items are each checked by Kind.
	List bool
	// Type names the communication type the field belongs to, "" for a
	// common field.
	Type string
}

// commonFieldRules are the checks of the fields every type shares, in the
// order a template lists them.
func commonFieldRules(rules *Rules) []fieldRule {
	return []fieldRule{
		{FieldSpec: FieldSpec{Name: "title", Kind: KindString, Required: true, Guidance: "Registry freeze on 2027-02-16"}},
		{FieldSpec: FieldSpec{Name: "summary", Kind: KindText, Required: true, Guidance: "who is affected and what happens, in one or two sentences"}},
		{FieldSpec: FieldSpec{Name: "type", Kind: KindEnum, Required: true, Enum: slices.Sorted(maps.Keys(rules.Types)), Guidance: "announcement"}},
		{FieldSpec: FieldSpec{Name: "sigs", Kind: kindSIG, Required: true, Enum: slices.Sorted(maps.Keys(rules.SIGs)), Guidance: "[sig-release]"}, List: true},
		{FieldSpec: FieldSpec{Name: "audience", Kind: KindEnum, Required: true, Enum: Audiences, Guidance: "[end-users]"}, List: true},
		{FieldSpec: FieldSpec{Name: "priority", Kind: KindEnum, Required: true, Enum: Priorities, Guidance: "priority-info"}},
		{FieldSpec: FieldSpec{Name: "channels", Kind: kindChannel, Required: true, Enum: slices.Sorted(maps.Keys(rules.Targets)), Guidance: "[announce]"}, List: true},
		{FieldSpec: FieldSpec{Name: "publish_at", Kind: KindInstant, Required: true, Guidance: "2027-02-16T16:00:00Z"}},
		{FieldSpec: FieldSpec{Name: "contacts", Kind: KindHandle, Required: true, Guidance: "[alice, bob]"}, List: true},
		{FieldSpec: FieldSpec{Name: "tier", Kind: kindTier, Guidance: "2"}},
		{FieldSpec: FieldSpec{Name: "embargo", Kind: KindBool, Guidance: "true"}},
		{FieldSpec: FieldSpec{Name: "embargo_until", Kind: KindInstant, Guidance: "2027-02-16T16:00:00Z"}},
		{FieldSpec: FieldSpec{Name: "distributors_notified_at", Kind: KindInstant, Guidance: "2027-02-08T16:00:00Z"}},
		{FieldSpec: FieldSpec{Name: "expedite", Kind: KindBool, Guidance: "true"}},
		{FieldSpec: FieldSpec{Name: "expedite_reason", Kind: KindText, Guidance: "the registry is serving corrupted images now; waiting for Monday's window leaves every cluster pulling them"}},
	}
}

// typeFieldRules are the checks of one type's own fields.
func typeFieldRules(t TypeSpec) []fieldRule {
	out := make([]fieldRule, 0, len(t.Fields))
	for _, spec := range t.Fields {
		r := fieldRule{FieldSpec: spec, Type: t.Name}
		if spec.Kind == KindHandles {
			r.Kind, r.List = KindHandle, true
		}
		out = append(out, r)
	}
	return out
}

// fieldRulesFor returns the checks that apply to a document of the named
// type: known are all accepted fields, required those checked for
// presence. For an unknown or missing type every type's fields are
// accepted, since the type finding already says what is wrong. Slices, not
// maps: a document has a dozen fields, and this runs for every document.
func fieldRulesFor(rules *Rules, typeName string) (known, required []fieldRule) {
	known = commonFieldRules(rules)
	required = known
	if t, ok := rules.Types[typeName]; ok {
		known = append(known, typeFieldRules(t)...)
		return known, known
	}
	for _, name := range slices.Sorted(maps.Keys(rules.Types)) {
		for _, r := range typeFieldRules(rules.Types[name]) {
			if _, dup := findFieldRule(known, r.Name); !dup {
				known = append(known, r)
			}
		}
	}
	return known, required
}

func findFieldRule(rules []fieldRule, name string) (fieldRule, bool) {
	for _, r := range rules {
		if r.Name == name {
			return r, true
		}
	}
	return fieldRule{}, false
}

func (v *validator) checkFields() {
	known, required := fieldRulesFor(v.rules, v.doc.Type)
	seen := map[string]bool{}
	for _, f := range v.doc.Fields {
		if seen[f.Key] {
			continue // a duplicate: ParseDocument reported it
		}
		seen[f.Key] = true
		rule, ok := findFieldRule(known, f.Key)
		if !ok {
			v.reportUnknownField(f, known)
			continue
		}
		v.checkField(rule, f)
	}
	if v.doc.parsed.fieldsUnknown {
		return // the parse finding explains why no field could be read
	}
	for _, rule := range required {
		v.checkRequired(rule)
	}
	v.checkEmbargoFields()
	v.checkExpediteFields()
}

func (v *validator) reportUnknownField(f Field, known []fieldRule) {
	names := make([]string, 0, len(known))
	for _, r := range known {
		names = append(names, r.Name)
	}
	sort.Strings(names)
	for _, name := range slices.Sorted(maps.Keys(v.rules.Types)) {
		for _, spec := range v.rules.Types[name].Fields {
			if spec.Name == f.Key && name != v.doc.Type {
				v.errorf(f.KeyPos, RuleUnknownField,
					"`%s` is a field of type `%s`, not of `%s`: remove it, or change `type`", f.Key, name, v.doc.Type)
				return
			}
		}
	}
	hint := didYouMean(f.Key, names)
	if hint == "" {
		// publish_time for publish_at: not a typo, but the same first word
		// as a field the document lacks.
		var absent []string
		for _, name := range names {
			if _, present := v.doc.FieldByKey(name); !present {
				absent = append(absent, name)
			}
		}
		if s := suggestByFirstWord(f.Key, absent); s != "" {
			hint = fmt.Sprintf(" (did you mean `%s`?)", s)
		}
	}
	kind := "a communication"
	if _, ok := v.rules.Types[v.doc.Type]; ok {
		kind = "type `" + v.doc.Type + "`"
	}
	v.errorf(f.KeyPos, RuleUnknownField, "unknown field `%s`%s; the fields allowed for %s are %s",
		f.Key, hint, kind, codeList(names))
}

// checkRequired reports a required field that is absent or empty, and a
// conditionally required one (RequiredWhen) whose condition holds.
func (v *validator) checkRequired(rule fieldRule) {
	why := ""
	if !rule.Required {
		cond, holds := v.requiredWhenHolds(rule.RequiredWhen)
		if !holds {
			return
		}
		why = " while " + cond
	} else if rule.Type != "" {
		why = " in a " + rule.Type
	}
	f, present := v.doc.FieldByKey(rule.Name)
	switch {
	case !present:
		v.errorf(v.frontMatterPos(), RuleMissingField, "the required field `%s` is missing%s: add `%s: %s` to the front matter",
			rule.Name, why, rule.Name, rule.Guidance)
	case f.Tag == "!!null" || (!f.Sequence && strings.TrimSpace(f.Scalar) == "" && f.Tag != "!!map"):
		v.errorf(f.KeyPos, RuleMissingField, "`%s` has no value but is required%s: write e.g. `%s: %s`", rule.Name, why, rule.Name, rule.Guidance)
	case rule.List && f.Sequence && len(f.Items) == 0:
		v.errorf(f.ValuePos, RuleMissingField, "`%s` needs at least one item: write e.g. `%s: %s`", rule.Name, rule.Name, rule.Guidance)
	}
}

// requiredWhenHolds tells whether any condition of a RequiredWhen holds,
// and phrases it ("`status` is `ongoing`").
func (v *validator) requiredWhenHolds(when map[string][]string) (string, bool) {
	for _, key := range slices.Sorted(maps.Keys(when)) {
		f, ok := v.doc.FieldByKey(key)
		if ok && !f.Sequence && slices.Contains(when[key], f.Scalar) {
			return fmt.Sprintf("`%s` is `%s`", key, f.Scalar), true
		}
	}
	return "", false
}

// checkEmbargoFields: an embargoed communication must say until when, and
// when distributors were told, so the schedule can be checked.
func (v *validator) checkEmbargoFields() {
	f, ok := v.doc.FieldByKey("embargo")
	if !ok || !v.doc.Embargo {
		return
	}
	for _, name := range []string{"embargo_until", "distributors_notified_at"} {
		if _, present := v.doc.FieldByKey(name); !present {
			example := "2027-02-16T16:00:00Z"
			if name == "distributors_notified_at" {
				example = "2027-02-08T16:00:00Z"
			}
			v.errorf(f.KeyPos, RuleMissingField,
				"`embargo: true` requires `%s`: add `%s: %s` (an RFC 3339 time with offset)", name, name, example)
		}
	}
}

// checkField checks a known field's shape (single value or list) and then
// each value.
func (v *validator) checkField(rule fieldRule, f Field) {
	if f.Tag == "!!null" {
		return // absent in effect; checkRequired reports it when required
	}
	switch {
	case rule.List && !f.Sequence:
		v.errorf(f.ValuePos, RuleWrongType, "`%s` must be a list, e.g. `%s: %s`", rule.Name, rule.Name, rule.Guidance)
		return
	case !rule.List && (f.Sequence || f.Tag == "!!map"):
		v.errorf(f.ValuePos, RuleWrongType, "`%s` must be a single value, not a %s: write e.g. `%s: %s`",
			rule.Name, map[bool]string{true: "list", false: "mapping"}[f.Sequence], rule.Name, rule.Guidance)
		return
	}
	if !rule.List {
		v.checkValue(rule, f.Scalar, f.Tag, f.ValuePos)
		return
	}
	seen := map[string]bool{}
	for i, item := range f.Items {
		v.checkValue(rule, item, "", f.ItemPos[i])
		if seen[item] {
			v.warnf(f.ItemPos[i], RuleDuplicateItem, "`%s` is listed twice in `%s`: remove one", item, rule.Name)
		}
		seen[item] = true
	}
}

// checkValue checks one value of a field. tag is the YAML tag of a single
// value ("" for list items, which are checked by content only).
func (v *validator) checkValue(rule fieldRule, value, tag string, at Pos) {
	name := rule.Name
	switch rule.Kind {
	case KindInstant:
		v.checkInstant(name, value, at)
	case KindEnum:
		if !slices.Contains(rule.Enum, value) {
			v.errorf(at, RuleInvalidEnum, "`%s` cannot be `%s`%s; allowed: %s", name, value, didYouMean(value, rule.Enum), codeList(rule.Enum))
		}
	case kindSIG:
		if _, ok := v.rules.SIGs[value]; !ok {
			v.errorf(at, RuleUnknownSIG, "`%s` is not a SIG known to this repository's policy%s; known: %s (a new SIG is added in .github/commsgate.yml)",
				value, didYouMean(value, rule.Enum), codeList(rule.Enum))
		}
	case kindChannel:
		if _, ok := v.rules.Targets[value]; !ok {
			v.errorf(at, RuleUnknownChannel, "`%s` is not a channel this repository publishes to%s; known: %s",
				value, didYouMean(value, rule.Enum), codeList(rule.Enum))
		}
	case kindTier:
		v.checkTier(value, tag, at)
	case KindHandle:
		if !isGitHubLogin(strings.TrimPrefix(value, "@")) {
			v.errorf(at, RuleInvalidHandle,
				"`%s` is not a GitHub username: use letters, digits and single inner hyphens, at most 39 characters, e.g. `alice` (a leading `@` is allowed when quoted)", value)
		}
	case KindURL:
		v.checkURL(name, value, at)
	case KindCVE:
		if !cvePattern.MatchString(value) {
			v.errorf(at, RuleInvalidCVE, "`%s` is not a CVE identifier: write `CVE-YYYY-NNNN` with the year and at least four digits, e.g. `CVE-2027-12345`", value)
		}
	case KindCVSSVector:
		v.checkCVSSVector(value, at)
	case KindNumber:
		v.checkNumber(rule, value, tag, at)
	case KindBool:
		if tag != "" && tag != "!!bool" {
			v.errorf(at, RuleWrongType, "`%s` must be `true` or `false` (without quotes), not `%s`", name, value)
		}
	}
}

func (v *validator) checkInstant(name, value string, at Pos) {
	switch _, problem := parseInstant(value); problem {
	case instantNoOffset:
		v.errorf(at, RuleInstantWithoutOffset,
			"`%s: %s` has no UTC offset, so it is ambiguous: it means a different moment in every time zone (9 AM Pacific is 16:00 UTC only in summer): write it with an offset, e.g. `%s` for UTC",
			name, value, suggestUTC(value))
	case instantInvalid:
		v.errorf(at, RuleInvalidInstant,
			"`%s: %s` is not a date and time: write RFC 3339 with an offset, e.g. `2026-12-01T16:00:00Z` or `2026-12-01T09:00:00-07:00`", name, value)
	}
}

func (v *validator) checkTier(value, tag string, at Pos) {
	top := v.rules.TopTier()
	n, err := strconv.Atoi(value)
	if (tag != "" && tag != "!!int") || err != nil || n < 1 || n > top {
		v.errorf(at, RuleInvalidTier, "`tier: %s` is not a tier of this repository: write a whole number from 1 to %d, or leave `tier` out to let commsgate compute it", value, top)
	}
}

func (v *validator) checkNumber(rule fieldRule, value, tag string, at Pos) {
	n, err := strconv.ParseFloat(value, 64)
	if (tag != "" && tag != "!!int" && tag != "!!float") || err != nil {
		v.errorf(at, RuleWrongType, "`%s` must be a number written without quotes, e.g. `%s: %s`", rule.Name, rule.Name, rule.Guidance)
		return
	}
	if rule.HasRange && (n < rule.Min || n > rule.Max) {
		id := RuleNumberOutOfRange
		if strings.HasPrefix(rule.Name, "cvss") {
			id = RuleCVSSOutOfRange
		}
		v.errorf(at, id, "`%s: %s` is outside %s to %s", rule.Name, value,
			strconv.FormatFloat(rule.Min, 'f', -1, 64), strconv.FormatFloat(rule.Max, 'f', -1, 64))
	}
}
