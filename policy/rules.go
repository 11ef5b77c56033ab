package policy

import "time"

// Rules is a repository's communication policy in resolved form: every team
// reference, time zone, window and duration has already been validated by
// the loader (config.ParseRepoPolicy), so evaluation never fails on it.
type Rules struct {
	// CommsPath is the folder holding communications, with a trailing slash.
	CommsPath string
	// Groups are the named reviewer groups a tier's stages refer to.
	Groups map[string]Group
	// SIGs maps an owning SIG or working group to its leads team ("org/slug").
	SIGs map[string]string
	// Tiers lists, per tier, the ordered stage names: "sig" or a group name.
	Tiers map[int][]string
	// Types are the communication types authors may use.
	Types map[string]TypeSpec
	// Scope holds the rules that raise a tier from a document's content.
	Scope ScopeRules
	// Schedule holds publication windows, blackouts and display zones.
	Schedule Schedule
	// Targets are publish targets by name (kinds and public settings only,
	// never secrets).
	Targets map[string]Target
	// FollowUp configures the issue opened after publication.
	FollowUp FollowUp
	// DistinctApprovers makes one person's approval count toward one stage only.
	DistinctApprovers bool
	// RequestReviews is "staged" (default), "all" or "off".
	RequestReviews string
	// AutoMerge lets the app merge an approved PR at publish_at with MergeMethod.
	AutoMerge   bool
	MergeMethod string
	// Limits bounds document sizes.
	Limits Limits
	// Expedite is the crisis path (on by default).
	Expedite Expedite
}

// StageSIG is the stage name that means "the leads of each owning SIG".
const StageSIG = "sig"

// Group is a named set of reviewers backed by one GitHub team.
type Group struct {
	Name string
	// Team is "org/slug".
	Team string
	// Count is how many approvals the stage needs (default 1).
	Count int
	// Majority requires a majority of the team's current active members,
	// as the Steering Committee charter does; it overrides Count.
	Majority bool
	// EmbargoTeam, when set, replaces Team for embargoed communications
	// (the Security Response Committee owns embargoed issues).
	EmbargoTeam string
}

// FieldKind is how a front-matter field's value is checked.
type FieldKind string

const (
	KindString     FieldKind = "string"
	KindText       FieldKind = "text"
	KindInstant    FieldKind = "instant"
	KindEnum       FieldKind = "enum"
	KindURL        FieldKind = "url"
	KindNumber     FieldKind = "number"
	KindBool       FieldKind = "bool"
	KindCVE        FieldKind = "cve"
	KindCVSSVector FieldKind = "cvss-vector"
	KindHandle     FieldKind = "handle"
	KindHandles    FieldKind = "handles"
)

// FieldSpec describes one type-specific front-matter field.
type FieldSpec struct {
	Name     string
	Kind     FieldKind
	Required bool
	// RequiredWhen makes the field required only when another field has one
	// of the given values, e.g. next_update_at while status is ongoing.
	RequiredWhen map[string][]string
	Enum         []string
	// Min and Max bound a number field (both inclusive) when HasRange is set.
	HasRange bool
	Min, Max float64
	// Guidance is the placeholder text `commsgate new` writes for the author.
	Guidance string
}

// TypeSpec is a communication type: its extra fields, its required
// sections (in the order a template lists them) and its minimum tier.
type TypeSpec struct {
	Name        string
	Description string
	MinTier     int
	Fields      []FieldSpec
	Sections    []SectionSpec
}

// SectionSpec is a required "## " section with guidance for the template.
type SectionSpec struct {
	Title    string
	Guidance string
}

// ScopeRules raise the tier from the content of a document. A zero value
// turns a rule off.
type ScopeRules struct {
	MultipleSIGs int // more than one owning SIG
	WideAudience int // an audience beyond contributors
	Embargo      int // an embargoed communication
}

// Schedule decides when a communication may be published.
type Schedule struct {
	// Timezones are shown for every publish_at, in this order.
	Timezones []*time.Location
	Windows   []Window
	Blackouts []Blackout
	// MinDistributorNotice is how long before publish_at distributors must
	// have been notified of an embargoed communication.
	MinDistributorNotice time.Duration
	// MaxEmbargo caps how long an embargo may last.
	MaxEmbargo time.Duration
	// LateGrace is how long after publish_at a communication still counts
	// as due rather than past: a notice that was due an hour ago must turn
	// green, not fail.
	LateGrace time.Duration
}

// Window is a weekly span of allowed publication times in one zone.
type Window struct {
	Days []time.Weekday
	// From and To are minutes after midnight in TZ; To is exclusive.
	From, To int
	TZ       *time.Location
}

// Blackout is an inclusive range of calendar dates (in UTC) with no
// publication at all.
type Blackout struct {
	From, To time.Time // midnight UTC of the first and last day
	Reason   string
}

// TargetKind is the sort of channel a target publishes to.
type TargetKind string

const (
	TargetGitHubIssue TargetKind = "github-issue"
	TargetEmail       TargetKind = "email"
	TargetSlack       TargetKind = "slack"
	TargetWebhook     TargetKind = "webhook"
)

// Target is a named publish target. Secrets are referenced by name (Secret)
// and resolved from the server's configuration, never carried here.
type Target struct {
	Name   string
	Kind   TargetKind
	Repo   string   // github-issue: "org/repo"
	Labels []string // github-issue
	To     string   // email: list address
	Secret string   // slack, webhook, email: name of a server-side secret
}

// FollowUp configures the issue opened after publication.
type FollowUp struct {
	Enabled bool
	After   time.Duration
	Labels  []string
}

// Limits bounds the size of what authors write.
type Limits struct {
	TitleChars   int
	SummaryChars int
	FileBytes    int
}

// TopTier is the highest tier the rules define.
func (r *Rules) TopTier() int {
	top := 0
	for t := range r.Tiers {
		if t > top {
			top = t
		}
	}
	return top
}
