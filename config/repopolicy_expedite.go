package config

import (
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"
)

// decodeExpedite overlays the crisis path. `expedite: false` switches it
// off; a mapping changes its parts. It runs after groups and types, whose
// names it refers to.
func (l *policyLoader) decodeExpedite(n *yaml.Node) {
	ex := &l.rules.Expedite
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		if v, ok := l.boolean(n, "expedite"); ok {
			ex.Enabled = v
		}
		return
	}
	es, ok := l.entries(n, "expedite")
	if !ok {
		return
	}
	keys := l.known(es, "expedite", "enabled", "types", "stages", "quorum", "ratify_within")
	if e, ok := keys["enabled"]; ok {
		if v, ok := l.boolean(e.Value, "expedite.enabled"); ok {
			ex.Enabled = v
		}
	}
	if e, ok := keys["types"]; ok {
		if types, ok := l.expediteTypes(e.Value); ok {
			ex.Types = types
		}
	}
	if e, ok := keys["stages"]; ok {
		if stages, ok := l.expediteStages(e.Value); ok {
			ex.Stages = stages
		}
	}
	if e, ok := keys["quorum"]; ok {
		if q, ok := l.expediteQuorum(e.Value, ex.Stages); ok {
			ex.Quorum = q
		}
	}
	if e, ok := keys["ratify_within"]; ok {
		if d, ok := l.duration(e.Value, "expedite.ratify_within"); ok {
			ex.RatifyWithin = d
		}
	}
}

func (l *policyLoader) expediteTypes(n *yaml.Node) ([]string, bool) {
	vals, nodes, ok := l.scalars(n, "expedite.types")
	if !ok || len(vals) != len(n.Content) {
		return nil, false
	}
	valid := true
	for i, v := range vals {
		if _, known := l.rules.Types[v]; !known {
			l.errorf(nodes[i], RuleEnum, "expedite.types names %q, which is not a communication type; use one of %s", clipValue(v),
				strings.Join(slices.Sorted(maps.Keys(l.rules.Types)), ", "))
			valid = false
		}
	}
	return vals, valid
}

func (l *policyLoader) expediteStages(n *yaml.Node) ([]string, bool) {
	vals, nodes, ok := l.scalars(n, "expedite.stages")
	if !ok || len(vals) != len(n.Content) {
		return nil, false
	}
	if len(vals) == 0 {
		l.errorf(n, RuleTierEmpty, "expedite.stages is empty, so an expedited notice would need nobody's approval; list at least one group, e.g. [comms, steering]")
		return nil, false
	}
	valid := true
	seen := map[string]bool{}
	for i, v := range vals {
		g, isGroup := l.rules.Groups[v]
		switch {
		case seen[v]:
			l.errorf(nodes[i], RuleTierDuplicateStage, "expedite.stages lists %q twice; keep one", clipValue(v))
			valid = false
		case v != policy.StageSIG && !isGroup:
			l.errorf(nodes[i], RuleTierStage, "expedite.stages names %q, which is neither sig nor a group; use one of %s", clipValue(v),
				strings.Join(append([]string{policy.StageSIG}, slices.Sorted(maps.Keys(l.rules.Groups))...), ", "))
			valid = false
		case isGroup && g.Team == "":
			l.errorf(nodes[i], RuleTierGroupNoTeam, "expedite.stages needs group %q, which has no team; set groups.%s.team to org/team-slug", v, v)
			valid = false
		}
		seen[v] = true
	}
	return vals, valid
}

// expediteQuorum reads members needed per stage; a stage it names must be
// one of the crisis stages, or the quorum would silently never apply.
func (l *policyLoader) expediteQuorum(n *yaml.Node, stages []string) (map[string]int, bool) {
	es, ok := l.entries(n, "expedite.quorum")
	if !ok {
		return nil, false
	}
	out := map[string]int{}
	valid := true
	for _, e := range es {
		if !slices.Contains(stages, e.Key) {
			l.errorf(e.KeyN, RuleGroupQuorum, "expedite.quorum names %q, which is not one of the expedite stages (%s); remove it or add the stage",
				clipValue(e.Key), strings.Join(stages, ", "))
			valid = false
			continue
		}
		v, ok := l.integer(e.Value, "expedite.quorum."+e.Key)
		if !ok {
			valid = false
			continue
		}
		if v < 1 {
			l.errorf(e.Value, RuleGroupQuorum, "expedite.quorum.%s must be at least 1 member", e.Key)
			valid = false
			continue
		}
		out[e.Key] = v
	}
	return out, valid
}
