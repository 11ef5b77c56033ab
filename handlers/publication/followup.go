package publication

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// The follow-up issue is the communication's record in its own repository:
// it links every publication, carries the checklist of the look back, and
// holds (hidden) the receipts an update needs to edit or reply to what was
// sent before.
const recordKind = "record"

type record struct {
	Communication string                     `json:"communication"`
	Path          string                     `json:"path"`
	Due           time.Time                  `json:"due"`
	Reminded      bool                       `json:"reminded,omitempty"`
	Receipts      map[string]publish.Receipt `json:"receipts"`
	// PR opened the issue; Updates are the pull requests whose updates it
	// was told about. A resumed run finds its own PR here and says
	// nothing twice.
	PR      int   `json:"pr,omitempty"`
	Updates []int `json:"updates,omitempty"`
	// Ratify is set while an expedited publication awaits, or has had,
	// the normal ladder's ratification.
	Ratify *ratifyRecord `json:"ratify,omitempty"`
	// NextUpdateAt is an ongoing incident's promised next update; one
	// reminder is posted when it passes without an update.
	NextUpdateAt   time.Time `json:"next_update_at,omitempty"`
	UpdateReminded bool      `json:"update_reminded,omitempty"`
}

func communicationID(t facts.Target, path string) string {
	return publish.Notice{Repo: t.Owner + "/" + t.Repo, Path: path}.CommunicationID()
}

// parseRecord reads the hidden record of a follow-up issue's body: nil
// when there is none, an error when it is damaged (someone edited the
// issue body), which callers report rather than guess at.
func parseRecord(body string) (*record, error) {
	var r record
	found, err := publish.DecodeMarker(body, recordKind, &r)
	if !found || err != nil {
		return nil, err
	}
	if r.Receipts == nil {
		r.Receipts = map[string]publish.Receipt{}
	}
	return &r, nil
}

// withRecord replaces (or appends) the hidden record in an issue body.
func withRecord(body string, r *record) (string, error) {
	marker, err := publish.EncodeMarker(recordKind, r)
	if err != nil {
		return "", err
	}
	return publish.ReplaceMarker(body, recordKind, marker), nil
}

// reportReceipts converts delivery receipts to the words report lists.
func reportReceipts(in map[string]publish.Receipt) map[string]report.Receipt {
	out := make(map[string]report.Receipt, len(in))
	for name, r := range in {
		out[name] = report.Receipt{URL: r.URL, ID: r.ID}
	}
	return out
}

// followUpIssues lists the follow-up issues of the repository.
func followUpIssues(ctx context.Context, gh *github.Client, t facts.Target, rules *policy.Rules, state string) ([]*github.Issue, error) {
	opts := &github.IssueListByRepoOptions{State: state, Labels: rules.FollowUp.Labels}
	issues, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.Issue, *github.Response, error) {
		opts.ListOptions = o
		return gh.Issues.ListByRepo(ctx, t.Owner, t.Repo, opts)
	})
	if err != nil {
		return nil, fmt.Errorf("list follow-up issues: %w", err)
	}
	return issues, nil
}

// findRecord finds the follow-up issue of a communication, if any.
func (pub *Publisher) findRecord(ctx context.Context, gh *github.Client, t facts.Target, rules *policy.Rules, id string) (*record, *github.Issue, error) {
	issues, err := followUpIssues(ctx, gh, t, rules, "all")
	if err != nil {
		return nil, nil, err
	}
	for _, is := range issues {
		r, err := parseRecord(is.GetBody())
		if err != nil {
			// Not this communication's as far as anyone can tell: a new
			// follow-up is opened rather than a damaged one guessed at.
			zerolog.Ctx(ctx).Warn().Err(err).Int("issue", is.GetNumber()).Msg("follow-up issue has a damaged record: skipped")
			continue
		}
		if r != nil && r.Communication == id {
			return r, is, nil
		}
	}
	return nil, nil, nil
}

