package sandbox_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// hostileBody replaces the standard notice's summary paragraph with markup
// the template check lets through, aimed at the published email, Slack
// message and announcement issue. Raw HTML is not among it: the template
// check refuses that (TestRawHTMLIsRefusedBeforePublication).
const hostileBody = `SIG Node's meeting moves. Read [the details](javascript:alert('link')).
<!channel> <!here|here> please look at <https://evil.example/login|https://kubernetes.io/docs>.
Click ![tracker](https://evil.example/pixel.png) and [data](data:text/html;base64,PHNjcmlwdD4=).`

// hostileHTML is raw HTML aimed at the channels: event handlers and a
// link whose text names another site.
const hostileHTML = `SIG Node's meeting moves. <img src=x onerror="alert('img')">
<a href="https://evil.example/phish">kubernetes.io</a> and <b onmouseover="alert('b')">bold</b>.`

const standardSummary = "SIG Node's weekly meeting moves from Tuesdays to Thursdays at 16:00 UTC,\nstarting the first week of March."

// publishHostile takes a notice through approval and merge and returns
// what reached each channel.
func publishHostile(t *testing.T, title, body string) (*sandbox.Sandbox, githubfake.PR) {
	t.Helper()
	sb := start(t, sandbox.Options{})
	content := notice(title, publishAt, nil)
	if body != "" {
		if !strings.Contains(content, standardSummary) {
			t.Fatal("the standard notice changed; update standardSummary")
		}
		content = strings.Replace(content, standardSummary, body, 1)
	}
	pr := openNotice(t, sb, content)
	approveForPublication(t, sb, pr)
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	merged := mergeByHand(t, sb, pr)
	return sb, merged
}

// TestInjectionInTheNoticeIsInertInEveryChannel: markup in a notice must
// reach readers as text: no script, event handler, javascript: or data:
// link, iframe or tracking pixel in the HTML mail; no channel-wide ping
// or disguised link in Slack; the real address visible wherever a link
// survives.
func TestInjectionInTheNoticeIsInertInEveryChannel(t *testing.T) {
	sb, merged := publishHostile(t, `"SIG Node meeting <b>moves</b> <!channel>"`, hostileBody)
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
		t.Fatalf("deliveries %+v, want one per channel %+v; publish check %s %q\n%s", got, want, run.Conclusion, run.Title, run.Text)
	}

	_, text, html := mailParts(t, sb.Mail.Messages()[0])
	lowerHTML := strings.ToLower(html)
	// An https image stays (announcements may carry a diagram); what
	// could run, or hide where a link goes, must not.
	for _, bad := range []string{"onerror", "onmouseover", "javascript:", "data:text", "<img src=x", `href="https://evil.example/phish"`} {
		if strings.Contains(lowerHTML, bad) {
			t.Errorf("the HTML mail contains %q:\n%s", bad, html)
		}
	}
	// The plain-text part is the author's markdown as written: inert.
	if !strings.Contains(text, "SIG Node's meeting moves.") {
		t.Errorf("the text mail lost the summary:\n%s", text)
	}

	var slack struct {
		Text   string            `json:"text"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	post := sb.Hooks.Posts("/slack")[0]
	if err := json.Unmarshal(post.Body, &slack); err != nil {
		t.Fatalf("slack post is not JSON: %v\n%s", err, post.Body)
	}
	all := string(post.Body)
	for _, bad := range []string{"<!channel>", "<!here", "<https://evil.example/login|", "javascript:"} {
		if strings.Contains(all, bad) || strings.Contains(slack.Text, bad) {
			t.Errorf("the Slack message contains %q, which Slack would act on:\n%s", bad, post.Body)
		}
	}

	// The announcement issue carries the reviewed markdown as written:
	// GitHub itself strips scripts and event handlers when it renders an
	// issue, so the app only has to keep its own marker intact.
	issue := announcements(sb)[0]
	if n := strings.Count(issue.Body, `<!-- commsgate-delivery {"communication":`); n != 1 {
		t.Errorf("the announcement issue carries %d delivery markers, want 1:\n%s", n, issue.Body)
	}
}

// TestScriptTagIsRefusedBeforePublication: a <script> or <iframe> in a
// notice is a template error at its line, and a notice merged by hand
// regardless is refused on every channel.
func TestScriptTagIsRefusedBeforePublication(t *testing.T) {
	body := standardSummary + "\n<script>alert('mail')</script>\n\n<iframe src=\"https://evil.example\"></iframe>"
	sb, merged := publishHostile(t, "SIG Node meeting moves", body)
	if got := counts(sb); got != (publishedCounts{}) {
		t.Errorf("a notice with template errors reached readers: %+v", got)
	}
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion == "success" || !strings.Contains(run.Text, "template errors") {
		t.Errorf("the publish check should refuse and say why: %s %q\n%s", run.Conclusion, run.Title, run.Text)
	}
	tmpl := check(t, sb, merged.HeadSHA, templateCheck)
	for _, want := range []string{"`<script>`", "<iframe"} {
		if !strings.Contains(tmpl.Summary, want) {
			t.Errorf("the template check should name %s at its line:\n%s", want, tmpl.Summary)
		}
	}
}

// TestRawHTMLIsRefusedBeforePublication: raw HTML, which mail and Slack
// drop and GitHub shows only in part, is a template error at its line,
// and a notice merged by hand regardless reaches no channel.
func TestRawHTMLIsRefusedBeforePublication(t *testing.T) {
	sb, merged := publishHostile(t, "SIG Node meeting moves", hostileHTML)
	if got := counts(sb); got != (publishedCounts{}) {
		t.Errorf("a notice with raw HTML reached readers: %+v", got)
	}
	tmpl := check(t, sb, merged.HeadSHA, templateCheck)
	for _, want := range []string{"`<img src=x onerror=\"alert('img')\">` is raw HTML", "`<a href=\"https://evil.example/phish\">` is raw HTML"} {
		if !strings.Contains(tmpl.Summary, want) {
			t.Errorf("the template check should name %s at its line:\n%s", want, tmpl.Summary)
		}
	}
}

