package publish

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultWebhookTolerance is how far webhook-timestamp may be from the
// receiver's clock, either way, the window Standard Webhooks recommends.
const DefaultWebhookTolerance = 5 * time.Minute

// standardSecretPrefix starts a secret written the Standard Webhooks way.
const standardSecretPrefix = "whsec_"

// Why VerifyStandardWebhook refused a delivery; test with errors.Is.
var (
	ErrWebhookHeaders   = errors.New("webhook-id, webhook-timestamp and webhook-signature are all required")
	ErrWebhookTimestamp = errors.New("webhook-timestamp is outside the tolerance window")
	ErrWebhookSignature = errors.New("no webhook-signature matches")
)

// WebhookKey is the HMAC key of a configured secret. A secret written the
// Standard Webhooks way, "whsec_" and base64, is the key it encodes; any
// other secret (one configured before commsgate followed the convention)
// is its own bytes, so a receiver can keep it and hand a Standard Webhooks
// library "whsec_" + base64(secret).
func WebhookKey(secret []byte) ([]byte, error) {
	rest, standard := strings.CutPrefix(string(secret), standardSecretPrefix)
	if !standard {
		return secret, nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) == 0 {
		return nil, errors.New(`the webhook secret starts with "whsec_" but the rest is not base64 of the key`)
	}
	return key, nil
}

// SignStandardWebhook is the webhook-signature value: "v1," and the
// base64 HMAC-SHA256, under key, of "{id}.{timestamp}.{body}".
func SignStandardWebhook(key []byte, id, timestamp string, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(standardMAC(key, id, timestamp, body))
}

func standardMAC(key []byte, id, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return mac.Sum(nil)
}

// VerifyStandardWebhook checks a delivery on the receiving side: all three
// headers present, webhook-timestamp within tolerance of now (either way;
// zero or less means DefaultWebhookTolerance), and one of the
// space-separated v1 signatures matching body under secret (as configured,
// see WebhookKey), compared in constant time. Pass the raw body, before
// any JSON decoding.
//
// A delivery that passes may still be a repeat: a retry carries the same
// webhook-id on purpose, so a receiver remembers the ids it processed for
// at least the tolerance window and acknowledges a repeat without acting
// on it again.
func VerifyStandardWebhook(secret []byte, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultWebhookTolerance
	}
	key, err := WebhookKey(secret)
	if err != nil {
		return err
	}
	if len(key) == 0 {
		return errors.New("no webhook secret to verify with")
	}
	id, timestamp, signatures := header.Get(HeaderWebhookID), header.Get(HeaderWebhookTimestamp), header.Get(HeaderWebhookSignature)
	if id == "" || timestamp == "" || signatures == "" {
		return ErrWebhookHeaders
	}
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not unix seconds", ErrWebhookTimestamp, timestamp)
	}
	sent := time.Unix(seconds, 0)
	if skew := now.Sub(sent); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: sent %s, %s from now, allowed %s", ErrWebhookTimestamp, sent.UTC().Format(time.RFC3339), skew.Round(time.Second), tolerance)
	}
	want := standardMAC(key, id, timestamp, body)
	for _, candidate := range strings.Fields(signatures) {
		version, sig, ok := strings.Cut(candidate, ",")
		if !ok || version != "v1" {
			continue // other schemes (v1a, future versions) are not ours
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrWebhookSignature
}