// openFollowUps opens (or, for an update, comments on) the follow-up issue
// of every communication that reached at least one channel.
func (pub *Publisher) openFollowUps(ctx context.Context, p *publication) error {
	if !p.rules.FollowUp.Enabled {
		return nil
	}
	byPath := map[string]map[string]publish.Receipt{}
	for _, d := range p.ledger.Deliveries {
		if d.Status != deliverySucceeded {
			continue
		}
		if byPath[d.Path] == nil {
			byPath[d.Path] = map[string]publish.Receipt{}
		}
		byPath[d.Path][d.Target] = d.Receipt
	}
	for _, path := range slices.Sorted(maps.Keys(byPath)) {
		receipts := byPath[path]
		if number, done := p.ledger.FollowUps[path]; done {
			if err := pub.linkLateReceipts(ctx, p, path, number, receipts); err != nil {
				return err
			}
			continue
		}
		number, err := pub.followUp(ctx, p, path, receipts)
		if err != nil {
			return err
		}
		p.ledger.FollowUps[path] = number
		p.ledger.Linked[path] = slices.Sorted(maps.Keys(receipts))
		if err := p.save(ctx, "Publishing"); err != nil {
			return err
		}
	}
	return nil
}

// linkLateReceipts adds to an existing follow-up the publications that
// succeeded only on a retry: one comment listing them, and the hidden
// record updated so a later correction reaches them too.
func (pub *Publisher) linkLateReceipts(ctx context.Context, p *publication, path string, number int, receipts map[string]publish.Receipt) error {
	linked := map[string]bool{}
	for _, name := range p.ledger.Linked[path] {
		linked[name] = true
	}
	late := map[string]publish.Receipt{}
	for name, r := range receipts {
		if !linked[name] {
			late[name] = r
		}
	}
	if len(late) == 0 {
		return nil
	}
	issue, _, err := p.gh.Issues.Get(ctx, p.t.Owner, p.t.Repo, number)
	if err != nil {
		return fmt.Errorf("read follow-up #%d: %w", number, err)
	}
	rec, err := parseRecord(issue.GetBody())
	if err != nil {
		return fmt.Errorf("follow-up #%d: %w", number, err)
	}
	if rec != nil {
		for name, r := range late {
			rec.Receipts[name] = r
		}
		body, err := withRecord(issue.GetBody(), rec)
		if err != nil {
			return err
		}
		if _, _, err := p.gh.Issues.Edit(ctx, p.t.Owner, p.t.Repo, number, &github.IssueRequest{Body: &body}); err != nil {
			return fmt.Errorf("update follow-up #%d: %w", number, err)
		}
	}
	comment := report.FollowUpAlsoPublished(reportReceipts(late))
	if _, _, err := p.gh.Issues.CreateComment(ctx, p.t.Owner, p.t.Repo, number, &github.IssueComment{Body: github.String(comment)}); err != nil {
		return fmt.Errorf("comment on follow-up #%d: %w", number, err)
	}
	p.ledger.Linked[path] = slices.Sorted(maps.Keys(receipts))
	return p.save(ctx, "Publishing")
}

