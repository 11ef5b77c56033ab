package publish

import (
	"html"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// slackMarkdown parses author markdown for conversion to Slack mrkdwn.
var slackMarkdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(linkGuardOption),
)

// toMrkdwn converts markdown to Slack mrkdwn. Every character an author
// wrote passes through escapeSlack, so "<!channel>" or "<https://x|bank>"
// in a notice shows as text instead of pinging a channel or disguising a
// link. Links are shown as "label (<url>)" with the real address visible,
// and only for http, https and mailto; raw HTML is dropped as in mail.
func toMrkdwn(md string) string {
	source := []byte(md)
	doc := slackMarkdown.Parser().Parse(text.NewReader(source))
	c := mrkdwnConverter{source: source}
	return strings.TrimSpace(c.blocks(doc, ""))
}

type mrkdwnConverter struct {
	source []byte
}

// blocks renders the block children of n, separated by blank lines, with
// every line prefixed by indent.
func (c mrkdwnConverter) blocks(n ast.Node, indent string) string {
	return c.joinBlocks(n, indent, "\n\n")
}

func (c mrkdwnConverter) joinBlocks(n ast.Node, indent, sep string) string {
	var parts []string
	for child := n.FirstChild(); child != nil; child = child.NextSibling() {
		if s := c.block(child, indent); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, sep)
}

func (c mrkdwnConverter) block(n ast.Node, indent string) string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return prefixLines(c.inlines(n), indent)
	case *ast.Heading:
		return prefixLines("*"+c.inlines(n)+"*", indent)
	case *ast.ThematicBreak:
		return indent + "――――――――"
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.WriteString(escapeSlack(string(seg.Value(c.source))))
		}
		return prefixLines("```\n"+strings.TrimRight(b.String(), "\n")+"\n```", indent)
	case *ast.Blockquote:
		return prefixLines(c.blocks(n, ""), indent+"> ")
	case *ast.List:
		return c.list(n, indent)
	case *ast.HTMLBlock:
		return ""
	case *extast.Table:
		return c.table(n, indent)
	default:
		return c.blocks(n, indent)
	}
}

func (c mrkdwnConverter) list(l *ast.List, indent string) string {
	var items []string
	number := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "• "
		if l.IsOrdered() {
			marker = strconv.Itoa(number) + ". "
			number++
		}
		pad := strings.Repeat(" ", len([]rune(marker)))
		// A tight list's item keeps its paragraph and sub-list together.
		itemSep := "\n\n"
		if l.IsTight {
			itemSep = "\n"
		}
		body := c.joinBlocks(item, "", itemSep)
		lines := strings.Split(body, "\n")
		for i, line := range lines {
			switch {
			case i == 0:
				lines[i] = indent + marker + line
			case line == "":
				lines[i] = ""
			default:
				lines[i] = indent + pad + line
			}
		}
		items = append(items, strings.Join(lines, "\n"))
	}
	sep := "\n"
	if !l.IsTight {
		sep = "\n\n"
	}
	return strings.Join(items, sep)
}

func (c mrkdwnConverter) table(t *extast.Table, indent string) string {
	var rows []string
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []string
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			cells = append(cells, c.inlines(cell))
		}
		line := strings.Join(cells, " | ")
		if _, header := row.(*extast.TableHeader); header {
			line = "*" + line + "*"
		}
		rows = append(rows, indent+line)
	}
	return strings.Join(rows, "\n")
}

// inlines renders the inline children of n.
func (c mrkdwnConverter) inlines(n ast.Node) string {
	var b strings.Builder
	for child := n.FirstChild(); child != nil; child = child.NextSibling() {
		b.WriteString(c.inline(child))
	}
	return b.String()
}

func (c mrkdwnConverter) inline(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Text:
		s := escapeSlack(unescapeMarkdown(string(n.Value(c.source))))
		if n.SoftLineBreak() || n.HardLineBreak() {
			s += "\n"
		}
		return s
	case *ast.String:
		return escapeSlack(string(n.Value))
	case *ast.CodeSpan:
		var b strings.Builder
		for t := n.FirstChild(); t != nil; t = t.NextSibling() {
			if seg, ok := t.(*ast.Text); ok {
				b.Write(seg.Value(c.source))
			}
		}
		return "`" + escapeSlack(strings.ReplaceAll(b.String(), "`", "'")) + "`"
	case *ast.Emphasis:
		mark := "_"
		if n.Level >= 2 {
			mark = "*"
		}
		return mark + c.inlines(n) + mark
	case *extast.Strikethrough:
		return "~" + c.inlines(n) + "~"
	case *ast.Link:
		return linkMrkdwn(c.inlines(n), string(n.Destination))
	case *ast.Image:
		return linkMrkdwn(c.inlines(n), string(n.Destination))
	case *ast.AutoLink:
		return linkMrkdwn("", string(n.URL(c.source)))
	case *ast.RawHTML:
		return ""
	default:
		return c.inlines(n)
	}
}

// linkMrkdwn shows a link with its real address: Slack's "<url|label>"
// form would let a label hide where the link goes.
func linkMrkdwn(label, dest string) string {
	if !allowedLink(dest) {
		return label
	}
	// "|" and ">" would end Slack's link syntax; encoded, they stay in the URL.
	safe := strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C", " ", "%20").Replace(dest)
	link := "<" + strings.ReplaceAll(safe, "&", "&amp;") + ">"
	if label == "" || label == escapeSlack(dest) {
		return link
	}
	return label + " (" + link + ")"
}

// escapeSlack escapes Slack's control characters. Slack reads "<...>" as
// mentions (<!channel>, <@U123>) and links, and "&" starts an entity.
func escapeSlack(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// unescapeMarkdown resolves backslash escapes and entities the way a
// markdown renderer would, so "\*" shows as "*" and "&amp;" as "&".
func unescapeMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return html.UnescapeString(b.String())
}

func prefixLines(s, prefix string) string {
	if prefix == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(prefix+l, " ")
	}
	return strings.Join(lines, "\n")
}
