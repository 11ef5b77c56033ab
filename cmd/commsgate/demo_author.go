package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/sandbox"
	"github.com/commsgate/commsgate/policy"
)

// authorApprovalVerdict answers what commsgate does with an approval by
// the notice's own author. GitHub never lets one through, so the demo
// cannot show it on the pull request; instead it gives commsgate's policy
// (the same Evaluate the server runs) the sandbox's facts plus that
// approval, and returns the reason it is discarded.
func authorApprovalVerdict(content, headSHA string, now time.Time) (string, error) {
	rules, findings := config.ParseRepoPolicy(".github/commsgate.yml", []byte(sandbox.Policy(false)))
	if policy.HasErrors(findings) {
		return "", fmt.Errorf("the sandbox policy does not load: %v", findings)
	}
	check := policy.CheckDocument(demoNoticePath, []byte(content), rules, now)
	decision := policy.Evaluate(policy.Facts{
		Rules:     rules,
		Author:    sandbox.Author,
		HeadSHA:   headSHA,
		Documents: []*policy.Document{check.Document},
		Findings:  check.Findings,
		Reviews: []policy.Review{{
			ID: 1, User: sandbox.Author, State: policy.ReviewApproved, CommitID: headSHA, SubmittedAt: now,
		}},
		TeamMembers: sandbox.Teams(),
		Now:         now,
	})
	discarded := append([]policy.Discarded(nil), decision.Discarded...)
	for _, s := range decision.Stages {
		discarded = append(discarded, s.Discarded...)
	}
	for _, x := range discarded {
		if strings.EqualFold(x.User, sandbox.Author) {
			return x.Reason, nil
		}
	}
	return "", fmt.Errorf("commsgate's policy did not discard the author's own approval (decision: %s)", decision.Headline)
}
