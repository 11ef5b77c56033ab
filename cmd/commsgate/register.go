package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/server"
)

func init() {
	registerCommand("register", "register commsgate as a GitHub App (GitHub's manifest flow) and write the server configuration", runRegister)
}

const registerUsage = `usage: commsgate register --public-url URL [--org ORG] [--out FILE] [--force]
       [--listen ADDR] [--name NAME] [--github-url URL] [--api-url URL] [--timeout D]

Registers commsgate as a GitHub App with GitHub's manifest flow, with
exactly the permissions and events of app.yml, and writes the server
configuration commsgate serve reads. It serves one page on --listen:
open it in a browser signed in to GitHub (as an owner of --org), press
"Create the app on GitHub", confirm the name on GitHub, and GitHub sends
the browser back here. The file then holds the app's id, private key,
webhook secret and OAuth client, with mode 0600.

  --public-url URL   the deployed server's address (https, or http); the
                     webhook goes to URL/api/github/hook (required)
  --org ORG          register the app under this organization; without it,
                     under the signed-in user's account
  --out FILE         where to write the configuration (default commsgate.yaml);
                     an existing file is kept unless --force
  --listen ADDR      where the local page listens (default 127.0.0.1:0, any
                     free port; give a fixed one to forward it over SSH)
  --name NAME        the app's name (default commsgate; names are unique
                     across GitHub)
  --github-url URL   GitHub's web address (default https://github.com; your
                     GitHub Enterprise Server's for one)
  --api-url URL      the REST API (default https://api.github.com/; for
                     GitHub Enterprise Server https://HOST/api/v3/)
  --timeout D        how long to wait for the browser (default 30m)
`

// registerOptions are the flags of `commsgate register`, checked.
type registerOptions struct {
	org, name, out, listen string
	publicURL, githubURL   string
	apiURL                 string
	force                  bool
	timeout                time.Duration
}

func runRegister(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("register", flag.ContinueOnError)
	var o registerOptions
	fset.StringVar(&o.org, "org", "", "organization to register the app under")
	fset.StringVar(&o.publicURL, "public-url", "", "the deployed server's address")
	fset.StringVar(&o.out, "out", "commsgate.yaml", "configuration file to write")
	fset.BoolVar(&o.force, "force", false, "replace an existing --out file")
	fset.StringVar(&o.listen, "listen", "127.0.0.1:0", "address of the local page")
	fset.StringVar(&o.name, "name", "", "the app's name")
	fset.StringVar(&o.githubURL, "github-url", config.DefaultGitHubWebURL, "GitHub's web address")
	fset.StringVar(&o.apiURL, "api-url", config.DefaultGitHubV3URL, "GitHub's REST API")
	fset.DurationVar(&o.timeout, "timeout", 30*time.Minute, "how long to wait for the browser")
	extra, code, ok := parseArgs(fset, registerUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(extra) > 0 {
		return unexpectedArgs(stderr, "register", extra, "register takes only flags")
	}
	if err := o.check(); err != nil {
		return usageError(stderr, "register", "%v", err)
	}
	if _, err := os.Lstat(o.out); err == nil && !o.force {
		// Checked before anything is registered; the write checks again.
		fmt.Fprintf(stderr, "commsgate register: %s already exists; pass --force to replace it, or --out another file\n", o.out)
		return 1
	}

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate register: listen on %s: %v\n", o.listen, err)
		return 1
	}
	reg, err := newRegistration(o, "http://"+ln.Addr().String())
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "commsgate register: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: reg.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()

	fmt.Fprintf(stdout, "Open %s/ in a browser signed in to GitHub%s, and create the app from there.\nWaiting for GitHub (up to %s; Ctrl-C stops) …\n", reg.base, reg.ownerWords(), o.timeout)
	wait, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	select {
	case res := <-reg.done:
		if res.err != nil {
			fmt.Fprintf(stderr, "commsgate register: %v\n", res.err)
			return 1
		}
		fmt.Fprint(stdout, res.nextSteps)
		return 0
	case <-wait.Done():
		why := "stopped"
		if errors.Is(wait.Err(), context.DeadlineExceeded) {
			why = fmt.Sprintf("gave up after %s", o.timeout)
		}
		fmt.Fprintf(stderr, "commsgate register: %s before GitHub sent the browser back; nothing was written\n", why)
		return 1
	}
}

func (o *registerOptions) check() error {
	if o.publicURL == "" {
		return errors.New("--public-url is required: the address GitHub will send webhooks to (the deployed server's, e.g. https://commsgate.example.org)")
	}
	for _, u := range []struct {
		flag  string
		value *string
	}{{"--public-url", &o.publicURL}, {"--github-url", &o.githubURL}, {"--api-url", &o.apiURL}} {
		parsed, err := url.Parse(*u.value)
		if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" || parsed.RawQuery != "" || parsed.Fragment != "" {
			return fmt.Errorf("%s must be an http or https address such as https://example.org, not %q", u.flag, *u.value)
		}
	}
	o.publicURL = strings.TrimRight(o.publicURL, "/")
	o.githubURL = strings.TrimRight(o.githubURL, "/")
	if !strings.HasSuffix(o.apiURL, "/") {
		o.apiURL += "/"
	}
	if strings.ContainsAny(o.org, "/?#") {
		return fmt.Errorf("--org must be an organization's login, not %q", o.org)
	}
	if o.timeout <= 0 {
		return fmt.Errorf("--timeout must be a positive duration such as 30m, not %s", o.timeout)
	}
	return nil
}

