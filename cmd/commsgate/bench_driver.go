package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// benchClockStart is a Monday morning a week before the bench notices'
// publish_at, so every notice is valid and scheduled, never publishable.
var benchClockStart = time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)

const benchPublishAt = "2027-02-09T16:00:00Z"

// benchDriver sends signed webhooks to a sandbox over its own HTTP client
// (kept-alive connections, as GitHub's deliverers use) and watches what
// the server did through the fake GitHub's request log and /metrics.
type benchDriver struct {
	sb     *sandbox.Sandbox
	srv    *benchServer
	client *http.Client
	secret []byte
}

func newBenchDriver(sb *sandbox.Sandbox, srv *benchServer) *benchDriver {
	return &benchDriver{sb: sb, srv: srv, client: newLoopbackClient(), secret: []byte(sb.Secret)}
}

// newLoopbackClient keeps many connections open, as GitHub's deliverers
// do, so the bench measures the server and not connection setup.
func newLoopbackClient() *http.Client {
	transport := &http.Transport{
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{Transport: transport, Timeout: 30 * time.Second}
}

func (d *benchDriver) close() { d.client.CloseIdleConnections() }

// signedEvent is a webhook ready to send many times: only the delivery id
// changes between sends, as with GitHub's redeliveries.
type signedEvent struct {
	name      string
	kind      string // "event.action", for the report
	payload   []byte
	signature string
}

func (d *benchDriver) sign(ev githubfake.Event) signedEvent {
	return signedEvent{
		name:      ev.Name,
		kind:      ev.Name + "." + ev.Action,
		payload:   ev.Payload,
		signature: githubfake.Sign(d.secret, ev.Payload),
	}
}

// post delivers one webhook and returns the status and the time to the
// complete response (the acknowledgement GitHub waits for).
func (d *benchDriver) post(ctx context.Context, ev signedEvent) (int, time.Duration, error) {
	return d.postTo(ctx, d.srv.hookURL, ev)
}

// postTo delivers to another receiver (the baseline acknowledger) over the
// same client.
func (d *benchDriver) postTo(ctx context.Context, url string, ev signedEvent) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(ev.payload))
	if err != nil {
		return 0, 0, fmt.Errorf("build %s delivery: %w", ev.kind, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/commsgate-bench")
	req.Header.Set("X-GitHub-Event", ev.name)
	req.Header.Set("X-GitHub-Delivery", deliveryID())
	req.Header.Set("X-Hub-Signature-256", ev.signature)
	start := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, time.Since(start), fmt.Errorf("deliver %s: %w", ev.kind, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), nil
}

func deliveryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// waitIdle waits until the server's queue is empty, no handler runs and
// no evaluation waits out a burst backoff.
func (d *benchDriver) waitIdle(ctx context.Context) error {
	for d.srv.busy() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the queue to drain: %w", ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// deliverSettled delivers one event, waits for its handler, and returns
// the GitHub requests it alone caused; then it delivers the events the
// app's own writes caused (review requests, comments) until none are
// left, and returns their requests separately.
func (d *benchDriver) deliverSettled(ctx context.Context, ev githubfake.Event) (own, followOn []githubfake.Request, err error) {
	d.sb.GitHub.TakeRequests()
	if err := d.deliverOK(ctx, d.sign(ev)); err != nil {
		return nil, nil, err
	}
	if err := d.waitIdle(ctx); err != nil {
		return nil, nil, err
	}
	own = d.sb.GitHub.TakeRequests()
	for round := 0; round < 20; round++ {
		more := d.sb.GitHub.TakeEvents()
		if len(more) == 0 {
			return own, followOn, nil
		}
		for _, next := range more {
			if err := d.deliverOK(ctx, d.sign(next)); err != nil {
				return nil, nil, err
			}
		}
		if err := d.waitIdle(ctx); err != nil {
			return nil, nil, err
		}
		followOn = append(followOn, d.sb.GitHub.TakeRequests()...)
	}
	return nil, nil, errors.New("the app's own events did not settle after 20 rounds")
}

func (d *benchDriver) deliverOK(ctx context.Context, ev signedEvent) error {
	status, _, err := d.post(ctx, ev)
	if err != nil {
		return err
	}
	if status != http.StatusOK && status != http.StatusAccepted {
		return fmt.Errorf("deliver %s: HTTP %d", ev.kind, status)
	}
	return nil
}

// benchNotice is a valid announcement owned by SIG Node, scheduled a week
// after the bench clock's start.
func benchNotice(n int) string {
	return fmt.Sprintf(`---
title: Bench notice %d
summary: A scheduled announcement the load driver keeps re-evaluating.
type: announcement
sigs: [sig-node]
audience: [contributors]
priority: priority-info
channels: [announce, dev-list, slack-announce, status-page]
publish_at: %s
contacts: [alice]
---

## Summary

The SIG Node weekly meeting moves to Thursdays; this notice number %d exists
to be evaluated many times.

## Contact

Ask in the SIG Node channel.
`, n, benchPublishAt, n)
}
