package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestComputeTier(t *testing.T) {
	doc := func(mutate func(*Document)) *Document {
		d := ladderDoc()
		mutate(d)
		return d
	}
	tests := []struct {
		name          string
		docs          []*Document
		policyChanged bool
		rules         func(*Rules)
		want          int
		reason        string
	}{
		{"type minimum", []*Document{doc(func(d *Document) {})}, false, nil, 1, "type announcement requires tier 1"},
		{"deprecation minimum", []*Document{doc(func(d *Document) { d.Type = "deprecation" })}, false, nil, 2, "type deprecation requires tier 2"},
		{"several owning SIGs", []*Document{doc(func(d *Document) { d.SIGs = []string{"sig-auth", "sig-node"} })}, false, nil, 2,
			"2 owning SIGs (sig-auth, sig-node) raise to tier 2"},
		{"the same SIG twice is one SIG", []*Document{doc(func(d *Document) { d.SIGs = []string{"sig-auth", "sig-auth"} })}, false, nil, 1, "requires tier 1"},
		{"audience beyond contributors", []*Document{doc(func(d *Document) { d.Audience = []string{"contributors", "end-users"} })}, false, nil, 2,
			"audience end-users goes beyond contributors and raises to tier 2"},
		{"embargo", []*Document{doc(func(d *Document) { d.Embargo = true })}, false, nil, 3, "embargo raises to tier 3"},
		{"declared tier raises", []*Document{doc(func(d *Document) { d.DeclaredTier = 2 })}, false, nil, 2, "declared tier 2 raises to tier 2"},
		{"declared tier never lowers", []*Document{doc(func(d *Document) { d.Type = "security-advisory"; d.DeclaredTier = 2 })}, false, nil, 3,
			"declared tier 2 is below the computed tier 3 and is ignored"},
		{"declared tier above the top is capped", []*Document{doc(func(d *Document) { d.DeclaredTier = 7 })}, false, nil, 3,
			"declared tier 7 is above the highest tier 3, so tier 3 applies"},
		{"unknown type fails closed", []*Document{doc(func(d *Document) { d.Type = "memo" })}, false, nil, 3,
			`type "memo" is unknown, so the top tier 3 applies`},
		{"missing type fails closed", []*Document{doc(func(d *Document) { d.Type = "" })}, false, nil, 3, "no type is declared"},
		{"policy file change", []*Document{doc(func(d *Document) {})}, true, nil, 3, "changes the policy file, which requires the top tier 3"},
		{"scope rule switched off", []*Document{doc(func(d *Document) { d.Embargo = true })}, false, func(r *Rules) { r.Scope.Embargo = 0 }, 1, "requires tier 1"},
		{"an undefined tier moves up, never down", []*Document{doc(func(d *Document) { d.Type = "deprecation" })}, false,
			func(r *Rules) { delete(r.Tiers, 2) }, 3, "tier 2 is not defined, so the next defined tier 3 applies"},
		{"several documents name their file", []*Document{
			doc(func(d *Document) {}),
			doc(func(d *Document) { d.Path = "comms/b.md"; d.Type = "incident" }),
		}, false, nil, 2, "comms/b.md: type incident requires tier 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := ladderRules()
			if tt.rules != nil {
				tt.rules(rules)
			}
			got := ComputeTier(tt.docs, rules, tt.policyChanged)
			if got.Tier != tt.want {
				t.Errorf("tier = %d, want %d (%s)", got.Tier, tt.want, got)
			}
			if !slices.ContainsFunc(got.Reasons, func(r string) bool { return strings.Contains(r, tt.reason) }) {
				t.Errorf("reasons %q lack %q", got.Reasons, tt.reason)
			}
		})
	}
}

func TestTierResultReadsAsOneSentence(t *testing.T) {
	d := ladderDoc()
	d.Type = "security-advisory"
	d.Embargo = true
	d.DeclaredTier = 2
	got := ComputeTier([]*Document{d}, ladderRules(), false).String()
	want := "tier 3: type security-advisory requires tier 3; embargo raises to tier 3; declared tier 2 is below the computed tier 3 and is ignored"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestComputeTierNeverPanics(t *testing.T) {
	if got := ComputeTier(nil, nil, true); got.Tier != 0 || len(got.Reasons) == 0 {
		t.Errorf("nil rules: %+v", got)
	}
	if got := ComputeTier([]*Document{nil}, ladderRules(), false); got.Tier != 1 {
		t.Errorf("nil document: tier %d, want the lowest tier 1", got.Tier)
	}
}
