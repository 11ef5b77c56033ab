package publication

import (
	"strings"
	"testing"
	"time"
)

func TestAutoRetryDelayDoublesUpToAnHour(t *testing.T) {
	tests := []struct {
		attempts, perRound int
		want               time.Duration
	}{
		{attempts: 3, perRound: 3, want: time.Minute},       // after the first round
		{attempts: 6, perRound: 3, want: 2 * time.Minute},   // after the second
		{attempts: 9, perRound: 3, want: 4 * time.Minute},   // after the third
		{attempts: 1, perRound: 3, want: time.Minute},       // a permanent-looking first failure
		{attempts: 300, perRound: 3, want: time.Hour},       // capped
		{attempts: 4, perRound: 0, want: time.Minute},       // no per-round count known
		{attempts: 24, perRound: 4, want: 32 * time.Minute}, // production: four attempts a round
	}
	for _, tt := range tests {
		if got := autoRetryDelay(tt.attempts, tt.perRound); got != tt.want {
			t.Errorf("autoRetryDelay(%d, %d) = %s, want %s", tt.attempts, tt.perRound, got, tt.want)
		}
	}
}

func TestRetryDueOnlyForTemporaryFailures(t *testing.T) {
	at := time.Date(2027, 2, 9, 16, 0, 0, 0, time.UTC)
	pub := &Publisher{retry: Retry{Attempts: 3}}
	tests := []struct {
		name string
		d    targetDelivery
		wait time.Duration
		want bool
	}{
		{"temporary failure after its pause", targetDelivery{Status: deliveryFailed, Retryable: true, Attempts: 3}, time.Minute, true},
		{"temporary failure during its pause", targetDelivery{Status: deliveryFailed, Retryable: true, Attempts: 3}, 59 * time.Second, false},
		{"second round waits longer", targetDelivery{Status: deliveryFailed, Retryable: true, Attempts: 6}, 90 * time.Second, false},
		{"failure that needs a fix", targetDelivery{Status: deliveryFailed, Attempts: 1}, 24 * time.Hour, false},
		{"refused under embargo", targetDelivery{Status: deliveryRefused}, 24 * time.Hour, false},
		{"succeeded", targetDelivery{Status: deliverySucceeded, Attempts: 1}, 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			d.At = at
			l := newLedger(1)
			l.Deliveries["comms/a.md#slack"] = &d
			if got := pub.retryDue(l, at.Add(tt.wait)); got != tt.want {
				t.Errorf("retryDue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLedgerRoundTripKeepsResumeState(t *testing.T) {
	saved := time.Date(2027, 2, 9, 16, 0, 0, 0, time.UTC)
	l := newLedger(7)
	l.Saved = saved
	l.Deliveries["comms/a.md#announce"] = &targetDelivery{Path: "comms/a.md", Target: "announce", Status: deliverySending}
	l.Deliveries["comms/a.md#slack"] = &targetDelivery{Path: "comms/a.md", Target: "slack", Status: deliveryFailed, Retryable: true, Note: "sent | again"}
	l.Linked["comms/a.md"] = []string{"announce"}
	text, err := l.text()
	if err != nil {
		t.Fatal(err)
	}
	back, err := parseLedger(text, 0)
	if err != nil {
		t.Fatal(err)
	}
	if back.PR != 7 || !back.Saved.Equal(saved) || back.Deliveries["comms/a.md#announce"].Status != deliverySending ||
		!back.Deliveries["comms/a.md#slack"].Retryable || len(back.Linked["comms/a.md"]) != 1 {
		t.Fatalf("ledger did not survive the round trip:\n%s", text)
	}
	if want := `failed (sent \| again)`; !strings.Contains(text, want) {
		t.Errorf("table should escape the note's pipe: want %q in\n%s", want, text)
	}
}

// Ledgers written before the marker codec put the JSON on lines of its
// own; a publication in flight across an upgrade must still be read.
func TestLedgerWrittenByEarlierVersionsStillParses(t *testing.T) {
	text := "| table |\n\n<!-- commsgate-ledger\n{\"version\":1,\"pr\":12,\"deliveries\":{\"comms/a.md#slack\":{\"path\":\"comms/a.md\",\"target\":\"slack\",\"status\":\"succeeded\"}}}\n-->\n"
	l, err := parseLedger(text, 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.PR != 12 || l.Deliveries["comms/a.md#slack"].Status != deliverySucceeded {
		t.Fatalf("earlier ledger misread: %+v", l)
	}
}

func TestDamagedLedgerIsAnErrorNotAnEmptyLedger(t *testing.T) {
	if _, err := parseLedger("<!-- commsgate-ledger {\"pr\": 3, -->", 0); err == nil {
		t.Fatal("a damaged ledger must stop the publication, not read as nothing delivered")
	}
}
