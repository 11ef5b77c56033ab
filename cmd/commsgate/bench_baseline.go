package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/google/go-github/v62/github"
)

// baselineAcknowledger is the least any correct webhook receiver does: it
// reads the body, checks X-Hub-Signature-256 and that the body is JSON,
// and answers 202. commsgate's acknowledgement is judged as a ratio to
// it, measured in the same run on the same machine, because an absolute
// figure says more about the machine than about the server.
type baselineAcknowledger struct {
	url  string
	stop func()
}

func startBaselineAcknowledger(secret []byte) (*baselineAcknowledger, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("baseline acknowledger: %w", err)
	}
	srv := &http.Server{Handler: baselineHandler(secret), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &baselineAcknowledger{
		url:  "http://" + ln.Addr().String() + "/api/github/hook",
		stop: func() { _ = srv.Close() },
	}, nil
}

func baselineHandler(secret []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
		if err != nil {
			http.Error(w, "could not read the payload", http.StatusBadRequest)
			return
		}
		if err := github.ValidateSignature(r.Header.Get(github.SHA256SignatureHeader), body, secret); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if !json.Valid(body) {
			http.Error(w, "invalid JSON", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
}

// maxWebhookBytes is GitHub's own cap on a payload, as the server has it.
const maxWebhookBytes = 25 << 20
