package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/githubfake"
)

const testWebhookSecret = "test-webhook-secret"

// recordingHandler is a real go-githubapp EventHandler whose behaviour each
// test chooses: it records deliveries, and may block, fail or panic.
type recordingHandler struct {
	events []string

	mu         sync.Mutex
	deliveries []string
	started    chan string   // receives each delivery id as its handling starts
	release    chan struct{} // when set, handling waits for it (or ctx)
	behave     func(n int) error
	ctxErrs    []error
}

func newRecordingHandler(events ...string) *recordingHandler {
	return &recordingHandler{events: events, started: make(chan string, 100)}
}

func (h *recordingHandler) Handles() []string { return h.events }

func (h *recordingHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	h.mu.Lock()
	n := len(h.deliveries)
	h.deliveries = append(h.deliveries, deliveryID)
	h.mu.Unlock()
	h.started <- deliveryID
	zerolog.Ctx(ctx).Info().Msg("test handler ran")
	if h.release != nil {
		select {
		case <-h.release:
		case <-ctx.Done():
			h.mu.Lock()
			h.ctxErrs = append(h.ctxErrs, ctx.Err())
			h.mu.Unlock()
			return ctx.Err()
		}
	}
	if h.behave != nil {
		return h.behave(n)
	}
	return nil
}

func (h *recordingHandler) handled() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.deliveries...)
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// fakeGitHub counts every request; webhook verification must make none.
type fakeGitHub struct {
	*httptest.Server
	requests atomic.Int64
}

func newFakeGitHub(t *testing.T, serve http.HandlerFunc) *fakeGitHub {
	f := &fakeGitHub{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		if serve != nil {
			serve(w, r)
			return
		}
		http.Error(w, "the fake GitHub has nothing here", http.StatusNotFound)
	}))
	t.Cleanup(f.Close)
	return f
}

type testServer struct {
	*Server
	url    string
	logs   *syncBuffer
	github *fakeGitHub
	cancel context.CancelFunc
	done   chan error
}

type testServerConfig struct {
	workers, queue int
	drain          time.Duration
	opts           []ServerOption
	github         http.HandlerFunc // the fake GitHub's API; nil answers 404
}

