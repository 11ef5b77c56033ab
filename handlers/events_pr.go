package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// targetOf builds the evaluation target from a webhook's repository.
func targetOf(installationID int64, repo *github.Repository, number int) prTarget {
	return prTarget{
		InstallationID: installationID,
		Owner:          repo.GetOwner().GetLogin(),
		Repo:           repo.GetName(),
		Number:         number,
		DefaultBranch:  repo.GetDefaultBranch(),
	}
}

// ignoreIncomplete drops a delivery that lacks the object its event is
// about: GitHub never sends one, so it is malformed input, logged and
// acknowledged rather than dereferenced.
func ignoreIncomplete(ctx context.Context, action, missing string) error {
	zerolog.Ctx(ctx).Warn().Str("action", action).Str("missing", missing).
		Msg("webhook payload lacks the object its event is about: ignored")
	return nil
}

type pullRequestHandler struct{ app *App }

var _ githubapp.EventHandler = (*pullRequestHandler)(nil)

func (h *pullRequestHandler) Handles() []string { return []string{"pull_request"} }

func (h *pullRequestHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.PullRequestEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse pull_request payload: %w", err)
	}
	if event.GetPullRequest() == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "pull_request")
	}
	repo := event.GetRepo()
	number := event.GetPullRequest().GetNumber()
	ctx, _ = githubapp.PreparePRContext(ctx, githubapp.GetInstallationIDFromEvent(&event), repo, number)
	t := targetOf(githubapp.GetInstallationIDFromEvent(&event), repo, number)

	switch event.GetAction() {
	case "opened", "reopened", "synchronize", "ready_for_review", "converted_to_draft", "edited":
		// A new head needs both checks; the others can change the approval
		// (draft state, base) but not the template findings.
		template := event.GetAction() != "ready_for_review" && event.GetAction() != "converted_to_draft"
		return h.app.Evaluate(ctx, t, evalOptions{Template: template, Reason: "pull_request." + event.GetAction()})
	case "closed":
		if !event.GetPullRequest().GetMerged() {
			// A closed, unmerged notice is withdrawn: nothing goes out.
			return nil
		}
		return h.app.handleMerged(ctx, t)
	default:
		return nil
	}
}

type reviewHandler struct{ app *App }

var _ githubapp.EventHandler = (*reviewHandler)(nil)

func (h *reviewHandler) Handles() []string { return []string{"pull_request_review"} }

func (h *reviewHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.PullRequestReviewEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse pull_request_review payload: %w", err)
	}
	switch event.GetAction() {
	case "submitted", "edited", "dismissed":
	default:
		return nil
	}
	pr := event.GetPullRequest()
	if pr == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "pull_request")
	}
	if pr.GetState() != "open" {
		return nil
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), pr.GetNumber())
	t := targetOf(installationID, event.GetRepo(), pr.GetNumber())
	return h.app.Evaluate(ctx, t, evalOptions{Reason: "pull_request_review." + event.GetAction()})
}
