package config

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Bounds that catch typos (a port of 80800, ten thousand workers) before
// they become a confusing runtime failure.
const (
	maxServerWorkers   = 256
	maxServerQueueSize = 100000
	maxDrainTimeout    = 10 * time.Minute
)

// serverSecretNamePattern matches the names repository policies may use
// (config.secretPattern) after canonicalisation.
var serverSecretNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// normalizeServer tidies values whose spelling does not matter.
func normalizeServer(cfg *Server) {
	cfg.Logging.Level = strings.ToLower(strings.TrimSpace(cfg.Logging.Level))
	cfg.Logging.Format = strings.ToLower(strings.TrimSpace(cfg.Logging.Format))
	cfg.Server.Address = strings.TrimSpace(cfg.Server.Address)
	// A PEM pasted into one environment variable often arrives with its line
	// breaks written as the two characters \n.
	key := cfg.Github.App.PrivateKey
	if !strings.Contains(key, "\n") && strings.Contains(key, `\n`) {
		key = strings.ReplaceAll(key, `\n`, "\n")
	}
	cfg.Github.App.PrivateKey = strings.TrimSpace(key)
	for name, sec := range cfg.Publish.Secrets {
		sec.Kind = SecretKind(strings.ToLower(strings.TrimSpace(string(sec.Kind))))
		sec.TLS = strings.ToLower(strings.TrimSpace(sec.TLS))
		sec.Auth = strings.ToLower(strings.TrimSpace(sec.Auth))
		if sec.Kind == SecretSMTP {
			if sec.Port == 0 {
				sec.Port = DefaultSMTPPort
			}
			if sec.TLS == "" {
				sec.TLS = SMTPStartTLS
				if sec.Port == 465 {
					sec.TLS = SMTPImplicitTLS // port 465 is SMTPS by convention
				}
			}
		}
		cfg.Publish.Secrets[name] = sec
	}
}

// validateServer returns the first problem, as one line naming the key and,
// where there is one, the environment variable that sets it.
func validateServer(cfg *Server) error {
	// First, so a template's placeholder is named as one rather than as,
	// say, a private key that is not PEM.
	if err := checkPlaceholders(cfg); err != nil {
		return err
	}
	app := cfg.Github.App
	if app.IntegrationID <= 0 {
		if app.IntegrationID < 0 {
			return serverKeyError("github.app.integration_id", EnvGitHubIntegrationID, "must be the app's positive numeric ID (shown on the app's settings page)")
		}
		return serverKeyError("github.app.integration_id", EnvGitHubIntegrationID, "is required: the App ID shown on the app's settings page")
	}
	if app.WebhookSecret == "" {
		return serverKeyError("github.app.webhook_secret", EnvGitHubWebhookSecret, "is required: without it webhook signatures cannot be checked")
	}
	if app.PrivateKey == "" {
		return serverKeyError("github.app.private_key", EnvGitHubPrivateKey, "is required")
	}
	if err := checkRSAPrivateKey(app.PrivateKey); err != nil {
		return serverKeyError("github.app.private_key", EnvGitHubPrivateKey, err.Error())
	}
	for _, u := range []struct{ key, env, value string }{
		{"github.web_url", EnvGitHubWebURL, cfg.Github.WebURL},
		{"github.v3_api_url", EnvGitHubV3APIURL, cfg.Github.V3APIURL},
		{"github.v4_api_url", EnvGitHubV4APIURL, cfg.Github.V4APIURL},
	} {
		if err := checkServerURL(u.value, false); err != nil {
			return serverKeyError(u.key, u.env, err.Error())
		}
	}

	if cfg.Server.Address == "" {
		return serverKeyError("server.address", EnvServerAddress, `must not be empty (use "0.0.0.0" for every interface)`)
	}
	if cfg.Server.Port < 1 || cfg.Server.Port > 65535 {
		return serverKeyError("server.port", EnvServerPort, fmt.Sprintf("must be between 1 and 65535, not %d", cfg.Server.Port))
	}
	if cfg.Server.PublicURL != "" {
		if err := checkServerURL(cfg.Server.PublicURL, false); err != nil {
			return serverKeyError("server.public_url", EnvPublicURL, err.Error())
		}
	}

	switch cfg.Logging.Level {
	case "trace", "debug", "info", "warn", "error":
	default:
		return serverKeyError("logging.level", EnvLogLevel, fmt.Sprintf("must be one of trace, debug, info, warn, error, not %q", cfg.Logging.Level))
	}
	switch cfg.Logging.Format {
	case "json", "text":
	default:
		return serverKeyError("logging.format", EnvLogFormat, fmt.Sprintf("must be json or text, not %q", cfg.Logging.Format))
	}

	if cfg.Workers.Count < 1 || cfg.Workers.Count > maxServerWorkers {
		return serverKeyError("workers.count", EnvWorkers, fmt.Sprintf("must be between 1 and %d, not %d", maxServerWorkers, cfg.Workers.Count))
	}
	if cfg.Workers.QueueSize < 0 || cfg.Workers.QueueSize > maxServerQueueSize {
		return serverKeyError("workers.queue_size", EnvQueueSize, fmt.Sprintf("must be between 0 and %d, not %d", maxServerQueueSize, cfg.Workers.QueueSize))
	}
	if cfg.Shutdown.DrainTimeout <= 0 || cfg.Shutdown.DrainTimeout > maxDrainTimeout {
		return serverKeyError("shutdown.drain_timeout", EnvDrainTimeout, fmt.Sprintf("must be more than 0s and at most %s, not %s", maxDrainTimeout, cfg.Shutdown.DrainTimeout))
	}
	if err := validateWeb(cfg.Web); err != nil {
		return err
	}
	return validateSecrets(cfg.Publish.Secrets)
}