func (pub *Publisher) followUp(ctx context.Context, p *publication, path string, delivered map[string]publish.Receipt) (int, error) {
	id := communicationID(p.t, path)
	existing, issue, err := p.findRecordOf(ctx, path)
	if err != nil {
		return 0, err
	}
	// The document as publishFile read it at the merge commit: every
	// communication of the merge passes through it before follow-ups.
	doc := p.docs[path]
	if doc == nil {
		return 0, fmt.Errorf("open follow-up for %s: the merged notice was never read by this run", path)
	}
	if existing != nil {
		number := p.pr.GetNumber()
		if existing.PR == number || slices.Contains(existing.Updates, number) {
			// An earlier run of this publication opened the issue or told
			// it about this update, then stopped before recording it.
			return issue.GetNumber(), nil
		}
		// An update: the record gains the new receipts and this PR, then
		// the issue gets a dated comment linking them. Record first: a
		// crash between the two costs the comment, never doubles it.
		for k, v := range delivered {
			existing.Receipts[k] = v
		}
		existing.Updates = append(existing.Updates, number)
		existing.NextUpdateAt, existing.UpdateReminded = policy.NextUpdateAt(doc), false
		if p.decision.Expedite != nil {
			// The text now out needs ratifying; an earlier expedited text
			// still unratified keeps its (earlier) due date.
			next := newRatifyRecord(p)
			if prev := existing.Ratify; prev != nil && !prev.Ratified {
				next.PublishedAt, next.Reminded = prev.PublishedAt, prev.Reminded
			}
			existing.Ratify = next
		}
		body, err := withRecord(issue.GetBody(), existing)
		if err != nil {
			return 0, err
		}
		if _, _, err := p.gh.Issues.Edit(ctx, p.t.Owner, p.t.Repo, issue.GetNumber(), &github.IssueRequest{Body: &body}); err != nil {
			return 0, fmt.Errorf("update follow-up #%d: %w", issue.GetNumber(), err)
		}
		comment := report.FollowUpUpdated(p.mergedAt(), number, p.pr.GetTitle(), reportReceipts(delivered))
		if _, _, err := p.gh.Issues.CreateComment(ctx, p.t.Owner, p.t.Repo, issue.GetNumber(), &github.IssueComment{Body: github.String(comment)}); err != nil {
			return 0, fmt.Errorf("comment on follow-up #%d: %w", issue.GetNumber(), err)
		}
		issue.Body = &body
		return issue.GetNumber(), pub.startAfterCare(ctx, p, issue, existing)
	}
	due := p.now.Add(p.rules.FollowUp.After)
	rec := &record{Communication: id, Path: path, Due: due, Receipts: delivered, PR: p.pr.GetNumber(), NextUpdateAt: policy.NextUpdateAt(doc)}
	if p.decision.Expedite != nil {
		rec.Ratify = newRatifyRecord(p)
	}
	body, err := withRecord(report.FollowUpBody(doc, p.pr.GetNumber(), due, reportReceipts(delivered)), rec)
	if err != nil {
		return 0, err
	}
	// A copy: the parsed rules are shared by every evaluation of the same
	// policy file and must never be written through.
	labels := slices.Clone(p.rules.FollowUp.Labels)
	req := &github.IssueRequest{
		Title:     github.String(report.FollowUpTitle(doc)),
		Body:      &body,
		Labels:    &labels,
		Assignees: &doc.Contacts,
	}
	created, _, err := p.gh.Issues.Create(ctx, p.t.Owner, p.t.Repo, req)
	if err != nil && ghclient.StatusOf(err) == 422 && len(doc.Contacts) > 0 {
		// Contacts who cannot be assigned (not collaborators) are still
		// named in the body; the issue must not be lost over them.
		req.Assignees = &[]string{}
		created, _, err = p.gh.Issues.Create(ctx, p.t.Owner, p.t.Repo, req)
	}
	if err != nil {
		return 0, fmt.Errorf("open follow-up issue for %s: %w", path, err)
	}
	zerolog.Ctx(ctx).Info().Int("issue", created.GetNumber()).Str("path", path).Msg("opened follow-up issue")
	return created.GetNumber(), pub.startAfterCare(ctx, p, created, rec)
}

// startAfterCare sets what a follow-up watches after publication: the
// ratification of an expedited notice (shown at once, reminded when due)
// and an ongoing incident's next update.
func (pub *Publisher) startAfterCare(ctx context.Context, p *publication, issue *github.Issue, rec *record) error {
	ft := p.t
	ft.Number = issue.GetNumber()
	if !rec.NextUpdateAt.IsZero() {
		pub.remindAt(ctx, ft, rec.NextUpdateAt)
	}
	if rec.Ratify == nil {
		return nil
	}
	pub.remindAt(ctx, ft, rec.Ratify.PublishedAt.Add(p.rules.Expedite.RatifyWithin))
	return pub.syncRatification(ctx, p.gh, ft, p.rules, issue, rec)
}

