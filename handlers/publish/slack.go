package publish

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// SlackSender posts notices to a Slack incoming webhook.
type SlackSender struct {
	// Target is the publish target's name, used in receipts and errors.
	Target string
	// WebhookURL is the incoming-webhook URL; it is a secret.
	WebhookURL string
	// Client is optional; its Transport is reused, redirects and timeout
	// are always commsgate's own.
	Client  *http.Client
	Timeout time.Duration
}

var _ Sender = (*SlackSender)(nil)

// Send posts RenderSlack(n). Slack answers "ok" with 200; anything else is
// an error carrying Slack's explanation (e.g. "invalid_payload",
// "channel_is_archived"). Slack gives no message id to webhooks, so the
// receipt's ID is the delivery id.
func (s *SlackSender) Send(ctx context.Context, n Notice) (Receipt, error) {
	if s.WebhookURL == "" {
		return Receipt{}, sendError(s.Target, false, errors.New("no webhook URL configured"))
	}
	client := newHTTPClient(s.Client, s.Timeout)
	if _, err := postJSON(ctx, client, s.Target, s.WebhookURL, RenderSlack(n), nil); err != nil {
		return Receipt{}, err
	}
	return Receipt{Target: s.Target, ID: n.DeliveryID(s.Target)}, nil
}
