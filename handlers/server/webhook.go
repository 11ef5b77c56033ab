package server

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"
)

// maxWebhookBytes is GitHub's own cap on a delivery's payload (25 MB).
const maxWebhookBytes = 25 << 20

// verifyWebhook checks a delivery before go-githubapp's dispatcher sees it,
// so each kind of rejection gets its own status and metric:
//
//   - no X-GitHub-Event header, an unsupported content type or a body over
//     25 MB: 400/415/413, rejected_malformed;
//   - no X-Hub-Signature-256, or one that does not match the body: 401,
//     rejected_signature. The SHA-1 X-Hub-Signature alone is not enough.
//
// An unverified delivery never reaches a handler and never causes a GitHub
// request; it is logged at warn with its delivery id and the reason. The
// dispatcher checks the signature again (cheap) and stays the single place
// that routes events.
func (s *Server) verifyWebhook(next http.Handler) http.Handler {
	secret := []byte(s.cfg.Github.App.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		event := r.Header.Get("X-GitHub-Event")
		logger := hlog.FromRequest(r).With().
			Str(githubapp.LogKeyDeliveryID, r.Header.Get("X-GitHub-Delivery")).
			Logger()
		reject := func(status int, outcome, why string) {
			logger.Warn().Int("status", status).Str("outcome", outcome).Str("reason", why).Msg("webhook rejected")
			s.metrics.webhookReceived(unverifiedEvent, outcome)
			http.Error(w, why, status)
		}

		if event == "" {
			reject(http.StatusBadRequest, WebhookRejectedMalformed, "missing X-GitHub-Event header")
			return
		}
		mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || (mediaType != "application/json" && mediaType != "application/x-www-form-urlencoded") {
			reject(http.StatusUnsupportedMediaType, WebhookRejectedMalformed, "content type must be application/json (or application/x-www-form-urlencoded)")
			return
		}
		signature := r.Header.Get(github.SHA256SignatureHeader)
		if !strings.HasPrefix(signature, "sha256=") {
			reject(http.StatusUnauthorized, WebhookRejectedSignature, "missing X-Hub-Signature-256 header")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				reject(http.StatusRequestEntityTooLarge, WebhookRejectedMalformed, "payload larger than 25 MB")
				return
			}
			reject(http.StatusBadRequest, WebhookRejectedMalformed, "could not read the payload")
			return
		}
		if err := github.ValidateSignature(signature, body, secret); err != nil {
			reject(http.StatusUnauthorized, WebhookRejectedSignature, "X-Hub-Signature-256 does not match the payload")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// webhookError answers a verified delivery the dispatcher could not queue.
// A full queue answers 503: GitHub records the delivery as failed, and it
// can be redelivered from the app's "Recent Deliveries" page or the REST
// API (GitHub does not redeliver on its own).
func (s *Server) webhookError(w http.ResponseWriter, r *http.Request, err error) {
	logger := zerolog.Ctx(r.Context())
	event := r.Header.Get("X-GitHub-Event")
	var invalid githubapp.ValidationError
	switch {
	case errors.As(err, &invalid):
		logger.Warn().Err(invalid.Cause).Msg("webhook rejected: invalid payload")
		s.metrics.webhookReceived(event, WebhookRejectedMalformed)
		http.Error(w, "invalid webhook payload: "+invalid.Cause.Error(), http.StatusBadRequest)
	case errors.Is(err, errQueueClosed):
		logger.Warn().Msg("webhook refused: shutting down; redeliver it from the app's Recent Deliveries")
		s.metrics.webhookReceived(event, WebhookDroppedShutdown)
		http.Error(w, "commsgate is shutting down; redeliver this event later", http.StatusServiceUnavailable)
	case errors.Is(err, githubapp.ErrCapacityExceeded):
		logger.Warn().Msg("webhook dropped: the worker queue is full; redeliver it from the app's Recent Deliveries")
		s.metrics.webhookReceived(event, WebhookDroppedQueueFull)
		w.Header().Set("Retry-After", "60")
		http.Error(w, "commsgate is at capacity; redeliver this event later", http.StatusServiceUnavailable)
	default:
		logger.Error().Err(err).Msg("webhook could not be dispatched")
		s.metrics.webhookReceived(event, WebhookFailed)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// webhookResponse answers a verified delivery: 200 when queued for a
// handler (and for ping), 202 when no handler wants the event.
func (s *Server) webhookResponse(w http.ResponseWriter, r *http.Request, event string, handled bool) {
	switch {
	case handled:
		s.metrics.webhookReceived(event, WebhookAccepted)
		w.WriteHeader(http.StatusOK)
	case event == "ping":
		s.metrics.webhookReceived(event, WebhookIgnored)
		w.WriteHeader(http.StatusOK)
	default:
		zerolog.Ctx(r.Context()).Debug().Msg("no handler for this event")
		s.metrics.webhookReceived(event, WebhookIgnored)
		w.WriteHeader(http.StatusAccepted)
	}
}
