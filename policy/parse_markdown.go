package policy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// markdownParser is CommonMark without extensions: what every channel
// renders alike. A goldmark parser initialises once and keeps no state
// between Parse calls, so one serves all goroutines.
var markdownParser = goldmark.DefaultParser()

// htmlComment matches an HTML comment; authors leave guidance in them, and
// a section holding only comments is still empty.
var htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)

// parseBody finds the level-2 sections of the markdown body and where its
// code is. firstLine is the file line the body starts on.
func (p *docParser) parseBody(body []byte, firstLine int) {
	ix := newLineIndex(string(body), firstLine)
	p.doc.parsed.body = ix
	if line, depth := deepestNesting(body); depth > maxBlockNesting {
		// CommonMark parsers spend quadratic time on thousands of nested
		// lists or quotes; no notice needs more than a handful.
		p.add(Pos{Line: firstLine + line, Column: 1}, RuleMarkdownTooDeep, fmt.Sprintf(
			"this line nests %d lists or quotes; at most %d are allowed: flatten it", depth, maxBlockNesting))
		return
	}
	root := parseMarkdown(body)
	if root == nil {
		return
	}
	p.doc.parsed.codeRanges = codeRanges(root)
	p.doc.parsed.renderRisks = renderRisks(root, body)

	// Only top-level headings make sections: a heading quoted in a
	// blockquote or list belongs to the text around it. A level-1 heading
	// ends the section before it without starting a new one.
	type heading struct {
		node  *ast.Heading
		start int
	}
	var headings []heading
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 2 && h.Pos() >= 0 {
			headings = append(headings, heading{node: h, start: h.Pos()})
		}
	}
	for i, h := range headings {
		if h.node.Level != 2 {
			continue
		}
		end := len(body)
		if i+1 < len(headings) {
			end = headings[i+1].start
		}
		contentStart := min(headingEnd(body, h.node, h.start, ix), end)
		markdown := string(body[contentStart:end])
		p.doc.Sections = append(p.doc.Sections, Section{
			Title:    strings.TrimSpace(inlineText(h.node, body)),
			Pos:      ix.pos(h.start),
			Text:     sectionText(markdown),
			Markdown: strings.TrimSpace(markdown),
		})
	}
}

// maxBlockNesting bounds how deeply lists and block quotes may nest.
const maxBlockNesting = 32

// deepestNesting returns the 0-based line with the most container markers
// ("> ", "- ", "* ", "+ ", "1. ", "1) ") at its start, and that count. It
// reads each byte once.
func deepestNesting(body []byte) (line, depth int) {
	current, lineNo := 0, 0
	atStart := true
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\n' {
			lineNo++
			current, atStart = 0, true
			continue
		}
		if !atStart {
			continue
		}
		switch {
		case c == ' ' || c == '\t':
		case c == '>':
			current++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(body) && (body[i+1] == ' ' || body[i+1] == '\t'):
			current++
		case c >= '0' && c <= '9':
			j := i
			for j < len(body) && j-i < 9 && body[j] >= '0' && body[j] <= '9' {
				j++
			}
			if j+1 < len(body) && (body[j] == '.' || body[j] == ')') && (body[j+1] == ' ' || body[j+1] == '\t') {
				current++
				i = j
			} else {
				atStart = false
			}
		default:
			atStart = false
		}
		if current > depth {
			line, depth = lineNo, current
		}
	}
	return line, depth
}

// parseMarkdown parses CommonMark; a parser bug on hostile input becomes
// "no sections" (and missing-section findings), never a crash.
func parseMarkdown(body []byte) (root ast.Node) {
	defer func() {
		if recover() != nil {
			root = nil
		}
	}()
	return markdownParser.Parse(text.NewReader(body))
}

// headingEnd returns the offset just after a heading's source: its line
// for "## Title", its underline for a setext heading.
func headingEnd(body []byte, h *ast.Heading, start int, ix lineIndex) int {
	end := ix.lineEnd(start)
	if lines := h.Lines(); lines.Len() > 0 {
		end = ix.lineEnd(lines.At(lines.Len() - 1).Start)
	}
	if !strings.HasPrefix(strings.TrimLeft(string(body[start:end]), " "), "#") {
		// Setext: the underline is the next line.
		end = ix.lineEnd(end + 1)
	}
	return min(end+1, len(body))
}

// inlineText is the plain text of a node's inline content: what a reader
// sees of a heading, without emphasis marks or backticks.
func inlineText(n ast.Node, source []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(source))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		default:
			b.WriteString(inlineText(c, source))
		}
	}
	return b.String()
}

// codeRanges lists where the body holds code, in source order.
func codeRanges(root ast.Node) []byteRange {
	var ranges []byteRange
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			start, end := c.Pos(), c.Pos()
			if lines := c.Lines(); lines.Len() > 0 {
				if start < 0 {
					start = lines.At(0).Start
				}
				end = lines.At(lines.Len() - 1).Stop
			}
			if start >= 0 {
				ranges = append(ranges, byteRange{start: start, end: end})
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if txt, ok := t.(*ast.Text); ok {
					ranges = append(ranges, byteRange{start: txt.Segment.Start, end: txt.Segment.Stop})
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return ranges
}

// sectionText is a section's content without HTML comments, trimmed.
func sectionText(markdown string) string {
	if strings.Contains(markdown, "<!--") {
		markdown = htmlComment.ReplaceAllString(markdown, "")
	}
	return strings.TrimSpace(markdown)
}
