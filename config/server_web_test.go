package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func webEnv(t *testing.T, extra map[string]string) map[string]string {
	return withEnv(map[string]string{
		EnvGitHubIntegrationID: "7",
		EnvGitHubWebhookSecret: "s3cret",
		EnvGitHubPrivateKey:    testPrivateKey(t),
	}, extra)
}

func TestWebUINeedsPublicURLOAuthClientAndSessionKey(t *testing.T) {
	cfg, err := LoadServer("", mapEnv(webEnv(t, nil)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"server.public_url", "github.oauth.client_id", "github.oauth.client_secret", "web.session_key"}
	if got := cfg.WebUIMissing(); !reflect.DeepEqual(got, want) {
		t.Errorf("missing = %v, want %v", got, want)
	}
	cfg, err = LoadServer("", mapEnv(webEnv(t, map[string]string{
		EnvPublicURL: "https://commsgate.example.org", EnvGitHubOAuthID: "Iv1.abc", EnvGitHubOAuthSecret: "shh",
		EnvWebSessionKey: strings.Repeat("k", MinWebSessionKeyLength), EnvWebFeedGenerations: "1234=2, 5678=0",
	})))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.WebUIMissing(); len(got) != 0 {
		t.Errorf("missing = %v, want nothing", got)
	}
	if want := map[int64]int{1234: 2, 5678: 0}; !reflect.DeepEqual(cfg.Web.FeedGenerations, want) {
		t.Errorf("feed generations = %v, want %v", cfg.Web.FeedGenerations, want)
	}
}

func TestWebSettingsErrors(t *testing.T) {
	for name, tt := range map[string]struct {
		env  map[string]string
		file string
		want string
	}{
		"short key": {
			env:  map[string]string{EnvWebSessionKey: "short"},
			want: "config: web.session_key is too short: at least 32 characters (generate one with openssl rand -hex 32) (or set COMMSGATE_WEB_SESSION_KEY)",
		},
		"placeholder key": {
			env:  map[string]string{EnvWebSessionKey: "REPLACE-ME-with-openssl-rand-hex-32-output"},
			want: "config: web.session_key is still the deploy template's REPLACE-ME placeholder: replace it with a random secret of at least 32 characters (openssl rand -hex 32), or nothing to leave the web UI off (or set COMMSGATE_WEB_SESSION_KEY)",
		},
		"bad generations": {
			env:  map[string]string{EnvWebFeedGenerations: "1234"},
			want: `config: COMMSGATE_WEB_FEED_GENERATIONS="1234" is not a list of INSTALLATION_ID=NUMBER pairs such as "1234=2,5678=1" (it sets web.feed_generations)`,
		},
		"negative generation in the file": {
			file: "web:\n  feed_generations:\n    1234: -1\n",
			want: "line 3: web.feed_generations.1234 must map a positive installation id to a number of 0 or more",
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = filepath.Join(t.TempDir(), "serve.yaml")
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := LoadServer(path, mapEnv(webEnv(t, tt.env)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant %s", err, tt.want)
			}
		})
	}
}
