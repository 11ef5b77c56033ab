package githubfake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"time"
)

// CreateApp registers a GitHub App and generates its private key. It has
// app.yml's permissions and events; SetAppPermissions and SetAppEvents
// change them.
func (s *Server) CreateApp(slug string) App {
	key, keyPEM, err := generateAppKey()
	if err != nil {
		s.fail("generate key for app %s: %v", slug, err)
		return App{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.addApp(slug, slug, s.st.userFor(slug+"-owner"), key, keyPEM, s.now())
	return App{ID: a.ID, Slug: a.Slug, BotLogin: a.Bot.Login, PrivateKeyPEM: keyPEM, ClientID: a.ClientID, ClientSecret: a.ClientSecret}
}

// generateAppKey makes an app's RSA key and its PEM, PKCS#1 as GitHub's
// downloads are. Slow (tens of milliseconds): call it without s.mu.
func generateAppKey() (*rsa.PrivateKey, []byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), nil
}

// addApp records a new app with app.yml's permissions and events.
func (st *state) addApp(slug, name string, owner *user, key *rsa.PrivateKey, keyPEM []byte, created time.Time) *app {
	a := &app{
		ID: st.id(), Slug: slug, Name: name, Key: key, KeyPEM: keyPEM,
		Owner: owner, Bot: st.userFor(slug + "[bot]"), Created: created,
		Permissions: defaultAppPermissions(), Events: defaultAppEvents(),
		ClientID: "Iv1." + randomHex(8), ClientSecret: randomHex(20),
	}
	st.apps[a.ID] = a
	return a
}

// Install installs the app on an account (an org or user). With no repos
// it gets every repository of the account ("all"); otherwise only those
// named ("owner/name"). It returns the installation.created event.
func (s *Server) Install(appID int64, account string, repos ...string) (Installation, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.apps[appID]
	if !ok {
		s.fail("install: no app %d", appID)
		return Installation{}, Event{}
	}
	in := &installation{ID: s.st.id(), App: a, Account: s.st.userFor(account), Selection: "all", Created: s.now()}
	if len(repos) > 0 {
		in.Selection = "selected"
		for _, r := range repos {
			in.Repos = append(in.Repos, strings.ToLower(r))
		}
	}
	s.st.installations[in.ID] = in
	return snapInstallation(in), s.installationEvent(in, in.Account)
}

func snapInstallation(in *installation) Installation {
	return Installation{ID: in.ID, AppID: in.App.ID, Account: in.Account.Login, Repos: slices.Clone(in.Repos)}
}

// AddInstallationRepos grants a "selected" installation more repositories
// and returns the installation_repositories.added event.
func (s *Server) AddInstallationRepos(installationID int64, repos ...string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.st.installations[installationID]
	if !ok {
		s.fail("add installation repos: no installation %d", installationID)
		return Event{}
	}
	for _, r := range repos {
		if !in.hasRepo(r) {
			in.Repos = append(in.Repos, strings.ToLower(r))
		}
	}
	return s.installationReposEvent(in, repos, nil, in.Account)
}

// Token issues an installation token directly, for tests that build a
// go-github client without going through the app's JWT.
func (s *Server) Token(installationID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.st.installations[installationID]
	if !ok {
		s.fail("token: no installation %d", installationID)
		return ""
	}
	return s.st.issueToken(in).Value
}

// RevokeTokens revokes every token of the installation, as when an admin
// suspends the app; the next request with one gets 401.
func (s *Server) RevokeTokens(installationID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.st.tokens {
		if t.Installation.ID == installationID {
			t.Revoked = true
		}
	}
}

// ExpireTokens makes the installation's tokens expire now, so a client
// that trusts its cached expiry gets 401 and must fetch a new one.
func (s *Server) ExpireTokens(installationID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := time.Now().Add(-time.Second)
	for _, t := range s.st.tokens {
		if t.Installation.ID == installationID {
			t.ExpiresAt = past
		}
	}
}

// TokensIssued is how many tokens the installation has been given.
func (s *Server) TokensIssued(installationID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.st.tokens {
		if t.Installation.ID == installationID {
			n++
		}
	}
	return n
}

// SetRateLimitRemaining sets how many requests the installation has left
// this hour; at 0 GitHub answers 403 "API rate limit exceeded".
func (s *Server) SetRateLimitRemaining(installationID int64, remaining int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.st.installations[installationID]
	if !ok {
		s.fail("set rate limit: no installation %d", installationID)
		return
	}
	limit := s.rateLimitFor(caller{App: in.App, Installation: in})
	limit.Remaining = remaining
}

// SetRateLimitReset moves the instant the installation's hour ends, so a
// test can watch the app spread its last requests until then.
func (s *Server) SetRateLimitReset(installationID int64, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.st.installations[installationID]
	if !ok {
		s.fail("set rate limit reset: no installation %d", installationID)
		return
	}
	s.rateLimitFor(caller{App: in.App, Installation: in}).Reset = reset.Truncate(time.Second)
}
