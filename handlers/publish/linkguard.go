package publish

import (
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// unsafeLinkText replaces an autolink whose scheme is not allowed, so the
// reader sees that something was removed rather than a silent gap.
const unsafeLinkText = "(unsafe link removed)"

// linkGuard removes every link and image whose destination is not an
// absolute http, https or mailto URL before any renderer sees it: a link
// keeps its text, an image its alt text. goldmark's safe mode already
// blanks dangerous destinations; this also keeps relative links (which
// mean nothing in mail or Slack) and scheme tricks out, and lets every
// channel show the same words.
type linkGuard struct{}

var linkGuardOption = parser.WithASTTransformers(util.Prioritized(linkGuard{}, 100))

func (linkGuard) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unsafe []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !allowedLink(string(n.Destination)) {
				unsafe = append(unsafe, n)
			}
		case *ast.Image:
			if !allowedLink(string(n.Destination)) {
				unsafe = append(unsafe, n)
			}
		case *ast.AutoLink:
			if !allowedLink(string(n.URL(source))) {
				unsafe = append(unsafe, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unsafe {
		parent := n.Parent()
		if _, auto := n.(*ast.AutoLink); auto {
			parent.ReplaceChild(parent, n, ast.NewString([]byte(unsafeLinkText)))
			continue
		}
		for child := n.FirstChild(); child != nil; {
			next := child.NextSibling()
			parent.InsertBefore(parent, n, child)
			child = next
		}
		parent.RemoveChild(parent, n)
	}
}

// allowedLink accepts absolute http(s) URLs with a host and mailto links.
func allowedLink(dest string) bool {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}
