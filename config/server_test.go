package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
)

var (
	testKeyOnce sync.Once
	testKeyPEM  string
)

// testPrivateKey is an RSA key made for this test run only.
func testPrivateKey(t *testing.T) string {
	t.Helper()
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	})
	return testKeyPEM
}

func testECKey(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// testCertificatePEM is a self-signed certificate, as a private CA file
// would hold.
func testCertificatePEM(t *testing.T) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// withEnv returns a copy of base with overrides applied; "" deletes.
func withEnv(base map[string]string, overrides map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(overrides))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range overrides {
		if v == "" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

func TestLoadServerFullFile(t *testing.T) {
	key := testPrivateKey(t)
	cfg, err := LoadServer(filepath.Join("testdata", "server", "full.yaml"), mapEnv(map[string]string{
		EnvGitHubPrivateKey: key,
	}))
	if err != nil {
		t.Fatalf("LoadServer: %v", err)
	}
	want := &Server{
		Server:   Listener{Address: "127.0.0.1", Port: 9090, PublicURL: "https://gate.example.test"},
		Logging:  LogSettings{Level: "debug", Format: "text"},
		Workers:  WorkerPool{Count: 3, QueueSize: 50},
		Shutdown: ShutdownSettings{DrainTimeout: 40 * time.Second},
		Publish: PublishSecrets{Secrets: map[string]PublishSecret{
			"mail": {Kind: SecretSMTP, Host: "smtp.example.test", Port: DefaultSMTPPort, Username: "robot",
				Password: "hunter2", From: "Project Announcements <announce@example.test>", TLS: SMTPStartTLS},
			"slack-announce": {Kind: SecretSlack, URL: "https://hooks.slack.example.test/services/T0/B0/xyz"},
			"status-page":    {Kind: SecretWebhook, URL: "https://status.example.test/hook", Secret: "shared-hmac-key"},
		}},
	}
	want.Github.WebURL = "https://github.example.test"
	want.Github.V3APIURL = "https://github.example.test/api/v3/"
	want.Github.V4APIURL = "https://github.example.test/api/graphql"
	want.Github.App.IntegrationID = 4242
	want.Github.App.WebhookSecret = "file-hook-secret"
	want.Github.App.PrivateKey = strings.TrimSpace(key)
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config differs\n got: %+v\nwant: %+v", cfg, want)
	}
	if got := cfg.ListenAddress(); got != "127.0.0.1:9090" {
		t.Errorf("ListenAddress = %q, want 127.0.0.1:9090", got)
	}
	// Repository policies may spell a secret with _ or -, in any case.
	for _, name := range []string{"status-page", "status_page", "STATUS_PAGE"} {
		if sec, ok := cfg.Secret(name); !ok || sec.Kind != SecretWebhook {
			t.Errorf("Secret(%q) = %+v, %v; want the webhook secret", name, sec, ok)
		}
	}
	if _, ok := cfg.Secret("nope"); ok {
		t.Errorf("Secret(nope) found a secret that is not configured")
	}
}

func TestLoadServerDefaultsAndEnvOnly(t *testing.T) {
	key := testPrivateKey(t)
	cfg, err := LoadServer("", mapEnv(map[string]string{
		EnvGitHubIntegrationID: "99",
		EnvGitHubWebhookSecret: "env-secret",
		// A key pasted into one line with literal \n escapes still loads.
		EnvGitHubPrivateKey: strings.ReplaceAll(key, "\n", `\n`),
	}))
	if err != nil {
		t.Fatalf("LoadServer: %v", err)
	}
	if cfg.Github.App.IntegrationID != 99 || cfg.Github.App.WebhookSecret != "env-secret" {
		t.Errorf("app settings from env not applied: %+v", cfg.Github.App)
	}
	if cfg.Github.App.PrivateKey != strings.TrimSpace(key) {
		t.Errorf("escaped private key was not restored to PEM")
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"address", cfg.Server.Address, DefaultServerAddress},
		{"port", cfg.Server.Port, DefaultServerPort},
		{"web_url", cfg.Github.WebURL, DefaultGitHubWebURL},
		{"v3", cfg.Github.V3APIURL, DefaultGitHubV3URL},
		{"v4", cfg.Github.V4APIURL, DefaultGitHubV4URL},
		{"level", cfg.Logging.Level, DefaultLogLevel},
		{"format", cfg.Logging.Format, DefaultLogFormat},
		{"workers", cfg.Workers.Count, DefaultWorkers},
		{"queue", cfg.Workers.QueueSize, DefaultQueueSize},
		{"drain", cfg.Shutdown.DrainTimeout, DefaultDrainTimeout},
		{"secrets", len(cfg.Publish.Secrets), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want default %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadServerEnvOverridesFile(t *testing.T) {
	cfg, err := LoadServer(filepath.Join("testdata", "server", "full.yaml"), mapEnv(map[string]string{
		EnvGitHubPrivateKey:    testPrivateKey(t),
		EnvGitHubWebhookSecret: "from-env",
		EnvGitHubV3APIURL:      "https://api.override.test/",
		EnvServerAddress:       "::1",
		EnvServerPort:          "7070",
		EnvPublicURL:           "https://other.example.test",
		EnvLogLevel:            "warn",
		EnvLogFormat:           "json",
		EnvWorkers:             "5",
		EnvQueueSize:           "0",
		EnvDrainTimeout:        "1m",
		// Overrides a field of a secret named in the file…
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_URL": "https://hooks.slack.example.test/rotated",
		"COMMSGATE_SECRET_MAIL_PORT":          "2525",
		// …and defines one the file does not mention.
		EnvSecretNames:                     "pager, mail,SMTPS",
		"COMMSGATE_SECRET_SMTPS_KIND":      "smtp",
		"COMMSGATE_SECRET_SMTPS_HOST":      "mail.example.test",
		"COMMSGATE_SECRET_SMTPS_PORT":      "465",
		"COMMSGATE_SECRET_SMTPS_FROM":      "a@example.test",
		"COMMSGATE_SECRET_PAGER_KIND":      "webhook",
		"COMMSGATE_SECRET_PAGER_URL":       "http://pager.internal:8080/hook",
		"COMMSGATE_SECRET_PAGER_SECRET":    "pager-hmac",
		"COMMSGATE_SECRET_UNLISTED_KIND":   "slack", // not listed: ignored
		"COMMSGATE_SECRET_UNLISTED_URL":    "https://hooks.slack.example.test/u",
		"COMMSGATE_SECRET_STATUS_PAGE_URL": "https://status.example.test/v2",
	}))
	if err != nil {
		t.Fatalf("LoadServer: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"webhook secret", cfg.Github.App.WebhookSecret, "from-env"},
		{"integration id kept from file", cfg.Github.App.IntegrationID, int64(4242)},
		{"v3", cfg.Github.V3APIURL, "https://api.override.test/"},
		{"address", cfg.Server.Address, "::1"},
		{"listen", cfg.ListenAddress(), "[::1]:7070"},
		{"public url", cfg.Server.PublicURL, "https://other.example.test"},
		{"level", cfg.Logging.Level, "warn"},
		{"format", cfg.Logging.Format, "json"},
		{"workers", cfg.Workers.Count, 5},
		{"queue", cfg.Workers.QueueSize, 0},
		{"drain", cfg.Shutdown.DrainTimeout, time.Minute},
		{"slack url", cfg.Publish.Secrets["slack-announce"].URL, "https://hooks.slack.example.test/rotated"},
		{"mail port", cfg.Publish.Secrets["mail"].Port, 2525},
		{"mail host kept", cfg.Publish.Secrets["mail"].Host, "smtp.example.test"},
		{"mail tls default", cfg.Publish.Secrets["mail"].TLS, SMTPStartTLS},
		{"smtps on 465", cfg.Publish.Secrets["smtps"], PublishSecret{Kind: SecretSMTP, Host: "mail.example.test", Port: 465, From: "a@example.test", TLS: SMTPImplicitTLS}},
		{"pager", cfg.Publish.Secrets["pager"], PublishSecret{Kind: SecretWebhook, URL: "http://pager.internal:8080/hook", Secret: "pager-hmac"}},
		{"status page", cfg.Publish.Secrets["status-page"].URL, "https://status.example.test/v2"},
		{"secret count", len(cfg.Publish.Secrets), 5},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestGitHubEnvNamesMatchGoGitHubApp guards against the names drifting from
// go-githubapp's: an operator who follows its documentation must get the
// same configuration from commsgate.
func TestGitHubEnvNamesMatchGoGitHubApp(t *testing.T) {
	key := testPrivateKey(t)
	env := map[string]string{
		EnvGitHubWebURL:        "https://ghe.example.test",
		EnvGitHubV3APIURL:      "https://ghe.example.test/api/v3/",
		EnvGitHubV4APIURL:      "https://ghe.example.test/api/graphql",
		EnvGitHubIntegrationID: "31337",
		EnvGitHubWebhookSecret: "whsec",
		EnvGitHubPrivateKey:    key,
		EnvGitHubOAuthID:       "oauth-id",
		EnvGitHubOAuthSecret:   "oauth-secret",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var theirs githubapp.Config
	theirs.SetValuesFromEnv("")

	cfg, err := LoadServer("", os.Getenv)
	if err != nil {
		t.Fatalf("LoadServer: %v", err)
	}
	theirs.App.PrivateKey = strings.TrimSpace(theirs.App.PrivateKey)
	if !reflect.DeepEqual(cfg.Github, theirs) {
		t.Errorf("commsgate read the GITHUB_* variables differently from go-githubapp\n ours: %+v\ntheirs: %+v", cfg.Github, theirs)
	}
}

// smtpEnv is a valid smtp secret "mail" from the environment, with
// overrides.
func smtpEnv(overrides map[string]string) map[string]string {
	return withEnv(map[string]string{EnvSecretNames: "mail", "COMMSGATE_SECRET_MAIL_KIND": "smtp",
		"COMMSGATE_SECRET_MAIL_HOST": "smtp.example.test", "COMMSGATE_SECRET_MAIL_FROM": "a@example.test"}, overrides)
}

func TestLoadServerSMTPSecrets(t *testing.T) {
	base := map[string]string{
		EnvGitHubIntegrationID: "7", EnvGitHubWebhookSecret: "s", EnvGitHubPrivateKey: testPrivateKey(t),
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, testCertificatePEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want PublishSecret
	}{
		{"plain text on purpose, unauthenticated", smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_TLS": "None", "COMMSGATE_SECRET_MAIL_PORT": "25"}),
			PublishSecret{Kind: SecretSMTP, Host: "smtp.example.test", Port: 25, From: "a@example.test", TLS: SMTPNoTLS}},
		{"xoauth2 chosen by the token", smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_USERNAME": "bot@example.test", "COMMSGATE_SECRET_MAIL_TOKEN": "ya29.x"}),
			PublishSecret{Kind: SecretSMTP, Host: "smtp.example.test", Port: DefaultSMTPPort, From: "a@example.test", TLS: SMTPStartTLS, Username: "bot@example.test", Token: "ya29.x"}},
		{"login named, private CA", smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_USERNAME": "robot", "COMMSGATE_SECRET_MAIL_PASSWORD": "p",
			"COMMSGATE_SECRET_MAIL_AUTH": "LOGIN", "COMMSGATE_SECRET_MAIL_CA_FILE": caFile}),
			PublishSecret{Kind: SecretSMTP, Host: "smtp.example.test", Port: DefaultSMTPPort, From: "a@example.test", TLS: SMTPStartTLS,
				Username: "robot", Password: "p", Auth: SMTPAuthLogin, CAFile: caFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadServer("", mapEnv(withEnv(base, tt.env)))
			if err != nil {
				t.Fatalf("LoadServer: %v", err)
			}
			if got := cfg.Publish.Secrets["mail"]; got != tt.want {
				t.Errorf("secret = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLoadServerErrors(t *testing.T) {
	key := testPrivateKey(t)
	valid := map[string]string{
		EnvGitHubIntegrationID: "7",
		EnvGitHubWebhookSecret: "s3cret",
		EnvGitHubPrivateKey:    key,
	}
	tests := []struct {
		name string
		file string // under testdata/server; "" for environment only
		env  map[string]string
		want string // the whole one-line message
	}{
		{
			name: "integration id missing",
			env:  withEnv(valid, map[string]string{EnvGitHubIntegrationID: ""}),
			want: "config: github.app.integration_id is required: the App ID shown on the app's settings page (or set GITHUB_APP_INTEGRATION_ID)",
		},
		{
			name: "integration id negative",
			env:  withEnv(valid, map[string]string{EnvGitHubIntegrationID: "-3"}),
			want: "config: github.app.integration_id must be the app's positive numeric ID (shown on the app's settings page) (or set GITHUB_APP_INTEGRATION_ID)",
		},
		{
			name: "integration id not a number",
			env:  withEnv(valid, map[string]string{EnvGitHubIntegrationID: "abc"}),
			want: `config: GITHUB_APP_INTEGRATION_ID="abc" is not a whole number (it sets github.app.integration_id)`,
		},
		{
			name: "webhook secret missing",
			env:  withEnv(valid, map[string]string{EnvGitHubWebhookSecret: ""}),
			want: "config: github.app.webhook_secret is required: without it webhook signatures cannot be checked (or set GITHUB_APP_WEBHOOK_SECRET)",
		},
		{
			name: "private key missing",
			env:  withEnv(valid, map[string]string{EnvGitHubPrivateKey: ""}),
			want: "config: github.app.private_key is required (or set GITHUB_APP_PRIVATE_KEY)",
		},
		{
			name: "private key not PEM",
			env:  withEnv(valid, map[string]string{EnvGitHubPrivateKey: "ghp_notakey"}),
			want: "config: github.app.private_key is not a PEM block (it should start with -----BEGIN RSA PRIVATE KEY-----, as downloaded from the app's settings) (or set GITHUB_APP_PRIVATE_KEY)",
		},
		{
			name: "private key not RSA",
			env:  withEnv(valid, map[string]string{EnvGitHubPrivateKey: testECKey(t)}),
			want: "config: github.app.private_key is not an RSA key (GitHub app keys are RSA) (or set GITHUB_APP_PRIVATE_KEY)",
		},
		{
			name: "private key garbage inside PEM",
			env: withEnv(valid, map[string]string{EnvGitHubPrivateKey: string(pem.EncodeToMemory(&pem.Block{
				Type: "RSA PRIVATE KEY", Bytes: []byte("not der")}))}),
			want: `config: github.app.private_key is a PEM "RSA PRIVATE KEY" block that does not hold a readable private key (or set GITHUB_APP_PRIVATE_KEY)`,
		},
		{
			name: "api url not a url",
			env:  withEnv(valid, map[string]string{EnvGitHubV3APIURL: "api.github.com"}),
			want: `config: github.v3_api_url must be an http:// or https:// URL, not "api.github.com" (or set GITHUB_V3_API_URL)`,
		},
		{
			name: "port out of range",
			env:  withEnv(valid, map[string]string{EnvServerPort: "80800"}),
			want: "config: server.port must be between 1 and 65535, not 80800 (or set COMMSGATE_SERVER_PORT)",
		},
		{
			name: "port not a number",
			env:  withEnv(valid, map[string]string{EnvServerPort: "http"}),
			want: `config: COMMSGATE_SERVER_PORT="http" is not a whole number (it sets server.port)`,
		},
		{
			name: "public url without scheme",
			env:  withEnv(valid, map[string]string{EnvPublicURL: "gate.example.test"}),
			want: `config: server.public_url must be an http:// or https:// URL, not "gate.example.test" (or set COMMSGATE_PUBLIC_URL)`,
		},
		{
			name: "log level",
			env:  withEnv(valid, map[string]string{EnvLogLevel: "verbose"}),
			want: `config: logging.level must be one of trace, debug, info, warn, error, not "verbose" (or set COMMSGATE_LOG_LEVEL)`,
		},
		{
			name: "log format",
			env:  withEnv(valid, map[string]string{EnvLogFormat: "xml"}),
			want: `config: logging.format must be json or text, not "xml" (or set COMMSGATE_LOG_FORMAT)`,
		},
		{
			name: "zero workers",
			env:  withEnv(valid, map[string]string{EnvWorkers: "0"}),
			want: "config: workers.count must be between 1 and 256, not 0 (or set COMMSGATE_WORKERS)",
		},
		{
			name: "negative queue",
			env:  withEnv(valid, map[string]string{EnvQueueSize: "-1"}),
			want: "config: workers.queue_size must be between 0 and 100000, not -1 (or set COMMSGATE_QUEUE_SIZE)",
		},
		{
			name: "drain timeout unparsable",
			env:  withEnv(valid, map[string]string{EnvDrainTimeout: "soon"}),
			want: `config: COMMSGATE_DRAIN_TIMEOUT="soon" is not a duration such as "25s" (it sets shutdown.drain_timeout)`,
		},
		{
			name: "drain timeout too long",
			env:  withEnv(valid, map[string]string{EnvDrainTimeout: "1h"}),
			want: "config: shutdown.drain_timeout must be more than 0s and at most 10m0s, not 1h0m0s (or set COMMSGATE_DRAIN_TIMEOUT)",
		},
		{
			name: "secret without kind",
			env:  withEnv(valid, map[string]string{EnvSecretNames: "pager", "COMMSGATE_SECRET_PAGER_URL": "https://p.example.test"}),
			want: "config: publish.secrets.pager.kind is required: smtp, slack or webhook (or set COMMSGATE_SECRET_PAGER_KIND)",
		},
		{
			name: "secret of unknown kind",
			env:  withEnv(valid, map[string]string{EnvSecretNames: "pager", "COMMSGATE_SECRET_PAGER_KIND": "fax"}),
			want: `config: publish.secrets.pager.kind must be smtp, slack or webhook, not "fax" (or set COMMSGATE_SECRET_PAGER_KIND)`,
		},
		{
			name: "slack over plain http",
			env: withEnv(valid, map[string]string{EnvSecretNames: "chat", "COMMSGATE_SECRET_CHAT_KIND": "slack",
				"COMMSGATE_SECRET_CHAT_URL": "http://hooks.slack.example.test/x"}),
			want: `config: publish.secrets.chat.url must be an https:// URL, not "http://hooks.slack.example.test/x" (or set COMMSGATE_SECRET_CHAT_URL)`,
		},
		{
			name: "webhook without url",
			env:  withEnv(valid, map[string]string{EnvSecretNames: "status", "COMMSGATE_SECRET_STATUS_KIND": "webhook"}),
			want: "config: publish.secrets.status.url is required for a webhook secret (or set COMMSGATE_SECRET_STATUS_URL)",
		},
		{
			name: "smtp without from",
			env: withEnv(valid, map[string]string{EnvSecretNames: "mail", "COMMSGATE_SECRET_MAIL_KIND": "smtp",
				"COMMSGATE_SECRET_MAIL_HOST": "smtp.example.test"}),
			want: `config: publish.secrets.mail.from is required for an smtp secret, e.g. "Announcements <announce@example.org>" (or set COMMSGATE_SECRET_MAIL_FROM)`,
		},
		{
			name: "smtp with a bad from",
			env: withEnv(valid, map[string]string{EnvSecretNames: "mail", "COMMSGATE_SECRET_MAIL_KIND": "smtp",
				"COMMSGATE_SECRET_MAIL_HOST": "smtp.example.test", "COMMSGATE_SECRET_MAIL_FROM": "announce at example"}),
			want: `config: publish.secrets.mail.from is not an email address such as "Announcements <announce@example.org>": "announce at example" (or set COMMSGATE_SECRET_MAIL_FROM)`,
		},
		{
			name: "smtp username without password",
			env: withEnv(valid, map[string]string{EnvSecretNames: "mail", "COMMSGATE_SECRET_MAIL_KIND": "smtp",
				"COMMSGATE_SECRET_MAIL_HOST": "smtp.example.test", "COMMSGATE_SECRET_MAIL_FROM": "a@example.test",
				"COMMSGATE_SECRET_MAIL_USERNAME": "robot"}),
			want: "config: publish.secrets.mail.password and username must be set together, or token for auth xoauth2 (or none of them for an unauthenticated relay) (or set COMMSGATE_SECRET_MAIL_PASSWORD)",
		},
		{
			name: "smtp with an unknown tls policy",
			env: withEnv(valid, map[string]string{EnvSecretNames: "mail", "COMMSGATE_SECRET_MAIL_KIND": "smtp",
				"COMMSGATE_SECRET_MAIL_HOST": "smtp.example.test", "COMMSGATE_SECRET_MAIL_FROM": "a@example.test",
				"COMMSGATE_SECRET_MAIL_TLS": "ssl"}),
			want: `config: publish.secrets.mail.tls must be starttls, implicit or none, not "ssl" (or set COMMSGATE_SECRET_MAIL_TLS)`,
		},
		{
			name: "smtp with the retired opportunistic policy",
			env:  withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_TLS": "Opportunistic"})),
			want: `config: publish.secrets.mail.tls is "opportunistic", which is no longer accepted: it fell back to plain text whenever STARTTLS was missing, which anyone on the path can arrange. Use starttls (the relay must offer it), implicit (SMTPS), or none to send in plain text on purpose (no credentials) (or set COMMSGATE_SECRET_MAIL_TLS)`,
		},
		{
			name: "smtp in plain text with a password",
			env: withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_TLS": "none",
				"COMMSGATE_SECRET_MAIL_USERNAME": "robot", "COMMSGATE_SECRET_MAIL_PASSWORD": "hunter2"})),
			want: "config: publish.secrets.mail.tls is none, which sends in plain text, so it cannot go with username, password or token: credentials are never sent without TLS. Use starttls or implicit, or drop the credentials (an unauthenticated relay) (or set COMMSGATE_SECRET_MAIL_TLS)",
		},
		{
			name: "smtp in plain text with a password, from the file, at its line",
			file: "smtp-plaintext-credentials.yaml",
			env:  valid,
			want: "config: testdata/server/smtp-plaintext-credentials.yaml line 14: publish.secrets.relay-internal.tls is none, which sends in plain text, so it cannot go with username, password or token: credentials are never sent without TLS. Use starttls or implicit, or drop the credentials (an unauthenticated relay) (or set COMMSGATE_SECRET_RELAY_INTERNAL_TLS)",
		},
		{
			name: "smtp in plain text with a ca file",
			env:  withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_TLS": "none", "COMMSGATE_SECRET_MAIL_CA_FILE": "ca.pem"})),
			want: "config: publish.secrets.mail.ca_file applies only with tls starttls or implicit (or set COMMSGATE_SECRET_MAIL_CA_FILE)",
		},
		{
			name: "smtp with an unknown auth mechanism",
			env: withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_AUTH": "cram-md5",
				"COMMSGATE_SECRET_MAIL_USERNAME": "robot", "COMMSGATE_SECRET_MAIL_PASSWORD": "hunter2"})),
			want: `config: publish.secrets.mail.auth must be plain, login or xoauth2 (or left out to choose from what the relay offers), not "cram-md5" (or set COMMSGATE_SECRET_MAIL_AUTH)`,
		},
		{
			name: "smtp xoauth2 without a token",
			env: withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_AUTH": "xoauth2",
				"COMMSGATE_SECRET_MAIL_USERNAME": "robot", "COMMSGATE_SECRET_MAIL_PASSWORD": "hunter2"})),
			want: "config: publish.secrets.mail.token is required with auth xoauth2: an OAuth 2.0 access token (or set COMMSGATE_SECRET_MAIL_TOKEN)",
		},
		{
			name: "smtp login without a password",
			env: withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_AUTH": "login",
				"COMMSGATE_SECRET_MAIL_USERNAME": "robot", "COMMSGATE_SECRET_MAIL_TOKEN": "ya29.x"})),
			want: "config: publish.secrets.mail.password is required with auth login (or set COMMSGATE_SECRET_MAIL_PASSWORD)",
		},
		{
			name: "smtp with both password and token",
			env: withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_USERNAME": "robot",
				"COMMSGATE_SECRET_MAIL_PASSWORD": "hunter2", "COMMSGATE_SECRET_MAIL_TOKEN": "ya29.x"})),
			want: "config: publish.secrets.mail.token and password are both set: use password (PLAIN, LOGIN) or token (XOAUTH2), not both (or set COMMSGATE_SECRET_MAIL_TOKEN)",
		},
		{
			name: "smtp token without username",
			env:  withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_TOKEN": "ya29.x"})),
			want: "config: publish.secrets.mail.username is required with a password or token (or set COMMSGATE_SECRET_MAIL_USERNAME)",
		},
		{
			name: "smtp with an unreadable ca file",
			env:  withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_CA_FILE": "testdata/server/absent-ca.pem"})),
			want: "config: publish.secrets.mail.ca_file cannot be read: open testdata/server/absent-ca.pem: no such file or directory (or set COMMSGATE_SECRET_MAIL_CA_FILE)",
		},
		{
			name: "smtp with a ca file that is no certificate",
			env:  withEnv(valid, smtpEnv(map[string]string{"COMMSGATE_SECRET_MAIL_CA_FILE": "testdata/server/minimal.yaml"})),
			want: "config: publish.secrets.mail.ca_file testdata/server/minimal.yaml holds no PEM certificate (or set COMMSGATE_SECRET_MAIL_CA_FILE)",
		},
		{
			name: "webhook with a malformed standard secret",
			env: withEnv(valid, map[string]string{EnvSecretNames: "status", "COMMSGATE_SECRET_STATUS_KIND": "webhook",
				"COMMSGATE_SECRET_STATUS_URL": "https://status.example.test/hook", "COMMSGATE_SECRET_STATUS_SECRET": "whsec_not base64"}),
			want: `config: publish.secrets.status.secret starts with "whsec_" but the rest is not the base64 of a key (Standard Webhooks secrets are "whsec_" and base64) (or set COMMSGATE_SECRET_STATUS_SECRET)`,
		},
		{
			name: "token on a webhook secret",
			env: withEnv(valid, map[string]string{EnvSecretNames: "status", "COMMSGATE_SECRET_STATUS_KIND": "webhook",
				"COMMSGATE_SECRET_STATUS_URL": "https://status.example.test/hook", "COMMSGATE_SECRET_STATUS_TOKEN": "x"}),
			want: "config: publish.secrets.status.token applies only to smtp secrets (or set COMMSGATE_SECRET_STATUS_TOKEN)",
		},
		{
			name: "tls on a slack secret",
			env: withEnv(valid, map[string]string{EnvSecretNames: "chat", "COMMSGATE_SECRET_CHAT_KIND": "slack",
				"COMMSGATE_SECRET_CHAT_URL": "https://hooks.slack.example.test/x", "COMMSGATE_SECRET_CHAT_TLS": "implicit"}),
			want: "config: publish.secrets.chat.tls applies only to smtp secrets (or set COMMSGATE_SECRET_CHAT_TLS)",
		},
		{
			name: "secret name with a dot",
			env:  withEnv(valid, map[string]string{EnvSecretNames: "a.b"}),
			want: "config: publish.secrets.a.b: a secret name is letters, digits, - and _ (at most 63), as repository policies refer to it",
		},
		{
			name: "unknown key with line",
			file: "typo.yaml",
			env:  valid,
			want: "config: testdata/server/typo.yaml line 3: unknown key server.prot (known keys here: address, port, public_url)",
		},
		{
			name: "unknown key inside a secret",
			file: "typo-secret.yaml",
			env:  valid,
			want: "config: testdata/server/typo-secret.yaml line 9: unknown key publish.secrets.slack-announce.hook (known keys here: auth, ca_file, from, host, kind, password, port, secret, tls, token, url, username)",
		},
		{
			name: "wrong type with line",
			file: "wrong-type.yaml",
			env:  valid,
			want: "config: testdata/server/wrong-type.yaml: line 6: expected a whole number",
		},
		{
			name: "bad duration with line",
			file: "bad-duration.yaml",
			env:  valid,
			want: `config: testdata/server/bad-duration.yaml: line 6: expected a duration such as "25s" or "2m"`,
		},
		{
			name: "not yaml",
			file: "not-yaml.yaml",
			env:  valid,
			want: "config: testdata/server/not-yaml.yaml: line 1: did not find expected ',' or ']'",
		},
		{
			name: "section is not a mapping",
			file: "section-not-mapping.yaml",
			env:  valid,
			want: "config: testdata/server/section-not-mapping.yaml line 1: server must be a mapping of keys",
		},
		{
			name: "two spellings of one secret",
			file: "duplicate-secret.yaml",
			env:  valid,
			want: "config: publish.secrets.slack-announce and publish.secrets.slack_announce name the same secret (names ignore case and treat _ and - alike); rename one",
		},
		{
			name: "missing file",
			file: "absent.yaml",
			env:  valid,
			want: "config: read testdata/server/absent.yaml: open testdata/server/absent.yaml: no such file or directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = "testdata/server/" + tt.file
			}
			cfg, err := LoadServer(path, mapEnv(tt.env))
			if err == nil {
				t.Fatalf("LoadServer succeeded with %+v; want error %q", cfg, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines; start-up must print one: %q", err)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY-----\n") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}
}

func TestLoadServerFileOnlyWithInlineKey(t *testing.T) {
	key := testPrivateKey(t)
	data, err := os.ReadFile(filepath.Join("testdata", "server", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	indented := "    private_key: |\n      " + strings.ReplaceAll(strings.TrimSpace(key), "\n", "\n      ") + "\n"
	path := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(path, append(data, indented...), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadServer(path, mapEnv(nil))
	if err != nil {
		t.Fatalf("LoadServer: %v", err)
	}
	if cfg.Github.App.IntegrationID != 7 || cfg.Github.App.PrivateKey != strings.TrimSpace(key) {
		t.Errorf("inline key not loaded: id %d, key %d bytes", cfg.Github.App.IntegrationID, len(cfg.Github.App.PrivateKey))
	}
}
