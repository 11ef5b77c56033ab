package gate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/handlers/report"
)

// MergeObserver counts merges GitHub refused; the server's metrics
// implement it. Asked of the Observer, so an observer without it counts
// evaluations only.
type MergeObserver interface {
	AutoMergeRefused(reason string)
}

// refusedKind marks the one comment that tells a PR's contacts GitHub
// refused its merge at a head; a later evaluation finds it and says
// nothing twice.
const refusedKind = "automerge-refused"

// refusedMarker is what the refusal comment records.
type refusedMarker struct {
	Head string `json:"head"`
}

// autoMerge merges an approved PR whose publish_at has come, pinned to
// the evaluated head. A PR already merged (another replica, or a person,
// was faster) is not an error. A merge GitHub refuses (not mergeable, the
// head moved, a required check missing) is said in the approval check,
// told once to the contacts, counted, and tried again by the next sweep.
func (g *Gate) autoMerge(ctx context.Context, p *pass, checks *checkPoster, plan Plan, st facts.PRState, ev facts.Evaluation) error {
	t := p.t
	_, _, err := p.gh.PullRequests.Merge(ctx, t.Owner, t.Repo, t.Number, "", &github.PullRequestOptions{
		SHA: plan.Head, MergeMethod: plan.MergeMethod,
	})
	if err == nil {
		zerolog.Ctx(ctx).Info().Str("head_sha", plan.Head).Msg("merged at publish_at")
		return nil
	}
	status := ghclient.StatusOf(err)
	if status != http.StatusMethodNotAllowed && status != http.StatusConflict && status != http.StatusUnprocessableEntity {
		return fmt.Errorf("merge #%d: %w", t.Number, err)
	}
	if pr, _, getErr := p.gh.PullRequests.Get(ctx, t.Owner, t.Repo, t.Number); getErr == nil && pr.GetMerged() {
		zerolog.Ctx(ctx).Info().Msg("already merged: the merged event publishes")
		return nil
	}
	reason, message := refusalReason(status, err)
	zerolog.Ctx(ctx).Warn().Err(err).Str("reason", reason).Msg("GitHub refused the auto-merge; the sweep retries")
	if mo, ok := g.observer.(MergeObserver); ok {
		mo.AutoMergeRefused(reason)
	}
	if err := checks.amendApproval(ctx, report.AutoMergeRefused(message)); err != nil {
		return err
	}
	return g.tellContactsOnce(ctx, p, plan.Head, message, st, ev)
}

// refusalReason names a merge refusal for the metric and in words.
func refusalReason(status int, err error) (reason, message string) {
	message = err.Error()
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Message != "" {
		message = ge.Message
	}
	switch {
	case status == http.StatusConflict:
		return "head_moved", message
	case strings.Contains(strings.ToLower(message), "status check"), strings.Contains(strings.ToLower(message), "required"):
		return "checks_missing", message
	case status == http.StatusMethodNotAllowed:
		return "not_mergeable", message
	default:
		return "other", message
	}
}

// tellContactsOnce comments on the PR, mentioning the notices' contacts,
// unless commsgate already did for this head.
func (g *Gate) tellContactsOnce(ctx context.Context, p *pass, head, message string, st facts.PRState, ev facts.Evaluation) error {
	for _, c := range st.Comments {
		var said refusedMarker
		if !g.self.IsOwnOrBot(c.GetUser()) {
			continue
		}
		if found, err := publish.DecodeMarker(c.GetBody(), refusedKind, &said); found && err == nil && said.Head == head {
			return nil
		}
	}
	var contacts []string
	for _, d := range ev.Documents {
		for _, c := range d.Contacts {
			if !slices.Contains(contacts, c) {
				contacts = append(contacts, c)
			}
		}
	}
	marker, err := publish.EncodeMarker(refusedKind, refusedMarker{Head: head})
	if err != nil {
		return err
	}
	body := report.AutoMergeRefusedComment(contacts, message) + "\n\n" + marker
	if _, _, err := p.gh.Issues.CreateComment(ctx, p.t.Owner, p.t.Repo, p.t.Number, &github.IssueComment{Body: &body}); err != nil {
		return fmt.Errorf("tell the contacts the merge was refused: %w", err)
	}
	return nil
}
