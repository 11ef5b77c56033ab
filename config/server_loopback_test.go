package config

import "testing"

// Slack targets need https, except on loopback where nothing crosses a
// network (a local relay, the demo's receiver). The error case with a real
// host is in TestLoadServerErrors ("slack over plain http").
func TestSlackOverPlainHTTPOnLoopback(t *testing.T) {
	key := testPrivateKey(t)
	for _, url := range []string{"http://127.0.0.1:8099/slack", "http://localhost/slack", "http://[::1]:9/slack"} {
		env := map[string]string{
			EnvGitHubIntegrationID: "7", EnvGitHubWebhookSecret: "s3cret", EnvGitHubPrivateKey: key,
			EnvSecretNames: "chat", "COMMSGATE_SECRET_CHAT_KIND": "slack", "COMMSGATE_SECRET_CHAT_URL": url,
		}
		cfg, err := LoadServer("", func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if got := cfg.Publish.Secrets["chat"].URL; got != url {
			t.Errorf("url = %q, want %q", got, url)
		}
	}
	env := map[string]string{
		EnvGitHubIntegrationID: "7", EnvGitHubWebhookSecret: "s3cret", EnvGitHubPrivateKey: key,
		EnvSecretNames: "chat", "COMMSGATE_SECRET_CHAT_KIND": "slack", "COMMSGATE_SECRET_CHAT_URL": "http://127.0.0.1.example.org/x",
	}
	if _, err := LoadServer("", func(k string) string { return env[k] }); err == nil {
		t.Fatal("a host that only looks like loopback must still need https")
	}
}
