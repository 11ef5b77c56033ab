package facts

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/policy"
)

// ReadMode says where team and permission answers may come from.
type ReadMode int

const (
	// ReadCached may answer from the per-process cache. A decision that
	// blocks may rest on it: at worst it blocks a little too long.
	ReadCached ReadMode = iota
	// ReadFresh asks GitHub once per evaluation pass. A green check and a
	// publication rest on it: another replica may have seen the
	// membership event this one's cache missed. The ETag cache makes an
	// unchanged answer a free 304.
	ReadFresh
)

// People answers one evaluation pass's questions about people: who
// is in a team, who may write to the repository. In ReadFresh mode each
// answer is asked of GitHub once and then kept for the rest of the pass,
// so the decision and the hold authorisation see the same lists.
type People struct {
	r    *GitHub
	t    Target
	mode ReadMode

	mu    sync.Mutex
	teams map[string][]string // answered in this pass
	perms map[string]string
	// cached says some answer came from the per-process cache.
	cached bool
}

// UsedCache reports whether any answer came from the per-process cache.
func (m *People) UsedCache() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cached
}

// People starts one pass's answers about people.
func (r *GitHub) People(t Target, mode ReadMode) *People {
	return &People{r: r, t: t, mode: mode, teams: map[string][]string{}, perms: map[string]string{}}
}

// cachedTeam returns a team's members if they can be answered without
// GitHub: from this pass, or in ReadCached mode from the process cache.
func (m *People) cachedTeam(team string) ([]string, bool) {
	m.mu.Lock()
	members, ok := m.teams[team]
	m.mu.Unlock()
	if ok || m.mode == ReadFresh {
		return members, ok
	}
	members, ok = m.r.cache.teams.get(team)
	if ok {
		m.mu.Lock()
		m.cached = true
		m.teams[team] = members
		m.mu.Unlock()
	}
	return members, ok
}

// teamMembers returns the active members of "org/slug".
func (m *People) teamMembers(ctx context.Context, team string) ([]string, error) {
	if members, ok := m.cachedTeam(team); ok {
		return members, nil
	}
	members, err := m.listTeam(ctx, team)
	if err != nil {
		return nil, err
	}
	m.r.cache.teams.put(team, members)
	m.mu.Lock()
	m.teams[team] = members
	m.mu.Unlock()
	return members, nil
}

func (m *People) listTeam(ctx context.Context, team string) ([]string, error) {
	org, slug, ok := strings.Cut(team, "/")
	if !ok {
		return nil, fmt.Errorf("team %q is not org/slug", team)
	}
	users, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.User, *github.Response, error) {
		return m.r.gh.Teams.ListTeamMembersBySlug(ctx, org, slug, &github.TeamListTeamMembersOptions{Role: "all", ListOptions: o})
	})
	if ghclient.IsNotFound(err) {
		// An unknown team has no members; the stage then says it cannot be
		// satisfied, which is the safe reading of a typo in the policy.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list members of %s: %w", team, err)
	}
	members := make([]string, 0, len(users))
	for _, u := range users {
		members = append(members, u.GetLogin())
	}
	return members, nil
}

