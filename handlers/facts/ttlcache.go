package facts

import (
	"sync"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// ttlCache keeps lookups that GitHub's ETags cannot make free (team
// membership lists are paginated and change rarely) for a short time.
// Membership and team webhooks drop entries, so the TTL only bounds how
// long a missed webhook can leave a stale answer.
type ttlCache[V any] struct {
	mu      sync.Mutex
	ttl     time.Duration
	now     func() time.Time
	entries map[string]ttlEntry[V]
	max     int
}

type ttlEntry[V any] struct {
	value   V
	expires time.Time
}

func newTTLCache[V any](ttl time.Duration, max int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, now: now, max: max, entries: make(map[string]ttlEntry[V])}
}

func (c *ttlCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || c.now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *ttlCache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// Bounded memory matters more than hit rate here: drop expired
		// entries first, and everything if that was not enough.
		now := c.now()
		for k, e := range c.entries {
			if now.After(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			c.entries = make(map[string]ttlEntry[V])
		}
	}
	c.entries[key] = ttlEntry[V]{value: v, expires: c.now().Add(c.ttl)}
}

func (c *ttlCache[V]) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = make(map[string]ttlEntry[V])
}

// Cache is what one process remembers between evaluations: team members
// and write permissions (briefly: see ReadMode), repositories known to
// have no policy file, and parsed policy files. Every replica has its
// own; none of it is ever trusted for a green result.
type Cache struct {
	teams *ttlCache[[]string]
	perms *ttlCache[string]
	// absent maps "owner/repo" to the default branch commit at which the
	// repository had no policy file.
	absent *ttlCache[string]
	// parsed maps a policy file's blob SHA to its parsed rules.
	parsed *ttlCache[Policy]
	// protection maps "owner/repo@branch" to the branch's required checks.
	protection *ttlCache[policy.BranchProtection]
}

// NewCache keeps team and permission answers for teamTTL (5 minutes when
// zero), on the given clock.
func NewCache(teamTTL time.Duration, now func() time.Time) *Cache {
	if teamTTL == 0 {
		teamTTL = 5 * time.Minute
	}
	if now == nil {
		now = time.Now
	}
	return &Cache{
		teams:  newTTLCache[[]string](teamTTL, 4096, now),
		perms:  newTTLCache[string](teamTTL, 16384, now),
		absent: newTTLCache[string](24*time.Hour, 16384, now),
		parsed: newTTLCache[Policy](24*time.Hour, 256, now),

		protection: newTTLCache[policy.BranchProtection](protectionTTL, 4096, now),
	}
}

// ForgetTeam drops a team's cached members ("org/slug"), or every team's
// when ref is empty: a membership event says they changed.
func (c *Cache) ForgetTeam(ref string) {
	if ref == "" {
		c.teams.clear()
		return
	}
	c.teams.drop(ref)
}

// ForgetPermissions drops every cached write permission: a collaborator
// was added or removed somewhere, and /hold rests on write permission.
func (c *Cache) ForgetPermissions() {
	c.perms.clear()
}