func startTestServer(t *testing.T, tc testServerConfig, handlers ...*recordingHandler) *testServer {
	t.Helper()
	if tc.workers == 0 {
		tc.workers = 2
	}
	if tc.queue == 0 {
		tc.queue = 10
	}
	if tc.drain == 0 {
		tc.drain = 5 * time.Second
	}
	gh := newFakeGitHub(t, tc.github)
	cfg := &config.Server{
		Server:   config.Listener{Address: "127.0.0.1", Port: 1},
		Logging:  config.LogSettings{Level: "debug", Format: "json"},
		Workers:  config.WorkerPool{Count: tc.workers, QueueSize: tc.queue},
		Shutdown: config.ShutdownSettings{DrainTimeout: tc.drain},
	}
	cfg.Github.V3APIURL = gh.URL + "/"
	cfg.Github.V4APIURL = gh.URL + "/graphql"
	cfg.Github.App.IntegrationID = 1
	cfg.Github.App.WebhookSecret = testWebhookSecret
	cfg.Github.App.PrivateKey = githubfake.AppKey(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	opts := []ServerOption{WithListener(ln), WithLogger(NewLogger(cfg.Logging, logs))}
	for _, h := range handlers {
		opts = append(opts, WithEventHandlers(h))
	}
	opts = append(opts, tc.opts...)
	s, err := NewServer(cfg, opts...)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: s, url: "http://" + ln.Addr().String(), logs: logs, github: gh, cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ts.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return ts
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func readPayload(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "server", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type delivery struct {
	event, id, contentType string
	body                   []byte
	headers                map[string]string // "" value removes a header
}

func (ts *testServer) send(t *testing.T, d delivery) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.url+WebhookPath, bytes.NewReader(d.body))
	if err != nil {
		t.Fatal(err)
	}
	if d.contentType == "" {
		d.contentType = "application/json"
	}
	req.Header.Set("Content-Type", d.contentType)
	req.Header.Set("X-GitHub-Event", d.event)
	req.Header.Set("X-GitHub-Delivery", d.id)
	req.Header.Set("X-Hub-Signature-256", sign(testWebhookSecret, d.body))
	for k, v := range d.headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST webhook: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (ts *testServer) get(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := http.Get(ts.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// metric returns the value of one exposition line, e.g.
// `commsgate_webhooks_total{event="pull_request",outcome="accepted"}`, or -1.
func (ts *testServer) metric(t *testing.T, series string) float64 {
	t.Helper()
	_, body := ts.get(t, MetricsPath)
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			var v float64
			if _, err := fmt.Sscan(rest, &v); err == nil {
				return v
			}
		}
	}
	return -1
}

// waitFor polls cond, failing the test after a few seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func awaitStart(t *testing.T, h *recordingHandler) string {
	t.Helper()
	select {
	case id := <-h.started:
		return id
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not start")
		return ""
	}
}

func TestWebhookSignedDeliveryIsHandledWithDeliveryFieldsInLogs(t *testing.T) {
	h := newRecordingHandler("pull_request", "issue_comment")
	ts := startTestServer(t, testServerConfig{}, h)

	status, _ := ts.send(t, delivery{event: "pull_request", id: "d-pr-1", body: readPayload(t, "pull_request.opened.json")})
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	if got := awaitStart(t, h); got != "d-pr-1" {
		t.Fatalf("handler got delivery %q, want d-pr-1", got)
	}
	status, _ = ts.send(t, delivery{event: "issue_comment", id: "d-comment-1", body: readPayload(t, "issue_comment.created.json")})
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	awaitStart(t, h)
	waitFor(t, "both handled", func() bool {
		return ts.metric(t, `commsgate_webhook_handled_total{event="issue_comment",outcome="ok"}`) == 1
	})

	want := map[string]map[string]any{
		"d-pr-1":      {"github_event_type": "pull_request", "github_repository_owner": "example-org", "github_repository_name": "comms", "github_repository": "example-org/comms", "github_pr_num": float64(12), "github_installation_id": float64(4711), "outcome": "ok"},
		"d-comment-1": {"github_event_type": "issue_comment", "github_repository_name": "comms", "github_pr_num": float64(31), "outcome": "ok"},
	}
	found := map[string]bool{}
	handlerLines := 0
	for _, line := range ts.logs.lines() {
		if line["message"] == "test handler ran" {
			// The handler's own context names the delivery and event.
			handlerLines++
			if line["github_delivery_id"] == nil || line["github_event_type"] == nil {
				t.Errorf("handler log line lacks delivery id or event: %v", line)
			}
			continue
		}
		if line["message"] != "webhook handled" {
			continue
		}
		id, _ := line["github_delivery_id"].(string)
		fields, ok := want[id]
		if !ok {
			t.Errorf("handler log line without a known delivery id: %v", line)
			continue
		}
		found[id] = true
		for k, v := range fields {
			if line[k] != v {
				t.Errorf("delivery %s: log field %s = %v, want %v (line %v)", id, k, line[k], v, line)
			}
		}
	}
	if len(found) != 2 || handlerLines != 2 {
		t.Errorf("outcome lines for %v and %d handler lines; want both deliveries", found, handlerLines)
	}
	if got := ts.metric(t, `commsgate_webhooks_total{event="pull_request",outcome="accepted"}`); got != 1 {
		t.Errorf("accepted pull_request metric = %v, want 1", got)
	}
	if n := ts.github.requests.Load(); n != 0 {
		t.Errorf("the server made %d GitHub requests; receiving a webhook needs none", n)
	}
}

func TestWebhookRejectionsNeverReachAHandler(t *testing.T) {
	h := newRecordingHandler("pull_request")
	ts := startTestServer(t, testServerConfig{}, h)
	payload := readPayload(t, "pull_request.opened.json")
	sha1Sig := func() string {
		mac := hmac.New(sha1.New, []byte(testWebhookSecret))
		mac.Write(payload)
		return "sha1=" + hex.EncodeToString(mac.Sum(nil))
	}()

	tests := []struct {
		name    string
		d       delivery
		status  int
		outcome string
		event   string
	}{
		{"unsigned", delivery{event: "pull_request", body: payload, headers: map[string]string{"X-Hub-Signature-256": ""}},
			http.StatusUnauthorized, WebhookRejectedSignature, unverifiedEvent},
		{"wrong secret", delivery{event: "pull_request", body: payload, headers: map[string]string{"X-Hub-Signature-256": sign("not-the-secret", payload)}},
			http.StatusUnauthorized, WebhookRejectedSignature, unverifiedEvent},
		{"signature of another body", delivery{event: "pull_request", body: payload, headers: map[string]string{"X-Hub-Signature-256": sign(testWebhookSecret, []byte("{}"))}},
			http.StatusUnauthorized, WebhookRejectedSignature, unverifiedEvent},
		{"only the SHA-1 signature", delivery{event: "pull_request", body: payload, headers: map[string]string{"X-Hub-Signature-256": "", "X-Hub-Signature": sha1Sig}},
			http.StatusUnauthorized, WebhookRejectedSignature, unverifiedEvent},
		{"garbage signature", delivery{event: "pull_request", body: payload, headers: map[string]string{"X-Hub-Signature-256": "sha256=zz"}},
			http.StatusUnauthorized, WebhookRejectedSignature, unverifiedEvent},
		{"no event header", delivery{event: "", body: payload},
			http.StatusBadRequest, WebhookRejectedMalformed, unverifiedEvent},
		{"wrong content type", delivery{event: "pull_request", body: payload, contentType: "text/plain"},
			http.StatusUnsupportedMediaType, WebhookRejectedMalformed, unverifiedEvent},
		{"signed but not JSON", delivery{event: "pull_request", body: []byte(`{"action": "opened",`)},
			http.StatusBadRequest, WebhookRejectedMalformed, "pull_request"},
		{"signed JSON array", delivery{event: "pull_request", body: []byte(`[1, 2]`)},
			http.StatusBadRequest, WebhookRejectedMalformed, "pull_request"},
		{"signed null", delivery{event: "pull_request", body: []byte(`null`)},
			http.StatusBadRequest, WebhookRejectedMalformed, "pull_request"},
		{"signed form that does not parse", delivery{event: "pull_request", body: []byte(`payload=%zz`), contentType: "application/x-www-form-urlencoded"},
			http.StatusBadRequest, WebhookRejectedMalformed, "pull_request"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.id = fmt.Sprintf("rejected-%d", i)
			before := ts.metric(t, fmt.Sprintf(`commsgate_webhooks_total{event=%q,outcome=%q}`, tt.event, tt.outcome))
			status, body := ts.send(t, tt.d)
			if status != tt.status {
				t.Errorf("status = %d (%s), want %d", status, strings.TrimSpace(body), tt.status)
			}
			after := ts.metric(t, fmt.Sprintf(`commsgate_webhooks_total{event=%q,outcome=%q}`, tt.event, tt.outcome))
			if after != max(before, 0)+1 {
				t.Errorf("metric %s/%s went from %v to %v, want +1", tt.event, tt.outcome, before, after)
			}
		})
	}
	if got := h.handled(); len(got) != 0 {
		t.Errorf("handler ran for rejected deliveries %v", got)
	}
	if n := ts.github.requests.Load(); n != 0 {
		t.Errorf("rejected deliveries caused %d GitHub requests", n)
	}
}

