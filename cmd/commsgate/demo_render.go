package main

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// demoPrinter writes the demo's story: step headers, what people do,
// and what commsgate answered, indented under it.
type demoPrinter struct{ w io.Writer }

const (
	sayIndent    = "  "
	detailIndent = "      "
)

func (p *demoPrinter) line(s string) { fmt.Fprintln(p.w, strings.TrimRight(s, " ")) }

func (p *demoPrinter) step(n, total int, title string, now time.Time) {
	p.line("")
	p.line(fmt.Sprintf("── Step %d/%d · %s  [%s]", n, total, title, now.Format("Mon 2 Jan 15:04 MST")))
}

// say tells what a person (or commsgate) does.
func (p *demoPrinter) say(format string, args ...any) {
	p.line(sayIndent + "▸ " + fmt.Sprintf(format, args...))
}

// detail is a result under the last thing said.
func (p *demoPrinter) detail(format string, args ...any) {
	p.line(detailIndent + fmt.Sprintf(format, args...))
}

// checkTitle shows a check run the way GitHub's checks list does: its
// name, state and title.
func (p *demoPrinter) checkTitle(run githubfake.CheckRun) {
	p.line(fmt.Sprintf("%s%s %s: %s", sayIndent+"  ", checkSymbol(run), run.Name, run.Title))
}

// checkRun shows a check run's title and the parts of its summary a
// reviewer would read, with the markdown simplified for a terminal.
func (p *demoPrinter) checkRun(run githubfake.CheckRun, opts ...renderOption) {
	p.checkTitle(run)
	var cfg renderConfig
	for _, o := range opts {
		o(&cfg)
	}
	for _, l := range reviewerLines(run.Summary, cfg) {
		p.line(detailIndent + l)
	}
}

// excerpt prints the first lines of a body, simplified, and the later
// lines that contain one of the words; it says how much was left out.
func (p *demoPrinter) excerpt(body string, first int, words ...string) {
	skipped := 0
	for i, l := range reviewerLines(body, renderConfig{}) {
		if i < first || containsAny(l, words) {
			p.line(detailIndent + l)
			continue
		}
		skipped++
	}
	if skipped > 0 {
		p.line(fmt.Sprintf("%s(%d more lines in the issue)", detailIndent, skipped))
	}
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func checkSymbol(run githubfake.CheckRun) string {
	if run.Status != "completed" {
		return "⏳"
	}
	switch run.Conclusion {
	case "success":
		return "✅"
	case "failure", "cancelled", "timed_out":
		return "❌"
	case "action_required":
		return "✋"
	default:
		return "•"
	}
}

// renderConfig chooses what of a summary to show.
type renderConfig struct {
	// only lists the sections to keep, by a word of their heading; ""
	// is the text before the first heading. Empty keeps everything.
	only []string
	// source, when set, is the file the findings are about: each finding
	// is followed by the line it points at.
	source []string
}

type renderOption func(*renderConfig)

// sections keeps only the summary sections whose heading contains one of
// the words ("" for the part before the first heading).
func sections(words ...string) renderOption {
	return func(c *renderConfig) { c.only = words }
}

// withFindings quotes the source line under every finding.
func withFindings(source string) renderOption {
	return func(c *renderConfig) { c.source = strings.Split(source, "\n") }
}

func (c renderConfig) keeps(section string) bool {
	if len(c.only) == 0 {
		return true
	}
	for _, w := range c.only {
		if (w == "" && section == "") || (w != "" && strings.Contains(strings.ToLower(section), strings.ToLower(w))) {
			return true
		}
	}
	return false
}

var (
	summaryTag  = regexp.MustCompile(`<summary>(.*?)</summary>`)
	findingLine = regexp.MustCompile(`\bline (\d+)\b`)
	htmlTag     = regexp.MustCompile(`</?(sub|sup|details|summary|br|b|i|em|strong|p|code)\b[^>]*>`)
)

// afterDetails names what follows a collapsed block, so that a section
// filter does not mistake it for the text before the first heading.
const afterDetails = "\x00after details"

// reviewerLines turns a check summary (GitHub markdown) into terminal
// lines: the headline is dropped (the title says it), headings become
// "Heading:", collapsed blocks are opened except the "Why this result"
// repetition, tables become aligned columns, emphasis and HTML go away.
func reviewerLines(md string, cfg renderConfig) []string {
	var out []string
	var table [][]string
	flush := func() {
		out = append(out, alignTable(table)...)
		table = nil
	}
	section := ""
	skipping := false // inside the "Why this result" block
	for _, raw := range strings.Split(md, "\n") {
		t := strings.TrimSpace(raw)
		if skipping && t != "</details>" {
			continue
		}
		switch {
		case strings.HasPrefix(t, "## "), strings.HasPrefix(t, "<!--"):
			continue // the headline repeats the title; comments are hidden
		case strings.HasPrefix(t, "### "):
			flush()
			section = strings.TrimPrefix(t, "### ")
			if cfg.keeps(section) {
				out = appendBlank(out)
				out = append(out, plain(section)+":")
			}
			continue
		case strings.HasPrefix(t, "<details>"):
			flush()
			section = ""
			if m := summaryTag.FindStringSubmatch(t); m != nil {
				section = m[1]
			}
			if strings.HasPrefix(section, "Why this result") {
				skipping = true // already said above, in other words
				continue
			}
			if cfg.keeps(section) {
				out = appendBlank(out)
				out = append(out, plain(section)+":")
			}
			continue
		case t == "</details>":
			flush()
			skipping = false
			section = afterDetails
			continue
		case strings.HasPrefix(t, "<sub>"):
			continue // the command reminder; the demo shows the commands in use
		}
		if !cfg.keeps(section) {
			continue
		}
		if strings.HasPrefix(t, "|") {
			table = append(table, tableCells(t))
			continue
		}
		flush()
		if t == "" {
			out = appendBlank(out)
			continue
		}
		out = append(out, plain(strings.TrimRight(raw, " ")))
		if cfg.source != nil {
			if quoted, ok := quoteSource(t, cfg.source); ok {
				out = append(out, quoted)
			}
		}
	}
	flush()
	for len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func appendBlank(out []string) []string {
	if len(out) == 0 || out[len(out)-1] == "" {
		return out
	}
	return append(out, "")
}

// plain drops markdown emphasis and inline HTML.
func plain(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	return htmlTag.ReplaceAllString(s, "")
}

// quoteSource returns the source line a finding points at, numbered.
func quoteSource(finding string, source []string) (string, bool) {
	m := findingLine.FindStringSubmatch(finding)
	if m == nil {
		return "", false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || n > len(source) || strings.TrimSpace(source[n-1]) == "" {
		return "", false
	}
	return fmt.Sprintf("      %4d │ %s", n, source[n-1]), true
}

func tableCells(row string) []string {
	cells := strings.Split(strings.Trim(row, "|"), "|")
	for i := range cells {
		cells[i] = plain(strings.TrimSpace(cells[i]))
	}
	return cells
}

// alignTable lays a markdown table out in columns, without its header
// separator row.
func alignTable(rows [][]string) []string {
	var kept [][]string
	widths := map[int]int{}
	for _, r := range rows {
		if isSeparatorRow(r) {
			continue
		}
		kept = append(kept, r)
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var out []string
	for _, r := range kept {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))))
			}
		}
		out = append(out, "  "+b.String())
	}
	return out
}

func isSeparatorRow(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":-") != "" || c == "" {
			return false
		}
	}
	return len(cells) > 0
}
