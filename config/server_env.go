package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Environment variables that override the file. The GITHUB_* names are
// exactly go-githubapp's (githubapp.Config.SetValuesFromEnv); commsgate reads
// them itself, through getenv, so that a malformed number is an error rather
// than silently ignored and so tests need not touch the process environment.
const (
	EnvGitHubWebURL        = "GITHUB_WEB_URL"
	EnvGitHubV3APIURL      = "GITHUB_V3_API_URL"
	EnvGitHubV4APIURL      = "GITHUB_V4_API_URL"
	EnvGitHubIntegrationID = "GITHUB_APP_INTEGRATION_ID"
	EnvGitHubWebhookSecret = "GITHUB_APP_WEBHOOK_SECRET"
	EnvGitHubPrivateKey    = "GITHUB_APP_PRIVATE_KEY"
	EnvGitHubOAuthID       = "GITHUB_OAUTH_CLIENT_ID"
	EnvGitHubOAuthSecret   = "GITHUB_OAUTH_CLIENT_SECRET"

	EnvServerAddress = "COMMSGATE_SERVER_ADDRESS"
	EnvServerPort    = "COMMSGATE_SERVER_PORT"
	EnvPublicURL     = "COMMSGATE_PUBLIC_URL"
	EnvLogLevel      = "COMMSGATE_LOG_LEVEL"
	EnvLogFormat     = "COMMSGATE_LOG_FORMAT"
	EnvWorkers       = "COMMSGATE_WORKERS"
	EnvQueueSize     = "COMMSGATE_QUEUE_SIZE"
	EnvDrainTimeout  = "COMMSGATE_DRAIN_TIMEOUT"

	// EnvSecretNames lists, comma-separated, publish secrets defined only in
	// the environment (secrets named in the file are picked up without it).
	EnvSecretNames = "COMMSGATE_SECRET_NAMES"
	// EnvSecretPrefix starts COMMSGATE_SECRET_<NAME>_<FIELD>, where NAME is
	// the secret's name upper-cased with "-" written as "_" and FIELD one of
	// KIND, HOST, PORT, USERNAME, PASSWORD, TOKEN, AUTH, FROM, TLS, CA_FILE,
	// URL, SECRET.
	EnvSecretPrefix = "COMMSGATE_SECRET_"
)

func applyServerEnv(cfg *Server, getenv func(string) string) error {
	setServerString(getenv, EnvGitHubWebURL, &cfg.Github.WebURL)
	setServerString(getenv, EnvGitHubV3APIURL, &cfg.Github.V3APIURL)
	setServerString(getenv, EnvGitHubV4APIURL, &cfg.Github.V4APIURL)
	if err := setServerInt64(getenv, EnvGitHubIntegrationID, "github.app.integration_id", &cfg.Github.App.IntegrationID); err != nil {
		return err
	}
	setServerString(getenv, EnvGitHubWebhookSecret, &cfg.Github.App.WebhookSecret)
	setServerString(getenv, EnvGitHubPrivateKey, &cfg.Github.App.PrivateKey)
	setServerString(getenv, EnvGitHubOAuthID, &cfg.Github.OAuth.ClientID)
	setServerString(getenv, EnvGitHubOAuthSecret, &cfg.Github.OAuth.ClientSecret)

	setServerString(getenv, EnvServerAddress, &cfg.Server.Address)
	if err := setServerInt(getenv, EnvServerPort, "server.port", &cfg.Server.Port); err != nil {
		return err
	}
	setServerString(getenv, EnvPublicURL, &cfg.Server.PublicURL)
	setServerString(getenv, EnvLogLevel, &cfg.Logging.Level)
	setServerString(getenv, EnvLogFormat, &cfg.Logging.Format)
	if err := setServerInt(getenv, EnvWorkers, "workers.count", &cfg.Workers.Count); err != nil {
		return err
	}
	if err := setServerInt(getenv, EnvQueueSize, "workers.queue_size", &cfg.Workers.QueueSize); err != nil {
		return err
	}
	if v := getenv(EnvDrainTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("config: %s=%q is not a duration such as \"25s\" (it sets shutdown.drain_timeout)", EnvDrainTimeout, v)
		}
		cfg.Shutdown.DrainTimeout = d
	}
	if err := applyWebEnv(cfg, getenv); err != nil {
		return err
	}
	return applySecretEnv(cfg, getenv)
}