func TestWebhookFormEncodedDeliveryIsAccepted(t *testing.T) {
	h := newRecordingHandler("pull_request")
	ts := startTestServer(t, testServerConfig{}, h)
	form := "payload=" + url.QueryEscape(string(readPayload(t, "pull_request.opened.json")))
	status, _ := ts.send(t, delivery{event: "pull_request", id: "form-1", body: []byte(form), contentType: "application/x-www-form-urlencoded"})
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	awaitStart(t, h)
}

func TestWebhookUnknownEventsAndPing(t *testing.T) {
	h := newRecordingHandler("pull_request")
	ts := startTestServer(t, testServerConfig{}, h)
	if status, _ := ts.send(t, delivery{event: "star", id: "s-1", body: []byte(`{"action":"created"}`)}); status != http.StatusAccepted {
		t.Errorf("unhandled event: status %d, want 202", status)
	}
	if status, _ := ts.send(t, delivery{event: "ping", id: "p-1", body: []byte(`{"zen":"Keep it logically awesome."}`)}); status != http.StatusOK {
		t.Errorf("ping: status %d, want 200", status)
	}
	if got := ts.metric(t, `commsgate_webhooks_total{event="star",outcome="ignored"}`); got != 1 {
		t.Errorf("ignored star metric = %v, want 1", got)
	}
	if got := h.handled(); len(got) != 0 {
		t.Errorf("pull_request handler ran for %v", got)
	}
}

