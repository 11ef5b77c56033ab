package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/google/go-github/v62/github"
)

// Sender delivers a notice to one publish target.
type Sender interface {
	Send(ctx context.Context, n Notice) (Receipt, error)
}

// Receipt records one delivery, for the exactly-once bookkeeping and for
// later updates of the same communication.
type Receipt struct {
	// Target is the publish target's name.
	Target string `json:"target"`
	// ID identifies the delivery at the target: the issue number, the mail
	// Message-ID, or the delivery ID sent to Slack and webhooks.
	ID string `json:"id"`
	// URL is where the published notice can be read, when the target has one.
	URL string `json:"url,omitempty"`
}

// SendError is a failed delivery to a target. Retryable says whether the
// same send may succeed later (network trouble, a 5xx or 429 answer, a
// temporary SMTP reply) or will fail again until something is fixed (a
// rejected request, bad credentials, a missing repository).
type SendError struct {
	Target    string
	Retryable bool
	Err       error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Retryable {
		kind = "retryable"
	}
	return fmt.Sprintf("publish to %s (%s): %v", e.Target, kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// IsRetryable reports whether a failed send may succeed if tried again. An
// error that is no SendError counts as retryable only when it is a network
// error, so unknown failures are not retried forever.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Retryable
	}
	return isNetworkError(err)
}

// Refused reports whether a failed send was turned down by an answer that
// says the target did not act on it: a 4xx, a rate limit. Anything else (a
// lost or cut-off answer, a timeout, a 5xx) may have followed the target
// acting, so the notice may already be there.
func Refused(err error) bool {
	var rate *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var resp *github.ErrorResponse
	var status *HTTPStatusError
	switch {
	case errors.As(err, &rate), errors.As(err, &abuse):
		return true
	case errors.As(err, &resp) && resp.Response != nil:
		return clientError(resp.Response.StatusCode)
	case errors.As(err, &status):
		return clientError(status.StatusCode)
	default:
		return false
	}
}

func clientError(code int) bool { return code >= 400 && code < 500 }

func isNetworkError(err error) bool {
	var netErr net.Error
	var urlErr *url.Error
	var opErr *net.OpError
	return errors.As(err, &netErr) || errors.As(err, &urlErr) || errors.As(err, &opErr) ||
		errors.Is(err, context.DeadlineExceeded)
}

// retryableStatus classifies an HTTP status: server errors, rate limiting
// and request timeouts pass; other client errors need a fix first.
func retryableStatus(code int) bool {
	return code >= 500 || code == 429 || code == 408
}

func sendError(target string, retryable bool, err error) error {
	return &SendError{Target: target, Retryable: retryable, Err: err}
}
