package githubfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// authorizeAs runs the browser half of the web flow as login and returns
// the code GitHub sent back, after checking the state came back too.
func authorizeAs(t *testing.T, srv *Server, app App, login, state string) string {
	t.Helper()
	srv.SetOAuthUser(login)
	q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {"http://127.0.0.1:9/oauth/callback"}, "state": {state}}
	resp, err := noRedirects.Get(srv.URL() + "/login/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: HTTP %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != "127.0.0.1:9" || loc.Path != "/oauth/callback" {
		t.Fatalf("authorize redirected to %q, want the redirect_uri", resp.Header.Get("Location"))
	}
	if got := loc.Query().Get("state"); got != state {
		t.Fatalf("state came back as %q, want %q", got, state)
	}
	return loc.Query().Get("code")
}

func exchange(t *testing.T, srv *Server, clientID, secret, code string) oauthAnswer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/login/oauth/access_token",
		strings.NewReader(url.Values{"client_id": {clientID}, "client_secret": {secret}, "code": {code}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a oauthAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("decode token answer: %v", err)
	}
	return a
}

func TestOAuthWebFlowIssuesASingleUseCode(t *testing.T) {
	w := newWorld(t)
	code := authorizeAs(t, w.srv, w.app, "octocat", "s1")
	if a := exchange(t, w.srv, w.app.ClientID, "wrong", code); a.Error != "incorrect_client_credentials" {
		t.Fatalf("a wrong client secret: %+v, want incorrect_client_credentials", a)
	}
	// The failed attempt above named a wrong secret, so the code was not
	// spent: GitHub checks the client first.
	a := exchange(t, w.srv, w.app.ClientID, w.app.ClientSecret, code)
	if a.Error != "" || !strings.HasPrefix(a.AccessToken, "ghu_") || a.TokenType != "bearer" || a.ExpiresIn != 8*3600 {
		t.Fatalf("exchange: %+v, want a ghu_ bearer token for 8 hours", a)
	}
	if again := exchange(t, w.srv, w.app.ClientID, w.app.ClientSecret, code); again.Error != "bad_verification_code" {
		t.Fatalf("the same code twice: %+v, want bad_verification_code", again)
	}

	user, resp, err := clientWithBase(t, w.srv, nil).WithAuthToken(a.AccessToken).Users.Get(w.ctx, "")
	if err != nil || user.GetLogin() != "octocat" {
		t.Fatalf("GET /user with the token: %v (HTTP %d), %q; want octocat", err, statusOf(resp), user.GetLogin())
	}
}

func TestOAuthAuthorizeNeedsAKnownClientAndASignedInUser(t *testing.T) {
	w := newWorld(t)
	for name, q := range map[string]url.Values{
		"unknown client":   {"client_id": {"Iv1.nobody"}, "redirect_uri": {"http://127.0.0.1:9/cb"}},
		"no redirect":      {"client_id": {w.app.ClientID}},
		"nobody signed in": {"client_id": {w.app.ClientID}, "redirect_uri": {"http://127.0.0.1:9/cb"}},
	} {
		resp, err := noRedirects.Get(w.srv.URL() + "/login/oauth/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusFound {
			t.Errorf("%s: redirected with a code", name)
		}
	}
}

