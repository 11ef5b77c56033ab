package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/commsgate/commsgate/handlers/publish"
)

// Post is one request the hook receiver accepted.
type Post struct {
	Path string
	Body []byte
	// Delivery is the webhook-id, Signature the webhook-signature.
	Delivery  string
	Signature string
	// Verified is set when the Standard Webhooks signature matched the
	// secret within the timestamp window (VerifyStandardWebhook) and the
	// deprecated X-Commsgate-Signature-256 matched too.
	Verified bool
}

// HookReceiver stands in for Slack's incoming webhooks and for a generic
// webhook consumer. It verifies the commsgate signature on /webhook and
// can be told to fail a number of requests, to show retries.
type HookReceiver struct {
	server *httptest.Server
	secret []byte
	outbox string
	now    func() time.Time

	failNext atomic.Int32
	mu       sync.Mutex
	posts    []Post
}

// StartHookReceiver listens on loopback. Posts to /slack are Slack
// messages; posts to /webhook must carry a valid Standard Webhooks
// signature for secret, stamped within five minutes of now (the sandbox's
// clock, which the server's sends are stamped with too).
func StartHookReceiver(secret []byte, outbox string, now func() time.Time) *HookReceiver {
	h := &HookReceiver{secret: secret, outbox: outbox, now: now}
	h.server = httptest.NewServer(http.HandlerFunc(h.serve))
	return h
}

// URL is the receiver's base address.
func (h *HookReceiver) URL() string { return h.server.URL }

// FailNext makes the next n requests answer 503.
func (h *HookReceiver) FailNext(n int) { h.failNext.Store(int32(n)) }

// Posts returns the accepted posts to path ("" for all).
func (h *HookReceiver) Posts(path string) []Post {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Post
	for _, p := range h.posts {
		if path == "" || p.Path == path {
			out = append(out, p)
		}
	}
	return out
}

// Close stops the receiver.
func (h *HookReceiver) Close() { h.server.Close() }

func (h *HookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if h.failNext.Load() > 0 {
		h.failNext.Add(-1)
		http.Error(w, "receiver unavailable (simulated)", http.StatusServiceUnavailable)
		return
	}
	p := Post{
		Path: r.URL.Path, Body: body,
		Delivery:  r.Header.Get(publish.HeaderWebhookID),
		Signature: r.Header.Get(publish.HeaderWebhookSignature),
	}
	if r.URL.Path == "/webhook" {
		if err := publish.VerifyStandardWebhook(h.secret, r.Header, body, h.now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if !publish.VerifySignature(h.secret, body, r.Header.Get(publish.HeaderSignature)) {
			http.Error(w, "bad "+publish.HeaderSignature, http.StatusUnauthorized)
			return
		}
		p.Verified = true
	}
	h.mu.Lock()
	h.posts = append(h.posts, p)
	n := len(h.posts)
	h.mu.Unlock()
	if h.outbox != "" {
		name := fmt.Sprintf("%s-%02d.json", filepath.Base(r.URL.Path), n)
		_ = os.WriteFile(filepath.Join(h.outbox, name), body, 0o644)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok"))
}
