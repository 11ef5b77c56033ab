package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// afterPublishAt is a minute past the notices' publish_at.
var afterPublishAt = time.Date(2027, 2, 9, 16, 1, 0, 0, time.UTC)

// approveForPublication gives the notice every approval its tier needs
// (SIG Node lead, then a Steering majority).
func approveForPublication(t testing.TB, sb *sandbox.Sandbox, pr githubfake.PR) {
	t.Helper()
	for _, u := range []string{"nina", "sue", "sid", "sol"} {
		approve(t, sb, pr, u)
	}
}

// mergeByHand merges the PR as a maintainer in the UI would and delivers
// the merged event.
func mergeByHand(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) githubfake.PR {
	t.Helper()
	merged, ev := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")
	send(t, sb, ev)
	return merged
}

// announcements are the issues commsgate opened in the public repository.
func announcements(sb *sandbox.Sandbox) []githubfake.Issue {
	return sb.GitHub.Issues(sandbox.AnnounceRepo)
}

// followUps are the issues commsgate opened in the communications repository.
func followUps(sb *sandbox.Sandbox) []githubfake.Issue {
	var out []githubfake.Issue
	for _, is := range sb.GitHub.Issues(sandbox.CommsRepo) {
		if strings.HasPrefix(is.Title, "Follow-up: ") {
			out = append(out, is)
		}
	}
	return out
}

// publishedCounts counts what reached each channel's real counterpart.
type publishedCounts struct{ issues, mails, slack, webhooks int }

func counts(sb *sandbox.Sandbox) publishedCounts {
	return publishedCounts{
		issues:   len(announcements(sb)),
		mails:    len(sb.Mail.Messages()),
		slack:    len(sb.Hooks.Posts("/slack")),
		webhooks: len(sb.Hooks.Posts("/webhook")),
	}
}

// mailParts splits a received message into its headers (the subject
// decoded) and its text and HTML alternatives.
func mailParts(t *testing.T, m sandbox.Mail) (mail.Header, string, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("received mail does not parse: %v\n%s", err, m.Data)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		t.Fatalf("mail Content-Type = %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	if subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err == nil {
		msg.Header["Subject"] = []string{subject}
	}
	var text, html string
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := parts.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("mail part: %v", err)
		}
		body, _ := io.ReadAll(part)
		switch ct := part.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			text = string(body)
		case strings.HasPrefix(ct, "text/html"):
			html = string(body)
		}
	}
	return msg.Header, text, html
}

func TestMergePublishesToEveryChannelOnce(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	merged := mergeByHand(t, sb, pr)

	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" {
		t.Fatalf("publish check = %s/%s %q:\n%s\n%s", run.Status, run.Conclusion, run.Title, run.Summary, run.Text)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want one per channel %+v", got, want)
	}

	// The public announcement: title first, sections kept, audit footer.
	ann := announcements(sb)[0]
	if !strings.Contains(ann.Title, "SIG Node meeting moves to Thursdays") {
		t.Errorf("announcement title = %q", ann.Title)
	}
	for _, want := range []string{"Thursdays at 16:00 UTC", "Contact", "#sig-node", "SIG leads: nina", "Steering Committee: sid, sol, sue", merged.HeadSHA, merged.MergeCommitSHA} {
		if !strings.Contains(ann.Body, want) {
			t.Errorf("announcement body lacks %q:\n%s", want, ann.Body)
		}
	}
	if strings.Index(ann.Body, "moves its weekly meeting") > strings.Index(ann.Body, "## Contact") {
		t.Errorf("the summary should come before the sections:\n%s", ann.Body)
	}

	// The mail: text and HTML alternatives, both with the audit.
	m := sb.Mail.Messages()[0]
	if strings.Join(m.To, ",") != "dev@example.org" {
		t.Errorf("mail went to %v, want the dev list", m.To)
	}
	// The relay takes AUTH only after STARTTLS, as the default tls policy
	// requires; its private CA is trusted through ca_file.
	if !m.TLS || m.User != sandbox.MailUser {
		t.Errorf("mail came with TLS=%v as %q, want STARTTLS and AUTH as %s", m.TLS, m.User, sandbox.MailUser)
	}
	header, text, html := mailParts(t, m)
	if !strings.Contains(header.Get("Subject"), "SIG Node meeting moves to Thursdays") {
		t.Errorf("subject = %q", header.Get("Subject"))
	}
	for name, body := range map[string]string{"text": text, "html": html} {
		for _, want := range []string{"Thursdays at 16:00 UTC", "nina", "sol", merged.HeadSHA[:7]} {
			if !strings.Contains(body, want) {
				t.Errorf("%s part lacks %q:\n%s", name, want, body)
			}
		}
	}
	if !strings.Contains(html, "<h2") && !strings.Contains(html, "<p") {
		t.Errorf("the HTML part is not HTML:\n%s", html)
	}

	// Slack: a JSON message naming the notice.
	slack := sb.Hooks.Posts("/slack")[0]
	if !json.Valid(slack.Body) {
		t.Fatalf("slack post is not JSON: %s", slack.Body)
	}
	for _, want := range []string{"SIG Node meeting moves to Thursdays", "Thursdays at 16:00 UTC", "nina", "sol", merged.HeadSHA[:7]} {
		if !strings.Contains(string(slack.Body), want) {
			t.Errorf("slack post lacks %q:\n%s", want, slack.Body)
		}
	}

	// The webhook: signed with the server's secret (the receiver refuses
	// anything else), carrying the audit.
	hook := sb.Hooks.Posts("/webhook")[0]
	if !hook.Verified || hook.Signature == "" {
		t.Errorf("webhook signature not verified: %q", hook.Signature)
	}
	var payload map[string]any
	if err := json.Unmarshal(hook.Body, &payload); err != nil {
		t.Fatalf("webhook body is not JSON: %v\n%s", err, hook.Body)
	}
	for _, want := range []string{"nina", "sol", merged.HeadSHA} {
		if !strings.Contains(string(hook.Body), want) {
			t.Errorf("webhook body lacks %q:\n%s", want, hook.Body)
		}
	}

	// The follow-up: links to every publication, assigned, due later.
	fu := followUps(sb)
	if len(fu) != 1 {
		t.Fatalf("follow-up issues = %d, want 1", len(fu))
	}
	if fu[0].Title != "Follow-up: SIG Node meeting moves to Thursdays" {
		t.Errorf("follow-up title = %q", fu[0].Title)
	}
	if strings.Join(fu[0].Assignees, ",") != "alice" {
		t.Errorf("follow-up assignees = %v, want the contact alice", fu[0].Assignees)
	}
	for _, want := range []string{"announce", "dev-list", "slack-announce", "status-page", "- [ ]", "2027-02-23"} {
		if !strings.Contains(fu[0].Body, want) {
			t.Errorf("follow-up body lacks %q:\n%s", want, fu[0].Body)
		}
	}
	t.Logf("announcement:\n%s\n\nfollow-up:\n%s\n\nledger:\n%s", ann.Body, fu[0].Body, run.Text)
}
