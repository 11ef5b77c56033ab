package publish

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Headers sent with every webhook delivery.
const (
	HeaderEvent     = "X-Commsgate-Event"
	HeaderDelivery  = "X-Commsgate-Delivery"
	HeaderSignature = "X-Commsgate-Signature-256"
)

// WebhookSender posts a WebhookEvent to a generic HTTPS receiver, signed
// the way GitHub signs its webhooks.
type WebhookSender struct {
	// Target is the publish target's name, used in receipts and errors.
	Target string
	URL    string
	// Secret signs the body; a receiver verifies with VerifySignature.
	Secret []byte
	// Client is optional; its Transport is reused, redirects and timeout
	// are always commsgate's own.
	Client  *http.Client
	Timeout time.Duration
}

var _ Sender = (*WebhookSender)(nil)

// Send posts RenderWebhook(n) with X-Commsgate-Event "published", a
// delivery id that is the same for every retry of this notice to this
// target (receivers deduplicate on it) and an HMAC-SHA256 signature of
// the exact body.
func (w *WebhookSender) Send(ctx context.Context, n Notice) (Receipt, error) {
	if w.URL == "" {
		return Receipt{}, sendError(w.Target, false, errors.New("no webhook URL configured"))
	}
	if len(w.Secret) == 0 {
		return Receipt{}, sendError(w.Target, false, errors.New("no signing secret configured; receivers could not trust the payload"))
	}
	body := RenderWebhook(n)
	id := n.DeliveryID(w.Target)
	headers := map[string]string{
		HeaderEvent:     "published",
		HeaderDelivery:  id,
		HeaderSignature: Sign(w.Secret, body),
	}
	if _, err := postJSON(ctx, newHTTPClient(w.Client, w.Timeout), w.Target, w.URL, body, headers); err != nil {
		return Receipt{}, err
	}
	return Receipt{Target: w.Target, ID: id}, nil
}

// Sign returns the X-Commsgate-Signature-256 value for body:
// "sha256=" and the hex HMAC-SHA256 of body keyed with secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header is the signature of body under
// secret. It compares in constant time and rejects an empty secret.
func VerifySignature(secret, body []byte, header string) bool {
	if len(secret) == 0 {
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
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