// TestHeaderInjectionThroughTheTitle: a title with a line break must not
// add mail headers or recipients, whatever else happens to it.
func TestHeaderInjectionThroughTheTitle(t *testing.T) {
	sb, merged := publishHostile(t, `"Meeting moves\r\nBcc: mallory@evil.example\r\nX-Injected: yes"`, "")
	for _, m := range sb.Mail.Messages() {
		for _, rcpt := range m.To {
			if strings.Contains(rcpt, "evil.example") {
				t.Errorf("the title added a recipient: %v", m.To)
			}
		}
		header, _, _ := mailParts(t, m)
		if header.Get("Bcc") != "" || header.Get("X-Injected") != "" {
			t.Errorf("the title added headers: Bcc %q, X-Injected %q", header.Get("Bcc"), header.Get("X-Injected"))
		}
	}
	if len(sb.Mail.Messages()) == 0 {
		// Refused instead of sanitised: fine, if the check says why.
		run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
		if !containsAny(run.Text+run.Summary, "title") {
			t.Errorf("nothing was mailed and the publish check does not say the title was the reason:\n%s\n%s", run.Summary, run.Text)
		}
	}
}

// TestUnicodeTricksInCommandsAndTitles: look-alike commands are not
// commands, and a title with bidirectional overrides or zero-width
// characters is answered with a finding (or shown harmlessly), never
// published in a form that reads differently from the source.
func TestUnicodeTricksInCommandsAndTitles(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)
	approve(t, sb, pr, "sol")
	requireState(t, approval(t, sb, pr), "completed", "success")

	// None of these is "/hold": fullwidth solidus, a zero-width space
	// inside, Cyrillic "о", and a division slash.
	for _, body := range []string{"／hold", "/ho\u200bld", "/hоld", "\u2215hold"} {
		say(t, sb, pr, "carla", body)
		if run := approval(t, sb, pr); run.Conclusion != "success" {
			t.Errorf("the look-alike %q acted as a hold: %s %q", body, run.Conclusion, run.Title)
		}
	}
	// An outsider whose display might imitate a lead is still an outsider.
	say(t, sb, pr, sandbox.Outsider, "/hold")
	if run := approval(t, sb, pr); run.Conclusion != "success" {
		t.Errorf("an outsider's /hold blocked the notice: %q", run.Title)
	}

	// A look-alike of a SIG lead's handle (Cyrillic "і") approving a new
	// notice is not the lead: the SIG stage stays open.
	other := openNoticeAt(t, sb, "comms/2027-02-09-other.md", notice("Another SIG Node change", publishAt, nil))
	approve(t, sb, other, "n\u0456na")
	if run := approval(t, sb, other); run.Conclusion == "success" || strings.Contains(run.Summary, "approved by @nina") {
		t.Errorf("a look-alike handle counted as nina's approval:\n%s", run.Summary)
	}

	// A title whose characters reorder on screen.
	tricky := openNoticeAt(t, sb, "comms/2027-02-09-tricky.md", notice("\"Meeting moves \u202Eyadsruht\u202C to Thursday\u200b\"", publishAt, nil))
	tmpl := check(t, sb, tricky.HeadSHA, templateCheck)
	if tmpl.Conclusion != "failure" {
		t.Errorf("a title with a right-to-left override should fail the template check; got %s %q", tmpl.Conclusion, tmpl.Title)
	}
	for _, want := range []string{"line 2, column 23: U+202E", "U+202C", "U+200B ZERO WIDTH SPACE"} {
		if !strings.Contains(tmpl.Summary, want) {
			t.Errorf("the template check should name %q at its place:\n%s", want, tmpl.Summary)
		}
	}
}

// openNoticeAt opens a second notice at another path.
func openNoticeAt(t *testing.T, sb *sandbox.Sandbox, path, content string) githubfake.PR {
	t.Helper()
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Another notice", Files: map[string]string{path: content},
	})
	send(t, sb, ev)
	return pr
}
