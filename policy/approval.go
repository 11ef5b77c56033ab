package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Evaluate decides whether a pull request's communications may be
// published, and explains why in words: the tier, each stage's approvers
// and what is missing, discarded approvals, holds, blocking reviews and the
// time gate. It never fails: anything it cannot resolve fails closed and
// says so.
func Evaluate(f Facts) Decision {
	if f.Rules == nil {
		return Decision{
			State:    StateInvalid,
			Headline: "NOT APPROVED — no policy is loaded",
			NextStep: "Fix the repository's .github/commsgate.yml (see the policy check), then comment `/commsgate recheck`.",
			Reasons:  []string{"no communication policy could be loaded, so nothing can be approved"},
			Holds:    f.Holds,
		}
	}
	d := Decision{Holds: f.Holds}
	d.Tier = ComputeTier(f.Documents, f.Rules, f.PolicyFileChanged)
	d.Reasons = append(d.Reasons, d.Tier.String())

	expedited, problem := expediteMode(f.Documents, f.Rules, f.PolicyFileChanged)
	var stages []Stage
	if expedited {
		d.Expedite = expediteResult(f.Documents, f.Rules, d.Tier.Tier)
		d.Reasons = append(d.Reasons, d.Expedite.Sentence())
		stages = ResolveExpediteStages(f.Documents, f.Rules, f.Author, f.TeamMembers)
	} else {
		d.expediteProblem = problem
		stages = ResolveStages(d.Tier.Tier, f.Documents, f.Rules, f.Author, f.TeamMembers)
	}
	var reqs []Requirement
	for _, s := range stages {
		for _, r := range s.Requirements {
			if r.Note != "" {
				d.Reasons = append(d.Reasons, r.Note)
			}
			reqs = append(reqs, r)
		}
	}

	verdicts := latestVerdicts(f.Reviews)
	var valid []string
	invalid := map[string]string{} // lower-case login → reason
	var approvals []Review
	for _, v := range verdicts {
		if v.State != ReviewApproved {
			continue
		}
		approvals = append(approvals, v)
		if reason := approvalProblem(v, f); reason != "" {
			invalid[strings.ToLower(v.User)] = reason
			continue
		}
		valid = append(valid, v.User)
	}
	assigned := AssignApprovers(reqs, valid, f.Rules.DistinctApprovers)
	ladder := newLadder(stages, reqs, assigned, f.Author)

	d.Stages = ladder.results(approvals, invalid)
	d.Discarded = ladder.outsiders(approvals, invalid)
	d.Blockers, d.Reasons = blockers(verdicts, reqs, f.Author, d.Reasons)

	for _, doc := range f.Documents {
		if doc == nil {
			continue
		}
		s := CheckSchedule(doc, f.Rules, f.Now)
		d.Schedule = append(d.Schedule, s)
		if !doc.PublishAt.IsZero() && doc.PublishAt.After(d.ReleaseAt) {
			d.ReleaseAt = doc.PublishAt
		}
		if doc.Embargo && doc.EmbargoUntil.After(d.ReleaseAt) {
			d.ReleaseAt = doc.EmbargoUntil
		}
	}

	decideState(&d, f)
	stageTimes(&d, f, approvals)
	d.RequestTeams = requestTeams(d, f)
	d.Headline = headline(d)
	d.NextStep = nextStep(d, f)
	return d
}

