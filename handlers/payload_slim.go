package handlers

import "github.com/google/go-github/v62/github"

// reviewDelivery is the part of a pull_request_review payload the gate
// needs. GitHub's whole event (the pull request with its head and base
// repositories, every user, links…) took three times the CPU of the
// evaluation a burst of deliveries is coalesced into, so under a burst
// decoding it in full was most of the server's work (`commsgate bench`,
// CPU profile).
type reviewDelivery struct {
	Action      string `json:"action"`
	PullRequest *struct {
		Number int    `json:"number"`
		State  string `json:"state"`
	} `json:"pull_request"`
	Repository   *slimRepository `json:"repository"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
}

func (d reviewDelivery) installationID() int64 {
	if d.Installation == nil {
		return 0
	}
	return d.Installation.ID
}

// slimRepository is what facts.TargetOf and the log fields read of a
// repository.
type slimRepository struct {
	Name          string `json:"name"`
	DefaultBranch string `json:"default_branch"`
	Owner         struct {
		Login string `json:"login"`
	} `json:"owner"`
}

// repository returns it as go-github's type, nil when the payload had none.
func (r *slimRepository) repository() *github.Repository {
	if r == nil {
		return nil
	}
	return &github.Repository{
		Name:          github.String(r.Name),
		DefaultBranch: github.String(r.DefaultBranch),
		Owner:         &github.User{Login: github.String(r.Owner.Login)},
	}
}