func TestWebhookFullQueueAnswers503AndCounts(t *testing.T) {
	h := newRecordingHandler("pull_request")
	h.release = make(chan struct{})
	ts := startTestServer(t, testServerConfig{workers: 1, queue: 1}, h)
	payload := readPayload(t, "pull_request.opened.json")

	if status, _ := ts.send(t, delivery{event: "pull_request", id: "q-1", body: payload}); status != http.StatusOK {
		t.Fatalf("first: status %d", status)
	}
	awaitStart(t, h) // the only worker is now busy
	if status, _ := ts.send(t, delivery{event: "pull_request", id: "q-2", body: payload}); status != http.StatusOK {
		t.Fatalf("second (queued): status %d", status)
	}
	if got := ts.metric(t, "commsgate_webhook_queue_depth"); got != 1 {
		t.Errorf("queue depth = %v, want 1", got)
	}
	status, body := ts.send(t, delivery{event: "pull_request", id: "q-3", body: payload})
	if status != http.StatusServiceUnavailable {
		t.Fatalf("third: status %d (%s), want 503", status, body)
	}
	if got := ts.metric(t, `commsgate_webhooks_total{event="pull_request",outcome="dropped_queue_full"}`); got != 1 {
		t.Errorf("dropped metric = %v, want 1", got)
	}
	if got := ts.metric(t, "commsgate_webhook_queue_dropped_total"); got != 1 {
		t.Errorf("queue dropped total = %v, want 1", got)
	}
	close(h.release)
	awaitStart(t, h)
	waitFor(t, "queue to empty", func() bool {
		return ts.metric(t, `commsgate_webhook_handled_total{event="pull_request",outcome="ok"}`) == 2
	})
	if got := h.handled(); len(got) != 2 || got[0] != "q-1" || got[1] != "q-2" {
		t.Errorf("handled %v, want [q-1 q-2]", got)
	}
	if got := ts.metric(t, "commsgate_webhook_queue_depth"); got != 0 {
		t.Errorf("queue depth after draining = %v, want 0", got)
	}
}

func TestWebhookHandlerPanicAndErrorAreRecoveredAndCounted(t *testing.T) {
	h := newRecordingHandler("pull_request")
	h.behave = func(n int) error {
		switch n {
		case 0:
			panic("boom: nil map in a test handler")
		case 1:
			return errors.New("github said no")
		}
		return nil
	}
	ts := startTestServer(t, testServerConfig{workers: 1}, h)
	payload := readPayload(t, "pull_request.opened.json")
	for i := range 3 {
		if status, _ := ts.send(t, delivery{event: "pull_request", id: fmt.Sprintf("p-%d", i), body: payload}); status != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, status)
		}
		awaitStart(t, h)
	}
	waitFor(t, "third delivery handled", func() bool {
		return ts.metric(t, `commsgate_webhook_handled_total{event="pull_request",outcome="ok"}`) == 1
	})
	for outcome, want := range map[string]float64{HandlerPanic: 1, HandlerError: 1} {
		if got := ts.metric(t, fmt.Sprintf(`commsgate_webhook_handled_total{event="pull_request",outcome=%q}`, outcome)); got != want {
			t.Errorf("%s = %v, want %v", outcome, got, want)
		}
	}
	if status, _ := ts.get(t, HealthzPath); status != http.StatusOK {
		t.Errorf("healthz after a panic: %d", status)
	}
	var panicLogged, errorLogged bool
	for _, line := range ts.logs.lines() {
		switch line["message"] {
		case "webhook handler panicked; the worker recovered":
			panicLogged = line["github_delivery_id"] == "p-0" && line["stack"] != nil && line["github_pr_num"] == float64(12)
		case "webhook handler failed":
			errorLogged = line["github_delivery_id"] == "p-1" && line["error"] == "github said no"
		}
	}
	if !panicLogged || !errorLogged {
		t.Errorf("panic logged with delivery and stack: %v; error logged with delivery: %v", panicLogged, errorLogged)
	}
}