// decideState applies the precedence a reviewer expects: broken templates
// first, then anything that stops publication outright, then missing
// approvals, then the clock.
func decideState(d *Decision, f Facts) {
	// The handlers may already have merged the schedule findings into the
	// template findings; count each problem once.
	scheduleFindings := d.ScheduleFindings()
	seen := make(map[Finding]bool, len(scheduleFindings))
	for _, sf := range scheduleFindings {
		seen[sf] = true
	}
	var templateOnly []Finding
	for _, tf := range f.Findings {
		if !seen[tf] {
			templateOnly = append(templateOnly, tf)
		}
	}
	templateErrors := countErrors(templateOnly)
	scheduleErrors := countErrors(scheduleFindings)
	unsatisfiable := false
	allSatisfied := true
	for _, s := range d.Stages {
		unsatisfiable = unsatisfiable || s.Unsatisfiable
		allSatisfied = allSatisfied && s.Satisfied
		if s.Unsatisfiable {
			d.Reasons = append(d.Reasons, fmt.Sprintf("stage %s can never be satisfied: %s", s.Name, s.Missing))
		}
	}
	for _, h := range d.Holds {
		d.Reasons = append(d.Reasons, holdSentence(h))
	}
	if d.expediteProblem != "" {
		d.Reasons = append(d.Reasons, d.expediteProblem)
	}
	for _, b := range d.Blockers {
		d.Reasons = append(d.Reasons, fmt.Sprintf("@%s %s", b.User, b.Reason))
	}
	if templateErrors > 0 {
		d.Reasons = append(d.Reasons, fmt.Sprintf("%s in the template must be fixed", pluralUnit(templateErrors, "error")))
	}
	if scheduleErrors > 0 {
		d.Reasons = append(d.Reasons, fmt.Sprintf("%s in the schedule must be fixed", pluralUnit(scheduleErrors, "error")))
	}
	d.errorCount = templateErrors + scheduleErrors
	switch {
	case templateErrors+scheduleErrors > 0:
		d.State = StateInvalid
	case len(d.Holds) > 0 || len(d.Blockers) > 0 || unsatisfiable || d.expediteProblem != "":
		d.State = StateBlocked
	case !allSatisfied:
		d.State = StatePending
	case d.ReleaseAt.After(f.Now):
		d.State = StateScheduled
		d.Reasons = append(d.Reasons, fmt.Sprintf("every stage is approved; publication waits until %s", FormatInstant(d.ReleaseAt)))
	default:
		d.State = StateApproved
	}
}

func holdSentence(h Hold) string {
	s := fmt.Sprintf("@%s placed a hold", h.By)
	if r := strings.Join(strings.Fields(h.Reason), " "); r != "" {
		s += fmt.Sprintf(" (%q)", r)
	}
	return s + "; `/unhold` by " + LiftableBy(h) + " lifts it"
}

// blockers lists change requests from members of any required team. A
// change request from anyone else is noted but does not block: the policy
// decides who may stop a notice.
func blockers(verdicts []Review, reqs []Requirement, author string, reasons []string) ([]Blocker, []string) {
	var out []Blocker
	for _, v := range verdicts {
		if v.State != ReviewChangesRequested || v.Bot || sameUser(v.User, author) {
			continue
		}
		if !memberOfAny(reqs, v.User) {
			reasons = append(reasons, fmt.Sprintf("@%s requested changes but is not a member of a required team, so the review does not block", v.User))
			continue
		}
		out = append(out, Blocker{User: v.User, Reason: fmt.Sprintf(
			"requested changes on %s; this blocks until they approve or the review is dismissed", ShortSHA(v.CommitID))})
	}
	return out, reasons
}

func memberOfAny(reqs []Requirement, user string) bool {
	for _, r := range reqs {
		if r.isMember(user) {
			return true
		}
	}
	return false
}

func countErrors(findings []Finding) int {
	n := 0
	for _, f := range findings {
		if f.Severity == SeverityError {
			n++
		}
	}
	return n
}

// requestTeams picks whom to ask for a review now. Drafts and invalid
// notices ask nobody: reviewers should see a finished, valid text.
func requestTeams(d Decision, f Facts) []string {
	if f.Draft || d.State == StateInvalid {
		return nil
	}
	mode := f.Rules.RequestReviews
	if mode == "off" {
		return nil
	}
	var teams []string
	for _, s := range d.Stages {
		if s.Satisfied {
			continue
		}
		teams = append(teams, s.openTeams...)
		if mode != "all" && d.Expedite == nil {
			// Staged: the next stage hears of the notice once the one
			// before has approved. The crisis path asks everyone at once.
			break
		}
	}
	return uniqueTrimmed(teams)
}

