package config

import (
	"fmt"
	"sort"
	"strings"
)

// PlaceholderMarker is how the deploy/ templates mark every value an
// operator must replace. Any setting that still contains it is refused at
// start-up: a server running with the template's webhook secret would
// accept webhooks anyone can sign, and one with a placeholder password or
// URL would only fail at its first publication, days later.
const PlaceholderMarker = "REPLACE-ME"

// isPlaceholder reports whether v still carries the templates' marker, in
// any case and with "_" for "-" (how it reads once pasted into an
// environment variable name-like value).
func isPlaceholder(v string) bool {
	u := strings.ToUpper(v)
	return strings.Contains(u, PlaceholderMarker) || strings.Contains(u, "REPLACE_ME")
}

// placeholderSetting is one setting checked for the marker, and what to
// put there instead.
type placeholderSetting struct {
	key, env, value, fix string
	// secret values are never quoted back in the error.
	secret bool
}

// checkPlaceholders refuses the first setting that still holds a
// template's placeholder, naming it and saying what belongs there.
func checkPlaceholders(cfg *Server) error {
	app := cfg.Github.App
	settings := []placeholderSetting{
		{key: "github.app.webhook_secret", env: EnvGitHubWebhookSecret, value: app.WebhookSecret, secret: true,
			fix: "the webhook secret entered on the app's settings page (generate one with openssl rand -hex 32)"},
		{key: "github.app.private_key", env: EnvGitHubPrivateKey, value: app.PrivateKey, secret: true,
			fix: "the whole .pem file downloaded from the app's settings page"},
		{key: "github.oauth.client_id", env: EnvGitHubOAuthID, value: cfg.Github.OAuth.ClientID, fix: "the app's OAuth client ID, or nothing"},
		{key: "github.oauth.client_secret", env: EnvGitHubOAuthSecret, value: cfg.Github.OAuth.ClientSecret, secret: true, fix: "the app's OAuth client secret, or nothing"},
		{key: "github.web_url", env: EnvGitHubWebURL, value: cfg.Github.WebURL, fix: "your GitHub's address (https://github.com by default)"},
		{key: "github.v3_api_url", env: EnvGitHubV3APIURL, value: cfg.Github.V3APIURL, fix: "your GitHub's REST API address (https://api.github.com/ by default)"},
		{key: "github.v4_api_url", env: EnvGitHubV4APIURL, value: cfg.Github.V4APIURL, fix: "your GitHub's GraphQL address (https://api.github.com/graphql by default)"},
		{key: "server.address", env: EnvServerAddress, value: cfg.Server.Address, fix: `the interface to listen on, e.g. "0.0.0.0"`},
		{key: "server.public_url", env: EnvPublicURL, value: cfg.Server.PublicURL, fix: "the address GitHub and people reach commsgate at, or nothing"},
		{key: "web.session_key", env: EnvWebSessionKey, value: cfg.Web.SessionKey, secret: true, fix: "a random secret of at least 32 characters (openssl rand -hex 32), or nothing to leave the web UI off"},
		{key: "logging.level", env: EnvLogLevel, value: cfg.Logging.Level, fix: "info"},
		{key: "logging.format", env: EnvLogFormat, value: cfg.Logging.Format, fix: "json or text"},
	}
	names := make([]string, 0, len(cfg.Publish.Secrets))
	for name := range cfg.Publish.Secrets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		settings = append(settings, secretPlaceholderSettings(name, cfg.Publish.Secrets[name])...)
	}
	for _, s := range settings {
		if !isPlaceholder(s.value) {
			continue
		}
		shown := fmt.Sprintf(" (%q)", s.value)
		if s.secret {
			shown = ""
		}
		return serverKeyError(s.key, s.env, fmt.Sprintf("is still the deploy template's %s placeholder%s: replace it with %s", PlaceholderMarker, shown, s.fix))
	}
	return nil
}

func secretPlaceholderSettings(name string, sec PublishSecret) []placeholderSetting {
	key := secretsKeyPrefix + name + "."
	env := EnvSecretPrefix + secretEnvName(name) + "_"
	field := func(f, envField, value, fix string, secret bool) placeholderSetting {
		return placeholderSetting{key: key + f, env: env + envField, value: value, fix: fix, secret: secret}
	}
	return []placeholderSetting{
		field("kind", "KIND", string(sec.Kind), "smtp, slack or webhook", false),
		field("host", "HOST", sec.Host, "the SMTP relay's host name", false),
		field("username", "USERNAME", sec.Username, "the relay account's user name", false),
		field("password", "PASSWORD", sec.Password, "the relay account's password", true),
		field("token", "TOKEN", sec.Token, "an OAuth 2.0 access token for the relay", true),
		field("auth", "AUTH", sec.Auth, "plain, login or xoauth2, or nothing", false),
		field("from", "FROM", sec.From, `the sender, e.g. "Announcements <announce@your-project.org>"`, false),
		field("url", "URL", sec.URL, "the target's address (for Slack, the incoming-webhook URL from Slack's app settings)", true),
		field("secret", "SECRET", sec.Secret, "the HMAC key the receiver checks", true),
		field("tls", "TLS", sec.TLS, "starttls, implicit or none", false),
		field("ca_file", "CA_FILE", sec.CAFile, "the path of a PEM file of certificate authorities, or nothing", false),
	}
}
