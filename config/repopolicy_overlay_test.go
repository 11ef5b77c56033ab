package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// parseCleanPolicy parses a policy that must have no error finding.
func parseCleanPolicy(t *testing.T, lines ...string) *policy.Rules {
	t.Helper()
	data := strings.Join(append(append([]string{}, policyTeamsPreamble...), lines...), "\n") + "\n"
	rules, findings := ParseRepoPolicy("p.yml", []byte(data))
	if policy.HasErrors(findings) || rules == nil {
		t.Fatalf("unexpected findings:\n%s", renderFindings(findings))
	}
	return rules
}

func TestOverlayKeepsWhatTheFileDoesNotSet(t *testing.T) {
	rules := parseCleanPolicy(t)
	defaults := policy.DefaultRules()
	if !reflect.DeepEqual(rules.Tiers, defaults.Tiers) {
		t.Errorf("tiers = %v, want the defaults %v", rules.Tiers, defaults.Tiers)
	}
	if g := rules.Groups["steering"]; !g.Majority || g.Team != "example/steering-committee" {
		t.Errorf("steering = %+v, want its team with a majority quorum", g)
	}
	if g := rules.Groups["comms"]; g.Count != 1 || g.Majority {
		t.Errorf("comms = %+v, want one approval", g)
	}
	if len(rules.Schedule.Blackouts) != 0 || rules.Schedule.LateGrace != defaults.Schedule.LateGrace {
		t.Errorf("schedule = %+v, want the defaults", rules.Schedule)
	}
}

// overlayCases are valid policy lines (after policyTeamsPreamble) and what
// they must set. The policy schema's test reads them too: a file the loader
// accepts, the schema must accept.
var overlayCases = []struct {
	name  string
	lines []string
	check func(*policy.Rules) (got, want any)
}{
	{"comms_path gains a trailing slash", []string{"comms_path: notices"},
		func(r *policy.Rules) (any, any) { return r.CommsPath, "notices/" }},
	{"comms_path is cleaned", []string{"comms_path: ./private//notices/"},
		func(r *policy.Rules) (any, any) { return r.CommsPath, "private/notices/" }},
	{"tiers replace the defaults", []string{"tiers:", "  1: [sig]", "  2: [sig, comms]", "  3: [sig, security]"},
		func(r *policy.Rules) (any, any) {
			return r.Tiers, map[int][]string{1: {"sig"}, 2: {"sig", "comms"}, 3: {"sig", "security"}}
		}},
	{"overriding min_tier keeps a built-in type's fields", []string{"types:", "  deprecation: {min_tier: 3}"},
		func(r *policy.Rules) (any, any) {
			want := policy.DefaultTypes()["deprecation"]
			want.MinTier = 3
			return r.Types["deprecation"], want
		}},
	{"a new enum field with a condition", []string{
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - {name: state, kind: enum, values: [active, expired], required: true}",
		"      - {name: expired_at, kind: instant, required_when: {state: expired}}",
		"      - {name: weight, kind: number, min: 0, max: 2.5}",
	}, func(r *policy.Rules) (any, any) {
		return r.Types["banner"].Fields, []policy.FieldSpec{
			{Name: "state", Kind: policy.KindEnum, Enum: []string{"active", "expired"}, Required: true},
			{Name: "expired_at", Kind: policy.KindInstant, RequiredWhen: map[string][]string{"state": {"expired"}}},
			{Name: "weight", Kind: policy.KindNumber, HasRange: true, Min: 0, Max: 2.5},
		}
	}},
	{"windows resolve days, minutes and zone", []string{"schedule:", "  windows:", `    - {days: [fri, mon], from: "09:30", to: "24:00", tz: Europe/Berlin}`},
		func(r *policy.Rules) (any, any) {
			w := r.Schedule.Windows[0]
			return []any{w.Days, w.From, w.To, w.TZ.String()}, []any{[]time.Weekday{time.Friday, time.Monday}, 9*60 + 30, 24 * 60, "Europe/Berlin"}
		}},
	{"window zone defaults to UTC", []string{"schedule:", "  windows: [{days: [tue], from: \"16:00\", to: \"17:00\"}]"},
		func(r *policy.Rules) (any, any) { return r.Schedule.Windows[0].TZ, time.UTC }},
	{"timezones keep their order", []string{"schedule:", "  timezones: [Asia/Tokyo, UTC]"},
		func(r *policy.Rules) (any, any) {
			return []string{r.Schedule.Timezones[0].String(), r.Schedule.Timezones[1].String()}, []string{"Asia/Tokyo", "UTC"}
		}},
	{"durations in days, hours and minutes", []string{"schedule:", "  distributor_notice: 1d12h", "  max_embargo: 90m", "  late_grace: 0m"},
		func(r *policy.Rules) (any, any) {
			s := r.Schedule
			return []time.Duration{s.MinDistributorNotice, s.MaxEmbargo, s.LateGrace}, []time.Duration{36 * time.Hour, 90 * time.Minute, 0}
		}},
	{"follow-up can be turned off", []string{"followup: {enabled: false}"},
		func(r *policy.Rules) (any, any) { return r.FollowUp.Enabled, false }},
	{"enums and booleans", []string{"request_reviews: off", "merge_method: squash", "auto_merge: true", "distinct_approvers: false"},
		func(r *policy.Rules) (any, any) {
			return []any{r.RequestReviews, r.MergeMethod, r.AutoMerge, r.DistinctApprovers}, []any{"off", "squash", true, false}
		}},
	{"scope rule turned off", []string{"scope: {wide_audience: 0}"},
		func(r *policy.Rules) (any, any) {
			return r.Scope, policy.ScopeRules{MultipleSIGs: 2, WideAudience: 0, Embargo: 3}
		}},
	{"limits", []string{"limits: {title_chars: 120}"},
		func(r *policy.Rules) (any, any) { return r.Limits.TitleChars, 120 }},
}

