package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The web UI gets every path the server's own routes do not claim; those
// keep answering as before, a wrong method included, and a feed's token
// never reaches the access log.
func TestWebUIIsMountedBehindTheServersOwnRoutes(t *testing.T) {
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "web "+r.URL.Path)
	})
	ts := startTestServer(t, testServerConfig{opts: []ServerOption{WithWebUI(web)}})
	for _, tt := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/", 200, "web /"},
		{"GET", "/login", 200, "web /login"},
		{"GET", "/calendar/7/secret-token.ics", 200, "web /calendar/7/secret-token.ics"},
		{"GET", HealthzPath, 200, "ok"},
		{"POST", HealthzPath, 405, ""},
		{"GET", WebhookPath, 405, ""},
		{"DELETE", MetricsPath, 405, ""},
	} {
		req, _ := http.NewRequest(tt.method, ts.url+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || (tt.body != "" && !strings.HasPrefix(string(body), tt.body)) {
			t.Errorf("%s %s: HTTP %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.body)
		}
	}
	// The access line is written once the answer is out: wait for it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var paths []string
		for _, line := range ts.logs.lines() {
			if p, ok := line["path"].(string); ok && strings.HasPrefix(p, "/calendar/") {
				paths = append(paths, p)
			}
		}
		if len(paths) > 0 {
			if len(paths) != 1 || paths[0] != "/calendar/7/-" {
				t.Errorf("the access log shows the feed as %q, want only /calendar/7/-", paths)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no access line for the feed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
