package handlers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/commsgate/commsgate/handlers/publish"
)

// The publication ledger lives in the commsgate/publish check run of the
// merge commit, inside a hidden HTML comment of its output text. GitHub is
// then the only store: a restart, a redelivered event or another replica
// reads what was already delivered and sends only what is missing.
const (
	ledgerOpen  = "<!-- commsgate-ledger\n"
	ledgerClose = "\n-->"
)

// Delivery outcomes recorded per communication and target.
const (
	deliverySucceeded = "succeeded"
	deliveryFailed    = "failed"
	deliveryRefused   = "refused"
	// deliverySending is recorded before a send starts. Found on a later
	// run, it means a process stopped mid-send: the target may or may not
	// have received the notice (see publication.resumeDelivery).
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
// one (or with a damaged one) yields an empty ledger; damage is reported
// so the caller can refuse rather than publish twice.
func parseLedger(text string, pr int) (*ledger, error) {
	start := strings.Index(text, ledgerOpen)
	if start < 0 {
		return newLedger(pr), nil
	}
	rest := text[start+len(ledgerOpen):]
	end := strings.Index(rest, ledgerClose)
	if end < 0 {
		return nil, fmt.Errorf("publication ledger is not closed")
	}
	l := newLedger(pr)
	if err := json.Unmarshal([]byte(rest[:end]), l); err != nil {
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
	data, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("encode publication ledger: %w", err)
	}
	var b strings.Builder
	b.WriteString("| Communication | Target | Outcome | Where |\n|---|---|---|---|\n")
	for _, d := range l.sorted() {
		where := d.Receipt.URL
		if where == "" {
			where = d.Receipt.ID
		}
		outcome := d.Status
		if d.Error != "" {
			outcome += ": " + strings.ReplaceAll(d.Error, "|", "\\|")
		}
		if d.Note != "" {
			outcome += " (" + strings.ReplaceAll(d.Note, "|", "\\|") + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s (%s) | %s | %s |\n", d.Path, d.Target, d.Kind, outcome, where)
	}
	b.WriteString("\n" + ledgerOpen)
	b.Write(data)
	b.WriteString(ledgerClose + "\n")
	return b.String(), nil
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
