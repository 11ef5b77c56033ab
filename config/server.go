package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"gopkg.in/yaml.v3"
)

// Server is the configuration of `commsgate serve`: where to listen, how to
// reach GitHub as an app, how to log, how many webhook workers to run and
// the secrets publish targets refer to by name. Documented key by key in
// config/SERVER_CONFIG.md.
type Server struct {
	Server Listener `yaml:"server"`
	// Github is go-githubapp's own configuration block, unchanged, so its
	// documentation and GITHUB_* environment names apply as they are.
	Github   githubapp.Config `yaml:"github"`
	Logging  LogSettings      `yaml:"logging"`
	Workers  WorkerPool       `yaml:"workers"`
	Shutdown ShutdownSettings `yaml:"shutdown"`
	Publish  PublishSecrets   `yaml:"publish"`
	Web      WebSettings      `yaml:"web"`
}

// Listener is where the HTTP server listens and how the outside reaches it.
type Listener struct {
	Address string `yaml:"address"`
	Port    int    `yaml:"port"`
	// PublicURL is the address GitHub and people use to reach the server;
	// links in check runs point there. Optional.
	PublicURL string `yaml:"public_url"`
}

// LogSettings choose the log level and format ("json" or "text").
type LogSettings struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// WorkerPool sizes the webhook queue: Count workers take deliveries from a
// queue of QueueSize; a delivery that finds the queue full is answered 503.
type WorkerPool struct {
	Count     int `yaml:"count"`
	QueueSize int `yaml:"queue_size"`
}

// ShutdownSettings bound a graceful stop: queued deliveries get DrainTimeout
// to finish after the listener closes.
type ShutdownSettings struct {
	DrainTimeout time.Duration `yaml:"drain_timeout"`
}

// PublishSecrets hold the credentials of publish targets. Repository policy
// files name a secret; its value only ever lives here.
type PublishSecrets struct {
	Secrets map[string]PublishSecret `yaml:"secrets"`
}

// SecretKind is what sort of channel a publish secret is for.
type SecretKind string

const (
	SecretSMTP    SecretKind = "smtp"
	SecretSlack   SecretKind = "slack"
	SecretWebhook SecretKind = "webhook"
)

// PublishSecret is one named credential. Which fields apply depends on Kind:
// smtp uses Host, Port, Username with Password or Token, Auth, From, TLS
// and CAFile; slack uses URL (an incoming-webhook address); webhook uses
// URL and Secret (the HMAC key the receiver checks).
type PublishSecret struct {
	Kind     SecretKind `yaml:"kind"`
	Host     string     `yaml:"host"`
	Port     int        `yaml:"port"`
	Username string     `yaml:"username"`
	Password string     `yaml:"password"`
	// Token is an OAuth 2.0 access token for SMTP AUTH XOAUTH2.
	Token string `yaml:"token"`
	// Auth is the SMTP AUTH mechanism: "plain", "login" or "xoauth2";
	// empty picks xoauth2 with a token, else PLAIN or LOGIN as offered.
	Auth   string `yaml:"auth"`
	From   string `yaml:"from"`
	URL    string `yaml:"url"`
	Secret string `yaml:"secret"`
	// TLS is how an smtp connection is protected: "starttls" (the
	// default; the server must offer it), "implicit" (SMTPS, the default
	// on port 465) or "none" (plain text, asked for by name, never with
	// credentials).
	TLS string `yaml:"tls"`
	// CAFile is a PEM file of the certificate authorities an smtp relay's
	// certificate must chain to, instead of the system's (a private CA).
	CAFile string `yaml:"ca_file"`
}

// SMTP TLS policies (PublishSecret.TLS), the values handlers/publish takes.
const (
	SMTPStartTLS    = "starttls"
	SMTPImplicitTLS = "implicit"
	SMTPNoTLS       = "none"
)

// SMTP AUTH mechanisms (PublishSecret.Auth), the values handlers/publish
// takes.
const (
	SMTPAuthPlain   = "plain"
	SMTPAuthLogin   = "login"
	SMTPAuthXOAUTH2 = "xoauth2"
)

// Defaults applied before the file and the environment.
const (
	DefaultServerAddress = "0.0.0.0"
	DefaultServerPort    = 8080
	DefaultGitHubWebURL  = "https://github.com"
	DefaultGitHubV3URL   = "https://api.github.com/"
	DefaultGitHubV4URL   = "https://api.github.com/graphql"
	DefaultLogLevel      = "info"
	DefaultLogFormat     = "json"
	DefaultWorkers       = 8
	DefaultQueueSize     = 1000
	DefaultDrainTimeout  = 25 * time.Second
	DefaultSMTPPort      = 587
)

