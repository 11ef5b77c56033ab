package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

func TestMainUsageListsCommands(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		toStdout bool
		contains string
	}{
		{args: nil, code: 2, contains: "usage: commsgate COMMAND"},
		{args: []string{"--help"}, code: 0, toStdout: true, contains: "usage: commsgate COMMAND"},
		{args: []string{"help"}, code: 0, toStdout: true, contains: "usage: commsgate COMMAND"},
		{args: []string{"publish-everything"}, code: 2, contains: `unknown command "publish-everything"`},
		{args: []string{"help", "serve"}, code: 0, toStdout: true, contains: "usage: commsgate serve [--config FILE]"},
		{args: []string{"serve", "--help"}, code: 0, toStdout: true, contains: "usage: commsgate serve [--config FILE]"},
		{args: []string{"serve", "extra"}, code: 2, contains: `unexpected argument "extra"`},
		// Zero or less would turn the sweep off (handlers.Deploy's "none"),
		// and scheduled notices would never go out.
		{args: []string{"serve", "--sweep-interval", "0"}, code: 2, contains: "--sweep-interval must be a positive duration"},
		{args: []string{"serve", "--sweep-interval", "-1m"}, code: 2, contains: "--sweep-interval must be a positive duration"},
		{args: []string{"serve", "--sweep-interval=0s"}, code: 2, contains: "not 0s"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			out := stderr.String()
			if tt.toStdout {
				out = stdout.String()
			}
			if !strings.Contains(out, tt.contains) {
				t.Errorf("output %q lacks %q", out, tt.contains)
			}
		})
	}
	var stdout bytes.Buffer
	run(context.Background(), []string{"--help"}, &stdout, &bytes.Buffer{})
	for _, name := range []string{"serve", "check", "new", "schema"} {
		if !strings.Contains(stdout.String(), "\n  "+name+" ") {
			t.Errorf("help does not list %s:\n%s", name, stdout.String())
		}
	}
}

// clearServerEnv keeps the developer's own environment out of the test.
func clearServerEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GITHUB_") || strings.HasPrefix(name, "COMMSGATE_") {
			t.Setenv(name, "")
		}
	}
}

func TestServeConfigErrorIsOneLine(t *testing.T) {
	clearServerEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "serve.yaml")
	if err := os.WriteFile(path, []byte("github:\n  app:\n    webhook_secret: s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--config", path}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := "commsgate serve: config: github.app.integration_id is required: the App ID shown on the app's settings page (or set GITHUB_APP_INTEGRATION_ID)\n"
	if stderr.String() != want {
		t.Errorf("stderr = %q, want exactly %q", stderr.String(), want)
	}
}

func TestServeRunsUntilCancelled(t *testing.T) {
	clearServerEnv(t)
	// /readyz proves the credentials with GitHub, so the server talks to
	// the fake GitHub as an app it knows.
	gh := githubfake.New(t)
	defer gh.Close()
	app := gh.CreateApp("commsgate")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	dir := t.TempDir()
	path := filepath.Join(dir, "serve.yaml")
	yaml := fmt.Sprintf("server: {address: 127.0.0.1, port: %d}\ngithub:\n  v3_api_url: %s/\n  app: {integration_id: %d, webhook_secret: s3cret}\nshutdown: {drain_timeout: 2s}\n", port, gh.URL(), app.ID)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_APP_PRIVATE_KEY", string(app.PrivateKeyPEM))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- runServe(ctx, []string{"--config", path}, &bytes.Buffer{}, &lockedWriter{w: &stderr}) }()

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never became ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// An unsigned webhook is refused by the real wiring.
	res, err := http.Post(base+"/api/github/hook", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned webhook answered %d, want 4xx", res.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after a clean shutdown; log:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

// lockedWriter lets the server's goroutines log into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
