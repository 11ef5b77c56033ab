package policy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

var (
	// placeholderWord matches the markers authors leave for later, in any
	// case, as whole words: TBD, FIXME, XXX (or longer, as in
	// CVE-2027-XXXX). TODO counts in capitals anywhere, and in any case
	// when it is used as a marker (`todo:`, `todo(alice)`, `[todo]`),
	// so prose about "a todo list" or "what to do" does not fire.
	placeholderWord = regexp.MustCompile(`(?i:\b(?:tbd|fixme|x{3,})\b)|\bTODO\b|(?i:\btodo\b(?:\s*[:(!]|\s*\]))`)
	// bracketGap matches a gap in square brackets, "[insert date]" or
	// "[TBD]"; findPlaceholders skips link texts and references ("[add a
	// reviewer](…)", "[your cluster][1]") and code.
	bracketGap = regexp.MustCompile(`(?i)\[\s*(?:insert|fill[ -]in|add|your|todo|tbd|placeholder|xxx)\b[^\[\]\n]*\]`)
	loremIpsum = regexp.MustCompile(`(?i)\blorem ipsum\b`)
	// templateVariable matches $NAME and ${NAME}; in code it is shell.
	templateVariable = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Z][A-Z0-9_]+\b`)
	// angleGap matches <...> on one line; isGap decides whether it is a
	// gap to fill in or real HTML / an autolink.
	angleGap = regexp.MustCompile(`<[^<>\n]*>`)
	fillIn   = regexp.MustCompile(`(?i)^<\s*(fill[ -]in|insert|add|your|todo|tbd)\b`)
	autolink = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$`)
	email    = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
	tagName  = regexp.MustCompile(`^/?([A-Za-z][A-Za-z0-9-]*)`)
)

// htmlElements are the elements authors use in markdown; <name> with any
// other word is taken for a gap such as <version> or <your-handle>.
var htmlElements = map[string]bool{
	"a": true, "abbr": true, "b": true, "blockquote": true, "br": true, "caption": true, "cite": true,
	"code": true, "col": true, "colgroup": true, "dd": true, "del": true, "details": true, "div": true,
	"dl": true, "dt": true, "em": true, "figcaption": true, "figure": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "i": true, "img": true, "ins": true,
	"kbd": true, "li": true, "mark": true, "ol": true, "p": true, "picture": true, "pre": true, "q": true,
	"s": true, "samp": true, "section": true, "small": true, "source": true, "span": true, "strong": true,
	"sub": true, "summary": true, "sup": true, "table": true, "tbody": true, "td": true, "tfoot": true,
	"th": true, "thead": true, "time": true, "tr": true, "u": true, "ul": true, "var": true, "wbr": true,
}

// placeholderHit is one placeholder found at a byte offset.
type placeholderHit struct {
	offset  int
	text    string
	message string
}

// checkPlaceholders reports text left from a template anywhere in the
// front matter (values and comments) or the body. In code, only explicit
// markers count: `$HOME` and `<pod-name>` are legitimate there.
func (v *validator) checkPlaceholders() {
	p := v.doc.parsed
	if len(p.frontMatter) > 0 {
		fm := string(p.frontMatter)
		ix := newLineIndex(fm, p.frontMatterLine)
		for _, hit := range findPlaceholders(fm, inlineCodeRanges(fm)) {
			v.errorf(ix.pos(hit.offset), RulePlaceholder, "%s", hit.message)
		}
	}
	if v.doc.Body != "" {
		ix := p.body
		if ix.starts == nil {
			ix = newLineIndex(v.doc.Body, max(v.doc.BodyPos.Line, 1))
		}
		for _, hit := range findPlaceholders(v.doc.Body, p.codeRanges) {
			v.errorf(ix.pos(hit.offset), RulePlaceholder, "%s", hit.message)
		}
	}
}

