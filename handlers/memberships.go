package handlers

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

	"github.com/commsgate/commsgate/policy"
)

// readMode says where team and permission answers may come from.
type readMode int

const (
	// readCached may answer from the per-process cache. A decision that
	// blocks may rest on it: at worst it blocks a little too long.
	readCached readMode = iota
	// readFresh asks GitHub once per evaluation pass. A green check and a
	// publication rest on it: another replica may have seen the
	// membership event this one's cache missed. The ETag cache makes an
	// unchanged answer a free 304.
	readFresh
)

// memberships answers one evaluation pass's questions about people: who
// is in a team, who may write to the repository. In readFresh mode each
// answer is asked of GitHub once and then kept for the rest of the pass,
// so the decision and the hold authorisation see the same lists.
type memberships struct {
	app  *App
	gh   *github.Client
	t    prTarget
	mode readMode

	mu    sync.Mutex
	teams map[string][]string // answered in this pass
	perms map[string]string
	// cached says some answer came from the per-process cache.
	cached bool
}

// usedCache reports whether any answer came from the per-process cache.
func (m *memberships) usedCache() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cached
}

func (a *App) memberships(gh *github.Client, t prTarget, mode readMode) *memberships {
	return &memberships{app: a, gh: gh, t: t, mode: mode, teams: map[string][]string{}, perms: map[string]string{}}
}

// cachedTeam returns a team's members if they can be answered without
// GitHub: from this pass, or in readCached mode from the process cache.
func (m *memberships) cachedTeam(team string) ([]string, bool) {
	m.mu.Lock()
	members, ok := m.teams[team]
	m.mu.Unlock()
	if ok || m.mode == readFresh {
		return members, ok
	}
	members, ok = m.app.teams.get(team)
	if ok {
		m.mu.Lock()
		m.cached = true
		m.teams[team] = members
		m.mu.Unlock()
	}
	return members, ok
}

// teamMembers returns the active members of "org/slug".
func (m *memberships) teamMembers(ctx context.Context, team string) ([]string, error) {
	if members, ok := m.cachedTeam(team); ok {
		return members, nil
	}
	members, err := m.listTeam(ctx, team)
	if err != nil {
		return nil, err
	}
	m.app.teams.put(team, members)
	m.mu.Lock()
	m.teams[team] = members
	m.mu.Unlock()
	return members, nil
}

func (m *memberships) listTeam(ctx context.Context, team string) ([]string, error) {
	org, slug, ok := strings.Cut(team, "/")
	if !ok {
		return nil, fmt.Errorf("team %q is not org/slug", team)
	}
	users, err := listAll(func(o github.ListOptions) ([]*github.User, *github.Response, error) {
		return m.gh.Teams.ListTeamMembersBySlug(ctx, org, slug, &github.TeamListTeamMembersOptions{Role: "all", ListOptions: o})
	})
	if isNotFound(err) {
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
func (m *memberships) loadTeams(ctx context.Context, teams []string) (map[string][]string, error) {
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

// canWrite reports whether user has write (or higher) permission on the
// repository.
func (m *memberships) canWrite(ctx context.Context, user string) (bool, error) {
	perm, err := m.permission(ctx, user)
	if err != nil {
		return false, err
	}
	return perm == "admin" || perm == "write" || perm == "maintain", nil
}

// permission returns user's permission level on the repository ("admin",
// "write", "read", "none", …).
func (m *memberships) permission(ctx context.Context, user string) (string, error) {
	key := m.t.Owner + "/" + m.t.Repo + ":" + user
	m.mu.Lock()
	perm, ok := m.perms[user]
	m.mu.Unlock()
	if ok {
		return perm, nil
	}
	if m.mode == readCached {
		if perm, ok = m.app.perms.get(key); ok {
			m.mu.Lock()
			m.cached = true
			m.perms[user] = perm
			m.mu.Unlock()
			return perm, nil
		}
	}
	level, _, err := m.gh.Repositories.GetPermissionLevel(ctx, m.t.Owner, m.t.Repo, user)
	switch {
	case isNotFound(err):
		perm = "none"
	case err != nil:
		return "", fmt.Errorf("permission of %s: %w", user, err)
	default:
		perm = level.GetPermission()
	}
	m.app.perms.put(key, perm)
	m.mu.Lock()
	m.perms[user] = perm
	m.mu.Unlock()
	return perm, nil
}

// moved re-reads, fresh from GitHub, every team and permission answer m
// gave, and reports whether any differs now. A decision rests on all of
// them: the teams it counted for stages, and those (and the write
// permissions) that decided whose /hold and /unhold apply.
func (m *memberships) moved(ctx context.Context) (bool, error) {
	m.mu.Lock()
	teams, perms := maps.Clone(m.teams), maps.Clone(m.perms)
	m.mu.Unlock()
	fresh := m.app.memberships(m.gh, m.t, readFresh)
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

// prefetchHoldRights answers, in parallel, everything mayHold may ask
// about the given users that the teams answered so far do not settle:
// every other hold team, then the permission of each user no hold team
// names. Like mayHold, it asks nothing more once a user is named.
func (m *memberships) prefetchHoldRights(ctx context.Context, rules *policy.Rules, users []string) error {
	users = slices.DeleteFunc(slices.Clone(users), m.namedByAnsweredTeam)
	if len(users) == 0 {
		return nil
	}
	teams, err := m.loadTeams(ctx, holdTeams(rules))
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
func (m *memberships) namedByAnsweredTeam(user string) bool {
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
// may not place or lift holds: every team mayHold consults was answered
// without naming them, and so was their permission. A user the pass knows
// nothing about is not denied.
func (m *memberships) deniedHold(rules *policy.Rules, user string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, team := range holdTeams(rules) {
		members, answered := m.teams[team]
		if !answered || slices.Contains(members, user) {
			return false
		}
	}
	perm, answered := m.perms[user]
	return answered && perm != "admin" && perm != "write" && perm != "maintain"
}

// holdTeams are the teams whose members may place and lift holds.
func holdTeams(rules *policy.Rules) []string {
	teams := requiredTeams(rules, nil)
	for _, sig := range sortedKeys(rules.SIGs) {
		teams = append(teams, rules.SIGs[sig])
	}
	return teams
}

// mayHold: members of any configured group or SIG leads team, or anyone
// with write permission on the repository, may place and lift holds. The
// lead of a SIG the notice does not name counts too, so teams the
// evaluation has not loaded are read as well, but only after the ones
// already answered did not name the user.
func (m *memberships) mayHold(ctx context.Context, rules *policy.Rules, user string) (bool, error) {
	var unread []string
	for _, team := range holdTeams(rules) {
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
	return m.canWrite(ctx, user)
}
