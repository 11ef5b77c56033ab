package publish

import (
	"strings"
	"unicode/utf8"
)

// Slack limits (Block Kit reference): at most 50 blocks per message and
// 3000 characters in a section's text. Lengths are counted in bytes here,
// which is never less than Slack's character count, so staying under them
// in bytes stays under Slack's limits.
const (
	slackMaxBlocks      = 50
	slackMaxSectionText = 3000
	slackMaxContextText = 2000
	slackMaxFallback    = 3000
)

// slackPayload is an incoming-webhook message.
type slackPayload struct {
	// Text is the notification fallback shown where blocks are not.
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
	// UnfurlLinks is off so an author's link does not add a preview card.
	UnfurlLinks bool `json:"unfurl_links"`
	UnfurlMedia bool `json:"unfurl_media"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func mrkdwnSection(s string) slackBlock {
	return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: s}}
}

// RenderSlack renders a notice as a Slack incoming-webhook payload: the
// headline and summary, the update, key facts, each body section (split
// into as many blocks as Slack's limits need), a link to the full notice
// and the approval record as context. When the body does not fit into
// Slack's block limit, it is cut at a section boundary and the message
// points to the full notice.
func RenderSlack(n Notice) []byte {
	doc := document(n)
	title := ChannelTitle(n)

	var head []slackBlock
	head = append(head, mrkdwnSection(truncate("*"+escapeSlack(title)+"*", slackMaxSectionText)))
	if s := strings.TrimSpace(doc.Summary); s != "" {
		head = append(head, chunkSections(toMrkdwn(s))...)
	}
	if n.Update != nil {
		head = append(head, chunkSections("*"+updateLabel(n.Update)+":* "+toMrkdwn(n.Update.Changes))...)
	}
	if fs := facts(doc); len(fs) > 0 {
		var lines []string
		for _, f := range fs {
			lines = append(lines, "*"+escapeSlack(f.Label)+":* "+slackValue(f))
		}
		head = append(head, chunkSections(strings.Join(lines, "\n"))...)
	}
	head = append(head, slackBlock{Type: "divider"})

	var body []slackBlock
	for _, s := range sections(doc) {
		text := toMrkdwn(s.Markdown)
		if s.Title != "" {
			text = "*" + escapeSlack(oneLine(s.Title)) + "*\n" + text
		}
		body = append(body, chunkSections(text)...)
	}

	var tail []slackBlock
	if isWebURL(n.URL) {
		tail = append(tail, mrkdwnSection("Full notice: "+linkMrkdwn("", n.URL)))
	}
	tail = append(tail,
		slackBlock{Type: "divider"},
		slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: truncate(auditMrkdwn(n), slackMaxContextText)}}},
	)

	room := slackMaxBlocks - len(head) - len(tail)
	if len(body) > room {
		body = append(body[:max(room-1, 0)], mrkdwnSection(truncationNote(n)))
	}
	blocks := append(append(head, body...), tail...)
	if len(blocks) > slackMaxBlocks {
		// Only a notice with an absurd summary or fact list gets here; keep
		// the headline and the audit record.
		blocks = append(blocks[:slackMaxBlocks-1], tail[len(tail)-1])
	}

	fallback := title
	if s := oneLine(doc.Summary); s != "" {
		fallback += ": " + s
	}
	payload := slackPayload{Text: truncate(escapeSlack(fallback), slackMaxFallback), Blocks: blocks}
	return marshalJSON(payload)
}

func truncationNote(n Notice) string {
	if isWebURL(n.URL) {
		return "_This notice is longer than a Slack message allows; read the rest in the full notice below._"
	}
	return "_This notice is longer than a Slack message allows; read the rest on the announcement mailing list._"
}

func slackValue(f fact) string {
	switch {
	case f.Code:
		return "`" + escapeSlack(strings.ReplaceAll(f.Value, "`", "'")) + "`"
	case f.URL:
		return linkMrkdwn("", f.Value)
	default:
		return escapeSlack(f.Value)
	}
}

func auditMrkdwn(n Notice) string {
	lines := []string{"*Approval record.* " + escapeSlack(auditIntro(n))}
	for _, s := range n.Audit.Stages {
		lines = append(lines, "• "+escapeSlack(StageLabel(s))+": "+escapeSlack(approverList(s)))
	}
	lines = append(lines, escapeSlack(sourceLine(n)))
	return strings.Join(lines, "\n")
}

// chunkSections splits mrkdwn into section blocks within Slack's text
// limit, preferring paragraph, then line, then character boundaries.
func chunkSections(s string) []slackBlock {
	var out []slackBlock
	for _, chunk := range splitText(s, slackMaxSectionText) {
		out = append(out, mrkdwnSection(chunk))
	}
	return out
}

func splitText(s string, limit int) []string {
	var chunks []string
	for len(s) > limit {
		cut := strings.LastIndex(s[:limit], "\n\n")
		if cut <= 0 {
			cut = strings.LastIndex(s[:limit], "\n")
		}
		if cut <= 0 {
			cut = safeCut(s, limit)
		}
		chunks = append(chunks, strings.TrimRight(s[:cut], "\n"))
		s = strings.TrimLeft(s[cut:], "\n")
	}
	if strings.TrimSpace(s) != "" {
		chunks = append(chunks, s)
	}
	return chunks
}

// safeCut finds a cut at or before limit that splits neither a UTF-8
// character nor an escape such as "&amp;".
func safeCut(s string, limit int) int {
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if amp := strings.LastIndexByte(s[:cut], '&'); amp >= 0 && amp > cut-6 && !strings.Contains(s[amp:cut], ";") {
		cut = amp
	}
	if cut == 0 {
		return limit
	}
	return cut
}

// truncate shortens s to at most limit bytes, ending with an ellipsis.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	ellipsis := "…"
	return s[:safeCut(s, limit-len(ellipsis))] + ellipsis
}