func TestOverlayValues(t *testing.T) {
	for _, tc := range overlayCases {
		t.Run(tc.name, func(t *testing.T) {
			got, want := tc.check(parseCleanPolicy(t, tc.lines...))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v, want %#v", got, want)
			}
		})
	}
}

func TestGroupQuorumOverlay(t *testing.T) {
	data := strings.Join([]string{
		"groups:",
		"  comms: {team: example/contribex-comms, quorum: majority}",
		"  security: {team: example/security-leads, count: 2}",
		"  steering: {team: example/steering-committee, count: 4}",
		"  legal: {team: example/legal}",
		"sigs: {sig-node: example/sig-node-leads}",
		"tiers:",
		"  1: [sig, legal]",
		"  2: [sig, comms, steering]",
		"  3: [sig, comms, security, steering]",
	}, "\n")
	rules, findings := ParseRepoPolicy("p.yml", []byte(data))
	if len(findings) != 0 {
		t.Fatalf("unexpected findings:\n%s", renderFindings(findings))
	}
	want := map[string]policy.Group{
		"comms":    {Name: "comms", Team: "example/contribex-comms", Majority: true},
		"security": {Name: "security", Team: "example/security-leads", Count: 2},
		"steering": {Name: "steering", Team: "example/steering-committee", Count: 4},
		"legal":    {Name: "legal", Team: "example/legal", Count: 1},
	}
	if !reflect.DeepEqual(rules.Groups, want) {
		t.Errorf("groups = %+v, want %+v", rules.Groups, want)
	}
}

// TestBrokenValuesDoNotLeak: a value that fails validation never reaches
// the rules; the default stays in place.
func TestBrokenValuesDoNotLeak(t *testing.T) {
	data := strings.Join(append(append([]string{}, policyTeamsPreamble...),
		"comms_path: /abs",
		"merge_method: fast-forward",
		"schedule:",
		"  max_embargo: 2w",
		"  windows: [{days: [mon], from: \"18:00\", to: \"09:00\"}]",
		"publish:",
		"  chat: {kind: slack, url: https://hooks.slack.com/x}",
	), "\n")
	rules, findings := ParseRepoPolicy("p.yml", []byte(data))
	if rules == nil || !policy.HasErrors(findings) {
		t.Fatalf("want rules with errors, got %v and\n%s", rules, renderFindings(findings))
	}
	d := policy.DefaultRules()
	if rules.CommsPath != d.CommsPath || rules.MergeMethod != d.MergeMethod || rules.Schedule.MaxEmbargo != d.Schedule.MaxEmbargo {
		t.Errorf("a broken value replaced a default: %+v", rules)
	}
	if len(rules.Schedule.Windows) != 1 || rules.Schedule.Windows[0].From != d.Schedule.Windows[0].From {
		t.Errorf("windows = %v, want the default window kept", rules.Schedule.Windows)
	}
	if _, ok := rules.Targets["chat"]; ok {
		t.Errorf("a target with a secret in the repository was kept: %+v", rules.Targets["chat"])
	}
}

func TestNoSIGsIsAWarning(t *testing.T) {
	data := "groups:\n  comms: {team: example/c}\n  security: {team: example/s}\n  steering: {team: example/st}\n"
	rules, findings := ParseRepoPolicy("p.yml", []byte(data))
	if rules == nil || policy.HasErrors(findings) {
		t.Fatalf("want usable rules, got\n%s", renderFindings(findings))
	}
	if len(findings) != 1 || findings[0].Rule != RuleNoSIGs || findings[0].Severity != policy.SeverityWarning {
		t.Errorf("want one %s warning, got\n%s", RuleNoSIGs, renderFindings(findings))
	}
}
