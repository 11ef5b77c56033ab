package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"
)

// maxWebhookBytes is GitHub's own cap on a delivery's payload (25 MB).
const maxWebhookBytes = 25 << 20

// webhookHandler receives a delivery from GitHub: it checks it, hands it
// to the handler of its event through the worker queue and answers, so
// each kind of rejection gets its own status and metric:
//
//   - no X-GitHub-Event header, an unsupported content type or a body over
//     25 MB: 400/415/413, rejected_malformed;
//   - no X-Hub-Signature-256, or one that does not match the body: 401,
//     rejected_signature. The SHA-1 X-Hub-Signature alone is not enough;
//   - a payload that is not a JSON object: 400, rejected_malformed.
//
// An unverified delivery never reaches a handler and never causes a GitHub
// request; it is logged at warn with its delivery id and the reason.
//
// It replaces go-githubapp's HTTP dispatcher (its handlers, scheduler and
// clients stay): that one reads the body a second time, checks the
// signature again and logs a line per delivery before it routes, and on
// two cores that cost a fifth of the acknowledgements' throughput (see
// "Performance" in the README). Routing is the same: one handler per event,
// the earlier one when two claim it.
func (s *Server) webhookHandler(handlers []githubapp.EventHandler) http.Handler {
	secret := []byte(s.cfg.Github.App.WebhookSecret)
	route := routeEvents(handlers)
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
		body, err := readBody(w, r)
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
		deliveryID := r.Header.Get("X-GitHub-Delivery")
		ctx := logger.With().Str(githubapp.LogKeyEventType, event).Logger().WithContext(r.Context())
		r = r.WithContext(ctx)
		payload := body
		if mediaType == "application/x-www-form-urlencoded" {
			// GitHub signs the form; the JSON is its payload field.
			form, err := url.ParseQuery(string(body))
			if err != nil {
				s.webhookError(w, r, githubapp.ValidationError{EventType: event, DeliveryID: deliveryID, Cause: fmt.Errorf("the form-encoded body: %w", err)})
				return
			}
			payload = []byte(form.Get("payload"))
		}
		handler, handled := route[event]
		if handled {
			err := s.queue.Schedule(ctx, githubapp.Dispatch{Handler: handler, EventType: event, DeliveryID: deliveryID, Payload: payload})
			if err != nil {
				s.webhookError(w, r, err)
				return
			}
		}
		s.webhookResponse(w, r, event, handled)
	})
}

// routeEvents maps each event to the handler that gets it: the first of
// handlers that claims it, as go-githubapp's dispatcher does.
func routeEvents(handlers []githubapp.EventHandler) map[string]githubapp.EventHandler {
	route := make(map[string]githubapp.EventHandler)
	for _, h := range handlers {
		for _, event := range h.Handles() {
			if _, taken := route[event]; !taken {
				route[event] = h
			}
		}
	}
	return route
}

// readBody reads a delivery's body whole, in one allocation when the
// sender said how long it is (GitHub always does; net/http stops the body
// there).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limited := http.MaxBytesReader(w, r.Body, maxWebhookBytes)
	if r.ContentLength <= 0 || r.ContentLength > maxWebhookBytes {
		return io.ReadAll(limited)
	}
	body := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(limited, body); err != nil {
		return nil, fmt.Errorf("read %d bytes of the body: %w", r.ContentLength, err)
	}
	return body, nil
}

// webhookError answers a verified delivery that could not be queued.
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
