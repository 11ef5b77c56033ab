package policy

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// maxInvisibleFindings caps the findings one file gets for invisible
// characters; past it a single finding counts the rest, so a pasted binary
// blob does not drown the report.
const maxInvisibleFindings = 20

// invisibleNames names the characters used to hide or reorder text
// ("Trojan Source", CVE-2021-42574) and the common invisible ones, so a
// finding says what it found in words.
var invisibleNames = map[rune]string{
	0x00AD: "SOFT HYPHEN",
	0x061C: "ARABIC LETTER MARK",
	0x180E: "MONGOLIAN VOWEL SEPARATOR",
	0x200B: "ZERO WIDTH SPACE",
	0x200C: "ZERO WIDTH NON-JOINER",
	0x200D: "ZERO WIDTH JOINER",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x2028: "LINE SEPARATOR",
	0x2029: "PARAGRAPH SEPARATOR",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION",
	0x2062: "INVISIBLE TIMES",
	0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
	0xFEFF: "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
}

// isBidiControl reports the characters that reorder how text displays:
// reviewers read one thing, readers of the published notice another.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// isInvisible reports a character an author cannot see in a review diff:
// format characters (Unicode category Cf), line and paragraph separators,
// and control characters other than tab, newline and carriage return.
func isInvisible(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Cc, r):
		return true
	case r == 0x2028 || r == 0x2029 || r == 0x180E:
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
func scanInvisible(path string, content []byte) []Finding {
	var findings []Finding
	line, col, extra := 1, 1, 0
	prev := rune(0)
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
			prev = rune(b)
			i++
			col++
			continue
		}
		r, size := utf8.DecodeRune(content[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			add(RuleInvalidEncoding, fmt.Sprintf("byte 0x%02X is not valid UTF-8: save the file as UTF-8", content[i]))
		case r == '\n':
			line, col = line+1, 0
		case r == 0x200D && isPictographic(prev) && i+size < len(content) && isPictographic(nextRune(content[i+size:])):
			// part of an emoji sequence
		case isInvisible(r):
			add(RuleInvisibleCharacter, invisibleMessage(r))
		}
		prev = r
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

func invisibleMessage(r rune) string {
	name, ok := invisibleNames[r]
	if !ok {
		name = "an invisible control or format character"
	}
	why := "it is invisible in review but ends up in the published text"
	if isBidiControl(r) {
		why = "it reorders how the text displays, so reviewers and readers can see different words (Trojan Source)"
	}
	return fmt.Sprintf("U+%04X %s: %s; delete it (retype the text around it if you cannot see it)", r, name, why)
}
