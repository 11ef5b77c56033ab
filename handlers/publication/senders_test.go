package publication

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/publish"
)

// scriptedSender fails its sends with the scripted errors in turn, then
// succeeds; a send whose answer is "lost" still delivers. Delivered tells
// the truth unless lookupErr scripts a failure.
type scriptedSender struct {
	sendErrs  []error
	lookupErr []error
	delivered bool
	calls     []string
}

// lostAnswer is what a caller sees when GitHub acted but the answer
// never arrived.
var lostAnswer = &url.Error{Op: "Post", URL: "https://api.github.com/repos/example/announce/issues", Err: errors.New("EOF")}

func (s *scriptedSender) Send(ctx context.Context, n publish.Notice) (publish.Receipt, error) {
	s.calls = append(s.calls, "send")
	if len(s.sendErrs) > 0 {
		err := s.sendErrs[0]
		s.sendErrs = s.sendErrs[1:]
		if !publish.Refused(err) && err != errNotDone {
			s.delivered = true
		}
		return publish.Receipt{}, &publish.SendError{Target: "announce", Retryable: true, Err: err}
	}
	s.delivered = true
	return publish.Receipt{Target: "announce", ID: "sent"}, nil
}

// errNotDone is a retryable failure after which nothing was delivered.
var errNotDone = errors.New("502 before anything happened")

type findingSender struct{ *scriptedSender }

func (s findingSender) Delivered(ctx context.Context, n publish.Notice) (publish.Receipt, bool, error) {
	s.calls = append(s.calls, "ask")
	if len(s.lookupErr) > 0 {
		err := s.lookupErr[0]
		s.lookupErr = s.lookupErr[1:]
		return publish.Receipt{}, false, &publish.SendError{Target: "announce", Retryable: true, Err: err}
	}
	if s.delivered {
		return publish.Receipt{Target: "announce", ID: "found"}, true, nil
	}
	return publish.Receipt{}, false, nil
}

// TestSendWithRetryAsksBeforeSendingAgain: after an attempt that may have
// reached the target, a sender that can tell is asked before the next
// send; after a refusal, or for a sender that cannot tell, it is not.
func TestSendWithRetryAsksBeforeSendingAgain(t *testing.T) {
	rateLimited := &publish.HTTPStatusError{StatusCode: 429}
	tests := []struct {
		name      string
		sender    scriptedSender
		cannotAsk bool
		maybeSent bool // an earlier run may have sent
		calls     string
		id        string
		found     bool
		attempts  int
	}{
		{"a lost answer", scriptedSender{sendErrs: []error{lostAnswer}}, false, false, "send ask", "found", true, 2},
		{"a refusal", scriptedSender{sendErrs: []error{rateLimited}}, false, false, "send send", "sent", false, 2},
		{"a failure that delivered nothing", scriptedSender{sendErrs: []error{errNotDone}}, false, false, "send ask send", "sent", false, 2},
		{"a failed look-up is asked again, never sent over", scriptedSender{sendErrs: []error{lostAnswer}, lookupErr: []error{errNotDone}}, false, false, "send ask ask", "found", true, 3},
		{"an earlier run may have sent it", scriptedSender{delivered: true}, false, true, "ask", "found", true, 1},
		{"an earlier run did not send it", scriptedSender{}, false, true, "ask send", "sent", false, 1},
		{"a sender that cannot tell", scriptedSender{sendErrs: []error{lostAnswer}}, true, true, "send send", "sent", false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := New(nil, Options{Retry: Retry{Attempts: 4, BaseDelay: time.Millisecond}})
			s := tt.sender
			var sender publish.Sender = findingSender{&s}
			if tt.cannotAsk {
				sender = &s
			}
			out, err := app.sendWithRetry(context.Background(), sender, publish.Notice{}, tt.maybeSent)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(s.calls, " "); got != tt.calls {
				t.Errorf("calls %q, want %q", got, tt.calls)
			}
			if out.receipt.ID != tt.id || out.found != tt.found || out.attempts != tt.attempts {
				t.Errorf("outcome %+v, want receipt %q, found %v, %d attempts", out, tt.id, tt.found, tt.attempts)
			}
		})
	}
}

// TestSendWithRetryGivesUpAfterItsAttempts: look-ups count as attempts, so
// a target that cannot be asked is not asked forever.
func TestSendWithRetryGivesUpAfterItsAttempts(t *testing.T) {
	app := New(nil, Options{Retry: Retry{Attempts: 3, BaseDelay: time.Millisecond}})
	s := &scriptedSender{sendErrs: []error{lostAnswer}, lookupErr: []error{errNotDone, errNotDone, errNotDone}}
	out, err := app.sendWithRetry(context.Background(), findingSender{s}, publish.Notice{}, false)
	if err == nil || !publish.IsRetryable(err) {
		t.Fatalf("err = %v, want the look-up's retryable failure", err)
	}
	if got := strings.Join(s.calls, " "); got != "send ask ask" || out.attempts != 3 {
		t.Errorf("calls %q after %d attempts, want one send and two look-ups", got, out.attempts)
	}
}
