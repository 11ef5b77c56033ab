package facts

import (
	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/ghclient"
)

// GitHub reads facts through one installation's client. It is made per
// evaluation; the Cache it shares lives as long as the process.
type GitHub struct {
	gh    *github.Client
	cache *Cache
	self  *ghclient.Identity
}

// NewGitHub reads through gh, remembering in cache, and recognises the
// app's own comments and reviews by self.
func NewGitHub(gh *github.Client, cache *Cache, self *ghclient.Identity) *GitHub {
	return &GitHub{gh: gh, cache: cache, self: self}
}

var _ Reader = (*GitHub)(nil)
