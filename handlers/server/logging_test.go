package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/config"
)

func TestNewLoggerFormatsAndLevels(t *testing.T) {
	tests := []struct {
		settings config.LogSettings
		json     bool
		debugOut bool
	}{
		{config.LogSettings{Level: "info", Format: "json"}, true, false},
		{config.LogSettings{Level: "debug", Format: "json"}, true, true},
		{config.LogSettings{Level: "info", Format: "text"}, false, false},
		{config.LogSettings{}, true, false}, // zero value: JSON at info
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		logger := NewLogger(tt.settings, &buf)
		logger.Debug().Msg("debug line")
		logger.Info().Str("github_delivery_id", "d-1").Msg("info line")
		out := buf.String()
		if got := strings.Contains(out, "debug line"); got != tt.debugOut {
			t.Errorf("%+v: debug line written = %v, want %v", tt.settings, got, tt.debugOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		last := lines[len(lines)-1]
		var m map[string]any
		isJSON := json.Unmarshal([]byte(last), &m) == nil
		if isJSON != tt.json {
			t.Errorf("%+v: JSON = %v, want %v: %q", tt.settings, isJSON, tt.json, last)
		}
		if isJSON && (m["message"] != "info line" || m["github_delivery_id"] != "d-1" || m["time"] == nil || m["level"] != "info") {
			t.Errorf("%+v: JSON line lacks message, field, time or level: %v", tt.settings, m)
		}
		if !isJSON && !strings.Contains(last, "info line") {
			t.Errorf("%+v: text line lacks the message: %q", tt.settings, last)
		}
	}
}

// A feed token never reaches the access log, however the path is spelt.
func TestLogPathHidesFeedTokens(t *testing.T) {
	for path, want := range map[string]string{
		"/calendar/12/secret-token.ics":  "/calendar/12/-",
		"//calendar/12/secret-token.ics": "//calendar/12/-",
		"/calendar/./12/secret.ics":      "/calendar/./-",
		"/api/github/hook":               "/api/github/hook",
	} {
		if got := logPath(path); got != want || strings.Contains(got, "secret") {
			t.Errorf("logPath(%q) = %q, want %q", path, got, want)
		}
	}
}
