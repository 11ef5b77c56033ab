package facts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/policy"
)

// protectionTTL bounds how long a repository's branch protection is
// remembered. No webhook tells the app it changed, and the answer only
// feeds a warning, so one read per repository every few minutes is enough.
const protectionTTL = 10 * time.Minute

// Why a source of required checks could not be read, with what grants it.
const (
	unreadClassic = "classic branch protection cannot be read: the app lacks the repository permission Administration: read " +
		"(add it to the app's permissions, then accept the new permission on the installation)"
	unreadRulesets = "rulesets cannot be read: the app lacks the repository permission Metadata: read"
)

// BranchProtection reads which checks the default branch requires, and
// from which app: the classic branch protection's required status checks
// and the required_status_checks rules of every active ruleset on the
// branch. It is read once per repository and remembered for a while.
func (r *GitHub) BranchProtection(ctx context.Context, t Target) (policy.BranchProtection, error) {
	key := strings.ToLower(t.Owner + "/" + t.Repo + "@" + t.DefaultBranch)
	if r.cache != nil {
		if b, ok := r.cache.protection.get(key); ok {
			return b, nil
		}
	}
	b := policy.BranchProtection{Branch: t.DefaultBranch}
	if r.self != nil {
		b.AppID = r.self.AppID
	}
	if err := r.readClassicProtection(ctx, t, &b); err != nil {
		return b, err
	}
	if err := r.readRulesets(ctx, t, &b); err != nil {
		return b, err
	}
	if r.cache != nil {
		r.cache.protection.put(key, b)
	}
	return b, nil
}

func (r *GitHub) readClassicProtection(ctx context.Context, t Target, b *policy.BranchProtection) error {
	checks, _, err := r.gh.Repositories.GetRequiredStatusChecks(ctx, t.Owner, t.Repo, t.DefaultBranch)
	switch {
	case errors.Is(err, github.ErrBranchNotProtected):
		b.Unprotected = true
		return nil
	case ghclient.IsNotFound(err):
		// Protected without required status checks.
		return nil
	case ghclient.StatusOf(err) == http.StatusForbidden:
		if planLacksProtection(err) {
			b.Unprotected = true
			return nil
		}
		b.Unread = append(b.Unread, unreadClassic)
		return nil
	case err != nil:
		return fmt.Errorf("read the branch protection of %s: %w", t.DefaultBranch, err)
	}
	const source = "branch protection"
	if checks.Checks != nil {
		for _, c := range *checks.Checks {
			b.Required = append(b.Required, policy.RequiredCheck{Name: c.Context, AppID: appOrAny(c.AppID), Source: source})
		}
		return nil
	}
	if checks.Contexts != nil {
		for _, name := range *checks.Contexts {
			b.Required = append(b.Required, policy.RequiredCheck{Name: name, Source: source})
		}
	}
	return nil
}

func (r *GitHub) readRulesets(ctx context.Context, t Target, b *policy.BranchProtection) error {
	rules, _, err := r.gh.Repositories.GetRulesForBranch(ctx, t.Owner, t.Repo, t.DefaultBranch)
	switch status := ghclient.StatusOf(err); {
	case status == http.StatusForbidden || status == http.StatusNotFound:
		b.Unread = append(b.Unread, unreadRulesets)
		return nil
	case err != nil:
		return fmt.Errorf("read the rulesets of %s: %w", t.DefaultBranch, err)
	}
	for _, rule := range rules {
		if rule.Type != "required_status_checks" || rule.Parameters == nil {
			continue
		}
		var params github.RequiredStatusChecksRuleParameters
		if err := json.Unmarshal(*rule.Parameters, &params); err != nil {
			return fmt.Errorf("read ruleset %d of %s: %w", rule.RulesetID, t.DefaultBranch, err)
		}
		source := fmt.Sprintf("ruleset %d", rule.RulesetID)
		if rule.RulesetSourceType == "Organization" {
			source = fmt.Sprintf("ruleset %d of the organization %s", rule.RulesetID, rule.RulesetSource)
		}
		for _, c := range params.RequiredStatusChecks {
			b.Required = append(b.Required, policy.RequiredCheck{Name: c.Context, AppID: appOrAny(c.IntegrationID), Source: source})
		}
	}
	return nil
}

// planLacksProtection tells GitHub's "upgrade to protect this branch"
// from a missing permission: both are 403.
func planLacksProtection(err error) bool {
	var ge *github.ErrorResponse
	return errors.As(err, &ge) && strings.Contains(ge.Message, "Upgrade to GitHub Pro")
}

// appOrAny maps GitHub's "any source" (null, or -1) to 0.
func appOrAny(id *int64) int64 {
	if id == nil || *id < 0 {
		return 0
	}
	return *id
}
