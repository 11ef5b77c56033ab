package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"
)

// maxInvisibleFindings caps the findings one file gets for invisible
// characters; past it a single finding counts the rest, so a pasted binary
// blob does not drown the report.
const maxInvisibleFindings = 20

// isBidiControl reports the characters that reorder how text displays:
// reviewers read one thing, readers of the published notice another.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// isInvisible reports a character an author cannot see in a review diff:
// every Default_Ignorable_Code_Point, the other format characters
// (category Cf) except the prepended concatenation marks, which render
// visibly (ARABIC NUMBER SIGN), the blank-looking letters and
// symbols, line and paragraph separators, and control characters other
// than tab, newline and carriage return. Variation selectors, tags and
// joiners are in the set; scanInvisible lets them through where they do
// their job.
func isInvisible(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x7F && r >= 0x20:
		return false
	case unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	case isDefaultIgnorable(r), isLookBlank(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Cc, r):
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// isPictographic is a rough test for emoji and symbols, between which a
// ZERO WIDTH JOINER is part of an emoji sequence (👩‍💻), not a hiding place.
func isPictographic(r rune) bool {
	return r >= 0x1F000 || unicode.Is(unicode.So, r)
}

// scanInvisible reports every invisible or bidirectional control
// character, and invalid UTF-8, at its line and column in characters.
// The exceptions are where such a character is part of writing: a
// variation selector right after a character it can modify, a joiner
// inside an emoji sequence or where a script needs it, and the tags of a
// subdivision flag.
func scanInvisible(path string, content []byte) []Finding {
	var findings []Finding
	line, col, extra := 1, 1, 0
	// prev is the character before this one; base the last one that was
	// not a variation selector (the flag of 🏳️‍🌈 is the base the ZWJ
	// follows).
	prev, base := rune(0), rune(0)
	add := func(rule, message string) {
		if len(findings) >= maxInvisibleFindings {
			extra++
			return
		}
		findings = append(findings, Finding{File: path, Line: line, Column: col, Severity: SeverityError, Rule: rule, Message: message})
	}
	for i := 0; i < len(content); {
		if b := content[i]; b >= 0x20 && b < 0x7F {
			// Printable ASCII, most of any document: nothing to decode.
			prev, base = rune(b), rune(b)
			i++
			col++
			continue
		}
		r, size := utf8.DecodeRune(content[i:])
		next := nextRune(content[i+size:])
		switch {
		case r == utf8.RuneError && size == 1:
			add(RuleInvalidEncoding, fmt.Sprintf("byte 0x%02X is not valid UTF-8: save the file as UTF-8", content[i]))
		case r == '\n':
			line, col = line+1, 0
		case !isInvisible(r):
		case isVariationSelector(r):
			if isVariationSelector(prev) || !variationSelectorFits(r, prev) {
				add(RuleInvisibleCharacter, loneSelectorMessage(r, prev))
			}
		case r == 0x200D && isPictographic(base) && isPictographic(next):
			// part of an emoji sequence
		case (r == 0x200C || r == 0x200D) && joinerFits(prev, next):
			// a joiner the script needs
		case isEmojiTag(r) && (base == 0x1F3F4 || isEmojiTag(prev)):
			// a subdivision flag's tags
		default:
			add(RuleInvisibleCharacter, invisibleMessage(r))
		}
		prev = r
		if !isVariationSelector(r) {
			base = r
		}
		i += size
		col++
	}
	if extra > 0 {
		last := findings[len(findings)-1]
		findings = append(findings, Finding{
			File: path, Line: last.Line, Column: last.Column, Severity: SeverityError, Rule: last.Rule,
			Message: fmt.Sprintf("%d more invisible or invalid characters follow this one; remove them all (an editor's \"show invisibles\" mode reveals them)", extra),
		})
	}
	return findings
}

func nextRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}

// runeName is a character's Unicode name and code point, as findings
// quote it: "CYRILLIC SMALL LETTER A (U+0430)".
func runeName(r rune) string {
	name := runenames.Name(r)
	if name == "" || name[0] == '<' {
		name = "an unnamed character" // controls are "<control>" in the data
		if n, ok := controlNames[r]; ok {
			name = n
		}
	}
	return fmt.Sprintf("%s (U+%04X)", name, r)
}

// controlNames are the control characters' aliases, which the Unicode
// name list leaves out.
var controlNames = map[rune]string{
	0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
	0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
}

// codePointName is how invisible-character findings name a character,
// code point first since the character itself cannot be seen:
// "U+200B ZERO WIDTH SPACE".
func codePointName(r rune) string {
	name := runeName(r)
	return fmt.Sprintf("U+%04X %s", r, strings.TrimSuffix(name, fmt.Sprintf(" (U+%04X)", r)))
}

func invisibleMessage(r rune) string {
	why := "it is invisible in review but ends up in the published text"
	switch {
	case isBidiControl(r):
		why = "it reorders how the text displays, so reviewers and readers can see different words (Trojan Source)"
	case isLookBlank(r):
		why = "it looks like a space but is not one, so it hides a gap or makes two words look like one"
	case r >= 0xE0000 && r <= 0xE007F:
		why = "it is a tag character: invisible to readers, yet programs read it as text (hidden instructions)"
	}
	return fmt.Sprintf("%s: %s; delete it (retype the text around it if you cannot see it)", codePointName(r), why)
}

func loneSelectorMessage(vs, prev rune) string {
	after := "at the start of a line"
	switch {
	case isVariationSelector(prev):
		after = "right after another variation selector"
	case prev != 0 && prev != '\n':
		after = "after " + runeName(prev) + ", which it cannot modify"
	}
	return fmt.Sprintf("%s stands %s: a lone variation selector is invisible and changes nothing but the bytes (a way to hide data in text); delete it", codePointName(vs), after)
}
