package config

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"
)

// maxPolicyTier bounds tier numbers; real processes have three or four.
const maxPolicyTier = 99

// decodeGroups overlays reviewer groups by name: a group the file names
// keeps the defaults for the keys it does not set (steering keeps its
// majority quorum when only its team is given).
func (l *policyLoader) decodeGroups(n *yaml.Node) {
	es, ok := l.entries(n, "groups")
	if !ok {
		return
	}
	for _, e := range es {
		where := "groups." + e.Key
		if !l.name(e.KeyN, "group") {
			continue
		}
		if e.Key == policy.StageSIG {
			l.errorf(e.KeyN, RuleBadName, "%q is reserved for the owning SIG's leads stage and cannot be a group; pick another name", e.Key)
			continue
		}
		ges, ok := l.entries(e.Value, where)
		if !ok {
			continue
		}
		keys := l.known(ges, where, "team", "count", "quorum", "embargo_team")
		g, exists := l.rules.Groups[e.Key]
		if !exists {
			g = policy.Group{Name: e.Key, Count: 1}
		}
		if k, ok := keys["team"]; ok {
			if t, ok := l.teamRef(k.Value, where+".team"); ok {
				g.Team = t
			}
		}
		if k, ok := keys["embargo_team"]; ok {
			if t, ok := l.teamRef(k.Value, where+".embargo_team"); ok {
				g.EmbargoTeam = t
			}
		}
		count, hasCount := keys["count"]
		quorum, hasQuorum := keys["quorum"]
		switch {
		case hasCount && hasQuorum:
			l.errorf(count.KeyN, RuleCountAndQuorum,
				"%s sets both count and quorum; keep count for a fixed number of approvals or quorum: majority for a majority of the team", where)
		case hasCount:
			if c, ok := l.integer(count.Value, where+".count"); ok {
				if c < 1 {
					l.errorf(count.Value, RuleGroupCount, "%s.count is %d; a stage needs at least 1 approval", where, c)
				} else {
					g.Count, g.Majority = c, false
				}
			}
		case hasQuorum:
			if q, ok := l.scalar(quorum.Value, where+".quorum"); ok {
				if q != "majority" {
					l.errorf(quorum.Value, RuleGroupQuorum, "%s.quorum is %q; the only quorum is majority (more than half of the team's members); for a fixed number use count instead", where, clipValue(q))
				} else {
					g.Count, g.Majority = 0, true
				}
			}
		}
		// Valid settings apply even when others are broken, so one typo
		// does not also make every tier report the group as unknown.
		l.rules.Groups[e.Key] = g
	}
}

// decodeSIGs maps owning SIGs to their leads teams; it replaces the (empty)
// default map.
func (l *policyLoader) decodeSIGs(n *yaml.Node) {
	es, ok := l.entries(n, "sigs")
	if !ok {
		return
	}
	for _, e := range es {
		if !l.name(e.KeyN, "SIG") {
			continue
		}
		if t, ok := l.teamRef(e.Value, "sigs."+e.Key); ok {
			l.rules.SIGs[e.Key] = t
		}
	}
}

// decodeTiers replaces the default tiers: a tier ladder is one design and
// mixing half of it with the defaults would surprise its author.
func (l *policyLoader) decodeTiers(n *yaml.Node) {
	es, ok := l.entries(n, "tiers")
	if !ok {
		return
	}
	if len(es) == 0 {
		l.errorf(n, RuleTierEmpty, "tiers defines no tier; define at least one, e.g. 1: [sig, steering]")
		return
	}
	tiers := map[int][]string{}
	l.stageNodes = map[int][]*yaml.Node{}
	for _, e := range es {
		tier, err := strconv.Atoi(e.Key)
		if e.KeyN.Tag != "!!int" || err != nil || tier < 1 || tier > maxPolicyTier {
			l.errorf(e.KeyN, RuleTierKey, "tier %q must be a whole number from 1 to %d, e.g. 1, 2, 3", clipValue(e.Key), maxPolicyTier)
			continue
		}
		where := fmt.Sprintf("tiers.%d", tier)
		if _, dup := tiers[tier]; dup {
			l.errorf(e.KeyN, RuleDuplicateKey, "tier %d is defined twice; keep one", tier)
			continue
		}
		stages, nodes, ok := l.scalars(e.Value, where)
		if !ok {
			continue
		}
		if len(e.Value.Content) == 0 {
			l.errorf(e.Value, RuleTierEmpty, "tier %d has no stage; list who approves in order, e.g. [sig, steering]", tier)
			continue
		}
		var kept []string
		var keptNodes []*yaml.Node
		seen := map[string]bool{}
		for i, s := range stages {
			if seen[s] {
				l.errorf(nodes[i], RuleTierDuplicateStage, "stage %q appears twice in tier %d; list each stage once", clipValue(s), tier)
				continue
			}
			if s != policy.StageSIG {
				if _, ok := l.rules.Groups[s]; !ok {
					candidates := append([]string{policy.StageSIG}, slices.Sorted(maps.Keys(l.rules.Groups))...)
					l.errorf(nodes[i], RuleTierStage, "stage %q in tier %d is neither sig nor a group%s; define groups.%s with a team, or use one of %s",
						clipValue(s), tier, didYouMean(s, candidates), clipValue(s), strings.Join(candidates, ", "))
					continue
				}
			}
			seen[s] = true
			kept = append(kept, s)
			keptNodes = append(keptNodes, nodes[i])
		}
		tiers[tier] = kept
		l.stageNodes[tier] = keptNodes
	}
	if len(tiers) > 0 {
		l.rules.Tiers = tiers
	}
}

