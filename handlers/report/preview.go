package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Preview is one communication as its announcement issue would be posted:
// the same renderer publication uses, on the document at the PR's head.
type Preview struct {
	Path  string
	Title string
	Body  string
}

// previewNote says what the preview cannot show yet, since it only exists
// once the pull request is merged.
const previewNote = "Rendered from this pull request's head by the same renderer that publishes it. " +
	"At publication the last line also names the merge commit, and a hidden delivery marker follows it; nothing else changes."

// previewTruncatedHint says where a cut preview can be seen whole.
const previewTruncatedHint = "run `commsgate preview %s --channel issue` to see it whole."

// ApprovalPreviews is the approval check's text: one collapsed section
// per communication, holding its issue body as source text, so reviewers
// read exactly the markdown that goes out, comments and all. The text
// stays within GitHub's limit; a preview that does not fit is cut at a
// line, and says so.
func ApprovalPreviews(previews []Preview) string {
	if len(previews) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range previews {
		head := fmt.Sprintf("<details><summary>Preview: issue body as it will be posted (%s)</summary>\n\n", p.Path) +
			"**Title:** " + codeSpan(p.Title) + "\n\n" + previewNote + "\n\n"
		fence := fenceFor(p.Body)
		const tail = "\n</details>\n\n"
		body := strings.TrimRight(p.Body, "\n") + "\n"
		room := MaxSummary - b.Len() - len(head) - 2*len(fence) - len(tail) - 2 - previewCutReserve
		if room < 0 {
			fmt.Fprintf(&b, "**… truncated:** the previews of the remaining communications did not fit GitHub's limit of %d characters, starting with %s; "+previewTruncatedHint+"\n", MaxSummary, p.Path, p.Path)
			break
		}
		b.WriteString(head)
		b.WriteString(fence + "markdown\n")
		if len(body) <= room {
			b.WriteString(body + fence + "\n" + tail)
			continue
		}
		cut := cutAtLine(body, room)
		b.WriteString(cut + fence + "\n\n")
		fmt.Fprintf(&b, "**… truncated:** the last %d characters of this preview did not fit GitHub's limit of %d characters for a check run's text; "+previewTruncatedHint+"\n",
			utf8.RuneCountInString(body[len(cut):]), MaxSummary, p.Path)
		b.WriteString(tail)
	}
	return b.String()
}

// previewCutReserve leaves room for the truncation sentence.
const previewCutReserve = 400

// cutAtLine is the longest prefix of s within max bytes that ends at a
// line break and is valid UTF-8.
func cutAtLine(s string, max int) string {
	if max <= 0 {
		return ""
	}
	cut := s[:min(max, len(s))]
	if i := strings.LastIndexByte(cut, '\n'); i >= 0 {
		cut = cut[:i+1]
	}
	for !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	return cut
}

// fenceFor is a code fence longer than any backtick run in s, so nothing
// in s can close it and GitHub shows s as written.
func fenceFor(s string) string {
	return strings.Repeat("`", max(3, longestRun(s, '`')+1))
}

// codeSpan shows one line as code, whatever backticks it holds.
func codeSpan(s string) string {
	s = inline(s)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return ticks + " " + s + " " + ticks
	}
	return ticks + s + ticks
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}
