package githubfake

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

func (s *Server) routeOrgs(mux *router) {
	mux.HandleFunc("GET /orgs/{org}/teams", s.listTeams)
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}", s.getTeam)
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}/members", s.listTeamMembers)
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}/memberships/{user}", s.getTeamMembership)
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}/repos/{owner}/{repo}", s.checkTeamRepo)
	mux.HandleFunc("GET /orgs/{org}/members/{user}", s.checkOrgMember)
	mux.HandleFunc("GET /orgs/{org}/memberships/{user}", s.getOrgMembership)
}

func (s *Server) teamFrom(w http.ResponseWriter, r *http.Request) (*team, bool) {
	t, ok := s.st.team(r.PathValue("org"), r.PathValue("slug"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
	}
	return t, ok
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.st.orgs[strings.ToLower(r.PathValue("org"))]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	out := []wTeam{}
	for _, slug := range slices.Sorted(maps.Keys(o.Teams)) {
		out = append(out, s.renderTeam(o.Teams[slug], "pull"))
	}
	writeJSON(w, http.StatusOK, paginate(s, w, r, out))
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.teamFrom(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderTeam(t, "pull"))
	}
}

// listTeamMembers lists active members only: GitHub leaves pending
// invitations out of this list, which is why approvals must not count them.
func (s *Server) listTeamMembers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFrom(w, r)
	if !ok {
		return
	}
	role := r.URL.Query().Get("role")
	var members []*user
	for _, key := range slices.Sorted(maps.Keys(t.Members)) {
		m := t.Members[key]
		if m.State != "active" || (role != "" && role != "all" && role != m.Role) {
			continue
		}
		members = append(members, m.User)
	}
	writeJSON(w, http.StatusOK, s.renderUsers(paginate(s, w, r, members)))
}

type wTeamMembership struct {
	URL   string `json:"url"`
	Role  string `json:"role"`
	State string `json:"state"`
}

func (s *Server) getTeamMembership(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFrom(w, r)
	if !ok {
		return
	}
	m, ok := t.Members[strings.ToLower(r.PathValue("user"))]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, wTeamMembership{
		URL:  s.apiURL("/teams/%d/memberships/%s", t.ID, m.User.Login),
		Role: m.Role, State: m.State,
	})
}

func (s *Server) checkTeamRepo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teamFrom(w, r)
	if !ok {
		return
	}
	if _, ok := t.Repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]; !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) checkOrgMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.st.orgs[strings.ToLower(r.PathValue("org"))]
	if ok {
		if m, member := o.Members[strings.ToLower(r.PathValue("user"))]; member && m.State == "active" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeError(w, http.StatusNotFound, "Not Found")
}

type wOrgMembership struct {
	URL             string `json:"url"`
	State           string `json:"state"`
	Role            string `json:"role"`
	OrganizationURL string `json:"organization_url"`
	Organization    wUser  `json:"organization"`
	User            wUser  `json:"user"`
}

func (s *Server) getOrgMembership(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.st.orgs[strings.ToLower(r.PathValue("org"))]
	var m orgMember
	if ok {
		m, ok = o.Members[strings.ToLower(r.PathValue("user"))]
	}
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, wOrgMembership{
		URL:   s.apiURL("/orgs/%s/memberships/%s", o.User.Login, m.Login),
		State: m.State, Role: m.Role, OrganizationURL: s.apiURL("/orgs/%s", o.User.Login),
		Organization: s.renderUser(o.User), User: s.renderUser(s.st.userFor(m.Login)),
	})
}