// findPlaceholders lists the placeholders in text; code holds the byte
// ranges that are code.
func findPlaceholders(text string, code []byteRange) []placeholderHit {
	var hits []placeholderHit
	code = sortedRanges(code)
	inCode := func(off int) bool { return inRanges(code, off) }
	// Cheap substring tests first: most documents hold none of these, and
	// the regular expressions cost most of validation's time otherwise.
	if containsAnyFold(text, "todo", "tbd", "fixme", "xxx") {
		for _, m := range placeholderWord.FindAllStringIndex(text, -1) {
			word := strings.TrimRight(text[m[0]:m[1]], " \t(!]")
			hits = append(hits, placeholderHit{m[0], word, fmt.Sprintf("`%s` marks unfinished text: write the missing content and remove the marker", word)})
		}
	}
	if strings.Contains(text, "[") {
		for _, m := range bracketGap.FindAllStringIndex(text, -1) {
			if inCode(m[0]) || m[1] < len(text) && strings.ContainsRune("([:", rune(text[m[1]])) {
				continue // code ("args: [add, --force]"), a link or a reference definition
			}
			if overlaps(hits, m[0], m[1]) {
				continue // "[TBD]" is one gap, reported once
			}
			gap := text[m[0]:m[1]]
			hits = append(hits, placeholderHit{m[0], gap, fmt.Sprintf("`%s` is a gap left to fill in: replace it, brackets included, with the content it asks for", gap)})
		}
	}
	if containsAny(text, "orem", "OREM") {
		for _, m := range loremIpsum.FindAllStringIndex(text, -1) {
			hits = append(hits, placeholderHit{m[0], text[m[0]:m[1]], "`lorem ipsum` is filler text: replace it with the real content"})
		}
	}
	if strings.Contains(text, "$") {
		for _, m := range templateVariable.FindAllStringIndex(text, -1) {
			if inCode(m[0]) || (m[0] > 0 && isWordByte(text[m[0]-1])) {
				continue
			}
			name := text[m[0]:m[1]]
			hits = append(hits, placeholderHit{m[0], name, fmt.Sprintf("`%s` looks like a template variable never filled in: write the value (put shell commands in backticks)", name)})
		}
	}
	if !strings.Contains(text, "<") {
		return hits
	}
	for _, m := range angleGap.FindAllStringIndex(text, -1) {
		gap := text[m[0]:m[1]]
		explicit := fillIn.MatchString(gap)
		if !explicit && (inCode(m[0]) || !isGap(gap[1:len(gap)-1])) {
			continue
		}
		if overlaps(hits, m[0], m[1]) {
			continue // "<TBD>": the marker is already reported
		}
		hits = append(hits, placeholderHit{m[0], gap, fmt.Sprintf("`%s` is a gap left to fill in: replace it, brackets included, with the content it asks for", gap)})
	}
	return hits
}

// sortedRanges returns a sorted copy of non-overlapping ranges.
func sortedRanges(ranges []byteRange) []byteRange {
	out := slices.Clone(ranges)
	slices.SortFunc(out, func(a, b byteRange) int { return a.start - b.start })
	return out
}

// inRanges reports whether off is inside one of the sorted ranges. The
// last range starting at or before off is the only candidate, since code
// ranges do not overlap.
func inRanges(ranges []byteRange, off int) bool {
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i].start > off }) - 1
	return i >= 0 && off < ranges[i].end
}

// containsAnyFold is containsAny ignoring ASCII case, for the cheap
// test before the case-insensitive expressions run.
func containsAnyFold(text string, subs ...string) bool {
	for _, sub := range subs {
		if indexFold(text, sub) >= 0 {
			return true
		}
	}
	return false
}

// indexFold finds sub (lower-case ASCII) in text ignoring ASCII case,
// without copying text.
func indexFold(text, sub string) int {
	first, upper := sub[0], sub[0]
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+len(sub) <= len(text); i++ {
		if c := text[i]; c != first && c != upper {
			continue
		}
		if strings.EqualFold(text[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// overlaps reports whether a hit starts inside [start, end).
func overlaps(hits []placeholderHit, start, end int) bool {
	for _, h := range hits {
		if h.offset >= start && h.offset < end {
			return true
		}
	}
	return false
}

func containsAny(text string, subs ...string) bool {
	for _, s := range subs {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// isGap tells a fill-in gap ("<version>", "<your handle>") from HTML and
// autolinks, whose content a channel renders.
func isGap(inner string) bool {
	if inner == "" || strings.HasPrefix(inner, "!") {
		return inner == "" // "<>" is a gap, "<!-- -->" a comment
	}
	if autolink.MatchString(inner) || email.MatchString(inner) {
		return false
	}
	first := inner[0]
	if !(first >= 'A' && first <= 'Z' || first >= 'a' && first <= 'z' || first == '/') {
		return false // "< b" or "<=" is prose or maths, not a gap
	}
	if m := tagName.FindStringSubmatch(inner); m != nil && htmlElements[strings.ToLower(m[1])] {
		rest := inner[len(m[0]):]
		if rest == "" || rest[0] == ' ' || rest[0] == '/' || rest[0] == '\t' {
			return false
		}
	}
	return !strings.HasPrefix(inner, "/")
}

// inlineCodeRanges finds `code` spans line by line, for text that is not
// markdown-parsed (the front matter's values).
func inlineCodeRanges(text string) []byteRange {
	var ranges []byteRange
	open := -1
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '`':
			if open < 0 {
				open = i
			} else {
				ranges = append(ranges, byteRange{start: open, end: i + 1})
				open = -1
			}
		case '\n':
			open = -1
		}
	}
	return ranges
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}