// maxServerConfigBytes keeps a mistaken path (a log file, a binary) from
// being read whole; a real server configuration is a few kilobytes.
const maxServerConfigBytes = 1 << 20

// LoadServer reads the server configuration from the YAML file at path (an
// empty path means environment only), overlays the environment read through
// getenv, applies defaults and validates the result. The error, if any, is a
// single line naming the key to fix, e.g.
// "config: github.app.integration_id is required: the App ID shown on the app's settings page (or set GITHUB_APP_INTEGRATION_ID)".
func LoadServer(path string, getenv func(string) string) (*Server, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg := defaultServer()
	var lines keyLines
	if path != "" {
		data, err := readServerFile(path)
		if err != nil {
			return nil, err
		}
		if lines, err = decodeServerYAML(path, data, cfg); err != nil {
			return nil, err
		}
	}
	if err := applyServerEnv(cfg, getenv); err != nil {
		return nil, err
	}
	normalizeServer(cfg)
	if err := validateServer(cfg); err != nil {
		return nil, placeServerError(err, path, lines, getenv)
	}
	return cfg, nil
}

// Secret finds a publish secret by the name a repository policy uses.
// Names compare case-insensitively with "_" and "-" treated alike, because
// environment variables can only spell "slack-announce" as SLACK_ANNOUNCE.
func (s *Server) Secret(name string) (PublishSecret, bool) {
	if s == nil {
		return PublishSecret{}, false
	}
	sec, ok := s.Publish.Secrets[CanonicalSecretName(name)]
	return sec, ok
}

// ListenAddress is the host:port the HTTP server binds.
func (s *Server) ListenAddress() string {
	return fmt.Sprintf("%s:%d", bracketIPv6(s.Server.Address), s.Server.Port)
}

func bracketIPv6(host string) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		return "[" + host + "]"
	}
	return host
}

func defaultServer() *Server {
	cfg := &Server{
		Server:   Listener{Address: DefaultServerAddress, Port: DefaultServerPort},
		Logging:  LogSettings{Level: DefaultLogLevel, Format: DefaultLogFormat},
		Workers:  WorkerPool{Count: DefaultWorkers, QueueSize: DefaultQueueSize},
		Shutdown: ShutdownSettings{DrainTimeout: DefaultDrainTimeout},
	}
	cfg.Github.WebURL = DefaultGitHubWebURL
	cfg.Github.V3APIURL = DefaultGitHubV3URL
	cfg.Github.V4APIURL = DefaultGitHubV4URL
	return cfg
}

func readServerFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, maxServerConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	if n > maxServerConfigBytes {
		return nil, fmt.Errorf("config: %s is larger than 1 MiB; is it the right file?", path)
	}
	return buf.Bytes(), nil
}

// decodeServerYAML checks every key against the known ones first, so a typo
// is reported with its line and full key path rather than as a Go type name,
// then decodes. It returns the line of every key, for validation errors.
func decodeServerYAML(path string, data []byte, cfg *Server) (keyLines, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("config: %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil, nil // an empty file sets nothing
	}
	lines := keyLines{}
	if err := checkServerKeys(path, root.Content[0], lines); err != nil {
		return nil, err
	}
	if err := root.Content[0].Decode(cfg); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return nil, fmt.Errorf("config: %s: %s", path, describeServerTypeError(te.Errors[0]))
		}
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return lines, nil
}

// describeServerTypeError turns yaml.v3's "line 3: cannot unmarshal !!str
// `abc` into int" into words about the value rather than Go types.
func describeServerTypeError(msg string) string {
	if i := strings.Index(msg, "cannot unmarshal"); i >= 0 {
		line := strings.TrimSuffix(strings.TrimSpace(msg[:i]), ":")
		rest := msg[i:]
		want := "a different kind of value"
		switch {
		case strings.HasSuffix(rest, "into int"), strings.HasSuffix(rest, "into int64"):
			want = "a whole number"
		case strings.HasSuffix(rest, "time.Duration"):
			want = `a duration such as "25s" or "2m"`
		case strings.Contains(rest, "into map"), strings.Contains(rest, "into config."), strings.Contains(rest, "into struct"):
			want = "a mapping of keys"
		case strings.HasSuffix(rest, "into string"), strings.HasSuffix(rest, "into config.SecretKind"):
			want = "a single text value"
		}
		return fmt.Sprintf("%s: expected %s", line, want)
	}
	return msg
}