// headline is the first line a reviewer reads.
func headline(d Decision) string {
	switch d.State {
	case StateInvalid:
		return fmt.Sprintf("NOT APPROVED — fix %s in the communication first", pluralUnit(d.errorCount, "error"))
	case StateBlocked:
		var causes []string
		for _, h := range d.Holds {
			causes = append(causes, "on hold by @"+h.By)
		}
		for _, b := range d.Blockers {
			causes = append(causes, "@"+b.User+" requested changes")
		}
		for _, s := range d.Stages {
			if s.Unsatisfiable {
				causes = append(causes, "stage "+s.Name+" can never be approved")
			}
		}
		if d.expediteProblem != "" {
			causes = append(causes, "an expedited notice must travel alone")
		}
		if len(causes) > 2 {
			causes = append(causes[:2], fmt.Sprintf("and %d more", len(causes)-2))
		}
		return "BLOCKED — " + strings.Join(causes, ", ")
	case StatePending:
		var waiting []string
		for _, s := range d.Stages {
			if !s.Satisfied {
				waiting = append(waiting, s.Name)
			}
		}
		first := d.firstOpenStage()
		h := fmt.Sprintf("NOT APPROVED — waiting for %s (%d of %d approvals)", first.Name, first.Approved, first.Required)
		if len(waiting) > 1 {
			h += ", then " + strings.Join(waiting[1:], ", ")
		}
		return h
	case StateScheduled:
		return "SCHEDULED — approved, publishes at " + FormatInstant(d.ReleaseAt)
	default:
		if d.Expedite != nil {
			return fmt.Sprintf("APPROVED — EXPEDITED, the crisis ladder is approved; tier %d ratifies within %s of publication",
				d.Expedite.NormalTier, HumanDuration(d.Expedite.RatifyWithin))
		}
		return fmt.Sprintf("APPROVED — tier %d, %s approved", d.Tier.Tier, pluralUnit(len(d.Stages), "stage"))
	}
}

func (d Decision) firstOpenStage() StageResult {
	for _, s := range d.Stages {
		if !s.Satisfied {
			return s
		}
	}
	return StageResult{}
}

// nextStep says who acts next and how.
func nextStep(d Decision, f Facts) string {
	switch d.State {
	case StateInvalid:
		return "Fix the errors reported by the template check and push; commsgate evaluates again on every push."
	case StateBlocked:
		var steps []string
		for _, h := range d.Holds {
			steps = append(steps, fmt.Sprintf("@%s lifts the hold with `/unhold` when ready", h.By))
		}
		for _, b := range d.Blockers {
			steps = append(steps, fmt.Sprintf("@%s approves, or their review is dismissed", b.User))
		}
		for _, s := range d.Stages {
			if s.Unsatisfiable {
				steps = append(steps, fmt.Sprintf("a maintainer fixes stage %s (%s), then comments `/commsgate recheck`", s.Name, s.Missing))
			}
		}
		if d.expediteProblem != "" {
			steps = append(steps, "the author splits the pull request so that the expedited notice is its only change")
		}
		return capitalize(strings.Join(steps, "; ")) + "."
	case StatePending:
		var step string
		for _, s := range d.Stages {
			if s.Satisfied {
				continue
			}
			step += fmt.Sprintf("Stage %s needs %s.", s.Name, s.Missing)
			if len(s.Candidates) > 0 {
				step += " Could approve: " + mentionList(s.Candidates, 10) + "."
			}
			if d.Expedite == nil {
				break // staged: the next stage comes after this one
			}
			step += " "
		}
		step = strings.TrimSpace(step)
		switch {
		case f.Draft:
			step += " Mark the pull request ready for review so commsgate requests reviews."
		case len(d.RequestTeams) > 0:
			step += " Review requested from " + strings.Join(d.RequestTeams, ", ") + "."
		}
		return step
	case StateScheduled:
		return fmt.Sprintf("The check turns green at %s; %s", FormatInstant(d.ReleaseAt), publishStep(f))
	default:
		return capitalize(publishStep(f))
	}
}

func publishStep(f Facts) string {
	var channels []string
	for _, doc := range f.Documents {
		if doc != nil {
			channels = append(channels, doc.Channels...)
		}
	}
	where := "its channels"
	if ch := uniqueTrimmed(channels); len(ch) > 0 {
		where = strings.Join(ch, ", ")
	}
	followUp := ""
	if fu := f.Rules.FollowUp; fu.Enabled {
		followUp = ", and opens a follow-up issue due " + HumanDuration(fu.After) + " after publication"
	}
	if f.Rules.AutoMerge {
		return fmt.Sprintf("commsgate then merges the pull request and publishes to %s, once each%s.", where, followUp)
	}
	return fmt.Sprintf("merge the pull request; commsgate then publishes to %s, once each%s.", where, followUp)
}

func mentionList(users []string, limit int) string {
	shown := users
	if len(shown) > limit {
		shown = shown[:limit]
	}
	out := make([]string, len(shown))
	for i, u := range shown {
		out[i] = "@" + u
	}
	s := strings.Join(out, ", ")
	if len(users) > limit {
		s += fmt.Sprintf(" and %d more", len(users)-limit)
	}
	return s
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func sortedUsers(users []string) []string {
	out := uniqueTrimmed(users)
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}
