package githubfake

import (
	"strings"
)

// splitTeam parses "org/slug".
func (s *Server) splitTeam(ref string) (string, string, bool) {
	org, slug, ok := strings.Cut(ref, "/")
	if !ok || org == "" || slug == "" {
		s.fail("team %q is not org/slug", ref)
	}
	return org, slug, ok
}

func (s *Server) teamFor(ref string) (*team, bool) {
	org, slug, ok := s.splitTeam(ref)
	if !ok {
		return nil, false
	}
	t, ok := s.st.team(org, slug)
	if !ok {
		s.fail("no team %s", ref)
	}
	return t, ok
}

// AddOrgMember makes the user an active member of the organization, with
// role "member" or "admin".
func (s *Server) AddOrgMember(org, login, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.ensureOrg(org)
	u := s.st.userFor(login)
	o.Members[strings.ToLower(login)] = orgMember{Login: u.Login, Role: role, State: "active"}
}

// CreateTeam creates a team "org/slug" with active members, who also
// become organization members. Grant it repositories with GrantTeamRepo:
// a team without access cannot be asked for reviews.
func (s *Server) CreateTeam(ref string, members ...string) {
	org, slug, ok := s.splitTeam(ref)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.ensureOrg(org)
	key := strings.ToLower(slug)
	if _, exists := o.Teams[key]; exists {
		s.fail("create team: %s already exists", ref)
		return
	}
	t := &team{
		ID: s.st.id(), Org: o, Slug: key, Name: slug, Privacy: "closed",
		Members: map[string]*teamMember{}, Repos: map[string]string{},
	}
	o.Teams[key] = t
	for _, login := range members {
		s.addTeamMember(t, login, "member", "active")
	}
}

func (s *Server) addTeamMember(t *team, login, role, state string) *user {
	u := s.st.userFor(login)
	t.Members[strings.ToLower(login)] = &teamMember{User: u, Role: role, State: state}
	if _, member := t.Org.Members[strings.ToLower(login)]; !member {
		t.Org.Members[strings.ToLower(login)] = orgMember{Login: u.Login, Role: "member", State: state}
	}
	return u
}

// MemberSpec says how a user joins a team.
type MemberSpec struct {
	// Maintainer gives the maintainer role instead of member.
	Maintainer bool
	// Pending leaves the invitation unaccepted: GitHub then omits the user
	// from the member list and reports state "pending".
	Pending bool
}

// AddTeamMember adds a user to a team and returns membership.added.
func (s *Server) AddTeamMember(ref, login string, spec MemberSpec) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFor(ref)
	if !ok {
		return Event{}
	}
	role, state := "member", "active"
	if spec.Maintainer {
		role = "maintainer"
	}
	if spec.Pending {
		state = "pending"
	}
	u := s.addTeamMember(t, login, role, state)
	return s.membershipEvent(t, u, "added", t.Org.User)
}

// RemoveTeamMember removes a user from a team and returns
// membership.removed.
func (s *Server) RemoveTeamMember(ref, login string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFor(ref)
	if !ok {
		return Event{}
	}
	m, ok := t.Members[strings.ToLower(login)]
	if !ok {
		s.fail("remove team member: %s is not in %s", login, ref)
		return Event{}
	}
	delete(t.Members, strings.ToLower(login))
	return s.membershipEvent(t, m.User, "removed", t.Org.User)
}

// RenameTeam changes a team's display name and returns team.edited with
// changes.name.from.
func (s *Server) RenameTeam(ref, name string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFor(ref)
	if !ok {
		return Event{}
	}
	old := t.Name
	t.Name = name
	return s.teamEvent(t, "edited", map[string]any{"name": fromChange{From: old}}, t.Org.User)
}

// GrantTeamRepo gives a team access to a repository with permission pull,
// triage, push, maintain or admin.
func (s *Server) GrantTeamRepo(ref, repoName, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFor(ref)
	if !ok {
		return
	}
	if _, ok := teamRole[permission]; !ok {
		s.fail("grant %s on %s: permission %q is not pull, triage, push, maintain or admin", ref, repoName, permission)
		return
	}
	if _, ok := s.repoFor(repoName); !ok {
		return
	}
	t.Repos[strings.ToLower(repoName)] = permission
}