func TestMetricsEndpointExposesFamilies(t *testing.T) {
	// The fake GitHub fails /app once, then answers with an ETag, then
	// confirms the cached copy with 304: every GitHub family gets a series.
	var appCalls atomic.Int64
	h := newRecordingHandler("pull_request")
	ts := startTestServer(t, testServerConfig{
		github: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/app" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("X-RateLimit-Remaining", "4990")
			w.Header().Set("X-RateLimit-Resource", "core")
			switch appCalls.Add(1) {
			case 1:
				http.Error(w, "unicorn", http.StatusBadGateway)
			case 2:
				w.Header().Set("ETag", `"v1"`)
				w.Header().Set("Cache-Control", "private, max-age=60")
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"slug":"commsgate-test"}`))
			default:
				if r.Header.Get("If-None-Match") != `"v1"` {
					t.Errorf("revalidation did not send If-None-Match: %q", r.Header.Get("If-None-Match"))
				}
				w.Header().Set("ETag", `"v1"`)
				w.WriteHeader(http.StatusNotModified)
			}
		},
	}, h)
	// The clients are built as `commsgate serve` builds them: recording
	// into the server's metrics.
	retry := ghclient.DefaultRetryPolicy()
	retry.BaseDelay, retry.MaxDelay = time.Millisecond, 5*time.Millisecond
	clients, err := ghclient.NewClientCreator(ts.cfg.Github, ghclient.Stack{Observer: ts.Metrics(), Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	client, err := clients.NewAppClient()
	if err != nil {
		t.Fatalf("NewAppClient: %v", err)
	}
	for i := range 2 {
		app, _, err := client.Apps.Get(context.Background(), "")
		if err != nil {
			t.Fatalf("Apps.Get #%d: %v", i, err)
		}
		if app.GetSlug() != "commsgate-test" {
			t.Errorf("Apps.Get #%d slug = %q", i, app.GetSlug())
		}
	}
	ts.Metrics().ObserveEvaluation(120*time.Millisecond, "passed")
	ts.Metrics().PublicationResult("dev-list", "email", "sent")
	ts.send(t, delivery{event: "pull_request", id: "m-1", body: []byte(`{}`)})
	awaitStart(t, h)
	waitFor(t, "delivery handled", func() bool {
		return ts.metric(t, `commsgate_webhook_handled_total{event="pull_request",outcome="ok"}`) == 1
	})

	status, body := ts.get(t, MetricsPath)
	if status != http.StatusOK {
		t.Fatalf("metrics status %d", status)
	}
	for _, family := range []string{
		"commsgate_webhooks_total", "commsgate_webhook_handled_total", "commsgate_webhook_handling_seconds",
		"commsgate_webhook_queue_depth", "commsgate_webhook_queue_dropped_total", "commsgate_webhook_handlers_active",
		"commsgate_evaluation_seconds", "commsgate_publications_total", "commsgate_github_requests_total",
		"commsgate_github_cached_responses_total", "commsgate_github_retries_total", "commsgate_github_rate_limit_remaining",
		"go_goroutines", "process_start_time_seconds",
	} {
		if !strings.Contains(body, "# TYPE "+family+" ") {
			t.Errorf("/metrics lacks %s", family)
		}
	}
	for _, series := range []string{
		`commsgate_evaluation_seconds_count{outcome="passed"} 1`,
		`commsgate_publications_total{kind="email",outcome="sent",target="dev-list"} 1`,
		`commsgate_github_requests_total{method="GET",status="502"} 1`,
		`commsgate_github_requests_total{method="GET",status="200"} 2`,
		`commsgate_github_retries_total{reason="server_error"} 1`,
		`commsgate_github_cached_responses_total 1`,
		`commsgate_github_rate_limit_remaining{resource="core"} 4990`,
		`commsgate_webhooks_total{event="pull_request",outcome="accepted"} 1`,
	} {
		if !strings.Contains(body, series+"\n") {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	if n := appCalls.Load(); n != 3 {
		t.Errorf("fake GitHub saw %d /app requests, want 3 (502, 200, 304)", n)
	}
}

func TestReadinessCheckFailureAnswers503(t *testing.T) {
	var broken atomic.Bool
	ts := startTestServer(t, testServerConfig{opts: []ServerOption{
		WithReadinessCheck("policy cache", func(context.Context) error {
			if broken.Load() {
				return errors.New("not warmed up")
			}
			return nil
		}),
	}})
	if status, body := ts.get(t, ReadyzPath); status != http.StatusOK {
		t.Errorf("readyz = %d %q, want 200", status, body)
	}
	broken.Store(true)
	status, body := ts.get(t, ReadyzPath)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "policy cache: not warmed up") {
		t.Errorf("readyz = %d %q, want 503 naming the failed check", status, body)
	}
}

func TestGracefulShutdownDrainsQueuedDeliveries(t *testing.T) {
	h := newRecordingHandler("pull_request")
	h.release = make(chan struct{})
	var taskStopped atomic.Bool
	ts := startTestServer(t, testServerConfig{workers: 2, queue: 5, opts: []ServerOption{
		WithBackgroundTask(BackgroundTask{Name: "clock", Run: func(ctx context.Context) error {
			<-ctx.Done()
			taskStopped.Store(true)
			return ctx.Err()
		}}),
	}}, h)
	payload := readPayload(t, "pull_request.opened.json")
	for i := range 4 {
		if status, _ := ts.send(t, delivery{event: "pull_request", id: fmt.Sprintf("g-%d", i), body: payload}); status != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, status)
		}
	}
	awaitStart(t, h)
	awaitStart(t, h) // both workers busy, two deliveries queued

	ts.cancel()
	// While draining, readiness says no (asked in-process: the listener is closed).
	waitFor(t, "readyz to turn 503", func() bool {
		rec := httptest.NewRecorder()
		ts.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ReadyzPath, nil))
		return rec.Code == http.StatusServiceUnavailable
	})
	select {
	case err := <-ts.done:
		t.Fatalf("Run returned (%v) before the queue drained", err)
	case <-time.After(50 * time.Millisecond):
	}
	if _, err := http.Get(ts.url + HealthzPath); err == nil {
		t.Errorf("the listener still accepts connections while draining")
	}
	close(h.release)
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Run = %v, want nil after a clean drain", err)
		}
		ts.done <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the queue drained")
	}
	if got := h.handled(); len(got) != 4 {
		t.Errorf("handled %v, want all 4 deliveries", got)
	}
	if !taskStopped.Load() {
		t.Errorf("background task was not stopped")
	}
	// A request that outlived the shutdown (asked in-process) is refused
	// with 503 rather than queued to a server that is gone.
	body := readPayload(t, "pull_request.opened.json")
	req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "late-1")
	req.Header.Set("X-Hub-Signature-256", sign(testWebhookSecret, body))
	rec := httptest.NewRecorder()
	ts.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("late delivery: status %d, want 503", rec.Code)
	}
	if got := h.handled(); len(got) != 4 {
		t.Errorf("late delivery reached the handler: %v", got)
	}
}

func TestWebhookOverTheSizeLimitIsRefused(t *testing.T) {
	h := newRecordingHandler("pull_request")
	ts := startTestServer(t, testServerConfig{}, h)
	huge := make([]byte, maxWebhookBytes+1)
	req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(huge))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-Hub-Signature-256", "sha256=00")
	rec := httptest.NewRecorder()
	ts.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rec.Code)
	}
	if got := h.handled(); len(got) != 0 {
		t.Errorf("handler ran for %v", got)
	}
}

func TestShutdownGivesUpAfterDrainTimeout(t *testing.T) {
	h := newRecordingHandler("pull_request")
	h.release = make(chan struct{}) // never closed: the handler waits for its context
	ts := startTestServer(t, testServerConfig{workers: 1, drain: 200 * time.Millisecond}, h)
	payload := readPayload(t, "pull_request.opened.json")
	ts.send(t, delivery{event: "pull_request", id: "stuck-1", body: payload})
	ts.send(t, delivery{event: "pull_request", id: "stuck-2", body: payload})
	awaitStart(t, h)

	start := time.Now()
	ts.cancel()
	select {
	case err := <-ts.done:
		if !errors.Is(err, ErrDrainTimeout) {
			t.Errorf("Run = %v, want ErrDrainTimeout", err)
		}
		if !strings.Contains(fmt.Sprint(err), "2 unfinished") {
			t.Errorf("Run error %q should count the 2 unfinished deliveries", err)
		}
		ts.done <- err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not give up after the drain timeout")
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("Run returned after %s, before the drain timeout", d)
	}
	waitFor(t, "the stuck handler to see its context cancelled", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		// The running handler is cancelled; the queued one may start after
		// that with its context already cancelled.
		if len(h.ctxErrs) == 0 {
			return false
		}
		for _, err := range h.ctxErrs {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("handler context ended with %v, want context.Canceled", err)
			}
		}
		return true
	})
}

func TestRunTwiceIsAnError(t *testing.T) {
	ts := startTestServer(t, testServerConfig{})
	if status, _ := ts.get(t, HealthzPath); status != http.StatusOK {
		t.Fatalf("healthz = %d", status)
	}
	if err := ts.Run(context.Background()); err == nil {
		t.Errorf("second Run succeeded")
	}
}

func TestNewServerRefusesAnUnsafeConfig(t *testing.T) {
	valid := func() *config.Server {
		cfg := &config.Server{Workers: config.WorkerPool{Count: 1, QueueSize: 1}}
		cfg.Github.App.WebhookSecret = "s"
		return cfg
	}
	tests := map[string]func(*config.Server){
		"no webhook secret": func(c *config.Server) { c.Github.App.WebhookSecret = "" },
		"no workers":        func(c *config.Server) { c.Workers.Count = 0 },
		"negative queue":    func(c *config.Server) { c.Workers.QueueSize = -1 },
	}
	for name, breakIt := range tests {
		cfg := valid()
		breakIt(cfg)
		if _, err := NewServer(cfg, WithLogger(zerolog.Nop())); err == nil {
			t.Errorf("%s: NewServer accepted it", name)
		}
	}
	if _, err := NewServer(nil); err == nil {
		t.Errorf("NewServer(nil) accepted it")
	}
	if _, err := NewServer(valid(), WithLogger(zerolog.Nop())); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}

// Two handlers claiming one event: the earlier gets it, as with
// go-githubapp's dispatcher, whose rule WithEventHandlers documents.
func TestWebhookRoutesAnEventToTheEarlierHandler(t *testing.T) {
	first, second := newRecordingHandler("pull_request"), newRecordingHandler("pull_request", "issue_comment")
	ts := startTestServer(t, testServerConfig{}, first, second)
	payload := readPayload(t, "pull_request.opened.json")
	if status, _ := ts.send(t, delivery{event: "pull_request", id: "route-1", body: payload}); status != http.StatusOK {
		t.Fatalf("pull_request: status %d, want 200", status)
	}
	if status, _ := ts.send(t, delivery{event: "issue_comment", id: "route-2", body: payload}); status != http.StatusOK {
		t.Fatalf("issue_comment: status %d, want 200", status)
	}
	for deadline := time.Now().Add(5 * time.Second); ts.Pending() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the deliveries were not handled")
		}
	}
	if got := first.handled(); !slices.Equal(got, []string{"route-1"}) {
		t.Errorf("the first handler got %v, want [route-1]", got)
	}
	if got := second.handled(); !slices.Equal(got, []string{"route-2"}) {
		t.Errorf("the second handler got %v, want [route-2]: pull_request is the first one's", got)
	}
}
