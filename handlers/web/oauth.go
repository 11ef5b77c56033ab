package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog/hlog"
)

// oauthState is the sealed state cookie of a sign-in in progress.
type oauthState struct {
	State   string    `json:"s"`
	Expires time.Time `json:"e"`
}

func (h *Handler) callbackURL() string { return h.public.String() + "/oauth/callback" }

// login sends the browser to GitHub's authorization page with a random
// state, which the callback must see again in both the query and the
// sealed cookie.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	st := oauthState{State: randomToken(), Expires: h.now().Add(stateLifetime)}
	if err := h.cookies.writeSealed(w, stateCookie, st, stateLifetime); err != nil {
		h.errorPage(w, r, http.StatusInternalServerError, "Sign-in failed", "The sign-in could not be started.")
		return
	}
	q := url.Values{"client_id": {h.cfg.ClientID}, "redirect_uri": {h.callbackURL()}, "state": {st.State}}
	http.Redirect(w, r, h.loginURL+"?"+q.Encode(), http.StatusFound)
}

// callback checks the state, exchanges the code for the person's token,
// asks GitHub who they are and starts the session.
func (h *Handler) callback(w http.ResponseWriter, r *http.Request) {
	var st oauthState
	ok := h.cookies.readSealed(r, stateCookie, &st)
	h.cookies.clear(w, stateCookie)
	q := r.URL.Query()
	if !ok || !h.now().Before(st.Expires) || q.Get("state") == "" ||
		subtle.ConstantTimeCompare([]byte(st.State), []byte(q.Get("state"))) != 1 {
		h.errorPage(w, r, http.StatusBadRequest, "Sign-in failed", "This sign-in was not started here or took too long. Sign in again.")
		return
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		h.errorPage(w, r, http.StatusForbidden, "Sign-in cancelled", "GitHub did not authorize the sign-in.")
		return
	}
	token, expiresIn, err := h.exchange(r.Context(), q.Get("code"))
	if err != nil {
		hlog.FromRequest(r).Warn().Err(err).Msg("web sign-in: the code exchange failed")
		h.errorPage(w, r, http.StatusBadGateway, "Sign-in failed", "GitHub did not accept the sign-in. Sign in again.")
		return
	}
	me, _, err := h.userClient(token).Users.Get(r.Context(), "")
	if err != nil {
		hlog.FromRequest(r).Warn().Err(err).Msg("web sign-in: GET /user with the new token failed")
		h.errorPage(w, r, http.StatusBadGateway, "Sign-in failed", "GitHub did not say who signed in. Sign in again.")
		return
	}
	lifetime := maxSessionLifetime
	if expiresIn > 0 && expiresIn < lifetime {
		lifetime = expiresIn
	}
	s := session{ID: randomToken(), Login: me.GetLogin(), Token: token, CSRF: randomToken(), Expires: h.now().Add(lifetime)}
	if err := h.cookies.writeSealed(w, sessionCookie, s, lifetime); err != nil {
		h.errorPage(w, r, http.StatusInternalServerError, "Sign-in failed", "The session could not be started.")
		return
	}
	hlog.FromRequest(r).Info().Str("user", s.Login).Msg("web sign-in")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// tokenAnswer is GitHub's answer at /login/oauth/access_token.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// exchange trades the code for a user-to-server token. The token never
// appears in an error.
func (h *Handler) exchange(ctx context.Context, code string) (string, time.Duration, error) {
	form := url.Values{"client_id": {h.cfg.ClientID}, "client_secret": {h.cfg.ClientSecret}, "code": {code}, "redirect_uri": {h.callbackURL()}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(h.cfg.GitHubWebURL, "/")+"/login/oauth/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("exchange the code: %w", err)
	}
	defer resp.Body.Close()
	var a tokenAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&a); err != nil {
		return "", 0, fmt.Errorf("exchange the code: HTTP %d, not JSON", resp.StatusCode)
	}
	if a.Error != "" || a.AccessToken == "" {
		return "", 0, fmt.Errorf("exchange the code: HTTP %d: %s: %s", resp.StatusCode, a.Error, a.Description)
	}
	return a.AccessToken, time.Duration(a.ExpiresIn) * time.Second, nil
}

// userClient is a REST client acting as the person.
func (h *Handler) userClient(token string) *github.Client {
	c := github.NewClient(h.http).WithAuthToken(token)
	if base, err := url.Parse(strings.TrimSuffix(h.cfg.APIURL, "/") + "/"); err == nil {
		c.BaseURL = base
	}
	return c
}

// logout ends the session: the form must carry the session's CSRF token,
// and a browser's Origin, when sent, must be this server's.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	s, ok := h.cookies.sessionFrom(r, h.now())
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	// The form holds one token; nothing bigger is read.
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	origin := r.Header.Get("Origin")
	if (origin != "" && origin != h.public.Scheme+"://"+h.public.Host) ||
		subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(r.PostFormValue("csrf"))) != 1 {
		h.errorPage(w, r, http.StatusForbidden, "Not signed out", "The sign-out form did not come from this page. Use the Sign out button.")
		return
	}
	h.access.drop(s.ID)
	h.cookies.clear(w, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
