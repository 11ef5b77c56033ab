package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
)

type checkRunHandler struct{ app *App }

var _ githubapp.EventHandler = (*checkRunHandler)(nil)

func (h *checkRunHandler) Handles() []string { return []string{"check_run"} }

// Handle re-runs an evaluation when someone presses "Re-run" on one of our
// checks, and retries publication for the publish check's action.
func (h *checkRunHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.CheckRunEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse check_run payload: %w", err)
	}
	run := event.GetCheckRun()
	if run == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "check_run")
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	switch event.GetAction() {
	case "rerequested":
		if run.GetName() == report.CheckPublish {
			return h.app.publisher.Retry(ctx, installationID, event.GetRepo(), run.GetID())
		}
	case "requested_action":
		if ra := event.GetRequestedAction(); run.GetName() == report.CheckPublish && ra != nil && ra.Identifier == publication.RetryFailedAction {
			return h.app.publisher.Retry(ctx, installationID, event.GetRepo(), run.GetID())
		}
		return nil
	default:
		return nil
	}
	return h.app.rerun(ctx, installationID, event.GetRepo(), run.PullRequests)
}

type checkSuiteHandler struct{ app *App }

var _ githubapp.EventHandler = (*checkSuiteHandler)(nil)

func (h *checkSuiteHandler) Handles() []string { return []string{"check_suite"} }

// Handle re-evaluates when someone presses "Re-run all checks". The
// "requested" suite GitHub creates on every push is not evaluated: the
// pull_request.synchronize of the same push is, and a second evaluation
// would only repeat it (a lost synchronize is picked up by the sweep).
func (h *checkSuiteHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.CheckSuiteEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse check_suite payload: %w", err)
	}
	if event.GetAction() != "rerequested" {
		return nil
	}
	suite := event.GetCheckSuite()
	if suite == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "check_suite")
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	return h.app.rerun(ctx, installationID, event.GetRepo(), suite.PullRequests)
}

// rerun evaluates, with both checks re-posted, every pull request a
// re-run check or suite belongs to.
func (a *App) rerun(ctx context.Context, installationID int64, repo *github.Repository, prs []*github.PullRequest) error {
	var errs []error
	for _, pr := range prs {
		t := facts.TargetOf(installationID, repo, pr.GetNumber())
		pctx, _ := githubapp.PreparePRContext(ctx, installationID, repo, pr.GetNumber())
		errs = append(errs, a.gate.Evaluate(pctx, t, gate.Request{Trigger: gate.CheckRerun}))
	}
	return errors.Join(errs...)
}
