package githubfake

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitHub's OAuth web flow for a GitHub App, as a web UI signs people in
// with it: the browser goes to GET /login/oauth/authorize?client_id=…&
// redirect_uri=…&state=…; once the person is signed in and agrees, GitHub
// sends the browser to redirect_uri with ?code=…&state=…; the app's server
// exchanges the code, once and within ten minutes, at POST
// /login/oauth/access_token (client_id, client_secret, code) for a
// user-to-server token. That token acts for the person, bounded by both
// their own access and the app's: GET /user, GET /user/installations and
// GET /user/installations/{id}/repositories (the installations and
// repositories the person can reach through the app), and reads of
// repositories (GET /repos/…), which answer 404 for a private repository
// the person cannot read or the app is not installed on, as GitHub does.
// Writes with a user token are not modelled: they answer 403.
//
// The fake has no sign-in page: SetOAuthUser says who is signed in, and
// the authorization completes as them at once (there is no consent screen
// either: a GitHub App's users are not asked for scopes).

// oauthCodeLifetime is how long GitHub's OAuth codes can be exchanged.
const oauthCodeLifetime = 10 * time.Minute

// userTokenLifetime is how long a GitHub App's expiring user-to-server
// tokens live.
const userTokenLifetime = 8 * time.Hour

type oauthCode struct {
	App         *app
	User        *user
	RedirectURI string
	Expires     time.Time
}

type userToken struct {
	Value     string
	App       *app
	User      *user
	ExpiresAt time.Time
	Revoked   bool
}

// SetOAuthUser signs login in to the fake's web pages: the next OAuth
// authorizations complete as that user. An empty login signs out, and an
// authorization then answers 403.
func (s *Server) SetOAuthUser(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if login != "" {
		s.st.userFor(login)
	}
	s.st.oauthUser = login
}

// UserToken issues a user-to-server token for login through the app
// directly, for tests that act as a person without a browser.
func (s *Server) UserToken(appID int64, login string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.apps[appID]
	if !ok {
		s.fail("user token: no app %d", appID)
		return ""
	}
	return s.st.issueUserToken(a, s.st.userFor(login)).Value
}

// RevokeUserTokens revokes every user-to-server token of login, as when
// the person revokes the app's authorization.
func (s *Server) RevokeUserTokens(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.st.userTokens {
		if strings.EqualFold(t.User.Login, login) {
			t.Revoked = true
		}
	}
}

func (st *state) issueUserToken(a *app, u *user) *userToken {
	t := &userToken{Value: "ghu_" + randomHex(18), App: a, User: u, ExpiresAt: time.Now().UTC().Add(userTokenLifetime).Truncate(time.Second)}
	st.userTokens[t.Value] = t
	return t
}

func (st *state) appByClientID(id string) (*app, bool) {
	for _, a := range st.apps {
		if id != "" && a.ClientID == id {
			return a, true
		}
	}
	return nil, false
}

