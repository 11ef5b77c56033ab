package policy

import (
	"time"
)

// Audiences, priorities and reserved field names are fixed by the process;
// they are not configurable because readers across channels rely on them.
var (
	Audiences  = []string{"contributors", "end-users", "distributors", "everyone"}
	Priorities = []string{"action-required", "priority-info", "feedback-appreciated", "icymi"}
	Severities = []string{"low", "medium", "high", "critical"}
)

// CommonFields are the front-matter fields every communication type shares.
var CommonFields = []string{
	"title", "summary", "type", "sigs", "audience", "priority", "channels",
	"publish_at", "contacts", "tier", "embargo", "embargo_until", "distributors_notified_at",
	"expedite", "expedite_reason",
}

// CommonSections are required in every communication type.
var CommonSections = []SectionSpec{
	{Title: "Summary", Guidance: "Who is affected and what happens, in one or two sentences (inverted pyramid)."},
	{Title: "Contact", Guidance: "Where readers ask questions: a Slack channel, a mailing list, a tracking issue."},
}

// DefaultTypes model the real templates of the Kubernetes process
// (PROCESS.md): security advisories, deprecations, incidents, policy changes
// and plain announcements.
func DefaultTypes() map[string]TypeSpec {
	return map[string]TypeSpec{
		"security-advisory": {
			Name:        "security-advisory",
			Description: "A vulnerability disclosure following the Security Response Committee's template.",
			MinTier:     3,
			Fields: []FieldSpec{
				{Name: "cve", Kind: KindCVE, Required: true, Guidance: "CVE-2026-NNNNN"},
				{Name: "severity", Kind: KindEnum, Enum: Severities, Required: true, Guidance: "high"},
				{Name: "cvss_score", Kind: KindNumber, Required: true, HasRange: true, Min: 0, Max: 10, Guidance: "8.1"},
				{Name: "cvss_vector", Kind: KindCVSSVector, Required: true, Guidance: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
			},
			Sections: []SectionSpec{
				{Title: "Am I vulnerable?", Guidance: "Which components, versions and configurations are affected, and a command to check."},
				{Title: "How do I mitigate?", Guidance: "ACTION REQUIRED: the steps to take before upgrading."},
				{Title: "Fixed versions", Guidance: "Every release that contains the fix."},
				{Title: "Detection", Guidance: "How to tell whether the vulnerability was exploited."},
				{Title: "Acknowledgements", Guidance: "Who reported, fixed and coordinated the issue."},
			},
		},
		"deprecation": {
			Name:        "deprecation",
			Description: "A removal or freeze with a dated timeline (e.g. legacy package repositories, k8s.gcr.io).",
			MinTier:     2,
			Fields: []FieldSpec{
				{Name: "removal_at", Kind: KindInstant, Required: true, Guidance: "2027-03-01T16:00:00Z"},
			},
			Sections: []SectionSpec{
				{Title: "Who is affected", Guidance: "End users and distributors affected, and a command to check."},
				{Title: "What you need to do", Guidance: "Migration steps and alternatives."},
				{Title: "Timeline", Guidance: "Dated milestones up to removal."},
			},
		},
		"incident": {
			Name:        "incident",
			Description: "An ongoing or resolved incident, with dated updates.",
			MinTier:     2,
			Fields: []FieldSpec{
				{Name: "status", Kind: KindEnum, Enum: []string{"ongoing", "resolved"}, Required: true, Guidance: "ongoing"},
				{Name: "next_update_at", Kind: KindInstant, RequiredWhen: map[string][]string{"status": {"ongoing"}}, Guidance: "2026-12-01T16:00:00Z"},
			},
			Sections: []SectionSpec{
				{Title: "What happened", Guidance: "What happens, since when, and its impact."},
				{Title: "What you need to do", Guidance: "What to do, by when."},
			},
		},
		"policy-change": {
			Name:        "policy-change",
			Description: "A change of community policy with its recorded decision.",
			MinTier:     2,
			Fields: []FieldSpec{
				{Name: "effective_at", Kind: KindInstant, Required: true, Guidance: "2027-01-15T16:00:00Z"},
				{Name: "decision_record", Kind: KindURL, Required: true, Guidance: "https://github.com/example/steering/issues/1"},
			},
			Sections: []SectionSpec{
				{Title: "Current policy", Guidance: "The policy as it stands."},
				{Title: "New policy", Guidance: "The policy from effective_at on."},
				{Title: "Rationale", Guidance: "Why it changes, with a link to the discussion."},
			},
		},
		"announcement": {
			Name:        "announcement",
			Description: "A general announcement to the community.",
			MinTier:     1,
		},
	}
}

// DefaultTimezones cover the Americas, Europe, India and East Asia, so a
// reviewer sees at once what hour a notice lands for a global audience.
var DefaultTimezones = []string{"America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo"}

// DefaultRules returns the built-in policy modelled on the Kubernetes
// process. A repository's policy file only needs to map groups and SIGs to
// teams; everything else falls back to these values.
func DefaultRules() *Rules {
	zones := make([]*time.Location, 0, len(DefaultTimezones))
	for _, name := range DefaultTimezones {
		// The names are constants; a missing tzdata is caught by tests, and
		// UTC keeps the display usable rather than failing evaluation.
		loc, err := time.LoadLocation(name)
		if err != nil {
			loc = time.UTC
		}
		zones = append(zones, loc)
	}
	return &Rules{
		CommsPath: "comms/",
		Groups: map[string]Group{
			"comms":    {Name: "comms", Count: 1},
			"security": {Name: "security", Count: 1},
			"steering": {Name: "steering", Majority: true},
		},
		SIGs: map[string]string{},
		Tiers: map[int][]string{
			1: {StageSIG, "steering"},
			2: {StageSIG, "comms", "steering"},
			3: {StageSIG, "comms", "security", "steering"},
		},
		Types: DefaultTypes(),
		Scope: ScopeRules{MultipleSIGs: 2, WideAudience: 2, Embargo: 3},
		Schedule: Schedule{
			Timezones: zones,
			// SRC publishes at 16:00 UTC on a non-Friday weekday: morning
			// Pacific, evening Europe, late evening Asia.
			Windows: []Window{{
				Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
				From: 14 * 60, To: 18 * 60, TZ: time.UTC,
			}},
			MinDistributorNotice: 7 * 24 * time.Hour,
			MaxEmbargo:           14 * 24 * time.Hour,
			LateGrace:            24 * time.Hour,
		},
		Targets:           map[string]Target{},
		FollowUp:          FollowUp{Enabled: true, After: 14 * 24 * time.Hour, Labels: []string{"follow-up"}},
		DistinctApprovers: true,
		RequestReviews:    "staged",
		MergeMethod:       "merge",
		Limits:            Limits{TitleChars: 90, SummaryChars: 300, FileBytes: 64 * 1024},
		Expedite:          DefaultExpedite(),
	}
}
