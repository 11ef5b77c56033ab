package githubfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) routeApps(mux *router) {
	mux.HandleFunc("GET /app", s.getApp)
	mux.HandleFunc("GET /app/installations", s.listInstallations)
	mux.HandleFunc("GET /app/installations/{id}", s.getInstallation)
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.createAccessToken)
	mux.HandleFunc("GET /installation/repositories", s.listInstallationRepos)
	mux.HandleFunc("GET /repos/{owner}/{repo}/installation", s.findInstallation)
	mux.HandleFunc("GET /orgs/{account}/installation", s.findInstallation)
	mux.HandleFunc("GET /users/{account}/installation", s.findInstallation)
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.renderApp(callerOf(r).App))
}

// appInstallations lists the app's installations by id.
func (st *state) appInstallations(a *app) []*installation {
	var out []*installation
	for _, in := range st.installations {
		if in.App == a {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(x, y *installation) int { return int(x.ID - y.ID) })
	return out
}

func (s *Server) listInstallations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.st.appInstallations(callerOf(r).App)
	out := []wInstallation{}
	for _, in := range paginate(s, w, r, all) {
		out = append(out, s.renderInstallation(in))
	}
	writeJSON(w, http.StatusOK, out)
}

// ownInstallation finds an installation of the calling app by path id.
func (s *Server) ownInstallation(w http.ResponseWriter, r *http.Request) (*installation, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	in, ok := s.st.installations[id]
	if err != nil || !ok || in.App != callerOf(r).App {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, false
	}
	return in, true
}

func (s *Server) getInstallation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in, ok := s.ownInstallation(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderInstallation(in))
	}
}

type wAccessToken struct {
	Token               string            `json:"token"`
	ExpiresAt           ghTime            `json:"expires_at"`
	Permissions         map[string]string `json:"permissions"`
	RepositorySelection string            `json:"repository_selection"`
}

func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.ownInstallation(w, r)
	if !ok {
		return
	}
	t := s.st.issueToken(in)
	writeJSON(w, http.StatusCreated, wAccessToken{
		Token: t.Value, ExpiresAt: ghTime(t.ExpiresAt), Permissions: grantedPermissions(in.App), RepositorySelection: in.Selection,
	})
}

type wInstallationRepos struct {
	TotalCount          int     `json:"total_count"`
	RepositorySelection string  `json:"repository_selection"`
	Repositories        []wRepo `json:"repositories"`
}

func (s *Server) listInstallationRepos(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := callerOf(r).Installation
	repos := s.st.installationRepos(in)
	out := wInstallationRepos{TotalCount: len(repos), RepositorySelection: in.Selection, Repositories: []wRepo{}}
	for _, rp := range paginate(s, w, r, repos) {
		out.Repositories = append(out.Repositories, s.renderRepo(rp))
	}
	writeJSON(w, http.StatusOK, out)
}

// findInstallation answers the repository, org and user installation
// lookups an app makes before it has a token.
func (s *Server) findInstallation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.st.appInstallations(callerOf(r).App) {
		switch {
		case r.PathValue("account") != "" && strings.EqualFold(in.Account.Login, r.PathValue("account")),
			r.PathValue("repo") != "" && in.hasRepo(r.PathValue("owner")+"/"+r.PathValue("repo")):
			writeJSON(w, http.StatusOK, s.renderInstallation(in))
			return
		}
	}
	writeError(w, http.StatusNotFound, "Not Found")
}
