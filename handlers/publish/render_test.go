package publish

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file; run go test -update and review the diff\n--- got ---\n%s", path, got)
	}
}

func TestRenderGolden(t *testing.T) {
	for name, sample := range samples {
		t.Run(name, func(t *testing.T) {
			n := sample()
			title, body := RenderIssue(n)
			golden(t, name+".issue.md", []byte("# "+title+"\n\n"+body))
			subject, text, html := RenderEmail(n)
			golden(t, name+".email.txt", []byte("Subject: "+subject+"\n\n"+text))
			golden(t, name+".email.html", []byte(html))
			golden(t, name+".slack.json", RenderSlack(n))
			golden(t, name+".webhook.json", RenderWebhook(n))
		})
	}
}

func TestChannelTitle(t *testing.T) {
	tests := []struct {
		name string
		n    Notice
		want string
	}{
		{"security advisory gets the SRC subject", securityAdvisory(),
			"[Security Advisory] CVE-2026-1234: Node proxy lets unauthenticated users reach kubelet ports"},
		{"update is dated", deprecationUpdate(),
			"[Action Required] Legacy package repositories freeze on 1 March 2027 — Update (December 4, 2026)"},
		{"priority info", hostileIncident(),
			"[Priority Information] Slack workspace <!channel> & moderation change"},
		{"no priority, no tag", plainAnnouncement(), "Contributor summit registration is open"},
		{"CVE already leading the title is not repeated", func() Notice {
			n := securityAdvisory()
			n.Doc.Title = "CVE-2026-1234: proxy flaw"
			return n
		}(), "[Security Advisory] CVE-2026-1234: proxy flaw"},
		{"line breaks in a title are collapsed", func() Notice {
			n := plainAnnouncement()
			n.Doc.Title = "Two\nlines\r\nBcc: x@example.org"
			n.Doc.Priority = "icymi"
			return n
		}(), "[ICYMI] Two lines Bcc: x@example.org"},
		{"missing document still renders", Notice{}, "(untitled communication)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChannelTitle(tt.n); got != tt.want {
				t.Errorf("ChannelTitle = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderOrderIsInvertedPyramid(t *testing.T) {
	n := deprecationUpdate()
	_, body := RenderIssue(n)
	order := []string{n.Doc.Summary, "Update (December 4, 2026)", "**Removal date:**", "## Who is affected", "## Timeline", "**Approval record.**"}
	last := -1
	for _, s := range order {
		i := strings.Index(body, s)
		if i < 0 {
			t.Fatalf("body lacks %q", s)
		}
		if i < last {
			t.Errorf("%q comes before an earlier part; want order %q", s, order)
		}
		last = i
	}
}

func TestEmailHTMLDropsInjectedMarkup(t *testing.T) {
	_, text, html := RenderEmail(hostileIncident())
	for _, bad := range []string{"<script", "javascript:", "onclick", "<div", "data:text/html", "<img src=x>"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("HTML body contains %q:\n%s", bad, html)
		}
	}
	// The text part shows what the author wrote, as text.
	if !strings.Contains(text, "<script>alert('mail')</script>") {
		t.Errorf("text body should keep the author's text verbatim:\n%s", text)
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("a hostile field value should appear escaped in HTML:\n%s", html)
	}
}

// slackTexts returns every text Slack would interpret in a payload.
func slackTexts(t *testing.T, payload []byte) []string {
	t.Helper()
	var p slackPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatalf("slack payload is not JSON: %v\n%s", err, payload)
	}
	texts := []string{p.Text}
	for _, b := range p.Blocks {
		if b.Text != nil {
			texts = append(texts, b.Text.Text)
		}
		for _, e := range b.Elements {
			texts = append(texts, e.Text)
		}
	}
	return texts
}

func TestSlackEscapesControlSequences(t *testing.T) {
	texts := slackTexts(t, RenderSlack(hostileIncident()))
	all := strings.Join(texts, "\n")
	for _, bad := range []string{"<!channel>", "<!here>", "<@U123>", "<https://evil.example|", "javascript:", "<script", "data:text/html"} {
		if strings.Contains(all, bad) {
			t.Errorf("slack payload contains %q:\n%s", bad, all)
		}
	}
	for _, want := range []string{"&lt;!channel&gt;", "&amp; more", "the FAQ (<https://example.org/faq?a=1&amp;b=2>)"} {
		if !strings.Contains(all, want) {
			t.Errorf("slack payload lacks %q:\n%s", want, all)
		}
	}
}

func TestSlackStaysWithinBlockLimits(t *testing.T) {
	n := securityAdvisory()
	long := strings.Repeat("A paragraph that goes on & on about the <flaw>. ", 80)
	n.Doc.Sections = nil
	for i := 0; i < 40; i++ {
		n.Doc.Sections = append(n.Doc.Sections, policySection("Part", long+"\n\n"+long))
	}
	var p slackPayload
	if err := json.Unmarshal(RenderSlack(n), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Blocks) > slackMaxBlocks {
		t.Errorf("%d blocks, Slack allows %d", len(p.Blocks), slackMaxBlocks)
	}
	var sawNote bool
	for _, b := range p.Blocks {
		if b.Text != nil && len(b.Text.Text) > slackMaxSectionText {
			t.Errorf("section text of %d bytes exceeds %d", len(b.Text.Text), slackMaxSectionText)
		}
		if b.Text != nil && strings.Contains(b.Text.Text, "longer than a Slack message allows") {
			sawNote = true
		}
	}
	if !sawNote {
		t.Error("a truncated message must say it was cut and where to read the rest")
	}
	if last := p.Blocks[len(p.Blocks)-1]; last.Type != "context" || !strings.Contains(last.Elements[0].Text, "Approval record") {
		t.Errorf("the approval record must close the message, got %+v", last)
	}
}

func TestSplitTextKeepsEscapesWhole(t *testing.T) {
	s := strings.Repeat("x", 2996) + "&amp;yyyy"
	chunks := splitText(s, 3000)
	if len(chunks) != 2 || !strings.HasPrefix(chunks[1], "&amp;") {
		t.Errorf("split inside an escape: %q", chunks)
	}
	if got := strings.Join(chunks, ""); got != s {
		t.Error("splitting lost text")
	}
}

func TestWebhookEventIsStable(t *testing.T) {
	var ev map[string]any
	if err := json.Unmarshal(RenderWebhook(securityAdvisory()), &ev); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range ev {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"audience", "audit", "event", "fields", "id", "markdown", "priority", "publish_at", "sigs", "source", "subject", "summary", "title", "type", "url", "version"}
	if !slices.Equal(keys, want) {
		t.Errorf("webhook keys = %q, want %q", keys, want)
	}
	if ev["event"] != WebhookEventName || ev["id"] != securityAdvisory().CommunicationID() {
		t.Errorf("event/id = %v/%v", ev["event"], ev["id"])
	}
}

func TestDeliveryID(t *testing.T) {
	a, b := securityAdvisory(), securityAdvisory()
	if a.DeliveryID("dev-list") != b.DeliveryID("dev-list") {
		t.Error("the same notice and target must get the same delivery id")
	}
	if a.DeliveryID("dev-list") == a.DeliveryID("slack") {
		t.Error("different targets must get different delivery ids")
	}
	b.Update = &UpdateInfo{Date: mustTime("2026-12-03T16:00:00Z")}
	if a.DeliveryID("dev-list") == b.DeliveryID("dev-list") {
		t.Error("an update must get a new delivery id")
	}
	if a.CommunicationID() != b.CommunicationID() {
		t.Error("an update is the same communication")
	}
}

func TestIntroductionAndCommentsFromParsedBody(t *testing.T) {
	_, body := RenderIssue(parsedShape())
	if !strings.Contains(body, "An introduction before the sections.") {
		t.Errorf("the introduction before the first section was dropped:\n%s", body)
	}
	for _, gone := range []string{"# Release cadence changes", "<!--", "guidance"} {
		if strings.Contains(body, gone) {
			t.Errorf("body contains %q:\n%s", gone, body)
		}
	}
}