// applySecretEnv canonicalises secret names and overlays
// COMMSGATE_SECRET_<NAME>_<FIELD> for every secret named in the file or in
// COMMSGATE_SECRET_NAMES.
func applySecretEnv(cfg *Server, getenv func(string) string) error {
	secrets := make(map[string]PublishSecret, len(cfg.Publish.Secrets))
	fileNames := make([]string, 0, len(cfg.Publish.Secrets))
	for name := range cfg.Publish.Secrets {
		fileNames = append(fileNames, name)
	}
	sort.Strings(fileNames)
	spelledAs := make(map[string]string)
	for _, name := range fileNames {
		canon := CanonicalSecretName(name)
		if first, dup := spelledAs[canon]; dup {
			return fmt.Errorf("config: publish.secrets.%s and publish.secrets.%s name the same secret (names ignore case and treat _ and - alike); rename one", first, name)
		}
		spelledAs[canon] = name
		secrets[canon] = cfg.Publish.Secrets[name]
	}
	for _, name := range strings.Split(getenv(EnvSecretNames), ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		canon := CanonicalSecretName(name)
		if _, ok := secrets[canon]; !ok {
			secrets[canon] = PublishSecret{}
		}
	}
	for name, sec := range secrets {
		prefix := EnvSecretPrefix + secretEnvName(name) + "_"
		kind := string(sec.Kind)
		setServerString(getenv, prefix+"KIND", &kind)
		sec.Kind = SecretKind(kind)
		setServerString(getenv, prefix+"HOST", &sec.Host)
		if err := setServerInt(getenv, prefix+"PORT", "publish.secrets."+name+".port", &sec.Port); err != nil {
			return err
		}
		setServerString(getenv, prefix+"USERNAME", &sec.Username)
		setServerString(getenv, prefix+"PASSWORD", &sec.Password)
		setServerString(getenv, prefix+"TOKEN", &sec.Token)
		setServerString(getenv, prefix+"AUTH", &sec.Auth)
		setServerString(getenv, prefix+"CA_FILE", &sec.CAFile)
		setServerString(getenv, prefix+"FROM", &sec.From)
		setServerString(getenv, prefix+"URL", &sec.URL)
		setServerString(getenv, prefix+"SECRET", &sec.Secret)
		setServerString(getenv, prefix+"TLS", &sec.TLS)
		secrets[name] = sec
	}
	if len(secrets) == 0 {
		secrets = nil
	}
	cfg.Publish.Secrets = secrets
	return nil
}

// CanonicalSecretName is the form secrets are stored and looked up under
// (lower case, "_" written as "-"): Publish.Secrets is keyed by it, so a
// lookup by a name from a repository policy must canonicalise first, or
// use (*Server).Secret.
func CanonicalSecretName(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
}

// secretEnvName is how a secret's name is spelt inside an environment
// variable: "slack-announce" becomes "SLACK_ANNOUNCE".
func secretEnvName(name string) string {
	return strings.ReplaceAll(strings.ToUpper(name), "-", "_")
}

func setServerString(getenv func(string) string, env string, dst *string) {
	if v := getenv(env); v != "" {
		*dst = v
	}
}

func setServerInt(getenv func(string) string, env, key string, dst *int) error {
	v := getenv(env)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("config: %s=%q is not a whole number (it sets %s)", env, v, key)
	}
	*dst = n
	return nil
}

func setServerInt64(getenv func(string) string, env, key string, dst *int64) error {
	v := getenv(env)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return fmt.Errorf("config: %s=%q is not a whole number (it sets %s)", env, v, key)
	}
	*dst = n
	return nil
}
