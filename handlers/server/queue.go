package server

import (
	"bytes"
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
	"github.com/tidwall/gjson"

	"github.com/commsgate/commsgate/config"
)

// deliveryQueue wraps go-githubapp's bounded worker queue with what it
// lacks: a JSON check before a delivery is accepted, a log line per
// delivery naming the repository and pull request, queue metrics, recovery with a metric when a
// handler panics, and a way to wait for the queue to drain at shutdown.
type deliveryQueue struct {
	inner   githubapp.Scheduler
	metrics *Metrics

	// mu guards closed and orders inflight.Add before drain's Wait.
	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
	pending  atomic.Int64 // queued or running

	// handlerCtx is the parent of every handler's context. It outlives the
	// HTTP request (handlers run after GitHub got its answer) and is
	// cancelled only when the drain timeout runs out.
	handlerCtx    context.Context
	cancelHandler context.CancelFunc
}

var _ githubapp.Scheduler = (*deliveryQueue)(nil)

func newDeliveryQueue(pool config.WorkerPool, metrics *Metrics) *deliveryQueue {
	q := &deliveryQueue{metrics: metrics}
	q.handlerCtx, q.cancelHandler = context.WithCancel(context.Background())
	q.inner = githubapp.QueueAsyncScheduler(pool.QueueSize, pool.Count,
		githubapp.WithContextDeriver(q.deriveContext),
		// instrumentedHandler recovers and logs; this only catches what
		// might slip past it.
		githubapp.WithAsyncErrorCallback(func(ctx context.Context, d githubapp.Dispatch, err error) {
			zerolog.Ctx(ctx).Error().Err(err).Msg("webhook handler failed")
		}),
	)
	return q
}

// deriveContext gives a queued delivery a context of its own that keeps
// the request's logger (with its delivery fields) but not its deadline.
func (q *deliveryQueue) deriveContext(reqCtx context.Context) context.Context {
	ctx := githubapp.InitializeResponder(q.handlerCtx)
	return zerolog.Ctx(reqCtx).WithContext(ctx)
}

// Schedule is called by the webhook handler after the signature was
// verified and a handler was found for the event.
func (q *deliveryQueue) Schedule(ctx context.Context, d githubapp.Dispatch) error {
	// Only validated here, not decoded: the answer to GitHub waits for
	// this, and decoding the fields for the log lines costs as much again
	// (see BenchmarkWebhookAck); the worker decodes them.
	if err := validatePayload(d.Payload); err != nil {
		return githubapp.ValidationError{EventType: d.EventType, DeliveryID: d.DeliveryID, Cause: err}
	}

	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return errQueueClosed
	}
	q.inflight.Add(1)
	q.mu.Unlock()
	q.pending.Add(1)
	q.metrics.webhookQueued()
	d.Handler = &instrumentedHandler{inner: d.Handler, queue: q}
	if err := q.inner.Schedule(ctx, d); err != nil {
		q.metrics.webhookUnqueued()
		q.pending.Add(-1)
		q.inflight.Done()
		return err
	}
	return nil
}

// validatePayload refuses a payload that is not a JSON object. gjson's
// validator does what encoding/json.Valid does in a fifth of the time
// (BenchmarkValidatePayload), and GitHub waits for it.
func validatePayload(payload []byte) error {
	if !bytes.HasPrefix(bytes.TrimSpace(payload), []byte("{")) {
		return errors.New("the payload is not a JSON object")
	}
	if !gjson.ValidBytes(payload) || nestedDeeperThan(payload, maxJSONDepth) {
		return errors.New("the payload is invalid JSON")
	}
	return nil
}

// maxJSONDepth is encoding/json's own nesting limit: a payload deeper
// than that would pass here and fail in every handler that decodes it.
const maxJSONDepth = 10000

// nestedDeeperThan reports whether valid JSON nests objects and arrays
// deeper than limit. gjson does not bound the depth.
func nestedDeeperThan(valid []byte, limit int) bool {
	// Nesting deeper than limit needs more than limit brackets, each
	// closed: nearly every delivery is ruled out without the walk below,
	// which cost more than the validation itself (BenchmarkValidatePayload).
	if len(valid) <= 2*limit || bytes.Count(valid, []byte("{"))+bytes.Count(valid, []byte("[")) <= limit {
		return false
	}
	depth, inString, escaped := 0, false, false
	for _, c := range valid {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > limit {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

// errQueueClosed refuses a delivery that arrives after draining began
// (only possible when open HTTP requests outlive the shutdown grace).
var errQueueClosed = errors.New("the server is shutting down")

// drain closes the queue to new deliveries, then waits until every accepted
// one has been handled or ctx ends; then it cancels what still runs and
// reports how many were cut short.
func (q *deliveryQueue) drain(ctx context.Context) (abandoned int64, err error) {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return 0, nil
	case <-ctx.Done():
		abandoned = q.pending.Load()
		q.cancelHandler()
		return abandoned, ctx.Err()
	}
}

// instrumentedHandler runs one delivery's handler for the queue.
type instrumentedHandler struct {
	inner githubapp.EventHandler
	queue *deliveryQueue
}

func (h *instrumentedHandler) Handles() []string { return h.inner.Handles() }

// Handle never returns an error: it logs it, with the delivery's fields,
// and counts it. A panic is recovered here so the worker survives and the
// drain accounting stays right.
//
// The handler's own context carries the delivery id and event (from the
// webhook handler); handlers add the repository and pull request themselves with
// githubapp.PreparePRContext, since one delivery (a check_suite) can concern
// several pull requests. The lines written here carry all of them.
func (h *instrumentedHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) (err error) {
	q := h.queue
	q.metrics.handlerStarted()
	start := time.Now()
	outcome := HandlerOK
	// Decoded once: the queue's lines carry its fields, and handlers that
	// need no more than these read it from their context (DeliveryFrom).
	// Schedule validated the payload before it was queued.
	delivery := decodeValidDelivery(payload)
	logger := zerolog.Ctx(withDeliveryFields(ctx, delivery))
	ctx = context.WithValue(ctx, deliveryKey{}, delivery)
	defer func() {
		if v := recover(); v != nil {
			outcome = HandlerPanic
			logger.Error().
				Interface("panic", v).
				Bytes("stack", debug.Stack()).
				Msg("webhook handler panicked; the worker recovered")
		}
		elapsed := time.Since(start)
		logger.Info().Str("outcome", outcome).Dur("elapsed", elapsed).Msg("webhook handled")
		q.metrics.handlerFinished(eventType, outcome, elapsed)
		q.pending.Add(-1)
		q.inflight.Done()
		err = nil
	}()
	if herr := h.inner.Handle(ctx, eventType, deliveryID, payload); herr != nil {
		outcome = HandlerError
		logger.Error().Err(herr).Dur("elapsed", time.Since(start)).Msg("webhook handler failed")
	}
	return nil
}
