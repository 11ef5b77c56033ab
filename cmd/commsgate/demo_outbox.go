package main

import (
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// deliveryCounts is what reached each channel's real counterpart.
type deliveryCounts struct{ issues, mails, slack, webhooks int }

func (d *demoStory) deliveries() deliveryCounts {
	return deliveryCounts{
		issues:   len(d.sb.GitHub.Issues(sandbox.AnnounceRepo)),
		mails:    len(d.sb.Mail.Messages()),
		slack:    len(d.sb.Hooks.Posts("/slack")),
		webhooks: len(d.sb.Hooks.Posts("/webhook")),
	}
}

// showDeliveries checks that every channel received the notice exactly
// once and shows where it landed.
func (d *demoStory) showDeliveries() error {
	if got, want := d.deliveries(), (deliveryCounts{1, 1, 1, 1}); got != want {
		return fmt.Errorf("deliveries are %+v, expected one per channel %+v", got, want)
	}
	ann := d.sb.GitHub.Issues(sandbox.AnnounceRepo)[0]
	d.out.detail("announce        issue %s#%d %q", sandbox.AnnounceRepo, ann.Number, ann.Title)
	if err := writeIssue(d.outbox, "announcement", ann); err != nil {
		return err
	}

	m := d.sb.Mail.Messages()[0]
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return fmt.Errorf("the mail the SMTP receiver got does not parse: %w", err)
	}
	if !m.TLS || m.User == "" {
		return fmt.Errorf("the mail reached the SMTP receiver without STARTTLS and AUTH (TLS=%v, user %q)", m.TLS, m.User)
	}
	d.out.detail("dev-list        mail to %s via the local SMTP server over STARTTLS, AUTH PLAIN as %s, subject %q", strings.Join(m.To, ", "), m.User, msg.Header.Get("Subject"))

	d.out.detail("slack-announce  Slack message posted to the local receiver (%d bytes of JSON)", len(d.sb.Hooks.Posts("/slack")[0].Body))
	hook := d.sb.Hooks.Posts("/webhook")[0]
	if !hook.Verified {
		return fmt.Errorf("the status-page webhook's signature did not verify")
	}
	d.out.detail("status-page     Standard Webhooks delivery %s to the local receiver; signature verified", hook.Delivery)
	return nil
}

// writeIssue keeps a copy of an issue commsgate opened as markdown in the
// outbox, next to the mail and posts the receivers wrote there.
func writeIssue(outbox, kind string, is githubfake.Issue) error {
	name := fmt.Sprintf("%s-%s-%d.md", kind, filepath.Base(is.Repo), is.Number)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", is.Title)
	fmt.Fprintf(&b, "<!-- %s#%d", is.Repo, is.Number)
	if len(is.Labels) > 0 {
		fmt.Fprintf(&b, ", labels: %s", strings.Join(is.Labels, ", "))
	}
	if len(is.Assignees) > 0 {
		fmt.Fprintf(&b, ", assigned to %s", strings.Join(is.Assignees, ", "))
	}
	b.WriteString(" -->\n\n")
	b.WriteString(is.Body)
	if !strings.HasSuffix(is.Body, "\n") {
		b.WriteString("\n")
	}
	path := filepath.Join(outbox, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// outboxFiles lists the outbox folder's files by name.
func outboxFiles(outbox string) []string {
	entries, err := os.ReadDir(outbox)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}
