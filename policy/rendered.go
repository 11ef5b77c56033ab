package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// What reviewers read must be what readers get. The channels render the
// body differently: every channel drops HTML comments, mail and Slack drop
// raw HTML (GitHub keeps only some of it), and a link's text hides its
// address everywhere but in Slack. These findings point at each place
// where the rendering would change the meaning.

// renderRiskKind is what a renderer would drop or hide.
type renderRiskKind int

const (
	riskComment renderRiskKind = iota
	riskHTMLBlock
	riskInlineHTML
	riskLinkText
)

// renderRisk is one place in the body that a channel does not render as
// the source reads.
type renderRisk struct {
	kind   renderRiskKind
	offset int
	// snippet is the HTML tag, or the host the link text shows.
	snippet string
	// target is the host a deceptive link really goes to.
	target string
}

// renderRisks walks the parsed body for comments, raw HTML and link text
// that names another host than the link's target. Code is never walked:
// what it holds is shown as written.
func renderRisks(root ast.Node, source []byte) []renderRisk {
	var risks []renderRisk
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.CodeSpan:
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if lines := n.Lines(); lines.Len() > 0 {
				start := lines.At(0).Start
				risks = append(risks, htmlRisks(string(source[start:lines.At(lines.Len()-1).Stop]), start, riskHTMLBlock)...)
			}
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				start, stop := n.Segments.At(0).Start, n.Segments.At(n.Segments.Len()-1).Stop
				risks = append(risks, htmlRisks(string(source[start:stop]), start, riskInlineHTML)...)
			}
		case *ast.Link:
			if r, ok := linkTextRisk(inlineText(n, source), string(n.Destination)); ok {
				r.offset = linkOffset(n, source)
				risks = append(risks, r)
			}
		}
		return ast.WalkContinue, nil
	})
	return risks
}

// htmlRisks splits raw HTML at start into its comments and the rest: a
// comment is guidance every channel drops, anything else is markup only
// some channels show.
func htmlRisks(raw string, start int, kind renderRiskKind) []renderRisk {
	var risks []renderRisk
	rest := raw
	for _, m := range htmlComment.FindAllStringIndex(raw, -1) {
		risks = append(risks, renderRisk{kind: riskComment, offset: start + m[0]})
		rest = strings.Replace(rest, raw[m[0]:m[1]], "", 1)
	}
	if strings.TrimSpace(rest) == "" {
		return risks
	}
	if strings.HasPrefix(strings.TrimSpace(raw), "<!--") && !strings.Contains(raw, "-->") {
		// An unclosed comment swallows the rest of its block.
		return []renderRisk{{kind: riskComment, offset: start}}
	}
	if kind == riskInlineHTML && strings.HasPrefix(rest, "</") {
		// The opening tag was reported already.
		return risks
	}
	first := strings.Index(raw, strings.TrimSpace(rest)[:1])
	return append(risks, renderRisk{kind: kind, offset: start + max(first, 0), snippet: firstTag(strings.TrimSpace(rest))})
}

// lineBreakTag matches <br> and <wbr>: dropping them joins two lines, which
// changes the layout but not the words.
var lineBreakTag = regexp.MustCompile(`(?i)^<w?br\s*/?>$`)

// firstTag is the opening of a piece of HTML, short enough to quote.
func firstTag(html string) string {
	if i := strings.IndexByte(html, '>'); i >= 0 && i < 60 {
		return html[:i+1]
	}
	if len(html) > 40 {
		return html[:40] + "…"
	}
	return html
}

// linkOffset is where a link's text starts, or its destination for a link
// without text.
func linkOffset(n *ast.Link, source []byte) int {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			// The "[" is the byte before the text.
			return max(t.Segment.Start-1, 0)
		}
	}
	return max(n.Pos(), 0)
}

// hostLike matches a host name as people write it in link text: labels
// of letters, digits and hyphens in any script, ending in a letter TLD.
var hostLike = regexp.MustCompile(`^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,63}$`)

// fileTLDs are country-code TLDs that are also common file extensions:
// "README.md" or "install.sh" in link text names a file, not a host. Written
// with a scheme, "www." or a path, they are hosts again.
var fileTLDs = map[string]bool{
	"md": true, "sh": true, "py": true, "rs": true, "pl": true, "ps": true, "so": true,
	"js": true, "ts": true, "cc": true, "in": true, "ai": true, "zip": true, "mov": true,
}

// linkTextRisk reports whether the text of a link to dest shows a web
// address or mail address whose site is not dest's: readers trust the
// address they see and never read the one behind it.
func linkTextRisk(text, dest string) (renderRisk, bool) {
	target, ok := linkTargetHost(dest)
	if !ok {
		return renderRisk{}, false
	}
	for _, word := range strings.Fields(text) {
		shown, ok := shownHost(word)
		if !ok {
			continue
		}
		if sameSite(shown, target) {
			continue
		}
		return renderRisk{kind: riskLinkText, snippet: shown, target: target}, true
	}
	return renderRisk{}, false
}

