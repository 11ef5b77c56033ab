package publish

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The example of the Standard Webhooks reference libraries' tests: a
// signature made here verifies with their code, and theirs with ours.
func TestStandardWebhookSignatureMatchesTheReferenceVector(t *testing.T) {
	key, err := WebhookKey([]byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	if err != nil {
		t.Fatal(err)
	}
	got := SignStandardWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

// standardReceiver is what the README tells a receiver to do: verify,
// then act once per webhook-id, acknowledging a repeat without acting.
type standardReceiver struct {
	secret []byte
	now    func() time.Time

	mu        sync.Mutex
	seen      map[string]bool
	processed [][]byte
}

func (r *standardReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := VerifyStandardWebhook(r.secret, req.Header, body, r.now(), 0); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	id := req.Header.Get(HeaderWebhookID)
	if r.seen[id] {
		_, _ = io.WriteString(w, "duplicate")
		return
	}
	r.seen[id] = true
	r.processed = append(r.processed, body)
	_, _ = io.WriteString(w, "ok")
}

func TestStandardWebhookReceiver(t *testing.T) {
	sent := mustTime("2026-12-01T16:00:05Z")
	clock := sent
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	setClock := func(t time.Time) { mu.Lock(); clock = t; mu.Unlock() }

	// The sender keeps a secret configured before the convention; the
	// receiver gives its Standard Webhooks library "whsec_" + base64.
	raw := []byte("shared-secret-configured-in-2026")
	rcv := &standardReceiver{secret: []byte("whsec_" + base64.StdEncoding.EncodeToString(raw)), now: now, seen: map[string]bool{}}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)

	// A capture of what the sender put on the wire, for the replays.
	var captured *http.Request
	var capturedBody []byte
	capture := &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		capturedBody, _ = io.ReadAll(req.Body)
		captured = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(capturedBody))
		return http.DefaultTransport.RoundTrip(req)
	})}
	sender := &WebhookSender{Target: "partners", URL: srv.URL, Secret: raw, Client: capture, Now: func() time.Time { return sent }}
	if _, err := sender.Send(context.Background(), securityAdvisory()); err != nil {
		t.Fatalf("the genuine delivery was refused: %v", err)
	}

	replay := func(header http.Header, body []byte) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header = header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(answer)
	}
	tampered := bytes.Replace(capturedBody, []byte("CVE-2026-1234"), []byte("CVE-2026-9999"), 1)
	if bytes.Equal(tampered, capturedBody) {
		t.Fatal("test setup: the body does not name the CVE")
	}
	wrongSecret := captured.Header.Clone()
	wrongSecret.Set(HeaderWebhookSignature, SignStandardWebhook([]byte("guessed"), captured.Header.Get(HeaderWebhookID), captured.Header.Get(HeaderWebhookTimestamp), capturedBody))
	restamped := captured.Header.Clone() // a fresh time on an old signature
	restamped.Set(HeaderWebhookTimestamp, strconv.FormatInt(sent.Add(10*time.Minute).Unix(), 10))
	noID := captured.Header.Clone()
	noID.Del(HeaderWebhookID)

	tests := []struct {
		name       string
		at         time.Time
		header     http.Header
		body       []byte
		wantStatus int
		wantAnswer string
	}{
		{"the same delivery again, within the window", sent.Add(time.Minute), captured.Header, capturedBody, 200, "duplicate"},
		{"replayed after the window", sent.Add(5*time.Minute + time.Second), captured.Header, capturedBody, 401, ErrWebhookTimestamp.Error()},
		{"from before the window (receiver clock behind)", sent.Add(-6 * time.Minute), captured.Header, capturedBody, 401, ErrWebhookTimestamp.Error()},
		{"tampered body", sent, captured.Header, tampered, 401, ErrWebhookSignature.Error()},
		{"signed with another secret", sent, wrongSecret, capturedBody, 401, ErrWebhookSignature.Error()},
		{"timestamp moved forward", sent.Add(10 * time.Minute), restamped, capturedBody, 401, ErrWebhookSignature.Error()},
		{"no webhook-id", sent, noID, capturedBody, 401, ErrWebhookHeaders.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setClock(tt.at)
			status, answer := replay(tt.header, tt.body)
			if status != tt.wantStatus || !bytes.Contains([]byte(answer), []byte(tt.wantAnswer)) {
				t.Errorf("answer = %d %q, want %d %q", status, answer, tt.wantStatus, tt.wantAnswer)
			}
		})
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.processed) != 1 {
		t.Errorf("the receiver acted %d times, want once", len(rcv.processed))
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestVerifyStandardWebhook(t *testing.T) {
	key := []byte("k3y")
	now := mustTime("2026-12-01T16:00:00Z")
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"event":"commsgate.published"}`)
	good := SignStandardWebhook(key, "cg-1", ts, body)
	headers := func(id, ts, sig string) http.Header {
		h := http.Header{}
		for k, v := range map[string]string{"webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return h
	}
	tests := []struct {
		name   string
		secret []byte
		header http.Header
		now    time.Time
		want   error
	}{
		{"valid", key, headers("cg-1", ts, good), now, nil},
		{"one of several signatures (a key rotation)", key, headers("cg-1", ts, "v1,bm90IGl0 v1a,xyz "+good), now, nil},
		{"just inside the window", key, headers("cg-1", ts, good), now.Add(DefaultWebhookTolerance), nil},
		{"another id under the same signature", key, headers("cg-2", ts, good), now, ErrWebhookSignature},
		{"signature of another scheme only", key, headers("cg-1", ts, "v1a,"+good[3:]), now, ErrWebhookSignature},
		{"not base64", key, headers("cg-1", ts, "v1,???"), now, ErrWebhookSignature},
		{"timestamp not a number", key, headers("cg-1", "soon", good), now, ErrWebhookTimestamp},
		{"from the future", key, headers("cg-1", ts, good), now.Add(-DefaultWebhookTolerance - time.Second), ErrWebhookTimestamp},
		{"no signature", key, headers("cg-1", ts, ""), now, ErrWebhookHeaders},
		{"no timestamp", key, headers("cg-1", "", good), now, ErrWebhookHeaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyStandardWebhook(tt.secret, tt.header, body, tt.now, 0)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if err := VerifyStandardWebhook(nil, headers("cg-1", ts, good), body, now, 0); err == nil {
		t.Error("an empty secret verified a delivery")
	}
	if err := VerifyStandardWebhook([]byte("whsec_!!"), headers("cg-1", ts, good), body, now, 0); err == nil {
		t.Error("a malformed whsec_ secret verified a delivery")
	}
}
