package main

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/config"
)

// registerPage is every page `commsgate register` shows: the start page
// (Action and Manifest: a form that posts the manifest to GitHub when the
// button is pressed, no script), a problem, or the next steps.
type registerPage struct {
	Title     string
	Action    string
	Manifest  string
	Owner     string
	PublicURL string
	Problem   string
	Done      string
}

var registerTemplate = template.Must(template.New("register").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;line-height:1.5}pre{white-space:pre-wrap;background:#f6f8fa;padding:1rem}button{font-size:1.1rem;padding:.5rem 1rem}</style>
</head><body>
<h1>{{.Title}}</h1>
{{if .Action}}
<p>This registers a GitHub App for {{.Owner}} with exactly the permissions and events of commsgate's <code>app.yml</code>, sending webhooks to <code>{{.PublicURL}}</code>. GitHub asks you to confirm the name, then sends this browser back here, and <code>commsgate register</code> writes the server configuration.</p>
<form action="{{.Action}}" method="post">
<input type="hidden" name="manifest" value="{{.Manifest}}">
<button type="submit">Create the app on GitHub</button>
</form>
<details><summary>The manifest sent</summary><pre>{{.Manifest}}</pre></details>
{{end}}
{{if .Problem}}<p>{{.Problem}}</p>{{end}}
{{if .Done}}<pre>{{.Done}}</pre>{{end}}
</body></html>
`))

func renderRegisterPage(w http.ResponseWriter, status int, p registerPage) {
	var buf bytes.Buffer
	if err := registerTemplate.Execute(&buf, p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page posts a manifest to GitHub; no other site may frame it.
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// registeredConfig is the part of the server configuration (config.Server)
// register knows: the rest keeps its defaults.
type registeredConfig struct {
	Server struct {
		PublicURL string `yaml:"public_url"`
	} `yaml:"server"`
	Github struct {
		WebURL   string `yaml:"web_url,omitempty"`
		V3APIURL string `yaml:"v3_api_url,omitempty"`
		V4APIURL string `yaml:"v4_api_url,omitempty"`
		App      struct {
			IntegrationID int64  `yaml:"integration_id"`
			WebhookSecret string `yaml:"webhook_secret"`
			PrivateKey    string `yaml:"private_key"`
		} `yaml:"app"`
		OAuth struct {
			ClientID     string `yaml:"client_id"`
			ClientSecret string `yaml:"client_secret"`
		} `yaml:"oauth"`
	} `yaml:"github"`
}

// registeredConfigYAML renders the configuration of a newly registered app.
func registeredConfigYAML(o registerOptions, app *github.AppConfig, now time.Time) ([]byte, error) {
	var c registeredConfig
	c.Server.PublicURL = o.publicURL
	if o.githubURL != strings.TrimRight(config.DefaultGitHubWebURL, "/") {
		c.Github.WebURL = o.githubURL
	}
	if o.apiURL != config.DefaultGitHubV3URL {
		c.Github.V3APIURL = o.apiURL
		c.Github.V4APIURL = graphQLURL(o.apiURL)
	}
	c.Github.App.IntegrationID = app.GetID()
	c.Github.App.WebhookSecret = app.GetWebhookSecret()
	c.Github.App.PrivateKey = app.GetPEM()
	c.Github.OAuth.ClientID = app.GetClientID()
	c.Github.OAuth.ClientSecret = app.GetClientSecret()
	body, err := yaml.Marshal(&c)
	if err != nil {
		return nil, err
	}
	header := fmt.Sprintf(`# commsgate server configuration for the GitHub App %s (id %d), written by
# commsgate register on %s. It holds the app's private key and secrets:
# keep it private, or move them to the environment (config/SERVER_CONFIG.md).
`, app.GetSlug(), app.GetID(), now.UTC().Format(time.RFC3339))
	return append([]byte(header), body...), nil
}

// graphQLURL is the GraphQL endpoint beside a REST base: GitHub Enterprise
// Server's https://HOST/api/v3/ has https://HOST/api/graphql.
func graphQLURL(v3 string) string {
	if base, ok := strings.CutSuffix(v3, "/api/v3/"); ok {
		return base + "/api/graphql"
	}
	return v3 + "graphql"
}

// writeRegisteredConfig writes the file with mode 0600 from its creation,
// never over an existing file unless --force (then through a new file
// renamed over it, so the old one is whole until the new one is).
func writeRegisteredConfig(o registerOptions, app *github.AppConfig, now time.Time) error {
	data, err := registeredConfigYAML(o, app, now)
	if err != nil {
		return fmt.Errorf("render the configuration: %w", err)
	}
	if !o.force {
		f, err := os.OpenFile(o.out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("create %s: %w", o.out, err)
		}
		return finishFile(f, data, o.out)
	}
	f, err := os.CreateTemp(filepath.Dir(o.out), ".commsgate-register-*") // O_EXCL, 0600
	if err != nil {
		return fmt.Errorf("create a file beside %s: %w", o.out, err)
	}
	if err := finishFile(f, data, f.Name()); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), o.out); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("replace %s: %w", o.out, err)
	}
	return nil
}

// finishFile writes data to f, syncs and closes it; on failure it removes
// path rather than leave half a key behind.
func finishFile(f *os.File, data []byte, path string) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
