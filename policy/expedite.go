package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Expedite is the crisis path: for an ongoing incident or an exploited
// vulnerability, waiting for the next publication window and a full
// ladder taken in order would harm the people the notice is for. A notice
// that declares `expedite: true` (and says why) goes through a shorter
// ladder asked all at once, with the publication windows waived, and the
// tier's normal ladder ratifies it after the fact.
type Expedite struct {
	// Enabled is false when the policy switches the crisis path off.
	Enabled bool
	// Types are the communication types that may be expedited.
	Types []string
	// Stages replace the tier's ladder: "sig" or group names.
	Stages []string
	// Quorum overrides a stage's usual count or majority with a number of
	// members, so two Steering members suffice in a crisis.
	Quorum map[string]int
	// RatifyWithin is how long after publication the normal ladder has to
	// approve the expedited notice.
	RatifyWithin time.Duration
}

// DefaultExpedite is the crisis path a policy has unless it says otherwise.
func DefaultExpedite() Expedite {
	return Expedite{
		Enabled:      true,
		Types:        []string{"incident", "security-advisory"},
		Stages:       []string{"comms", "steering"},
		Quorum:       map[string]int{"steering": 2},
		RatifyWithin: 72 * time.Hour,
	}
}

// Allows reports whether a communication type may be expedited.
func (e Expedite) Allows(typ string) bool {
	return e.Enabled && slices.Contains(e.Types, typ)
}

// Expedited reports whether a document takes the crisis path: it declares
// `expedite: true` and its type allows it. A document that declares it
// where it is not allowed gets a template error instead.
func (r *Rules) Expedited(doc *Document) bool {
	return r != nil && doc != nil && doc.Expedite && r.Expedite.Allows(doc.Type)
}

// ExpediteResult explains why a pull request takes the crisis path and
// what that changes, for the check and for the follow-up.
type ExpediteResult struct {
	// Reasons are the documents' expedite_reason texts, one per document.
	Reasons []string
	// Stages are the crisis ladder's stage names, asked in parallel.
	Stages []string
	// NormalTier and NormalStages are the ladder that ratifies afterwards.
	NormalTier   int
	NormalStages []string
	RatifyWithin time.Duration
}

// Sentence says in one line what the crisis path changes.
func (e ExpediteResult) Sentence() string {
	return fmt.Sprintf("EXPEDITED: the crisis ladder %s replaces tier %d's %s, and every stage is asked at once; "+
		"publication windows, blackouts and the distributor lead time are waived (an embargo still binds); "+
		"the normal ladder must ratify within %s of publication",
		strings.Join(e.Stages, " + "), e.NormalTier, strings.Join(e.NormalStages, " → "), HumanDuration(e.RatifyWithin))
}

// expediteMode decides whether a pull request takes the crisis path. All
// of its communications must declare it: one urgent notice cannot carry a
// calm one past its review. A policy change never does.
func expediteMode(docs []*Document, rules *Rules, policyFileChanged bool) (expedited bool, problem string) {
	n, declared := 0, 0
	for _, d := range docs {
		if d == nil {
			continue
		}
		n++
		if rules.Expedited(d) {
			declared++
		}
	}
	switch {
	case declared == 0:
		return false, ""
	case policyFileChanged:
		return false, "an expedited notice cannot change the policy file in the same pull request: move the policy change to its own pull request"
	case declared < n:
		return false, fmt.Sprintf("only %d of the %d communications in this pull request declares `expedite: true`; an expedited notice travels alone: move the others to their own pull request", declared, n)
	}
	return true, ""
}

// ExpediteFor is what the crisis path means for these communications at
// this tier, or nil when they do not take it.
func ExpediteFor(docs []*Document, rules *Rules, tier int, policyFileChanged bool) *ExpediteResult {
	if ok, _ := expediteMode(docs, rules, policyFileChanged); !ok {
		return nil
	}
	return expediteResult(docs, rules, tier)
}

func expediteResult(docs []*Document, rules *Rules, tier int) *ExpediteResult {
	res := &ExpediteResult{
		Stages:       slices.Clone(rules.Expedite.Stages),
		NormalTier:   tier,
		NormalStages: slices.Clone(rules.Tiers[tier]),
		RatifyWithin: rules.Expedite.RatifyWithin,
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		reason := strings.Join(strings.Fields(d.ExpediteReason), " ")
		if len(docs) > 1 {
			reason = d.Path + ": " + reason
		}
		res.Reasons = append(res.Reasons, reason)
	}
	return res
}

// NextUpdateAt is when an ongoing incident promised its next update; zero
// for anything else (a resolved incident promises none).
func NextUpdateAt(doc *Document) time.Time {
	if doc == nil || doc.Type != "incident" {
		return time.Time{}
	}
	status, ok := doc.FieldByKey("status")
	if !ok || strings.TrimSpace(status.Scalar) != "ongoing" {
		return time.Time{}
	}
	f, ok := doc.FieldByKey("next_update_at")
	if !ok {
		return time.Time{}
	}
	t, problem := parseInstant(f.Scalar)
	if problem != instantOK {
		return time.Time{}
	}
	return t
}
