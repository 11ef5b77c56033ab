package githubfake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestInstallationTokenFlowThroughGhinstallation(t *testing.T) {
	w := newWorld(t)
	repos, resp, err := w.client.Apps.ListRepos(w.ctx, nil)
	if err != nil {
		t.Fatalf("list installation repos: %v", err)
	}
	if repos.GetTotalCount() != 1 || repos.Repositories[0].GetFullName() != testRepo {
		t.Errorf("installation repos = %d %v, want just %s", repos.GetTotalCount(), repos.Repositories, testRepo)
	}
	if resp.Rate.Limit != coreLimit {
		t.Errorf("rate limit header = %d, want %d", resp.Rate.Limit, coreLimit)
	}
	if got := w.srv.TokensIssued(w.inst.ID); got != 1 {
		t.Errorf("tokens issued = %d, want 1", got)
	}
	// A second call reuses the cached token.
	if _, _, err := w.client.Repositories.Get(w.ctx, "kubernetes", "sig-comms"); err != nil {
		t.Fatalf("get repo: %v", err)
	}
	if got := w.srv.TokensIssued(w.inst.ID); got != 1 {
		t.Errorf("tokens issued after reuse = %d, want 1", got)
	}
}

func TestTokenCannotReachOtherRepositories(t *testing.T) {
	w := newWorld(t)
	w.srv.CreateRepo(RepoSpec{Name: "kubernetes/secret-stuff", Files: map[string]string{"a": "b"}})
	_, resp, err := w.client.Repositories.Get(w.ctx, "kubernetes", "secret-stuff")
	if err == nil || statusOf(resp) != http.StatusNotFound {
		t.Fatalf("repository outside the installation: status %d err %v, want 404", statusOf(resp), err)
	}
}

func TestRevokedAndExpiredTokensAreRejected(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(*Server, int64)
	}{
		{"revoked", (*Server).RevokeTokens},
		{"expired", (*Server).ExpireTokens},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			client := tokenClient(t, w.srv, w.inst.ID)
			if _, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms"); err != nil {
				t.Fatalf("fresh token: %v", err)
			}
			tc.spoil(w.srv, w.inst.ID)
			_, resp, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms")
			if err == nil || statusOf(resp) != http.StatusUnauthorized {
				t.Fatalf("%s token: status %d err %v, want 401", tc.name, statusOf(resp), err)
			}
		})
	}
}

// signJWT builds an app JWT by hand so each claim can be broken on purpose.
func signJWT(t *testing.T, key *rsa.PrivateKey, alg string, iss any, iat, exp time.Time) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + enc(map[string]any{"iss": iss, "iat": iat.Unix(), "exp": exp.Unix()})
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func parseKey(t *testing.T, pemBytes []byte) *rsa.PrivateKey {
	t.Helper()
	block, _ := pem.Decode(pemBytes)
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("parse app key: %v", err)
	}
	return key
}

func TestAccessTokenRequiresAValidAppJWT(t *testing.T) {
	w := newWorld(t)
	appKey := parseKey(t, w.app.PrivateKeyPEM)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tc := range []struct {
		name   string
		jwt    string
		status int
	}{
		{"valid, iss as string", signJWT(t, appKey, "RS256", fmt.Sprint(w.app.ID), now.Add(-time.Minute), now.Add(9*time.Minute)), http.StatusCreated},
		{"valid, iss as number", signJWT(t, appKey, "RS256", w.app.ID, now.Add(-time.Minute), now.Add(9*time.Minute)), http.StatusCreated},
		{"signed by another key", signJWT(t, otherKey, "RS256", w.app.ID, now.Add(-time.Minute), now.Add(9*time.Minute)), http.StatusUnauthorized},
		{"wrong algorithm", signJWT(t, appKey, "RS512", w.app.ID, now.Add(-time.Minute), now.Add(9*time.Minute)), http.StatusUnauthorized},
		{"expired", signJWT(t, appKey, "RS256", w.app.ID, now.Add(-20*time.Minute), now.Add(-10*time.Minute)), http.StatusUnauthorized},
		{"expiry over ten minutes away", signJWT(t, appKey, "RS256", w.app.ID, now, now.Add(time.Hour)), http.StatusUnauthorized},
		{"unknown app", signJWT(t, appKey, "RS256", w.app.ID+999, now, now.Add(5*time.Minute)), http.StatusUnauthorized},
		{"not a jwt", "a.b.c", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/app/installations/%d/access_tokens", w.srv.URL(), w.inst.ID), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tc.jwt)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}

func TestGhinstallationWithTheWrongKeyFails(t *testing.T) {
	w := newWorld(t)
	impostor := w.srv.CreateApp("impostor")
	// The impostor signs with its own key but claims to be commsgate.
	client := appClient(t, w.srv, App{ID: w.app.ID, PrivateKeyPEM: impostor.PrivateKeyPEM}, w.inst.ID)
	if _, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms"); err == nil {
		t.Fatal("a JWT signed by the wrong key was accepted")
	}
	if got := w.srv.TokensIssued(w.inst.ID); got != 0 {
		t.Errorf("tokens issued = %d, want 0", got)
	}
}

func TestInstallationTokenCannotCallAppEndpoints(t *testing.T) {
	w := newWorld(t)
	_, resp, err := w.client.Apps.ListInstallations(w.ctx, nil)
	if err == nil || statusOf(resp) != http.StatusUnauthorized {
		t.Fatalf("installation token on /app/installations: status %d err %v, want 401", statusOf(resp), err)
	}
}
