package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// WebSettings configure the web UI (handlers/web): who signs in is the
// app's OAuth client's business (github.oauth), where they come back to is
// server.public_url's; these are the server's own secrets for it.
type WebSettings struct {
	// SessionKey is the secret the session cookies are sealed with and
	// the calendar feeds' tokens are derived from. Changing it signs
	// everyone out and changes every feed's address.
	SessionKey string `yaml:"session_key"`
	// FeedGenerations rotates one installation's calendar feed token:
	// installation id → a number, 0 when absent; bumping it gives the
	// feed a new address and retires the old one.
	FeedGenerations map[int64]int `yaml:"feed_generations"`
}

// Environment variables of the web UI.
const (
	EnvWebSessionKey      = "COMMSGATE_WEB_SESSION_KEY"
	EnvWebFeedGenerations = "COMMSGATE_WEB_FEED_GENERATIONS"
)

// MinWebSessionKeyLength is the shortest session key accepted: 32
// characters, e.g. `openssl rand -hex 32` gives 64.
const MinWebSessionKeyLength = 32

// WebUIMissing lists the settings the web UI needs that are not set; the
// web UI runs only when none is missing.
func (s *Server) WebUIMissing() []string {
	var missing []string
	for _, k := range []struct{ key, value string }{
		{"server.public_url", s.Server.PublicURL},
		{"github.oauth.client_id", s.Github.OAuth.ClientID},
		{"github.oauth.client_secret", s.Github.OAuth.ClientSecret},
		{"web.session_key", s.Web.SessionKey},
	} {
		if k.value == "" {
			missing = append(missing, k.key)
		}
	}
	return missing
}

func applyWebEnv(cfg *Server, getenv func(string) string) error {
	setServerString(getenv, EnvWebSessionKey, &cfg.Web.SessionKey)
	v := getenv(EnvWebFeedGenerations)
	if v == "" {
		return nil
	}
	gens := map[int64]int{}
	for _, pair := range strings.Split(v, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		idText, genText, ok := strings.Cut(pair, "=")
		id, idErr := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
		gen, genErr := strconv.Atoi(strings.TrimSpace(genText))
		if !ok || idErr != nil || genErr != nil {
			return fmt.Errorf("config: %s=%q is not a list of INSTALLATION_ID=NUMBER pairs such as \"1234=2,5678=1\" (it sets web.feed_generations)", EnvWebFeedGenerations, v)
		}
		gens[id] = gen
	}
	cfg.Web.FeedGenerations = gens
	return nil
}

func validateWeb(w WebSettings) error {
	if w.SessionKey != "" && len(w.SessionKey) < MinWebSessionKeyLength {
		return serverKeyError("web.session_key", EnvWebSessionKey, fmt.Sprintf("is too short: at least %d characters (generate one with openssl rand -hex 32)", MinWebSessionKeyLength))
	}
	ids := make([]int64, 0, len(w.FeedGenerations))
	for id := range w.FeedGenerations {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if id <= 0 || w.FeedGenerations[id] < 0 {
			return serverKeyError(fmt.Sprintf("web.feed_generations.%d", id), EnvWebFeedGenerations, "must map a positive installation id to a number of 0 or more")
		}
	}
	return nil
}
