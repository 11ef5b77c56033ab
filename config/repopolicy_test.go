package config

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/policy"
)

// policyTeamsPreamble is a valid preamble giving every default group a team, so a case
// that only breaks one thing reports only that thing.
var policyTeamsPreamble = []string{
	"groups:",
	"  comms: {team: example/contribex-comms}",
	"  security: {team: example/security-leads}",
	"  steering: {team: example/steering-committee, quorum: majority}",
	"sigs:",
	"  sig-node: example/sig-node-leads",
}

// withPolicyTeams appends lines after the preamble; the first appended line is
// line 7 of the file.
func withPolicyTeams(lines ...string) []string {
	return append(append([]string{}, policyTeamsPreamble...), lines...)
}

// repoPolicyFindingCases are policy files with one mistake each and the
// finding it must produce. The policy schema's test reads them too: a file
// the loader rejects, the schema must reject, or say why it cannot.
var repoPolicyFindingCases = []struct {
	name         string
	file         []string
	rule         string
	line, column int
	// message is a fragment the message must contain: the fix-it or
	// the suggestion.
	message string
}{
	// Shape of the file.
	{"unknown top-level key with suggestion", []string{"comms_paht: comms/"}, RuleUnknownKey, 1, 1, `did you mean "comms_path"`},
	{"unknown nested key with suggestion", []string{
		"groups:",
		"  steering:",
		"    team: example/steering-committee",
		"    quorom: majority",
	}, RuleUnknownKey, 4, 5, `did you mean "quorum"`},
	{"unknown key in a window", withPolicyTeams(
		"schedule:",
		"  windows:",
		"    - {days: [mon], from: \"14:00\", to: \"18:00\", zone: UTC}",
	), RuleUnknownKey, 9, 49, "allowed keys are days, from, to, tz"},
	{"list where a mapping is expected", []string{"groups: [comms, steering]"}, RuleWrongKind, 1, 9, "must be a mapping"},
	{"list where a single value is expected", withPolicyTeams("merge_method: [merge]"), RuleWrongKind, 7, 15, "must be a single value"},
	{"mapping where a list is expected", withPolicyTeams("tiers:", "  1: {sig: true}"), RuleWrongKind, 8, 6, "must be a list"},
	{"string where a number is expected", withPolicyTeams("scope:", "  embargo: three"), RuleWrongKind, 8, 12, "whole number"},
	{"string where a boolean is expected", withPolicyTeams(`auto_merge: "yes"`), RuleWrongKind, 7, 13, "true or false"},
	{"empty value", withPolicyTeams("comms_path:"), RuleWrongKind, 7, 12, "give it a value"},
	{"duplicate key", []string{
		"sigs:",
		"  sig-node: example/sig-node-leads",
		"  sig-node: example/other-leads",
	}, RuleDuplicateKey, 3, 3, "first at line 2"},

	// Teams and groups.
	{"team without organization", []string{"sigs:", "  sig-node: sig-node-leads"}, RuleTeamRef, 2, 13, "org/team-slug"},
	{"team with @", []string{"sigs:", `  sig-node: "@example/sig-node-leads"`}, RuleTeamRef, 2, 13, "drop the leading @"},
	{"team slug with spaces", []string{"groups:", "  comms:", "    team: example/Contribex Comms"}, RuleTeamRef, 3, 11, "not a team slug"},
	{"bad organization", []string{"groups:", "  comms:", "    team: -example/comms"}, RuleTeamRef, 3, 11, "not a valid GitHub organization"},
	{"bad embargo team", []string{"groups:", "  security:", "    team: example/security-leads", "    embargo_team: src"}, RuleTeamRef, 4, 19, "org/team-slug"},
	{"count below one", []string{"groups:", "  comms:", "    team: example/contribex-comms", "    count: 0"}, RuleGroupCount, 4, 12, "at least 1"},
	{"quorum other than majority", []string{"groups:", "  steering:", "    team: example/steering-committee", "    quorum: all"}, RuleGroupQuorum, 4, 13, "only quorum is majority"},
	{"count and quorum together", []string{"groups:", "  steering:", "    team: example/steering-committee", "    quorum: majority", "    count: 4"}, RuleCountAndQuorum, 5, 5, "keep count"},
	{"group named sig", []string{"groups:", "  sig: {team: example/leads}"}, RuleBadName, 2, 3, "reserved"},
	{"SIG name with capitals", []string{"sigs:", "  SIG-Node: example/sig-node-leads"}, RuleBadName, 2, 3, "lowercase"},

	// Tiers.
	{"tier key is a word", withPolicyTeams("tiers:", "  one: [sig]"), RuleTierKey, 8, 3, "whole number"},
	{"tier key is zero", withPolicyTeams("tiers:", "  0: [sig]"), RuleTierKey, 8, 3, "from 1 to 99"},
	{"tier key is negative", withPolicyTeams("tiers:", "  -2: [sig]"), RuleTierKey, 8, 3, "from 1 to 99"},
	{"tier stage neither sig nor group", withPolicyTeams("tiers:", "  1: [sig, stearing]"), RuleTierStage, 8, 12, `did you mean "steering"`},
	{"empty tier", withPolicyTeams("tiers:", "  1: []"), RuleTierEmpty, 8, 6, "no stage"},
	{"no tiers at all", withPolicyTeams("tiers: {}"), RuleTierEmpty, 7, 8, "at least one"},
	{"duplicate stage", withPolicyTeams("tiers:", "  1: [sig, steering, sig]"), RuleTierDuplicateStage, 8, 22, "appears twice"},
	{"tier group without team", []string{
		"sigs:",
		"  sig-node: example/sig-node-leads",
		"tiers:",
		"  1: [sig, comms]",
	}, RuleTierGroupNoTeam, 4, 12, "set groups.comms.team"},
	{"default tiers need teams, reported at groups", []string{
		"groups:",
		"  comms: {team: example/contribex-comms}",
	}, RuleTierGroupNoTeam, 1, 1, "groups.steering.team"},
	{"default tiers need teams, reported at the first key", []string{
		"# policy",
		"sigs:",
		"  sig-node: example/sig-node-leads",
	}, RuleTierGroupNoTeam, 2, 1, "groups.comms.team"},
	{"new group referenced without team", []string{
		"groups:",
		"  legal: {count: 1}",
		"sigs: {sig-node: example/sig-node-leads}",
		"tiers:",
		"  1: [sig, legal]",
	}, RuleTierGroupNoTeam, 5, 12, "groups.legal.team"},

	// Types.
	{"type min_tier not defined", withPolicyTeams("types:", "  announcement:", "    min_tier: 7"), RuleTypeMinTier, 9, 15, "defines only 1, 2, 3"},
	{"built-in type needs a dropped tier", withPolicyTeams("tiers:", "  1: [sig, steering]", "  2: [sig, comms, steering]"), RuleTypeMinTier, 7, 1, "type security-advisory has min_tier 3"},
	{"new type without min_tier", withPolicyTeams("types:", "  banner:", "    description: Site-wide banner"), RuleMissingKey, 8, 3, "needs min_tier"},
	{"unknown field kind", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - {name: expires_at, kind: instnt}",
	), RuleFieldKind, 11, 34, `did you mean "instant"`},
	{"enum without values", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - name: color",
		"        kind: enum",
	), RuleFieldEnum, 11, 9, "add values"},
	{"values on a non-enum", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - {name: color, values: [red]}",
	), RuleFieldEnum, 11, 23, "set kind: enum"},
	{"range on a non-number", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - {name: score, kind: string, min: 0, max: 1}",
	), RuleFieldRange, 11, 37, "only number fields"},
	{"field named like a common field", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields: [{name: publish_at, kind: instant}]",
	), RuleFieldReserved, 10, 21, "common field"},
	{"field name not snake_case", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields: [{name: Expires-At}]",
	), RuleBadName, 10, 21, "snake_case"},
	{"field defined twice", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields: [{name: expires_at}, {name: expires_at}]",
	), RuleFieldDuplicate, 10, 41, "defined twice"},
	{"required_when names a missing field", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - {name: renewed_at, kind: instant, required_when: {statu: [renewed]}}",
	), RuleFieldRequiredWhen, 11, 59, "does not have"},
	{"required_when value the enum never takes", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    fields:",
		"      - {name: state, kind: enum, values: [active, expired]}",
		"      - {name: expired_at, kind: instant, required_when: {state: [expird]}}",
	), RuleFieldRequiredWhen, 12, 67, `did you mean "expired"`},
	{"section listed twice", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    sections: [{title: Banner text}, {title: banner text}]",
	), RuleSectionDuplicate, 10, 46, "listed twice"},
	{"section every type has", withPolicyTeams(
		"types:",
		"  banner:",
		"    min_tier: 2",
		"    sections: [{title: Summary}]",
	), RuleSectionDuplicate, 10, 24, "already required"},

	// Scope.
	{"scope tier not defined", withPolicyTeams("scope:", "  embargo: 4"), RuleScopeTier, 8, 12, "0 to turn the rule off"},

	// Schedule.
	{"bad time zone", withPolicyTeams("schedule:", "  timezones: [Europe/Berln]"), RuleTimezone, 8, 15, `did you mean "Europe/Berlin"`},
	{"Local time zone", withPolicyTeams("schedule:", "  timezones: [Local]"), RuleTimezone, 8, 15, "not an IANA time zone"},
	{"bad window zone", withPolicyTeams("schedule:", "  windows:", `    - {days: [mon], from: "14:00", to: "18:00", tz: Mars/Olympus}`), RuleTimezone, 9, 53, "IANA"},
	{"window ends before it starts", withPolicyTeams("schedule:", "  windows:", `    - {days: [mon], from: "18:00", to: "14:00"}`), RuleWindow, 9, 40, "cannot cross midnight"},
	{"window with bad clock", withPolicyTeams("schedule:", "  windows:", `    - {days: [mon], from: "25:00", to: "26:00"}`), RuleWindow, 9, 27, `"HH:MM"`},
	{"window with unknown day", withPolicyTeams("schedule:", "  windows:", `    - {days: [mon, thur], from: "14:00", to: "18:00"}`), RuleWindow, 9, 20, `did you mean "thu"`},
	{"window without days", withPolicyTeams("schedule:", "  windows:", `    - {from: "14:00", to: "18:00"}`), RuleMissingKey, 9, 7, "has no days"},
	{"no windows", withPolicyTeams("schedule:", "  windows: []"), RuleWindow, 8, 12, "nothing could ever be published"},
	{"blackout ends before it starts", withPolicyTeams("schedule:", "  blackout:", "    - {from: 2027-01-04, to: 2026-12-21, reason: break}"), RuleBlackout, 9, 30, "swap the dates"},
	{"blackout with bad date", withPolicyTeams("schedule:", "  blackout:", "    - {from: 2026-13-01, to: 2026-12-21, reason: break}"), RuleBlackout, 9, 14, "YYYY-MM-DD"},
	{"blackout without reason", withPolicyTeams("schedule:", "  blackout:", "    - {from: 2026-12-21, to: 2027-01-04}"), RuleMissingKey, 9, 7, "has no reason"},
	{"duration with a word", withPolicyTeams("schedule:", "  distributor_notice: 7 days"), RuleDuration, 8, 23, "e.g. 14d"},
	{"duration in weeks", withPolicyTeams("schedule:", "  max_embargo: 2w"), RuleDuration, 8, 16, "14d, 36h, 90m"},
	{"zero duration", withPolicyTeams("followup:", "  after: 0d"), RuleDuration, 8, 10, "no time at all"},
	{"huge duration", withPolicyTeams("followup:", "  after: 999999d"), RuleDuration, 8, 10, "more than ten years"},

	// Publish targets.
	{"unknown target kind", withPolicyTeams("publish:", "  chat: {kind: slak, secret: chat}"), RuleTargetKind, 8, 16, `did you mean "slack"`},
	{"target without kind", withPolicyTeams("publish:", "  chat: {secret: chat}"), RuleMissingKey, 8, 3, "add kind"},
	{"github-issue without repo", withPolicyTeams("publish:", "  announce: {kind: github-issue}"), RuleTargetSetting, 8, 3, "add repo"},
	{"github-issue with bad repo", withPolicyTeams("publish:", "  announce: {kind: github-issue, repo: announce}"), RuleRepoRef, 8, 40, "org/name"},
	{"email without to", withPolicyTeams("publish:", "  dev-list: {kind: email, secret: smtp}"), RuleTargetSetting, 8, 3, "add to"},
	{"email with a display name", withPolicyTeams("publish:", `  dev-list: {kind: email, to: "Dev <dev@example.org>", secret: smtp}`), RuleEmail, 8, 31, "only the address"},
	{"email without a domain", withPolicyTeams("publish:", "  dev-list: {kind: email, to: dev, secret: smtp}"), RuleEmail, 8, 31, "plain email address"},
	{"slack without secret", withPolicyTeams("publish:", "  chat: {kind: slack}"), RuleTargetSetting, 8, 3, "add secret"},
	{"setting of another kind", withPolicyTeams("publish:", "  chat: {kind: slack, secret: chat, repo: example/a}"), RuleTargetSetting, 8, 37, "setting of github-issue targets"},
	{"webhook_url in the repository", withPolicyTeams("publish:", "  status: {kind: webhook, webhook_url: https://status.example.org/hook}"), RuleTargetSecret, 8, 27, "secret: NAME"},
	{"url in the repository", withPolicyTeams("publish:", "  chat: {kind: slack, url: https://hooks.slack.com/services/T/B/X}"), RuleTargetSecret, 8, 23, "server configuration"},
	{"password in the repository", withPolicyTeams("publish:", "  dev-list:", "    kind: email", "    to: dev@example.org", "    password: hunter2"), RuleTargetSecret, 11, 5, "server configuration"},
	{"token in the repository", withPolicyTeams("publish:", "  chat: {kind: slack, token: xoxb-1}"), RuleTargetSecret, 8, 23, "secret: NAME"},
	{"smtp_host in the repository", withPolicyTeams("publish:", "  dev-list: {kind: email, to: dev@example.org, smtp_host: smtp.example.org}"), RuleTargetSecret, 8, 48, "server configuration"},
	{"key in the repository", withPolicyTeams("publish:", "  hook: {kind: webhook, secret: hook, key: abc}"), RuleTargetSecret, 8, 39, "server configuration"},
	{"secret value instead of a name", withPolicyTeams("publish:", "  chat: {kind: slack, secret: \"https://hooks.slack.com/services/T/B/X\"}"), RuleTargetSecret, 8, 31, "never the secret itself"},
	{"label too long", withPolicyTeams("followup:", "  labels: ["+strings.Repeat("x", 51)+"]"), RuleLabel, 8, 12, "1 to 50 characters"},

	// Enumerations and paths.
	{"request_reviews value", withPolicyTeams("request_reviews: stage"), RuleEnum, 7, 18, `did you mean "staged"`},
	{"merge_method value", withPolicyTeams("merge_method: fast-forward"), RuleEnum, 7, 15, "merge, squash, rebase"},
	{"comms_path absolute", withPolicyTeams("comms_path: /comms"), RuleCommsPath, 7, 13, "starts with /"},
	{"comms_path leaves the repository", withPolicyTeams("comms_path: comms/../../etc"), RuleCommsPath, 7, 13, "leaves the repository"},
	{"comms_path is the root", withPolicyTeams("comms_path: ./"), RuleCommsPath, 7, 13, "repository root"},
	{"limit out of range", withPolicyTeams("limits:", "  title_chars: 0"), RuleNumber, 8, 16, "from 1 to 1000"},

	// Hostile and broken files.
	{"anchor", withPolicyTeams("followup: &f {after: 14d}"), RulePolicyAlias, 7, 11, "anchors"},
	{"alias", []string{"groups:", "  comms: &t {team: example/comms}", "  security: *t"}, RulePolicyAlias, 3, 13, "write the value out"},
	{"unclosed flow mapping", []string{"groups:", "  comms: {team: example/comms"}, RulePolicySyntax, 2, 1, "not valid YAML"},
	{"list item inside a mapping", []string{"comms_path: comms/", "auto_merge: false", "- sigs"}, RulePolicySyntax, 3, 1, "did not find expected key"},
	{"unclosed flow on the first line", []string{"groups: {comms: {team: example/comms}"}, RulePolicySyntax, 1, 1, "not valid YAML"},
	{"tab indentation", []string{"groups:", "\tcomms: {team: example/comms}"}, RulePolicySyntax, 2, 1, "indent with spaces"},
	{"not a mapping", []string{"- groups", "- sigs"}, RulePolicyNotMapping, 1, 1, "must be a mapping"},
	{"two documents", withPolicyTeams("---", "sigs: {}"), RulePolicyMultiDoc, 7, 1, "more than one YAML document"},
}

func TestParseRepoPolicyFindings(t *testing.T) {
	for _, tc := range repoPolicyFindingCases {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Join(tc.file, "\n") + "\n"
			_, findings := ParseRepoPolicy(".github/commsgate.yml", []byte(data))
			var at []policy.Finding
			for _, f := range findings {
				if f.Rule == tc.rule && f.Line == tc.line && f.Column == tc.column {
					at = append(at, f)
				}
			}
			if len(at) == 0 {
				t.Fatalf("no %s finding at %d:%d; got:\n%s", tc.rule, tc.line, tc.column, renderFindings(findings))
			}
			for _, f := range at {
				if f.File == ".github/commsgate.yml" && f.Severity == policy.SeverityError && strings.Contains(f.Message, tc.message) {
					return
				}
			}
			t.Errorf("no %s error at %d:%d mentions %q; got:\n%s", tc.rule, tc.line, tc.column, tc.message, renderFindings(at))
		})
	}
}

func renderFindings(findings []policy.Finding) string {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}
