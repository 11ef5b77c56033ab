package publication

import (
	"fmt"
	"sort"
	"time"

	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/handlers/report"
)

// The publication ledger lives in the commsgate/publish check run of the
// merge commit, inside a hidden HTML comment of its output text. GitHub is
// then the only store: a restart, a redelivered event or another replica
// reads what was already delivered and sends only what is missing.
const ledgerKind = "ledger"

// Delivery outcomes recorded per communication and target.
const (
	deliverySucceeded = "succeeded"
	deliveryFailed    = "failed"
	deliveryRefused   = "refused"
	// deliverySending is recorded before a send starts. Found on a later
	// run, it means a process stopped mid-send: the target may or may not
	// have received the notice (see publication.deliver).
	deliverySending = "sending"
)

type ledger struct {
	Version int `json:"version"`
	PR      int `json:"pr"`
	// Saved is when the ledger was last written. A publication still in
	// progress whose ledger has not been written for publicationLease was
	// interrupted (a crash, a restart) and the sweeper resumes it.
	Saved time.Time `json:"saved"`
	// Owner is the token of the process publishing (see openLedger).
	Owner      string                     `json:"owner,omitempty"`
	Deliveries map[string]*targetDelivery `json:"deliveries"`
	FollowUps  map[string]int             `json:"follow_ups,omitempty"` // path → issue number
	// WaitingUntil is set while an approved notice merged before its
	// publish_at waits for it: nothing is sent before, and at that time
	// a timer, or failing that the sweep, publishes it.
	WaitingUntil time.Time `json:"waiting_until,omitempty"`
	// Linked are the targets each follow-up issue already links (path →
	// target names), so a target that succeeds only on a retry is added to
	// the follow-up once, and the others are not repeated.
	Linked map[string][]string `json:"linked,omitempty"`
}

type targetDelivery struct {
	Path     string          `json:"path"`
	Target   string          `json:"target"`
	Kind     string          `json:"kind"`
	Status   string          `json:"status"`
	Receipt  publish.Receipt `json:"receipt,omitempty"`
	Attempts int             `json:"attempts"`
	Error    string          `json:"error,omitempty"`
	// Retryable marks a failure that may pass with time (a 5xx, a
	// timeout); the sweeper retries those with backoff.
	Retryable bool `json:"retryable,omitempty"`
	// Note explains an outcome that needs a word, e.g. a send repeated
	// after an interruption.
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

func deliveryKey(path, target string) string { return path + "#" + target }

func newLedger(pr int) *ledger {
	return &ledger{Version: 1, PR: pr, Deliveries: map[string]*targetDelivery{}, FollowUps: map[string]int{}, Linked: map[string][]string{}}
}

// parseLedger reads the ledger out of a check run's text. A run without
// one yields an empty ledger; a damaged one is an error, so the caller
// can refuse rather than publish twice.
func parseLedger(text string, pr int) (*ledger, error) {
	l := newLedger(pr)
	if _, err := publish.DecodeMarker(text, ledgerKind, l); err != nil {
		return nil, fmt.Errorf("publication ledger: %w", err)
	}
	if l.Deliveries == nil {
		l.Deliveries = map[string]*targetDelivery{}
	}
	if l.FollowUps == nil {
		l.FollowUps = map[string]int{}
	}
	if l.Linked == nil {
		l.Linked = map[string][]string{}
	}
	return l, nil
}

// text renders the readable table and the hidden ledger.
func (l *ledger) text() (string, error) {
	marker, err := publish.EncodeMarker(ledgerKind, l)
	if err != nil {
		return "", err
	}
	var rows []report.Delivery
	for _, d := range l.sorted() {
		where := d.Receipt.URL
		if where == "" {
			where = d.Receipt.ID
		}
		rows = append(rows, report.Delivery{Path: d.Path, Target: d.Target, Kind: d.Kind, Status: d.Status, Error: d.Error, Note: d.Note, Where: where})
	}
	return report.LedgerTable(rows) + "\n" + marker + "\n", nil
}

func (l *ledger) sorted() []*targetDelivery {
	out := make([]*targetDelivery, 0, len(l.Deliveries))
	for _, d := range l.Deliveries {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		return deliveryKey(out[i].Path, out[i].Target) < deliveryKey(out[j].Path, out[j].Target)
	})
	return out
}

// counts returns how many deliveries ended in each status.
func (l *ledger) counts() (succeeded, failed, refused int) {
	for _, d := range l.Deliveries {
		switch d.Status {
		case deliverySucceeded:
			succeeded++
		case deliveryFailed:
			failed++
		case deliveryRefused:
			refused++
		}
	}
	return succeeded, failed, refused
}
