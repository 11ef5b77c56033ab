package facts

import (
	"fmt"

	"github.com/google/go-github/v62/github"
)

// Target names one pull request of one installation.
type Target struct {
	InstallationID int64
	Owner, Repo    string
	Number         int
	// DefaultBranch comes from the webhook's repository object when known;
	// empty means "ask GitHub".
	DefaultBranch string
}

// Key identifies the pull request across installations.
func (t Target) Key() string {
	return fmt.Sprintf("%d/%s/%s#%d", t.InstallationID, t.Owner, t.Repo, t.Number)
}

// TargetOf builds a target from a webhook's repository object.
func TargetOf(installationID int64, repo *github.Repository, number int) Target {
	return Target{
		InstallationID: installationID,
		Owner:          repo.GetOwner().GetLogin(),
		Repo:           repo.GetName(),
		Number:         number,
		DefaultBranch:  repo.GetDefaultBranch(),
	}
}