// checkTierGroups requires a team for every group a tier uses. Defaults
// define groups without teams, so a file that keeps the default tiers must
// still say who comms, security and steering are.
func (l *policyLoader) checkTierGroups(root *yaml.Node) {
	tiers := make([]int, 0, len(l.rules.Tiers))
	for t := range l.rules.Tiers {
		tiers = append(tiers, t)
	}
	sort.Ints(tiers)
	missing := map[string][]int{} // group → default tiers needing it
	var order []string
	for _, t := range tiers {
		for i, s := range l.rules.Tiers[t] {
			g, ok := l.rules.Groups[s]
			if s == policy.StageSIG || !ok || g.Team != "" {
				continue
			}
			if nodes := l.stageNodes[t]; i < len(nodes) {
				l.errorf(nodes[i], RuleTierGroupNoTeam, "tier %d needs group %q, which has no team; set groups.%s.team to org/team-slug", t, s, s)
				continue
			}
			if _, seen := missing[s]; !seen {
				order = append(order, s)
			}
			missing[s] = append(missing[s], t)
		}
	}
	at := root
	if l.groupsKey != nil {
		at = l.groupsKey
	}
	for _, s := range order {
		tiers := "tier " + joinTiers(missing[s]) + " needs"
		if len(missing[s]) > 1 {
			tiers = "tiers " + joinTiers(missing[s]) + " need"
		}
		l.errorf(at, RuleTierGroupNoTeam, "the default %s group %q, which has no team; set groups.%s.team to org/team-slug",
			tiers, s, s)
	}
}

// checkTypeTiers requires every type's min_tier to be a defined tier.
func (l *policyLoader) checkTypeTiers() {
	for _, name := range slices.Sorted(maps.Keys(l.rules.Types)) {
		t := l.rules.Types[name]
		if _, ok := l.rules.Tiers[t.MinTier]; ok {
			continue
		}
		if n := l.minTierNodes[name]; n != nil {
			l.errorf(n, RuleTypeMinTier, "types.%s.min_tier is %d, but tiers defines only %s; use a defined tier or add tier %d", name, t.MinTier, joinTiers(l.tierNumbers()), t.MinTier)
		} else if l.tiersKey != nil {
			l.errorf(l.tiersKey, RuleTypeMinTier, "type %s has min_tier %d, but tiers defines only %s; add tier %d or set types.%s.min_tier", name, t.MinTier, joinTiers(l.tierNumbers()), t.MinTier, name)
		}
	}
}

// checkScopeTiers requires every scope rule that is on to name a defined tier.
func (l *policyLoader) checkScopeTiers() {
	rules := []struct {
		key  string
		tier int
	}{
		{"multiple_sigs", l.rules.Scope.MultipleSIGs},
		{"wide_audience", l.rules.Scope.WideAudience},
		{"embargo", l.rules.Scope.Embargo},
	}
	for _, r := range rules {
		if r.tier == 0 {
			continue
		}
		if _, ok := l.rules.Tiers[r.tier]; ok {
			continue
		}
		if n := l.scopeNodes[r.key]; n != nil {
			l.errorf(n, RuleScopeTier, "scope.%s is %d, but tiers defines only %s; use a defined tier, or 0 to turn the rule off", r.key, r.tier, joinTiers(l.tierNumbers()))
		} else if l.tiersKey != nil {
			l.errorf(l.tiersKey, RuleScopeTier, "scope.%s defaults to tier %d, but tiers defines only %s; add tier %d or set scope.%s", r.key, r.tier, joinTiers(l.tierNumbers()), r.tier, r.key)
		}
	}
}

// decodeScope overrides the rules that raise a tier from a document's content.
func (l *policyLoader) decodeScope(n *yaml.Node) {
	es, ok := l.entries(n, "scope")
	if !ok {
		return
	}
	keys := l.known(es, "scope", "multiple_sigs", "wide_audience", "embargo")
	l.scopeNodes = map[string]*yaml.Node{}
	set := func(key string, dst *int) {
		e, ok := keys[key]
		if !ok {
			return
		}
		v, ok := l.integer(e.Value, "scope."+key)
		if !ok {
			return
		}
		if v < 0 || v > maxPolicyTier {
			l.errorf(e.Value, RuleScopeTier, "scope.%s is %d; use a tier number, or 0 to turn the rule off", key, v)
			return
		}
		*dst = v
		l.scopeNodes[key] = e.Value
	}
	set("multiple_sigs", &l.rules.Scope.MultipleSIGs)
	set("wide_audience", &l.rules.Scope.WideAudience)
	set("embargo", &l.rules.Scope.Embargo)
}

func (l *policyLoader) tierNumbers() []int {
	out := make([]int, 0, len(l.rules.Tiers))
	for t := range l.rules.Tiers {
		out = append(out, t)
	}
	sort.Ints(out)
	return out
}

func joinTiers(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}