// linkTargetHost is the host a link really goes to: a web address's host
// or a mail address's domain.
func linkTargetHost(dest string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return normalHost(u.Hostname()), u.Hostname() != ""
	case "mailto":
		addr := u.Opaque
		if i := strings.IndexByte(addr, '?'); i >= 0 {
			addr = addr[:i]
		}
		if at := strings.LastIndexByte(addr, '@'); at >= 0 {
			return normalHost(addr[at+1:]), true
		}
	}
	return "", false
}

// shownHost is the host a word of link text names, if it names one:
// "https://example.org/x", "www.example.org", "example.org/docs",
// "example.org" or "security@example.org".
func shownHost(word string) (string, bool) {
	word = strings.Trim(word, "()[]<>{}\"'`.,;:!?*_~")
	if word == "" {
		return "", false
	}
	explicit := false
	if i := strings.Index(word, "://"); i >= 0 {
		u, err := url.Parse(word)
		if err != nil || u.Hostname() == "" {
			return "", false
		}
		word, explicit = u.Hostname(), true
	} else if at := strings.LastIndexByte(word, '@'); at >= 0 {
		word, explicit = word[at+1:], true
	}
	if i := strings.IndexAny(word, "/?#"); i >= 0 {
		word, explicit = word[:i], true
	}
	if p, ok := strings.CutPrefix(strings.ToLower(word), "www."); ok && p != "" {
		explicit = true
	}
	host := normalHost(word)
	if !hostLike.MatchString(host) && !hostLike.MatchString(word) {
		return "", false
	}
	suffix, icann := publicsuffix.PublicSuffix(host)
	if !icann && !strings.Contains(suffix, ".") {
		// Not a TLD anyone registers under: "kubectl.exe", "v1.31".
		return "", false
	}
	if suffix == host {
		return "", false
	}
	if !explicit && fileTLDs[suffix] {
		return "", false
	}
	return host, true
}

// normalHost is a host in the form hosts compare in: lower case, without
// a trailing dot, international names as punycode.
func normalHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if a, err := idna.Lookup.ToASCII(h); err == nil {
		return a
	}
	return h
}

// sameSite reports whether two hosts belong to the same registered domain
// ("docs.example.org" and "www.example.org" do): one owner controls both.
func sameSite(a, b string) bool {
	if a == b {
		return true
	}
	ra, errA := publicsuffix.EffectiveTLDPlusOne(a)
	rb, errB := publicsuffix.EffectiveTLDPlusOne(b)
	return errA == nil && errB == nil && ra == rb
}

// checkRendering turns the body's render risks into findings. Comments
// only warn: they are template guidance, and no channel shows them to
// anyone. Raw HTML and deceptive links are errors, since readers on some
// channel would read something other than what was approved.
func (v *validator) checkRendering() {
	if len(v.doc.parsed.renderRisks) == 0 {
		return
	}
	ix := v.doc.parsed.body
	if ix.starts == nil {
		ix = newLineIndex(v.doc.Body, max(v.doc.BodyPos.Line, 1))
	}
	placeholders := map[Pos]bool{}
	for _, f := range v.findings {
		if f.Rule == RulePlaceholder {
			placeholders[Pos{Line: f.Line, Column: f.Column}] = true
		}
	}
	for _, r := range v.doc.parsed.renderRisks {
		at := ix.pos(r.offset)
		switch r.kind {
		case riskComment:
			v.warnf(at, RuleHTMLComment,
				"this HTML comment is not published: every channel drops it, so readers never see what it says. Delete it once its guidance is followed, or write it as text if readers need it")
		case riskHTMLBlock, riskInlineHTML:
			if placeholders[at] {
				// The placeholder rule already says to fill this gap in.
				continue
			}
			what := fmt.Sprintf("`%s` is raw HTML", strings.ReplaceAll(r.snippet, "`", "'"))
			if r.kind == riskHTMLBlock {
				what = fmt.Sprintf("this HTML block (`%s`) is raw HTML", strings.ReplaceAll(r.snippet, "`", "'"))
			}
			if lineBreakTag.MatchString(r.snippet) {
				v.warnf(at, RuleRawHTML, "`%s` is raw HTML, which mail and Slack drop, joining the two lines: end the line with a backslash for a line break, or start a new paragraph", r.snippet)
				continue
			}
			v.errorf(at, RuleRawHTML,
				"%s: mail and Slack drop it and GitHub shows only part of HTML, so readers on different channels would read different things. Write it in markdown (**bold**, _italic_, a list, a table), or put it in a code span if the HTML itself is the point", what)
		case riskLinkText:
			v.errorf(at, RuleDeceptiveLink,
				"the link text shows %s but the link goes to %s: readers trust the address they see. Make the text match where the link goes, or describe the page in words", r.snippet, r.target)
		}
	}
}
