package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
)

type noopHandler struct{ events []string }

func (h noopHandler) Handles() []string { return h.events }
func (h noopHandler) Handle(context.Context, string, string, []byte) error {
	return nil
}

// BenchmarkWebhookAck is the CPU one delivery costs before GitHub gets its
// answer: reading the body, checking the signature, validating the JSON,
// queueing, logging at info. A review payload is about 20 KB, as GitHub's
// are. No network and no handler work: this is the floor under the ack
// latency `commsgate bench` measures with everything else running.
func BenchmarkWebhookAck(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	cfg := &config.Server{
		Logging: config.LogSettings{Level: "info", Format: "json"},
		Workers: config.WorkerPool{Count: 2, QueueSize: 100000},
	}
	cfg.Github.V3APIURL = "http://127.0.0.1:1/"
	cfg.Github.V4APIURL = "http://127.0.0.1:1/graphql"
	cfg.Github.App.IntegrationID = 1
	cfg.Github.App.WebhookSecret = "bench-secret"
	cfg.Github.App.PrivateKey = string(pemKey)
	s, err := NewServer(cfg, WithLogger(zerolog.New(io.Discard).Level(zerolog.InfoLevel)),
		WithEventHandlers(noopHandler{events: []string{"pull_request_review"}}))
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"action":"submitted","review":{"id":1,"state":"approved","body":"` + strings.Repeat("x", 20000) +
		`"},"pull_request":{"number":1,"state":"open"},"repository":{"name":"comms","owner":{"login":"example"}},"installation":{"id":1}}`)
	signature := sign("bench-secret", payload)
	handler := s.Handler()

	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "pull_request_review")
		req.Header.Set("X-GitHub-Delivery", "bench")
		req.Header.Set("X-Hub-Signature-256", signature)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
	b.StopTimer()
	if _, err := s.queue.drain(context.Background()); err != nil {
		b.Fatal(err)
	}
}