// loadTeams reads the members of every team in parallel.
func (m *People) loadTeams(ctx context.Context, teams []string) (map[string][]string, error) {
	out := make(map[string][]string, len(teams))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, team := range teams {
		g.Go(func() error {
			members, err := m.teamMembers(gctx, team)
			if err != nil {
				return err
			}
			mu.Lock()
			out[team] = members
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// CanWrite reports whether user has write (or higher) permission on the
// repository.
func (m *People) CanWrite(ctx context.Context, user string) (bool, error) {
	perm, err := m.permission(ctx, user)
	if err != nil {
		return false, err
	}
	return policy.WritePermission(perm), nil
}

// permission returns user's permission level on the repository ("admin",
// "write", "read", "none", …).
func (m *People) permission(ctx context.Context, user string) (string, error) {
	key := m.t.Owner + "/" + m.t.Repo + ":" + user
	m.mu.Lock()
	perm, ok := m.perms[user]
	m.mu.Unlock()
	if ok {
		return perm, nil
	}
	if m.mode == ReadCached {
		if perm, ok = m.r.cache.perms.get(key); ok {
			m.mu.Lock()
			m.cached = true
			m.perms[user] = perm
			m.mu.Unlock()
			return perm, nil
		}
	}
	level, _, err := m.r.gh.Repositories.GetPermissionLevel(ctx, m.t.Owner, m.t.Repo, user)
	switch {
	case ghclient.IsNotFound(err):
		perm = "none"
	case err != nil:
		return "", fmt.Errorf("permission of %s: %w", user, err)
	default:
		perm = level.GetPermission()
	}
	m.r.cache.perms.put(key, perm)
	m.mu.Lock()
	m.perms[user] = perm
	m.mu.Unlock()
	return perm, nil
}

// moved re-reads, fresh from GitHub, every team and permission answer m
// gave, and reports whether any differs now. A decision rests on all of
// them: the teams it counted for stages, and those (and the write
// permissions) that decided whose /hold and /unhold apply.
func (m *People) moved(ctx context.Context) (bool, error) {
	m.mu.Lock()
	teams, perms := maps.Clone(m.teams), maps.Clone(m.perms)
	m.mu.Unlock()
	fresh := m.r.People(m.t, ReadFresh)
	var mu sync.Mutex
	moved := false
	differs := func(changed bool) {
		if changed {
			mu.Lock()
			moved = true
			mu.Unlock()
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for team, before := range teams {
		g.Go(func() error {
			now, err := fresh.teamMembers(gctx, team)
			differs(err == nil && !sameMembers(before, now))
			return err
		})
	}
	for user, before := range perms {
		g.Go(func() error {
			now, err := fresh.permission(gctx, user)
			differs(err == nil && now != before)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return false, err
	}
	return moved, nil
}

func sameMembers(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// prefetchHoldRights answers, in parallel, everything MayHold may ask
// about the given users that the teams answered so far do not settle:
// every other hold team, then the permission of each user no hold team
// names. Like MayHold, it asks nothing more once a user is named.
func (m *People) prefetchHoldRights(ctx context.Context, rules *policy.Rules, users []string) error {
	users = slices.DeleteFunc(slices.Clone(users), m.namedByAnsweredTeam)
	if len(users) == 0 {
		return nil
	}
	teams, err := m.loadTeams(ctx, policy.HoldTeams(rules))
	if err != nil {
		return fmt.Errorf("teams for hold authorisation: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, user := range users {
		named := false
		for _, members := range teams {
			named = named || slices.Contains(members, user)
		}
		if !named {
			g.Go(func() error {
				_, err := m.permission(gctx, user)
				return err
			})
		}
	}
	return g.Wait()
}

// namedByAnsweredTeam reports whether a team answered in this pass names
// user.
func (m *People) namedByAnsweredTeam(user string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, members := range m.teams {
		if slices.Contains(members, user) {
			return true
		}
	}
	return false
}

// deniedHold reports whether this pass's answers already show that user
// may not place or lift holds: every team MayHold consults was answered
// without naming them, and so was their permission. A user the pass knows
// nothing about is not denied.
func (m *People) deniedHold(rules *policy.Rules, user string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, team := range policy.HoldTeams(rules) {
		members, answered := m.teams[team]
		if !answered || slices.Contains(members, user) {
			return false
		}
	}
	perm, answered := m.perms[user]
	return answered && !policy.WritePermission(perm)
}

// MayHold: members of any configured group or SIG leads team, or anyone
// with write permission on the repository, may place and lift holds. The
// lead of a SIG the notice does not name counts too, so teams the
// evaluation has not loaded are read as well, but only after the ones
// already answered did not name the user.
func (m *People) MayHold(ctx context.Context, rules *policy.Rules, user string) (bool, error) {
	var unread []string
	for _, team := range policy.HoldTeams(rules) {
		members, answered := m.cachedTeam(team)
		if !answered {
			unread = append(unread, team)
		} else if slices.Contains(members, user) {
			return true, nil
		}
	}
	for _, team := range unread {
		members, err := m.teamMembers(ctx, team)
		if err != nil {
			return false, fmt.Errorf("teams for hold authorisation: %w", err)
		}
		if slices.Contains(members, user) {
			return true, nil
		}
	}
	return m.CanWrite(ctx, user)
}

// Teams answers the members of several teams, in parallel.
func (m *People) Teams(ctx context.Context, teams []string) (map[string][]string, error) {
	return m.loadTeams(ctx, teams)
}
