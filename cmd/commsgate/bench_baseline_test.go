package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// The baseline must do what any correct receiver does, or the ratios
// compare commsgate with a server that checks nothing.
func TestBaselineAcknowledgerChecksWhatAReceiverMust(t *testing.T) {
	secret := []byte("s3cret")
	body := `{"action":"submitted"}`
	tests := []struct {
		name, body, signature string
		want                  int
	}{
		{"signed JSON", body, githubfake.Sign(secret, []byte(body)), http.StatusAccepted},
		{"no signature", body, "", http.StatusUnauthorized},
		{"signature of another body", body, githubfake.Sign(secret, []byte(`{}`)), http.StatusUnauthorized},
		{"signed with another secret", body, githubfake.Sign([]byte("other"), []byte(body)), http.StatusUnauthorized},
		{"signed, not JSON", `{"action":`, githubfake.Sign(secret, []byte(`{"action":`)), http.StatusBadRequest},
	}
	h := baselineHandler(secret)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/github/hook", strings.NewReader(tc.body))
			if tc.signature != "" {
				req.Header.Set("X-Hub-Signature-256", tc.signature)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
