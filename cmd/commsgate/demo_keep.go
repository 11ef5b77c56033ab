package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

func (p *demoPrinter) intro(sb *sandbox.Sandbox) {
	p.line("commsgate demo — one sensitive communication, from draft to follow-up.")
	p.line("")
	p.line("Started on this machine (loopback only):")
	p.line(fmt.Sprintf("  fake GitHub       %-24s org %q, notices in %s", sb.GitHub.URL(), sandbox.Org, sandbox.CommsRepo))
	p.line(fmt.Sprintf("  commsgate server  %-24s the same code as `commsgate serve`", sb.BaseURL))
	p.line(fmt.Sprintf("  SMTP receiver     %-24s stands in for the dev@ mailing list", sb.Mail.Addr()))
	p.line(fmt.Sprintf("  webhook receiver  %-24s stands in for Slack and a status page", sb.Hooks.URL()))
	p.line(fmt.Sprintf("Cast: %s writes the notice; %s lead SIG Node; %s are ContribEx comms;",
		sandbox.Author, strings.Join(sandbox.SIGNodeLeads, " and "), strings.Join(sandbox.CommsTeam, " and ")))
	p.line(fmt.Sprintf("%s are the Steering Committee.", strings.Join(sandbox.Steering, ", ")))
	p.line("Each action on the fake GitHub sends the server the webhook GitHub would, signed;")
	p.line("the server answers through the API. The clock runs fast; the logic is unchanged.")
}

func (p *demoPrinter) finish(outbox string, elapsed time.Duration) {
	p.line("")
	p.line(fmt.Sprintf("Done in %.1fs. Copies of everything published are in %s:", elapsed.Seconds(), outbox))
	p.line(detailIndent + strings.Join(outboxFiles(outbox), "  "))
	p.line("Next: add --keep to leave it all running and poke at it; `go test -race ./...` runs every test.")
}

// writeSandboxConfig writes the sandbox server's configuration, secrets
// included, as `serve --config` and `doctor --config` read it: mode 0600,
// like the file `commsgate register` writes.
func writeSandboxConfig(sb *sandbox.Sandbox, dir string) (string, error) {
	cfg, err := sb.ServerConfig()
	if err != nil {
		return "", err
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("encode the configuration: %w", err)
	}
	path := filepath.Join(dir, "commsgate.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// keepRunning leaves the sandbox up after the story and tells the user
// how to poke at it, until ctx is cancelled (Ctrl-C).
func keepRunning(ctx context.Context, sb *sandbox.Sandbox, merged int, outbox string, stdout io.Writer) int {
	token := sb.GitHub.Token(sb.Installation.ID)
	// A second notice, opened but not yet announced to commsgate: the
	// user delivers its webhook and watches the checks appear.
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Second notice, for you to deliver",
		Files: map[string]string{"comms/2027-02-10-second.md": demoDraft},
	})
	payload := filepath.Join(outbox, "keep-pull-request-opened.json")
	if err := os.WriteFile(payload, ev.Payload, 0o644); err != nil {
		fmt.Fprintf(stdout, "commsgate demo: write %s: %v\n", payload, err)
		return 1
	}
	// The fake GitHub has no sign-in page: whoever opens the dashboard's
	// sign-in link comes back signed in as a Steering member.
	sb.GitHub.SetOAuthUser(sandbox.Steering[0])
	api := sb.GitHub.URL()
	auth := fmt.Sprintf("-H 'Authorization: token %s'", token)
	w := func(format string, args ...any) { fmt.Fprintf(stdout, format+"\n", args...) }
	w("")
	w("Everything is still running (Ctrl-C to stop):")
	w("  commsgate server  %s  (webhooks at /api/github/hook; /readyz, /metrics)", sb.BaseURL)
	w("  dashboard         %s/login  (signs you in as %s, a Steering member)", sb.BaseURL, sandbox.Steering[0])
	w("  fake GitHub       %s  (REST API; installation token valid for an hour)", api)
	w("  webhook secret    %s", sb.Secret)
	w("  SMTP receiver     %s", sb.Mail.Addr())
	w("")
	w("Read the fake's state, e.g. the merged notice's checks and the open pull requests:")
	w("  curl -s %s %s/repos/%s/commits/%s/check-runs", auth, api, sandbox.CommsRepo, sb.GitHub.PullRequest(sandbox.CommsRepo, merged).HeadSHA)
	w("  curl -s %s '%s/repos/%s/pulls?state=all'", auth, api, sandbox.CommsRepo)
	w("")
	w("Pull request #%d is open but commsgate has not heard of it. Deliver its signed webhook:", pr.Number)
	w("  curl -s %s -H 'Content-Type: application/json' -H 'X-GitHub-Event: pull_request' \\", sb.HookURL)
	w("    -H 'X-GitHub-Delivery: demo-%d' -H 'X-Hub-Signature-256: %s' \\", pr.Number, githubfake.Sign([]byte(sb.Secret), ev.Payload))
	w("    --data-binary @%s", payload)
	w("then read its template check:")
	w("  curl -s %s %s/repos/%s/commits/%s/check-runs", auth, api, sandbox.CommsRepo, pr.HeadSHA)
	if configFile, err := writeSandboxConfig(sb, outbox); err != nil {
		w("(the server configuration could not be written for doctor: %v)", err)
	} else {
		w("")
		w("Check the deployment from the outside, as an administrator would (credentials,")
		w("app settings, policy, secrets, teams, branch protection; it exits 0 when all is in order):")
		w("  go run ./cmd/commsgate doctor --config %s", configFile)
	}
	<-ctx.Done()
	w("\nStopped.")
	return 0
}
