package githubfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
)

// Sign returns the X-Hub-Signature-256 value GitHub sends for a body.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// newDeliveryID returns a random UUID, GitHub's delivery id format.
func newDeliveryID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Deliver POSTs a webhook to url the way GitHub does: JSON body, event
// name, a fresh delivery id and an HMAC-SHA256 signature with the secret.
// The caller closes the response body.
func Deliver(ctx context.Context, url, secret, event string, payload []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("build %s delivery to %s: %w", event, url, err)
	}
	sha1mac := hmac.New(sha1.New, []byte(secret))
	sha1mac.Write(payload)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/githubfake")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", newDeliveryID())
	req.Header.Set("X-GitHub-Hook-Installation-Target-Type", "integration")
	req.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(sha1mac.Sum(nil)))
	req.Header.Set("X-Hub-Signature-256", Sign([]byte(secret), payload))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("deliver %s to %s: %w", event, url, err)
	}
	return resp, nil
}

// Deliver sends the event to url signed with secret.
func (e Event) Deliver(ctx context.Context, url, secret string) (*http.Response, error) {
	return Deliver(ctx, url, secret, e.Name, e.Payload)
}
