package publish

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers sent with every webhook delivery. The Standard Webhooks three
// (https://www.standardwebhooks.com/) are what a receiver verifies; the
// X-Commsgate ones are kept for receivers written before them.
const (
	HeaderWebhookID        = "Webhook-Id"
	HeaderWebhookTimestamp = "Webhook-Timestamp"
	HeaderWebhookSignature = "Webhook-Signature"

	HeaderEvent = "X-Commsgate-Event"
	// HeaderDelivery is the same value as webhook-id.
	//
	// Deprecated: use webhook-id. Sent until 2027-06-30.
	HeaderDelivery = "X-Commsgate-Delivery"
	// HeaderSignature signs the body alone, so a captured delivery can be
	// replayed for ever; webhook-signature also signs id and time.
	//
	// Deprecated: verify webhook-signature with VerifyStandardWebhook.
	// Sent until 2027-06-30.
	HeaderSignature = "X-Commsgate-Signature-256"
)

// WebhookSender posts a WebhookEvent to a generic HTTPS receiver, signed
// the Standard Webhooks way (and, for now, the older GitHub-like way).
type WebhookSender struct {
	// Target is the publish target's name, used in receipts and errors.
	Target string
	URL    string
	// Secret is the configured signing secret: "whsec_" and the base64 of
	// the key, as Standard Webhooks writes it, or any other string, whose
	// bytes are then the key itself (see WebhookKey).
	Secret []byte
	// Client is optional; its Transport is reused, redirects and timeout
	// are always commsgate's own.
	Client  *http.Client
	Timeout time.Duration
	// Now stamps webhook-timestamp; nil means time.Now.
	Now func() time.Time
}

var _ Sender = (*WebhookSender)(nil)

// Send posts RenderWebhook(n) with a webhook-id that is the same for every
// retry of this notice to this target (receivers deduplicate on it), the
// time of this attempt in webhook-timestamp, and webhook-signature over
// "{id}.{timestamp}.{body}".
func (w *WebhookSender) Send(ctx context.Context, n Notice) (Receipt, error) {
	if w.URL == "" {
		return Receipt{}, sendError(w.Target, false, errors.New("no webhook URL configured"))
	}
	if len(w.Secret) == 0 {
		return Receipt{}, sendError(w.Target, false, errors.New("no signing secret configured; receivers could not trust the payload"))
	}
	key, err := WebhookKey(w.Secret)
	if err != nil {
		return Receipt{}, sendError(w.Target, false, err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	body := RenderWebhook(n)
	id := n.DeliveryID(w.Target)
	timestamp := strconv.FormatInt(now().Unix(), 10)
	headers := map[string]string{
		HeaderWebhookID:        id,
		HeaderWebhookTimestamp: timestamp,
		HeaderWebhookSignature: SignStandardWebhook(key, id, timestamp, body),
		HeaderEvent:            "published",
		HeaderDelivery:         id,
		HeaderSignature:        Sign(key, body),
	}
	if _, err := postJSON(ctx, newHTTPClient(w.Client, w.Timeout), w.Target, w.URL, body, headers); err != nil {
		return Receipt{}, err
	}
	return Receipt{Target: w.Target, ID: id}, nil
}

// Sign returns the X-Commsgate-Signature-256 value for body:
// "sha256=" and the hex HMAC-SHA256 of body keyed with key.
//
// Deprecated: the signature does not cover the time; use
// SignStandardWebhook.
func Sign(key, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header is the X-Commsgate-Signature-256
// of body under key. It compares in constant time and rejects an empty
// key.
//
// Deprecated: it cannot tell a replay; use VerifyStandardWebhook.
func VerifySignature(key, body []byte, header string) bool {
	if len(key) == 0 {
		return false
	}
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