func validateSecrets(secrets map[string]PublishSecret) error {
	names := make([]string, 0, len(secrets))
	for name := range secrets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sec := secrets[name]
		key := "publish.secrets." + name
		env := EnvSecretPrefix + secretEnvName(name) + "_"
		if !serverSecretNamePattern.MatchString(name) {
			return fmt.Errorf("config: %s: a secret name is letters, digits, - and _ (at most 63), as repository policies refer to it", key)
		}
		switch sec.Kind {
		case "":
			return serverKeyError(key+".kind", env+"KIND", "is required: smtp, slack or webhook")
		case SecretSMTP:
			if err := validateSMTPSecret(sec, key, env); err != nil {
				return err
			}
		case SecretSlack:
			if err := noSMTPFields(sec, key, env); err != nil {
				return err
			}
			if sec.URL == "" {
				return serverKeyError(key+".url", env+"URL", "is required: the Slack incoming-webhook address")
			}
			if err := checkServerURL(sec.URL, true); err != nil {
				return serverKeyError(key+".url", env+"URL", err.Error())
			}
		case SecretWebhook:
			if err := noSMTPFields(sec, key, env); err != nil {
				return err
			}
			if sec.URL == "" {
				return serverKeyError(key+".url", env+"URL", "is required for a webhook secret")
			}
			if err := checkServerURL(sec.URL, false); err != nil {
				return serverKeyError(key+".url", env+"URL", err.Error())
			}
			if rest, standard := strings.CutPrefix(sec.Secret, "whsec_"); standard {
				if k, err := base64.StdEncoding.DecodeString(rest); err != nil || len(k) == 0 {
					return serverKeyError(key+".secret", env+"SECRET", `starts with "whsec_" but the rest is not the base64 of a key (Standard Webhooks secrets are "whsec_" and base64)`)
				}
			}
		default:
			return serverKeyError(key+".kind", env+"KIND", fmt.Sprintf("must be smtp, slack or webhook, not %q", sec.Kind))
		}
	}
	return nil
}

// serverKeyProblem is a validation error about one key. LoadServer adds
// the file and line when the file set the key and the environment did not
// override it.
type serverKeyProblem struct {
	key, env, problem string
}

func (p *serverKeyProblem) Error() string { return p.format("") }

func (p *serverKeyProblem) format(where string) string {
	msg := "config: " + where + p.key + " " + p.problem
	if p.env != "" {
		msg += " (or set " + p.env + ")"
	}
	return msg
}

func serverKeyError(key, env, problem string) error {
	return &serverKeyProblem{key: key, env: env, problem: problem}
}

// placeServerError says where in the file the offending key is, e.g.
// "config: serve.yaml line 12: publish.secrets.smtp.tls …".
func placeServerError(err error, path string, lines keyLines, getenv func(string) string) error {
	var p *serverKeyProblem
	if !errors.As(err, &p) {
		return err
	}
	line, inFile := lines[p.key]
	if !inFile || (p.env != "" && getenv(p.env) != "") {
		return err
	}
	return errors.New(p.format(fmt.Sprintf("%s line %d: ", path, line)))
}

// checkServerURL accepts an absolute http(s) URL with a host; httpsOnly
// refuses plain http where the receiver is always on the internet.
func checkServerURL(raw string, httpsOnly bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("is not a URL (%q)", raw)
	}
	// Plain http is fine on loopback (a local relay, the demo's receivers):
	// nothing crosses a network there.
	if u.Scheme == "http" && isLoopbackHost(u.Hostname()) {
		httpsOnly = false
	}
	if u.Scheme != "https" && (httpsOnly || u.Scheme != "http") {
		if httpsOnly {
			return fmt.Errorf("must be an https:// URL, not %q", raw)
		}
		return fmt.Errorf("must be an http:// or https:// URL, not %q", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("has no host (%q)", raw)
	}
	return nil
}

// checkRSAPrivateKey makes sure the key is what ghinstallation will need: an
// RSA key in PEM, PKCS#1 (what GitHub downloads) or PKCS#8. The error never
// quotes the key.
func checkRSAPrivateKey(key string) error {
	block, _ := pem.Decode([]byte(key))
	if block == nil {
		return fmt.Errorf("is not a PEM block (it should start with -----BEGIN RSA PRIVATE KEY-----, as downloaded from the app's settings)")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		if err := k.Validate(); err != nil {
			return fmt.Errorf("is an RSA key that fails its own consistency check: %w", err)
		}
		return nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("is a PEM %q block that does not hold a readable private key", block.Type)
	}
	if _, ok := parsed.(*rsa.PrivateKey); !ok {
		return fmt.Errorf("is not an RSA key (GitHub app keys are RSA)")
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
