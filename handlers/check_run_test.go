package handlers

import (
	"context"
	"testing"
)

// A check event without its check run or suite is malformed input: it is
// ignored, never a panic, and needs no GitHub client.
func TestCheckEventsWithoutTheirObjectAreIgnored(t *testing.T) {
	app := NewApp(nil, AppOptions{})
	tests := []struct {
		handler interface {
			Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error
		}
		eventType, payload string
	}{
		{&checkRunHandler{app: app}, "check_run", `{"action":"rerequested"}`},
		{&checkRunHandler{app: app}, "check_run", `{"action":"requested_action","requested_action":{"identifier":"retry-failed"}}`},
		{&checkSuiteHandler{app: app}, "check_suite", `{"action":"requested"}`},
		{&checkSuiteHandler{app: app}, "check_suite", `{"action":"rerequested"}`},
	}
	for _, tt := range tests {
		if err := tt.handler.Handle(context.Background(), tt.eventType, "delivery", []byte(tt.payload)); err != nil {
			t.Errorf("%s %s: %v, want ignored", tt.eventType, tt.payload, err)
		}
	}
}
