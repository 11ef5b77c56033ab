package githubfake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/commsgate/commsgate/config"
)

// GitHub's manifest flow, as `commsgate register` drives it: a page posts
// a manifest to the web form for a new app (POST /settings/apps/new, or
// /organizations/{org}/settings/apps/new); once someone confirms it, GitHub
// sends the browser to the manifest's redirect_url with ?code= (and the
// state the form was posted with); the code converts, once and within an
// hour, into the new app's id and credentials (POST
// /app-manifests/{code}/conversions, no authentication). The fake has no
// confirmation page and no browser sessions: the form creates the pending
// app at once, and apps registered under /settings/apps/new belong to
// WebUser.

// WebUser owns the apps registered at /settings/apps/new.
const WebUser = "web-user"

// manifestCodeLifetime is how long a manifest code converts.
const manifestCodeLifetime = time.Hour

// pendingApp is a manifest waiting for its code's conversion.
type pendingApp struct {
	Manifest config.AppManifest
	Slug     string
	Owner    *user
	Expires  time.Time
}

func (s *Server) routeManifest(mux *router) {
	mux.HandleFunc("POST /settings/apps/new", s.newAppFromManifest)
	mux.HandleFunc("POST /organizations/{org}/settings/apps/new", s.newAppFromManifest)
	mux.HandleFunc("POST /app-manifests/{code}/conversions", s.convertManifest)
}

// slugInvalid is what GitHub replaces with "-" when it derives an app's
// slug from its name.
var slugInvalid = regexp.MustCompile(`[^a-z0-9]+`)

func appSlug(name string) string {
	return strings.Trim(slugInvalid.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

func (s *Server) newAppFromManifest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing the form")
		return
	}
	raw := r.PostForm.Get("manifest")
	if raw == "" {
		writeValidation(w, "Invalid manifest", fieldError{Field: "manifest", Code: "missing_field", Message: "the form has no manifest field"})
		return
	}
	var m config.AppManifest
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		writeValidation(w, "Invalid manifest", fieldError{Field: "manifest", Code: "invalid", Message: "manifest is not JSON: " + err.Error()})
		return
	}
	if err := m.Check(); err != nil {
		writeValidation(w, "Invalid manifest", fieldError{Field: "manifest", Code: "invalid", Message: err.Error()})
		return
	}
	redirect, err := url.Parse(m.RedirectURL)
	if m.RedirectURL == "" || err != nil || (redirect.Scheme != "https" && redirect.Scheme != "http") || redirect.Host == "" {
		writeValidation(w, "Invalid manifest", fieldError{Field: "redirect_url", Code: "invalid", Message: "redirect_url must be an absolute http(s) URL"})
		return
	}
	slug := appSlug(m.Name)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.slugTaken(slug) {
		writeValidation(w, "Validation Failed", fieldError{Resource: "Integration", Field: "name", Code: "already_exists", Message: "Name is already in use"})
		return
	}
	owner := s.st.userFor(WebUser)
	if org := r.PathValue("org"); org != "" {
		owner = s.st.ensureOrg(org).User
	}
	code := randomHex(10)
	s.st.manifestCodes[code] = &pendingApp{Manifest: m, Slug: slug, Owner: owner, Expires: s.now().Add(manifestCodeLifetime)}

	q := redirect.Query()
	q.Set("code", code)
	if state := r.URL.Query().Get("state"); state != "" {
		q.Set("state", state)
	}
	redirect.RawQuery = q.Encode()
	w.Header().Set("Location", redirect.String())
	w.WriteHeader(http.StatusFound)
}

// slugTaken reports whether an app, or one waiting for its code, has the
// slug: GitHub App names are unique. Callers hold s.mu.
func (st *state) slugTaken(slug string) bool {
	for _, a := range st.apps {
		if a.Slug == slug {
			return true
		}
	}
	for _, p := range st.manifestCodes {
		if p.Slug == slug {
			return true
		}
	}
	return false
}

// wAppConfig is the conversion's answer: the app and, this once, its
// credentials.
type wAppConfig struct {
	wApp
	ClientID      string `json:"client_id"`
	ClientSecret  string `json:"client_secret"`
	WebhookSecret string `json:"webhook_secret"`
	PEM           string `json:"pem"`
}

func (s *Server) convertManifest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	code := r.PathValue("code")
	p, ok := s.st.manifestCodes[code]
	delete(s.st.manifestCodes, code) // single use, whatever happens next
	expired := ok && !s.now().Before(p.Expires)
	s.mu.Unlock()
	if !ok || expired {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}

	key, keyPEM, err := generateAppKey()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "githubfake: generate key: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.addApp(p.Slug, p.Manifest.Name, p.Owner, key, keyPEM, s.now())
	if p.Manifest.DefaultPermissions != nil {
		a.Permissions = p.Manifest.DefaultPermissions
	}
	a.Events = append([]string{}, p.Manifest.DefaultEvents...)
	a.Description, a.ExternalURL = p.Manifest.Description, p.Manifest.URL
	writeJSON(w, http.StatusCreated, wAppConfig{
		wApp:     s.renderApp(a),
		ClientID: a.ClientID, ClientSecret: a.ClientSecret, WebhookSecret: randomHex(20), PEM: string(keyPEM),
	})
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(buf)
}
