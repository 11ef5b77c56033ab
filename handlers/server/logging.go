package server

import (
	"context"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/commsgate/commsgate/config"
)

// NewLogger builds the process logger from the logging settings: JSON lines
// by default, or human-readable text for a terminal. The level was checked
// when the configuration loaded; an unknown one falls back to info.
func NewLogger(settings config.LogSettings, w io.Writer) zerolog.Logger {
	level, err := zerolog.ParseLevel(settings.Level)
	if err != nil || settings.Level == "" {
		level = zerolog.InfoLevel
	}
	if settings.Format == "text" {
		w = zerolog.ConsoleWriter{Out: w, NoColor: true, TimeFormat: time.RFC3339}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// Log keys commsgate adds beside go-githubapp's (githubapp.LogKey*).
const (
	logKeyIssueNumber = "github_issue_num"
	logKeyRepository  = "github_repository"
)

// withDeliveryFields adds the installation, repository and pull request (or
// issue) of a delivery to the context's logger, under go-githubapp's keys
// (the ones githubapp.PreparePRContext uses), for the lines the queue
// writes about a delivery: its outcome, error or panic.
func withDeliveryFields(ctx context.Context, t *Delivery) context.Context {
	lc := zerolog.Ctx(ctx).With()
	if t.Installation != nil && t.Installation.ID > 0 {
		lc = lc.Int64(githubapp.LogKeyInstallationID, t.Installation.ID)
	}
	if r := t.Repository; r != nil {
		lc = lc.Str(githubapp.LogKeyRepositoryOwner, r.Owner.Login).
			Str(githubapp.LogKeyRepositoryName, r.Name).
			Str(logKeyRepository, r.FullName)
	}
	switch {
	case t.PullRequest != nil && t.PullRequest.Number > 0:
		lc = lc.Int(githubapp.LogKeyPRNum, t.PullRequest.Number)
	case t.Issue != nil && t.Issue.PullRequest != nil && t.Issue.Number > 0:
		// A comment on a pull request arrives as an issue_comment whose
		// issue carries a pull_request link.
		lc = lc.Int(githubapp.LogKeyPRNum, t.Issue.Number)
	case t.Issue != nil && t.Issue.Number > 0:
		lc = lc.Int(logKeyIssueNumber, t.Issue.Number)
	}
	logger := lc.Logger()
	return logger.WithContext(ctx)
}

// quietPaths are probed every few seconds; logging each probe at info would
// bury everything else.
var quietPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// logPath is the path as the access log shows it: a calendar feed's
// address carries its token (/calendar/{installation}/{token}.ics), which
// is the feed's only protection, so the log shows the token as "-".
func logPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/calendar/")
	if !ok {
		if strings.HasSuffix(p, ".ics") {
			// An unclean feed path ("//calendar/…") is redirected by the
			// mux, but logged first: its last segment may be a token.
			return p[:strings.LastIndexByte(p, '/')+1] + "-"
		}
		return p
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return "/calendar/" + rest[:i] + "/-"
	}
	return p
}

// withRequestLogging puts logger in every request's context and writes one
// access line per request, naming the webhook delivery when there is one.
func withRequestLogging(logger zerolog.Logger, next http.Handler) http.Handler {
	access := hlog.AccessHandler(func(r *http.Request, status, size int, d time.Duration) {
		level := zerolog.InfoLevel
		if quietPaths[r.URL.Path] {
			level = zerolog.DebugLevel
		}
		evt := hlog.FromRequest(r).WithLevel(level).
			Str("method", r.Method).
			Str("path", logPath(r.URL.Path)).
			Int("status", status).
			Int("size", size).
			Dur("elapsed", d).
			Str("remote", r.RemoteAddr)
		if id := r.Header.Get("X-GitHub-Delivery"); id != "" {
			evt = evt.Str(githubapp.LogKeyDeliveryID, id)
		}
		evt.Msg("http_request")
	})
	return hlog.NewHandler(logger)(access(withPanicRecovery(next)))
}

// withPanicRecovery answers 500 and logs the stack when an HTTP handler
// panics, instead of leaving the connection to net/http's bare recovery.
// Webhook handlers run on workers and have their own recovery.
func withPanicRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				hlog.FromRequest(r).Error().
					Interface("panic", v).
					Bytes("stack", debug.Stack()).
					Msg("http handler panicked")
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
