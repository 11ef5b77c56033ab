package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxSummary is GitHub's limit on a check run's output summary, in
// characters. Bytes are counted, which is never more lenient.
const MaxSummary = 65535

// maxTitle keeps the check title to one readable line.
const maxTitle = 200

// truncateSummary cuts an oversized summary at a line break and says so
// (hint tells where the rest can be seen),
// closing a collapsed section the cut left open so the rest still renders.
func truncateSummary(s, hint string) string {
	if len(s) <= MaxSummary {
		return s
	}
	// Leave room for the note and a closing tag.
	const reserve = 400
	cut := s[:MaxSummary-reserve]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i+1]
	}
	for !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	left := utf8.RuneCountInString(s[len(cut):])
	if strings.Count(cut, "<details>") > strings.Count(cut, "</details>") {
		cut += "\n</details>\n"
	}
	return cut + fmt.Sprintf("\n**… truncated:** the last %d characters did not fit GitHub's limit of %d; %s\n", left, MaxSummary, hint)
}

func clipTitle(s string) string {
	if utf8.RuneCountInString(s) <= maxTitle {
		return s
	}
	r := []rune(s)
	return string(r[:maxTitle-1]) + "…"
}