// RemindRepo posts one reminder on each follow-up issue of the repository
// that is due and still open. The record is marked first: a crash between
// the two steps costs a reminder, never doubles it.
func (pub *Publisher) RemindRepo(ctx context.Context, gh *github.Client, t facts.Target, pol facts.Policy) error {
	if pol.Broken() || !pol.Rules.FollowUp.Enabled {
		return nil
	}
	defer pub.followUps.lock(t.Owner + "/" + t.Repo)()
	now := pub.now()
	issues, err := followUpIssues(ctx, gh, t, pol.Rules, "open")
	if err != nil {
		return err
	}
	for _, is := range issues {
		rec, err := parseRecord(is.GetBody())
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Int("issue", is.GetNumber()).Msg("follow-up issue has a damaged record: no reminder")
			continue
		}
		if rec == nil {
			continue
		}
		ft := t
		ft.Number = is.GetNumber()
		if err := pub.remindAfterCare(ctx, gh, ft, pol.Rules, is, rec, now); err != nil {
			return err
		}
		if rec.Reminded || now.Before(rec.Due) {
			continue
		}
		rec.Reminded = true
		body, err := withRecord(is.GetBody(), rec)
		if err != nil {
			return err
		}
		if _, _, err := gh.Issues.Edit(ctx, t.Owner, t.Repo, is.GetNumber(), &github.IssueRequest{Body: &body}); err != nil {
			return fmt.Errorf("mark follow-up #%d reminded: %w", is.GetNumber(), err)
		}
		var who []string
		for _, u := range is.Assignees {
			who = append(who, u.GetLogin())
		}
		msg := report.FollowUpReminder(rec.Due, who)
		if _, _, err := gh.Issues.CreateComment(ctx, t.Owner, t.Repo, is.GetNumber(), &github.IssueComment{Body: github.String(msg)}); err != nil {
			return fmt.Errorf("remind on follow-up #%d: %w", is.GetNumber(), err)
		}
	}
	return nil
}

// remindAfterCare posts the reminders of the crisis path that are due:
// an overdue ratification (through syncRatification, which also turns
// the check red) and a next update that did not come.
func (pub *Publisher) remindAfterCare(ctx context.Context, gh *github.Client, t facts.Target, rules *policy.Rules, is *github.Issue, rec *record, now time.Time) error {
	if rr := rec.Ratify; rr != nil && !rr.Ratified && !rr.Reminded && !now.Before(rr.PublishedAt.Add(rules.Expedite.RatifyWithin)) {
		if err := pub.syncRatification(ctx, gh, t, rules, is, rec); err != nil {
			return err
		}
	}
	if rec.NextUpdateAt.IsZero() || rec.UpdateReminded || now.Before(rec.NextUpdateAt) {
		return nil
	}
	rec.UpdateReminded = true
	body, err := withRecord(is.GetBody(), rec)
	if err != nil {
		return err
	}
	if _, _, err := gh.Issues.Edit(ctx, t.Owner, t.Repo, is.GetNumber(), &github.IssueRequest{Body: &body}); err != nil {
		return fmt.Errorf("mark follow-up #%d reminded of its update: %w", is.GetNumber(), err)
	}
	is.Body = &body
	var contacts []string
	for _, u := range is.Assignees {
		contacts = append(contacts, u.GetLogin())
	}
	msg := report.NextUpdateReminder(rec.NextUpdateAt, rec.Path, contacts)
	if _, _, err := gh.Issues.CreateComment(ctx, t.Owner, t.Repo, is.GetNumber(), &github.IssueComment{Body: github.String(msg)}); err != nil {
		return fmt.Errorf("remind follow-up #%d of its update: %w", is.GetNumber(), err)
	}
	return nil
}