// registration is one run's local page and callback.
type registration struct {
	o        registerOptions
	base     string // the local page's address
	state    string // random per run; GitHub echoes it to the callback
	manifest []byte // the JSON posted to GitHub
	api      *github.Client

	mu       sync.Mutex
	finished bool
	done     chan registerResult
}

type registerResult struct {
	nextSteps string
	err       error
}

func newRegistration(o registerOptions, base string) (*registration, error) {
	m := config.Manifest()
	if o.name != "" {
		m.Name = o.name
	}
	m.URL = o.publicURL
	m.HookAttributes.URL = o.publicURL + server.WebhookPath
	m.RedirectURL = base + "/callback"
	manifest, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode the manifest: %w", err)
	}
	api := github.NewClient(&http.Client{Timeout: time.Minute})
	if api.BaseURL, err = url.Parse(o.apiURL); err != nil {
		return nil, err
	}
	state := make([]byte, 16)
	_, _ = rand.Read(state) // crypto/rand never fails on supported platforms
	return &registration{o: o, base: base, state: hex.EncodeToString(state), manifest: manifest, api: api, done: make(chan registerResult, 1)}, nil
}

// formAction is GitHub's page for a new app from a manifest.
func (reg *registration) formAction() string {
	path := "/settings/apps/new"
	if reg.o.org != "" {
		path = "/organizations/" + url.PathEscape(reg.o.org) + path
	}
	return reg.o.githubURL + path + "?state=" + url.QueryEscape(reg.state)
}

func (reg *registration) ownerWords() string {
	if reg.o.org == "" {
		return " (the app will belong to that account)"
	}
	return " as an owner of " + reg.o.org
}

func (reg *registration) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", reg.startPage)
	mux.HandleFunc("GET /callback", reg.callback)
	return mux
}

func (reg *registration) startPage(w http.ResponseWriter, _ *http.Request) {
	owner := "your account"
	if reg.o.org != "" {
		owner = "the organization " + reg.o.org
	}
	renderRegisterPage(w, http.StatusOK, registerPage{
		Title: "Register commsgate as a GitHub App", Action: reg.formAction(), Manifest: string(reg.manifest),
		Owner: owner, PublicURL: reg.o.publicURL,
	})
}

// callback is where GitHub sends the browser with the code. A wrong state
// is someone else's redirect (or a forged one): refused, and the command
// goes on waiting for its own.
func (reg *registration) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(reg.state)) != 1 {
		renderRegisterPage(w, http.StatusBadRequest, registerPage{Title: "Not this registration",
			Problem: "This address does not carry the state this run of commsgate register sent to GitHub, so it is not the answer to it. Start again from " + reg.base + "/ ."})
		return
	}
	code := q.Get("code")
	if code == "" {
		renderRegisterPage(w, http.StatusBadRequest, registerPage{Title: "No code", Problem: "GitHub sent no code: was the app created? Start again from " + reg.base + "/ ."})
		return
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.finished {
		renderRegisterPage(w, http.StatusOK, registerPage{Title: "Already registered", Problem: "This run has registered its app already; see the terminal."})
		return
	}
	app, _, err := reg.api.Apps.CompleteAppManifest(r.Context(), code)
	if err != nil {
		renderRegisterPage(w, http.StatusBadGateway, registerPage{Title: "GitHub did not hand over the app",
			Problem: fmt.Sprintf("Exchanging the code failed: %v. A code works once, within an hour: if GitHub never answered, reload this page; otherwise the app exists without its key (delete it on GitHub, or generate a key there) and start again.", err)})
		return
	}
	reg.finished = true
	res := registerResult{}
	if err := writeRegisteredConfig(reg.o, app, time.Now()); err != nil {
		res.err = fmt.Errorf("the app %s (id %d) is registered, but %w; generate a new private key on %s and write the configuration by hand (config/SERVER_CONFIG.md)", app.GetSlug(), app.GetID(), err, app.GetHTMLURL())
		renderRegisterPage(w, http.StatusInternalServerError, registerPage{Title: "Could not write the configuration", Problem: res.err.Error()})
	} else {
		res.nextSteps = registerNextSteps(reg.o, app)
		renderRegisterPage(w, http.StatusOK, registerPage{Title: "commsgate is registered", Done: res.nextSteps})
	}
	reg.done <- res
}

// registerNextSteps is what the terminal and the last page say.
func registerNextSteps(o registerOptions, app *github.AppConfig) string {
	return fmt.Sprintf(`Registered the GitHub App %s (id %d): %s
Wrote %s (mode 0600): the app's id, private key, webhook secret and OAuth client. Keep it private.
You can close the browser tab. Next:
  1. Install the app on the organization, the communications repository and the announcement repository:
     %s/installations/new
  2. Run the server at %s with it: commsgate serve --config %s
`, app.GetName(), app.GetID(), app.GetHTMLURL(), o.out, strings.TrimRight(app.GetHTMLURL(), "/"), o.publicURL, o.out)
}
