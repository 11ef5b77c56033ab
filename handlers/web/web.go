// Package web is commsgate's web UI: the HTTP layer the server mounts
// under /. People sign in with GitHub through the app's own OAuth web
// flow; their session is a sealed cookie (no database), and everything a
// page shows is filtered by what they can read, asked of GitHub with
// their own token (Access). What they show comes from handlers/calendar:
// the first page, the calendar (/calendar, month or week) and each
// notice's page (/notice/{owner}/{repo}/{number}). Pages are
// server-rendered html/template with one plain CSS file and no script;
// the iCalendar feed
// (/calendar/{installation}/{token}.ics) is the one thing reachable
// without signing in, behind a per-installation token.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog/hlog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/facts"
)

// Config is what the web UI needs besides the app's clients.
type Config struct {
	// PublicURL is server.public_url: GitHub sends people back to
	// PublicURL/oauth/callback, and cookies are Secure when it is https.
	PublicURL string
	// GitHubWebURL is where people sign in (github.web_url); APIURL is
	// the REST API their token is used against (github.v3_api_url).
	GitHubWebURL, APIURL string
	// ClientID and ClientSecret are the app's OAuth client.
	ClientID, ClientSecret string
	// SessionKey seals the cookies and derives the feed tokens.
	SessionKey []byte
	// FeedGenerations rotate one installation's feed token.
	FeedGenerations map[int64]int
	// Apps are the app's own clients, for what the app reads.
	Apps AppClients
	// Calendar lists a repository's communications (the App's
	// calendar.Lister, sharing the gate's caches).
	Calendar Calendars
	// HTTPClient makes the token exchange and the person's API calls;
	// nil is a client with a 20 s timeout.
	HTTPClient *http.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// FromServerConfig builds a Config from the server configuration, or says
// which settings are missing.
func FromServerConfig(cfg *config.Server, apps AppClients) (Config, error) {
	if missing := cfg.WebUIMissing(); len(missing) > 0 {
		return Config{}, fmt.Errorf("the web UI needs %s", strings.Join(missing, ", "))
	}
	return Config{
		PublicURL: cfg.Server.PublicURL, GitHubWebURL: cfg.Github.WebURL, APIURL: cfg.Github.V3APIURL,
		ClientID: cfg.Github.OAuth.ClientID, ClientSecret: cfg.Github.OAuth.ClientSecret,
		SessionKey: []byte(cfg.Web.SessionKey), FeedGenerations: cfg.Web.FeedGenerations, Apps: apps,
	}, nil
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Handler is the web UI.
type Handler struct {
	cfg     Config
	public  *url.URL
	cookies cookies
	feedKey []byte
	access  accessCache
	reader  *reader
	// commsRepos is the listing of the app's communications repositories
	// every page shares.
	commsRepos commsRepoCache
	pages      *template.Template
	cssPath    string
	cssBody    []byte
	mux        *http.ServeMux
	now        func() time.Time
	http       *http.Client
	loginURL   string
}

// New builds the web UI. It makes no network calls.
func New(cfg Config) (*Handler, error) {
	switch {
	case cfg.ClientID == "" || cfg.ClientSecret == "":
		return nil, errors.New("web: the app's OAuth client id and secret are required")
	case len(cfg.SessionKey) < config.MinWebSessionKeyLength:
		return nil, fmt.Errorf("web: the session key must have at least %d characters", config.MinWebSessionKeyLength)
	case cfg.Apps == nil:
		return nil, errors.New("web: no app clients")
	case cfg.Calendar == nil:
		return nil, errors.New("web: no calendar lister")
	}
	public, err := url.Parse(strings.TrimSuffix(cfg.PublicURL, "/"))
	if err != nil || (public.Scheme != "http" && public.Scheme != "https") || public.Host == "" {
		return nil, fmt.Errorf("web: public URL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	sealer, err := newSealer(cfg.SessionKey, "cookies")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	feedKey, err := deriveKey(cfg.SessionKey, "feed tokens")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	css, err := fs.ReadFile(staticFS, "static/style.css")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	sum := sha256.Sum256(css)
	h := &Handler{
		cfg: cfg, public: public, cookies: cookies{secure: public.Scheme == "https", sealer: sealer}, feedKey: feedKey,
		reader: &reader{apps: cfg.Apps, cache: facts.NewCache(time.Minute, time.Now)},
		pages:  pages, cssPath: "/static/style." + hex.EncodeToString(sum[:6]) + ".css", cssBody: css,
		now: cfg.Now, http: cfg.HTTPClient,
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.http == nil {
		h.http = &http.Client{Timeout: 20 * time.Second}
	}
	h.loginURL = strings.TrimSuffix(cfg.GitHubWebURL, "/") + "/login/oauth/authorize"
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /{$}", h.dashboard)
	h.mux.HandleFunc("GET /login", h.login)
	h.mux.HandleFunc("GET /oauth/callback", h.callback)
	h.mux.HandleFunc("POST /logout", h.logout)
	h.mux.HandleFunc("GET "+h.cssPath, h.stylesheet)
	h.mux.HandleFunc("GET /calendar/{installation}/{file}", h.feed)
	h.mux.HandleFunc("GET /calendar", h.calendarPage)
	h.mux.HandleFunc("GET /notice/{owner}/{repo}/{number}", h.noticePage)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.errorPage(w, r, http.StatusNotFound, "Not found", "There is no page at this address.")
	})
	return h, nil
}

func parseTemplates() (*template.Template, error) {
	return template.New("").Funcs(template.FuncMap{"utc": formatUTC, "stateClass": stateClass}).ParseFS(templateFS, "templates/*.html")
}

func formatUTC(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
}

// ServeHTTP serves the web UI with its security headers on every answer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	// No inline script or style anywhere: the CSS is a file, and there is
	// no script at all.
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	if h.cookies.secure {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) stylesheet(w http.ResponseWriter, r *http.Request) {
	// The name carries the content's hash, so it can be cached for ever.
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(h.cssBody)
}

// page is what every template gets.
type page struct {
	Title   string
	CSS     string
	Login   string // the signed-in person, or ""
	CSRF    string
	Status  int
	Message string
	Data    any
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.CSS = h.cssPath
	var b strings.Builder
	if err := h.pages.ExecuteTemplate(&b, name, p); err != nil {
		hlog.FromRequest(r).Error().Err(err).Str("template", name).Msg("web page did not render")
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	h.render(w, r, status, "error.html", page{Title: title, Status: status, Message: message})
}
