package policy

import (
	"fmt"
	"sort"
	"strings"
)

// TierResult is the review tier of a pull request and every rule that
// contributed to it, in words.
type TierResult struct {
	Tier int
	// Reasons are clauses such as "type security-advisory requires tier 3"
	// or "comms/a.md: embargo raises to tier 3".
	Reasons []string
}

// String renders the tier as one sentence: "tier 3: a; b; c".
func (t TierResult) String() string {
	if len(t.Reasons) == 0 {
		return fmt.Sprintf("tier %d", t.Tier)
	}
	return fmt.Sprintf("tier %d: %s", t.Tier, strings.Join(t.Reasons, "; "))
}

// ComputeTier decides how far up the review ladder a pull request must go.
// Every document contributes its type's minimum tier and the scope rules it
// triggers; an author may raise the tier by declaring one, never lower it.
// An unknown type fails closed to the top tier, since nobody can tell what
// review it needs.
func ComputeTier(docs []*Document, rules *Rules, policyFileChanged bool) TierResult {
	if rules == nil {
		return TierResult{Reasons: []string{"no policy is loaded, so no tier can be computed"}}
	}
	top := rules.TopTier()
	lowest := lowestTier(rules)
	res := TierResult{Tier: lowest}
	named := len(docs) > 1

	raise := func(doc *Document, to int, why string) {
		if named && doc != nil {
			why = doc.Path + ": " + why
		}
		res.Reasons = append(res.Reasons, why)
		if to > res.Tier {
			res.Tier = to
		}
	}

	declared := make([]*Document, 0, len(docs))
	for _, doc := range docs {
		if doc == nil {
			continue
		}
		spec, known := rules.Types[doc.Type]
		switch {
		case doc.Type == "":
			raise(doc, top, fmt.Sprintf("no type is declared, so the top tier %d applies until it is", top))
		case !known:
			raise(doc, top, fmt.Sprintf("type %q is unknown, so the top tier %d applies until it is fixed", doc.Type, top))
		default:
			raise(doc, max(spec.MinTier, lowest), fmt.Sprintf("type %s requires tier %d", doc.Type, max(spec.MinTier, lowest)))
		}
		if t := rules.Scope.MultipleSIGs; t > 0 && len(uniqueTrimmed(doc.SIGs)) > 1 {
			raise(doc, t, fmt.Sprintf("%d owning SIGs (%s) raise to tier %d", len(uniqueTrimmed(doc.SIGs)), strings.Join(uniqueTrimmed(doc.SIGs), ", "), t))
		}
		if t := rules.Scope.WideAudience; t > 0 {
			if wide := wideAudience(doc.Audience); len(wide) > 0 {
				raise(doc, t, fmt.Sprintf("audience %s goes beyond contributors and raises to tier %d", strings.Join(wide, ", "), t))
			}
		}
		if t := rules.Scope.Embargo; t > 0 && doc.Embargo {
			raise(doc, t, fmt.Sprintf("embargo raises to tier %d", t))
		}
		if doc.DeclaredTier > 0 {
			declared = append(declared, doc)
		}
	}
	if policyFileChanged {
		raise(nil, top, fmt.Sprintf("the pull request changes the policy file, which requires the top tier %d", top))
	}

	// Declared tiers are judged against the computed tier of the whole pull
	// request, since that is the tier reviewers will actually apply.
	computed := res.Tier
	for _, doc := range declared {
		switch {
		case doc.DeclaredTier > top:
			raise(doc, top, fmt.Sprintf("declared tier %d is above the highest tier %d, so tier %d applies", doc.DeclaredTier, top, top))
		case doc.DeclaredTier > computed:
			raise(doc, doc.DeclaredTier, fmt.Sprintf("declared tier %d raises to tier %d", doc.DeclaredTier, doc.DeclaredTier))
		case doc.DeclaredTier < computed:
			raise(doc, 0, fmt.Sprintf("declared tier %d is below the computed tier %d and is ignored", doc.DeclaredTier, computed))
		default:
			raise(doc, 0, fmt.Sprintf("declared tier %d matches", doc.DeclaredTier))
		}
	}

	// A tier the rules do not define has no stages; move up to the next
	// defined one rather than down, so review is never weaker than asked.
	if _, ok := rules.Tiers[res.Tier]; !ok && len(rules.Tiers) > 0 {
		if next, ok := nextDefinedTier(rules, res.Tier); ok {
			res.Reasons = append(res.Reasons, fmt.Sprintf("tier %d is not defined, so the next defined tier %d applies", res.Tier, next))
			res.Tier = next
		} else {
			res.Reasons = append(res.Reasons, fmt.Sprintf("tier %d is not defined, so the top tier %d applies", res.Tier, top))
			res.Tier = top
		}
	}
	return res
}

// lowestTier is the smallest tier the rules define, and never below 1.
func lowestTier(rules *Rules) int {
	low := 0
	for t := range rules.Tiers {
		if t >= 1 && (low == 0 || t < low) {
			low = t
		}
	}
	if low == 0 {
		return 1
	}
	return low
}

func nextDefinedTier(rules *Rules, from int) (int, bool) {
	tiers := make([]int, 0, len(rules.Tiers))
	for t := range rules.Tiers {
		tiers = append(tiers, t)
	}
	sort.Ints(tiers)
	for _, t := range tiers {
		if t > from {
			return t, true
		}
	}
	return 0, false
}

// wideAudience returns the audiences beyond contributors.
func wideAudience(audience []string) []string {
	var wide []string
	for _, a := range uniqueTrimmed(audience) {
		if a != "contributors" {
			wide = append(wide, a)
		}
	}
	return wide
}

// uniqueTrimmed returns the non-empty values in first-seen order.
func uniqueTrimmed(values []string) []string {
	seen := make(map[string]bool, len(values))
	out := make([]string, 0, len(values))
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}