func (s *Server) routeOAuth(mux *router) {
	mux.HandleFunc("GET /login/oauth/authorize", s.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", s.exchangeOAuthCode)
	mux.HandleFunc("GET /user", s.getAuthenticatedUser)
	mux.HandleFunc("GET /user/installations", s.listUserInstallations)
	mux.HandleFunc("GET /user/installations/{id}/repositories", s.listUserInstallationRepos)
}

// authorize is GitHub's authorization page, answered for the signed-in
// user without asking. Errors GitHub shows as a page are plain text here.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.appByClientID(q.Get("client_id"))
	if !ok {
		http.Error(w, "githubfake: no app has the client_id "+strconv.Quote(q.Get("client_id")), http.StatusNotFound)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || (redirect.Scheme != "http" && redirect.Scheme != "https") || redirect.Host == "" {
		http.Error(w, "githubfake: redirect_uri must be an absolute http(s) URL", http.StatusBadRequest)
		return
	}
	if s.st.oauthUser == "" {
		http.Error(w, "githubfake: nobody is signed in to GitHub (SetOAuthUser)", http.StatusForbidden)
		return
	}
	code := randomHex(10)
	s.st.oauthCodes[code] = &oauthCode{App: a, User: s.st.userFor(s.st.oauthUser), RedirectURI: redirect.String(), Expires: s.now().Add(oauthCodeLifetime)}
	rq := redirect.Query()
	rq.Set("code", code)
	if state := q.Get("state"); state != "" {
		rq.Set("state", state)
	}
	redirect.RawQuery = rq.Encode()
	w.Header().Set("Location", redirect.String())
	w.WriteHeader(http.StatusFound)
}

// oauthAnswer is the token endpoint's answer; errors come with status 200,
// as GitHub sends them.
type oauthAnswer struct {
	AccessToken      string `json:"access_token,omitempty"`
	ExpiresIn        int    `json:"expires_in,omitempty"`
	TokenType        string `json:"token_type,omitempty"`
	Scope            string `json:"scope"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	ErrorURI         string `json:"error_uri,omitempty"`
}

func (s *Server) exchangeOAuthCode(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	var params url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]string
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "Problems parsing JSON")
			return
		}
		params = url.Values{}
		for k, v := range body {
			params.Set(k, v)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			writeError(w, http.StatusBadRequest, "Problems parsing the form")
			return
		}
		params = r.Form
	}
	answer := s.oauthToken(params)
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, http.StatusOK, answer)
		return
	}
	form := url.Values{}
	if answer.Error != "" {
		form.Set("error", answer.Error)
		form.Set("error_description", answer.ErrorDescription)
		form.Set("error_uri", answer.ErrorURI)
	} else {
		form.Set("access_token", answer.AccessToken)
		form.Set("expires_in", strconv.Itoa(answer.ExpiresIn))
		form.Set("token_type", answer.TokenType)
		form.Set("scope", answer.Scope)
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	_, _ = w.Write([]byte(form.Encode()))
}

// oauthToken checks the client and the code (single use, whatever
// happens) and issues the token.
func (s *Server) oauthToken(params url.Values) oauthAnswer {
	const docs = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.appByClientID(params.Get("client_id"))
	if !ok || subtle.ConstantTimeCompare([]byte(a.ClientSecret), []byte(params.Get("client_secret"))) != 1 {
		return oauthAnswer{Error: "incorrect_client_credentials", ErrorDescription: "The client_id and/or client_secret passed are incorrect.", ErrorURI: docs + "#incorrect-client-credentials"}
	}
	code, found := s.st.oauthCodes[params.Get("code")]
	delete(s.st.oauthCodes, params.Get("code"))
	switch {
	case !found || code.App != a || !s.now().Before(code.Expires):
		return oauthAnswer{Error: "bad_verification_code", ErrorDescription: "The code passed is incorrect or expired.", ErrorURI: docs + "#bad-verification-code"}
	case params.Get("redirect_uri") != "" && params.Get("redirect_uri") != code.RedirectURI:
		return oauthAnswer{Error: "redirect_uri_mismatch", ErrorDescription: "The redirect_uri MUST match the registered callback URL for this application.", ErrorURI: docs + "#redirect-uri-mismatch2"}
	}
	t := s.st.issueUserToken(a, code.User)
	return oauthAnswer{AccessToken: t.Value, ExpiresIn: int(userTokenLifetime.Seconds()), TokenType: "bearer"}
}

func (s *Server) getAuthenticatedUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.renderUser(callerOf(r).User))
}

// installationRepos lists the repositories the installation reaches, by
// id for an installation on the whole account.
func (st *state) installationRepos(in *installation) []*repo {
	var repos []*repo
	if in.Selection == "all" {
		// An installation on the whole account reaches every repository
		// the account owns, including ones created after installing.
		for key, rp := range st.repos {
			if in.hasRepo(key) {
				repos = append(repos, rp)
			}
		}
		slices.SortFunc(repos, func(x, y *repo) int { return int(x.ID - y.ID) })
		return repos
	}
	for _, name := range in.Repos {
		if rp, ok := st.repo(name); ok {
			repos = append(repos, rp)
		}
	}
	return repos
}

// userRepos are the installation's repositories the user has explicit
// access to (as owner, collaborator, team member or org admin): what
// GitHub lists for a user-to-server token.
func (st *state) userRepos(in *installation, u *user) []*repo {
	var out []*repo
	for _, rp := range st.installationRepos(in) {
		if st.permission(rp, u.Login) != "none" {
			out = append(out, rp)
		}
	}
	return out
}

type wUserInstallations struct {
	TotalCount    int             `json:"total_count"`
	Installations []wInstallation `json:"installations"`
}

func (s *Server) listUserInstallations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := callerOf(r)
	var reachable []*installation
	for _, in := range s.st.appInstallations(c.App) {
		if len(s.st.userRepos(in, c.User)) > 0 {
			reachable = append(reachable, in)
		}
	}
	out := wUserInstallations{TotalCount: len(reachable), Installations: []wInstallation{}}
	for _, in := range paginate(s, w, r, reachable) {
		out.Installations = append(out.Installations, s.renderInstallation(in))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listUserInstallationRepos(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := callerOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	in, ok := s.st.installations[id]
	var repos []*repo
	if err == nil && ok && in.App == c.App {
		repos = s.st.userRepos(in, c.User)
	}
	if len(repos) == 0 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	out := wInstallationRepos{TotalCount: len(repos), RepositorySelection: in.Selection, Repositories: []wRepo{}}
	for _, rp := range paginate(s, w, r, repos) {
		out.Repositories = append(out.Repositories, s.renderRepo(rp))
	}
	writeJSON(w, http.StatusOK, out)
}

// admitUser lets a user-to-server token through to /user and to reads of
// repositories both the user and the app reach; a private repository
// either cannot reach is 404, as GitHub hides it. Callers hold s.mu.
func (s *Server) admitUser(w http.ResponseWriter, r *http.Request, acc access, c caller) bool {
	switch {
	case acc.user:
		return true
	case acc.repo != "" && r.Method != http.MethodGet && r.Method != http.MethodHead:
		writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		return false
	case acc.repo != "":
		rp, ok := s.st.repo(acc.repo)
		if !ok || (rp.Private && !s.st.userReachesRepo(c, rp)) {
			writeError(w, http.StatusNotFound, "Not Found")
			return false
		}
		return true
	}
	writeError(w, http.StatusForbidden, "Resource not accessible by integration")
	return false
}

// userReachesRepo reports whether the user can read the repository and an
// installation of the token's app reaches it. Callers hold s.mu.
func (st *state) userReachesRepo(c caller, rp *repo) bool {
	if st.permission(rp, c.User.Login) == "none" {
		return false
	}
	for _, in := range st.appInstallations(c.App) {
		if in.hasRepo(rp.fullName()) {
			return true
		}
	}
	return false
}
