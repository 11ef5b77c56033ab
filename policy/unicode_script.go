package policy

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
)

// scriptOf is the Unicode Script property of r, or "" for Common and
// Inherited characters (digits, punctuation, combining marks), which UTS
// #39 counts as compatible with every script.
func scriptOf(r rune) string {
	if r < 0x80 {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	if unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r) {
		return ""
	}
	for _, name := range scriptNames {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return "" // unassigned: no script to mix
}

// scriptNames lists Go's script tables, the common ones first so most
// look-ups stop early.
var scriptNames = func() []string {
	first := []string{"Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul", "Arabic", "Devanagari", "Hebrew"}
	rest := []string{}
	for name := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && !slices.Contains(first, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(first, rest...)
}()

// compatibleScripts are the sets UTS #39 treats as one script through its
// augmented script sets (Jpan, Kore, Hanb): Japanese writes Han, Hiragana
// and Katakana together, Korean Han and Hangul, Chinese Han and Bopomofo.
var compatibleScripts = [][]string{
	{"Han", "Hiragana", "Katakana"},
	{"Han", "Hangul"},
	{"Han", "Bopomofo"},
}

// scriptMix is what the mixed-script test found in a string.
type scriptMix struct {
	// Main is the script most of the letters are in (Latin on a tie,
	// since a Latin identifier is what a look-alike imitates).
	Main string
	// Intruder is the first character of another script, at byte offset
	// Offset, and its script.
	Intruder       rune
	IntruderScript string
	Offset         int
}

// mixedScript applies UTS #39's restriction levels to an identifier: it
// passes when its resolved script set is not empty (one script, counting
// Common and Inherited as any script and the augmented sets above as one),
// or, at the "highly restrictive" level, when it is Latin plus one of
// those sets (日本のKubernetes). Go has the Script property but not
// Script_Extensions; using Script alone and treating Common and Inherited
// as compatible with all is the usual approximation, and errs toward
// passing (a Katakana-Hiragana prolonged sound mark is Common).
func mixedScript(s string) (scriptMix, bool) {
	counts := map[string]int{}
	var order []string
	for _, r := range s {
		if sc := scriptOf(r); sc != "" {
			if counts[sc] == 0 {
				order = append(order, sc)
			}
			counts[sc]++
		}
	}
	if len(order) <= 1 || highlyRestrictive(order) {
		return scriptMix{}, false
	}
	main := order[0]
	for _, sc := range order {
		if counts[sc] > counts[main] || counts[sc] == counts[main] && sc == "Latin" {
			main = sc
		}
	}
	fits := func(sc string) bool {
		if sc == "" || sc == main {
			return true
		}
		return highlyRestrictive([]string{main, sc})
	}
	for i, r := range s {
		if sc := scriptOf(r); !fits(sc) {
			return scriptMix{Main: main, Intruder: r, IntruderScript: sc, Offset: i}, true
		}
	}
	return scriptMix{}, false
}

// highlyRestrictive reports whether the scripts, all of them or all but
// Latin, fit in one of the compatible sets.
func highlyRestrictive(scripts []string) bool {
	if len(scripts) <= 1 {
		return true
	}
	others := slices.DeleteFunc(slices.Clone(scripts), func(s string) bool { return s == "Latin" })
	if len(others) == 0 {
		return true
	}
	for _, set := range compatibleScripts {
		if !slices.ContainsFunc(others, func(s string) bool { return !slices.Contains(set, s) }) {
			return true
		}
	}
	return false
}

// lookalikeOf returns the ASCII text s is confusable with, when s holds a
// non-ASCII character and its UTS #39 skeleton is all ASCII: "ɡithub.com"
// reads as github.com. The skeleton maps 0 to O and 1 to l, so the ASCII
// characters of s are kept as written and only the others are mapped.
func lookalikeOf(s string) (ascii string, first rune, offset int, ok bool) {
	var b strings.Builder
	first, offset = -1, -1
	for i, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		if first < 0 {
			first, offset = r, i
		}
		sk := confusables.Skeleton(string(r))
		if !isASCII(sk) {
			return "", 0, 0, false
		}
		b.WriteString(sk)
	}
	if first < 0 {
		return "", 0, 0, false
	}
	return b.String(), first, offset, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
