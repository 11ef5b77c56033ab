package handlers

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// An event without the object it is about is malformed input: every
// handler ignores it with a warning, never panics, and needs no GitHub
// client (the App has none, so going on would panic too).
func TestEventsWithoutTheirObjectAreIgnoredWithAWarning(t *testing.T) {
	app := NewApp(nil, AppOptions{})
	tests := []struct {
		handler                     githubapp.EventHandler
		eventType, payload, missing string
	}{
		{&commentHandler{app: app}, "issue_comment", `{"action":"created","comment":{"body":"/hold"},"installation":{"id":1}}`, "issue"},
		{&pullRequestHandler{app: app}, "pull_request", `{"action":"opened","installation":{"id":1}}`, "pull_request"},
		{&pullRequestHandler{app: app}, "pull_request", `{"action":"closed","installation":{"id":1}}`, "pull_request"},
		{&reviewHandler{app: app}, "pull_request_review", `{"action":"submitted","installation":{"id":1}}`, "pull_request"},
		{&checkRunHandler{app: app}, "check_run", `{"action":"rerequested","installation":{"id":1}}`, "check_run"},
		{&checkSuiteHandler{app: app}, "check_suite", `{"action":"rerequested","installation":{"id":1}}`, "check_suite"},
	}
	for _, tt := range tests {
		var logs bytes.Buffer
		ctx := zerolog.New(&logs).WithContext(context.Background())
		if err := tt.handler.Handle(ctx, tt.eventType, "delivery", []byte(tt.payload)); err != nil {
			t.Errorf("%s %s: %v, want ignored", tt.eventType, tt.payload, err)
		}
		if line := logs.String(); !strings.Contains(line, `"level":"warn"`) || !strings.Contains(line, `"missing":"`+tt.missing+`"`) {
			t.Errorf("%s %s: logs %q, want a warning naming the missing %s", tt.eventType, tt.payload, line, tt.missing)
		}
	}
}

// Comments that are not commands, or not on an open pull request, cost
// nothing and say nothing.
func TestCommentsThatAreNoCommandsAreIgnoredQuietly(t *testing.T) {
	h := &commentHandler{app: NewApp(nil, AppOptions{})}
	for _, payload := range []string{
		`{"action":"edited","comment":{"body":"thanks!"},"changes":{"body":{"from":"thanks"}}}`,
		`{"action":"pinned","comment":{"body":"/hold"}}`,
		`{"action":"created","comment":{"body":"/hold"},"issue":{"number":3,"state":"open"}}`,
		`{"action":"created","comment":{"body":"/hold"},"issue":{"number":3,"state":"closed","pull_request":{}}}`,
		`{"action":"created","comment":{"body":"thanks!"},"issue":{"number":3,"state":"open","pull_request":{}},"sender":{"login":"carla","type":"User"}}`,
	} {
		var logs bytes.Buffer
		ctx := zerolog.New(&logs).WithContext(context.Background())
		if err := h.Handle(ctx, "issue_comment", "delivery", []byte(payload)); err != nil || logs.Len() > 0 {
			t.Errorf("%s: %v, logs %q; want ignored quietly", payload, err, logs.String())
		}
	}
}
