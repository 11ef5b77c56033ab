package publish

import (
	"bytes"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// emailMarkdown converts markdown to HTML for mail. It keeps goldmark's
// safe defaults on purpose: raw HTML in a notice is omitted and links with
// dangerous schemes lose their destination. On top, linkGuard unwraps
// every link that is not http, https or mailto, so an author cannot put script or disguised links
// into mail. Never add html.WithUnsafe here.
var emailMarkdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(linkGuardOption),
)

// RenderEmail renders a notice as a mail: the subject, a plain-text body
// (the markdown, which is meant to be read as text) and an HTML body
// converted from the same markdown.
func RenderEmail(n Notice) (subject, textBody, htmlBody string) {
	subject = ChannelTitle(n)
	md := RenderMarkdown(n)
	textBody = subject + "\n" + strings.Repeat("=", utf8.RuneCountInString(subject)) + "\n\n" + md

	var body bytes.Buffer
	if err := emailMarkdown.Convert([]byte(md), &body); err != nil {
		// Conversion into memory does not fail in practice; if it ever
		// does, readers still get the whole text, escaped.
		body.Reset()
		body.WriteString("<pre>" + html.EscapeString(md) + "</pre>\n")
	}
	title := html.EscapeString(subject)
	htmlBody = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
		"</title>\n</head>\n<body>\n<h1>" + title + "</h1>\n" + body.String() + "</body>\n</html>\n"
	return subject, textBody, htmlBody
}