func TestOAuthAnswersFormEncodedWithoutAcceptJSON(t *testing.T) {
	w := newWorld(t)
	code := authorizeAs(t, w.srv, w.app, "octocat", "s")
	resp, err := http.PostForm(w.srv.URL()+"/login/oauth/access_token", url.Values{"client_id": {w.app.ClientID}, "client_secret": {w.app.ClientSecret}, "code": {code}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil || !strings.HasPrefix(form.Get("access_token"), "ghu_") {
		t.Fatalf("form answer %q: want access_token=ghu_…", body)
	}
}

// A user-to-server token reaches what both the person and the app reach:
// a private repository the person cannot read is 404, as on GitHub, and
// so is one the app is not installed on.
func TestUserTokenReadsOnlyWhatTheUserAndTheAppReach(t *testing.T) {
	w := newWorld(t)
	w.srv.SetCollaborator(testRepo, "reader", "read")
	w.srv.CreateRepo(RepoSpec{Name: "kubernetes/other"})
	w.srv.SetCollaborator("kubernetes/other", "reader", "read") // readable, but the app is not installed there
	owner, name, _ := strings.Cut(testRepo, "/")

	reader := clientWithBase(t, w.srv, nil).WithAuthToken(w.srv.UserToken(w.app.ID, "reader"))
	if _, resp, err := reader.Repositories.Get(w.ctx, owner, name); err != nil {
		t.Fatalf("reader GET %s: %v (HTTP %d)", testRepo, err, statusOf(resp))
	}
	if _, resp, _ := reader.Repositories.Get(w.ctx, "kubernetes", "other"); statusOf(resp) != http.StatusNotFound {
		t.Errorf("reader GET kubernetes/other (app not installed): HTTP %d, want 404", statusOf(resp))
	}
	if _, resp, _ := reader.Issues.Create(w.ctx, owner, name, nil); statusOf(resp) != http.StatusForbidden {
		t.Errorf("a write with a user token: HTTP %d, want 403", statusOf(resp))
	}
	insts, _, err := reader.Apps.ListUserInstallations(w.ctx, nil)
	if err != nil || len(insts) != 1 || insts[0].GetID() != w.inst.ID {
		t.Fatalf("reader's installations: %v, %d; want the one", err, len(insts))
	}
	repos, _, err := reader.Apps.ListUserRepos(w.ctx, w.inst.ID, nil)
	if err != nil || len(repos.Repositories) != 1 || repos.Repositories[0].GetFullName() != testRepo {
		t.Fatalf("reader's repositories through the app: %v, %+v", err, repos)
	}

	outsider := clientWithBase(t, w.srv, nil).WithAuthToken(w.srv.UserToken(w.app.ID, "mallory"))
	if _, resp, _ := outsider.Repositories.Get(w.ctx, owner, name); statusOf(resp) != http.StatusNotFound {
		t.Errorf("outsider GET %s: HTTP %d, want 404", testRepo, statusOf(resp))
	}
	if insts, _, err := outsider.Apps.ListUserInstallations(w.ctx, nil); err != nil || len(insts) != 0 {
		t.Errorf("outsider's installations: %v, %d; want none", err, len(insts))
	}
	if _, resp, _ := outsider.Apps.ListUserRepos(w.ctx, w.inst.ID, nil); statusOf(resp) != http.StatusNotFound {
		t.Errorf("outsider's repositories of the installation: HTTP %d, want 404", statusOf(resp))
	}

	// Installation tokens do not reach /user, and revoked user tokens
	// reach nothing.
	if _, resp, _ := w.client.Users.Get(w.ctx, ""); statusOf(resp) != http.StatusForbidden {
		t.Errorf("GET /user with an installation token: HTTP %d, want 403", statusOf(resp))
	}
	w.srv.RevokeUserTokens("reader")
	if _, resp, _ := reader.Users.Get(w.ctx, ""); statusOf(resp) != http.StatusUnauthorized {
		t.Errorf("GET /user with a revoked token: HTTP %d, want 401", statusOf(resp))
	}
}

func TestManifestConversionKeepsTheOAuthClient(t *testing.T) {
	srv := New(t)
	defer srv.Close()
	resp := postManifest(t, srv, "/settings/apps/new", testManifest("web-app"))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	cfg, status := convert(t, srv, loc.Query().Get("code"))
	if status != http.StatusCreated {
		t.Fatalf("conversion: HTTP %d", status)
	}
	srv.SetOAuthUser("octocat")
	q := url.Values{"client_id": {cfg.GetClientID()}, "redirect_uri": {"http://127.0.0.1:9/cb"}}
	r, err := noRedirects.Get(srv.URL() + "/login/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	code, _ := url.Parse(r.Header.Get("Location"))
	if a := exchange(t, srv, cfg.GetClientID(), cfg.GetClientSecret(), code.Query().Get("code")); a.AccessToken == "" {
		t.Fatalf("the manifest's OAuth client does not sign people in: %+v", a)
	}
}
