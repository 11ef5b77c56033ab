package publish

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// delivery is one request an httptest receiver got.
type delivery struct {
	Path   string
	Header http.Header
	Body   []byte
}

// receiver is an HTTP endpoint that records deliveries and answers with
// the scripted responses in order, then with the last one.
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	got       []delivery
	responses []scripted
}

type scripted struct {
	status   int
	body     string
	location string
	delay    time.Duration
}

func startReceiver(t *testing.T, responses ...scripted) *receiver {
	t.Helper()
	r := &receiver{responses: responses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, delivery{Path: req.URL.Path, Header: req.Header.Clone(), Body: body})
		resp := scripted{status: http.StatusOK, body: "ok"}
		if len(r.responses) > 0 {
			resp = r.responses[0]
			if len(r.responses) > 1 {
				r.responses = r.responses[1:]
			}
		}
		r.mu.Unlock()
		if resp.delay > 0 {
			select {
			case <-time.After(resp.delay):
			case <-req.Context().Done():
			}
		}
		if resp.location != "" {
			w.Header().Set("Location", resp.location)
		}
		w.WriteHeader(resp.status)
		_, _ = io.WriteString(w, resp.body)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

func TestSlackSenderPostsPayload(t *testing.T) {
	rcv := startReceiver(t)
	s := &SlackSender{Target: "announcements", WebhookURL: rcv.URL + "/services/T1/B2/secret"}
	n := securityAdvisory()
	receipt, err := s.Send(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	got := rcv.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	if ct := got[0].Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if string(got[0].Body) != string(RenderSlack(n)) {
		t.Errorf("posted body differs from RenderSlack")
	}
	texts := slackTexts(t, got[0].Body)
	if !strings.Contains(texts[1], "[Security Advisory] CVE-2026-1234") {
		t.Errorf("first block = %q", texts[1])
	}
	if receipt.Target != "announcements" || receipt.ID != n.DeliveryID("announcements") {
		t.Errorf("receipt = %+v", receipt)
	}
}

func TestSlackSenderRetriesAfterServerError(t *testing.T) {
	rcv := startReceiver(t, scripted{status: 500, body: "rollup_error"}, scripted{status: 200, body: "ok"})
	s := &SlackSender{Target: "announcements", WebhookURL: rcv.URL + "/services/T1/B2/secret"}
	_, err := s.Send(context.Background(), securityAdvisory())
	if err == nil || !IsRetryable(err) {
		t.Fatalf("first send: err = %v, want retryable", err)
	}
	if !strings.Contains(err.Error(), "rollup_error") || !strings.Contains(err.Error(), "announcements") {
		t.Errorf("error %q lacks Slack's reason or the target", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q leaks the webhook URL's secret path", err)
	}
	if _, err := s.Send(context.Background(), securityAdvisory()); err != nil {
		t.Fatalf("second send: %v", err)
	}
	if n := len(rcv.deliveries()); n != 2 {
		t.Errorf("%d deliveries, want 2", n)
	}
}

func TestHTTPStatusClassification(t *testing.T) {
	tests := []struct {
		status    int
		retryable bool
	}{
		{400, false}, {403, false}, {404, false}, {410, false},
		{408, true}, {429, true}, {500, true}, {502, true}, {503, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			rcv := startReceiver(t, scripted{status: tt.status, body: "invalid_payload"})
			s := &SlackSender{Target: "announcements", WebhookURL: rcv.URL}
			_, err := s.Send(context.Background(), plainAnnouncement())
			if err == nil {
				t.Fatal("non-2xx answer was not an error")
			}
			if IsRetryable(err) != tt.retryable {
				t.Errorf("IsRetryable(%d) = %v, want %v", tt.status, !tt.retryable, tt.retryable)
			}
			if !strings.Contains(err.Error(), "invalid_payload") {
				t.Errorf("error %q lacks the response excerpt", err)
			}
		})
	}
}

func TestRedirectsOnlyToSameHost(t *testing.T) {
	elsewhere := startReceiver(t)
	t.Run("other host is not followed", func(t *testing.T) {
		rcv := startReceiver(t, scripted{status: http.StatusTemporaryRedirect, location: elsewhere.URL + "/steal"})
		w := &WebhookSender{Target: "partners", URL: rcv.URL + "/hook", Secret: []byte("k")}
		_, err := w.Send(context.Background(), securityAdvisory())
		if err == nil || IsRetryable(err) {
			t.Fatalf("err = %v, want a permanent error", err)
		}
		if !strings.Contains(err.Error(), "not followed") {
			t.Errorf("error %q does not explain the redirect", err)
		}
		if n := len(elsewhere.deliveries()); n != 0 {
			t.Errorf("the other host received %d deliveries", n)
		}
	})
	t.Run("same host is followed with body and signature", func(t *testing.T) {
		rcv := startReceiver(t, scripted{status: http.StatusPermanentRedirect, location: "/moved"}, scripted{status: 204})
		w := &WebhookSender{Target: "partners", URL: rcv.URL + "/hook", Secret: []byte("k")}
		if _, err := w.Send(context.Background(), securityAdvisory()); err != nil {
			t.Fatal(err)
		}
		got := rcv.deliveries()
		if len(got) != 2 || got[1].Path != "/moved" {
			t.Fatalf("deliveries = %+v", got)
		}
		if !VerifySignature([]byte("k"), got[1].Body, got[1].Header.Get(HeaderSignature)) {
			t.Error("redirected delivery lost its body or signature")
		}
	})
}

func TestWebhookSenderSignsAndIdentifiesDeliveries(t *testing.T) {
	rcv := startReceiver(t, scripted{status: 503, body: "busy"}, scripted{status: 202})
	secret := []byte("shared-secret")
	clock := mustTime("2026-12-01T16:00:05Z")
	w := &WebhookSender{Target: "partners", URL: rcv.URL + "/hook", Secret: secret, Now: func() time.Time { return clock }}
	n := deprecationUpdate()

	if _, err := w.Send(context.Background(), n); err == nil || !IsRetryable(err) {
		t.Fatalf("first send: err = %v, want retryable", err)
	}
	clock = clock.Add(time.Minute) // the retry, a minute later
	receipt, err := w.Send(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	got := rcv.deliveries()
	if len(got) != 2 {
		t.Fatalf("%d deliveries, want 2", len(got))
	}
	for i, d := range got {
		attempt := mustTime("2026-12-01T16:00:05Z").Add(time.Duration(i) * time.Minute)
		if err := VerifyStandardWebhook(secret, d.Header, d.Body, attempt, 0); err != nil {
			t.Errorf("delivery %d: %v", i, err)
		}
		if ts := d.Header.Get("webhook-timestamp"); ts != strconv.FormatInt(attempt.Unix(), 10) {
			t.Errorf("delivery %d: webhook-timestamp = %q, want the attempt's time %d", i, ts, attempt.Unix())
		}
		if id := d.Header.Get("webhook-id"); id != n.DeliveryID("partners") {
			t.Errorf("delivery %d: webhook-id = %q, want the stable %q", i, id, n.DeliveryID("partners"))
		}
		// The deprecated headers, until receivers have moved.
		if !VerifySignature(secret, d.Body, d.Header.Get(HeaderSignature)) {
			t.Errorf("delivery %d: %s %q does not verify", i, HeaderSignature, d.Header.Get(HeaderSignature))
		}
		if d.Header.Get(HeaderEvent) != "published" || d.Header.Get(HeaderDelivery) != n.DeliveryID("partners") {
			t.Errorf("delivery %d: %s = %q, %s = %q", i, HeaderEvent, d.Header.Get(HeaderEvent), HeaderDelivery, d.Header.Get(HeaderDelivery))
		}
	}
	if receipt.ID != n.DeliveryID("partners") {
		t.Errorf("receipt ID = %q", receipt.ID)
	}
	var ev WebhookEvent
	if err := json.Unmarshal(got[1].Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Event != WebhookEventName || ev.Update == nil || ev.Audit.PR != 51 || ev.Fields["removal_at"] != "2027-03-01T16:00:00Z" {
		t.Errorf("event = %+v", ev)
	}
}

func TestWebhookSenderRefusesAMalformedStandardSecret(t *testing.T) {
	rcv := startReceiver(t)
	w := &WebhookSender{Target: "partners", URL: rcv.URL, Secret: []byte("whsec_not base64")}
	if _, err := w.Send(context.Background(), plainAnnouncement()); err == nil || IsRetryable(err) || !strings.Contains(err.Error(), "whsec_") {
		t.Errorf("err = %v, want a permanent error about the secret", err)
	}
	if len(rcv.deliveries()) != 0 {
		t.Error("a payload was sent with an unusable key")
	}
}

func TestWebhookSenderRefusesWithoutSecret(t *testing.T) {
	rcv := startReceiver(t)
	w := &WebhookSender{Target: "partners", URL: rcv.URL}
	if _, err := w.Send(context.Background(), plainAnnouncement()); err == nil || IsRetryable(err) {
		t.Errorf("err = %v, want a permanent configuration error", err)
	}
	if len(rcv.deliveries()) != 0 {
		t.Error("an unsigned payload was sent")
	}
}

func TestHTTPTimeoutIsRetryable(t *testing.T) {
	rcv := startReceiver(t, scripted{status: 200, delay: 2 * time.Second})
	s := &SlackSender{Target: "announcements", WebhookURL: rcv.URL, Timeout: 100 * time.Millisecond}
	start := time.Now()
	_, err := s.Send(context.Background(), plainAnnouncement())
	if err == nil || !IsRetryable(err) {
		t.Fatalf("err = %v, want retryable timeout", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("timeout of 100ms took %v", time.Since(start))
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"event":"commsgate.published"}`)
	secret := []byte("k")
	good := Sign(secret, body)
	tests := []struct {
		name   string
		secret []byte
		body   []byte
		header string
		want   bool
	}{
		{"valid", secret, body, good, true},
		{"wrong secret", []byte("other"), body, good, false},
		{"tampered body", secret, []byte(`{"event":"x"}`), good, false},
		{"missing prefix", secret, body, strings.TrimPrefix(good, "sha256="), false},
		{"sha1 prefix", secret, body, "sha1=" + strings.TrimPrefix(good, "sha256="), false},
		{"not hex", secret, body, "sha256=zz", false},
		{"empty header", secret, body, "", false},
		{"empty secret", nil, body, Sign(nil, body), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifySignature(tt.secret, tt.body, tt.header); got != tt.want {
				t.Errorf("VerifySignature = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"retryable send error", sendError("t", true, io.ErrUnexpectedEOF), true},
		{"permanent send error", sendError("t", false, io.ErrUnexpectedEOF), false},
		{"wrapped", &wrapped{sendError("t", true, io.EOF)}, true},
		{"deadline", context.DeadlineExceeded, true},
		{"unknown error", io.ErrUnexpectedEOF, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsRetryable(tt.err); got != tt.want {
				t.Errorf("IsRetryable = %v, want %v", got, tt.want)
			}
		})
	}
}

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "outer: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"https://hooks.slack.com/services/T1/B2/XYZ": "https://hooks.slack.com/services/…",
		"https://user:pw@example.org/hook?token=abc": "https://example.org/hook/…",
		"https://example.org":                        "https://example.org",
		"not a url":                                  "(url)",
	}
	for in, want := range tests {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
