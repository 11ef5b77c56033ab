package policy

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// defaultIgnorable is Unicode's Default_Ignorable_Code_Point property,
// derived as DerivedCoreProperties.txt defines it:
//
//	Other_Default_Ignorable_Code_Point + Cf + Variation_Selector
//	- White_Space - FFF9..FFFB - 13430..1343F - Prepended_Concatenation_Mark
//
// Renderers draw nothing for these characters, so they are where text is
// hidden (zero-width spaces, tag characters, variation selectors carrying
// smuggled bytes). Go's unicode package has the inputs but not the derived
// property, so it is built once from them.
var defaultIgnorable = buildDefaultIgnorable()

func buildDefaultIgnorable() *unicode.RangeTable {
	var runes []rune
	add := func(r rune) {
		switch {
		case unicode.Is(unicode.White_Space, r),
			r >= 0xFFF9 && r <= 0xFFFB,   // interlinear annotation controls
			r >= 0x13430 && r <= 0x1343F, // Egyptian hieroglyph format controls
			unicode.Is(unicode.Prepended_Concatenation_Mark, r):
			return
		}
		runes = append(runes, r)
	}
	for _, t := range []*unicode.RangeTable{unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector} {
		rangetable.Visit(t, add)
	}
	return rangetable.New(runes...)
}

// isDefaultIgnorable reports a Default_Ignorable_Code_Point.
func isDefaultIgnorable(r rune) bool {
	return r >= 0xAD && unicode.Is(defaultIgnorable, r)
}

// isLookBlank reports characters that are neither spaces nor
// default-ignorable, yet render as blank space in common fonts: BRAILLE
// PATTERN BLANK (U+2800, a So symbol) is a favourite for "empty" names and
// hidden gaps. HANGUL FILLER (U+3164) and HALFWIDTH HANGUL FILLER (U+FFA0)
// look the same and are letters (Lo); they already are in
// Other_Default_Ignorable_Code_Point, listed here too so the rule does not
// depend on that.
func isLookBlank(r rune) bool {
	return r == 0x2800 || r == 0x3164 || r == 0xFFA0
}

// isVariationSelector reports VS1–VS256 and the Mongolian free variation
// selectors.
func isVariationSelector(r rune) bool {
	return unicode.Is(unicode.Variation_Selector, r)
}

// variationSelectorFits reports whether the variation selector vs can
// modify base, the character before it: emoji and text presentation
// (VS15, VS16) follow symbols, punctuation and digits (keycaps); VS1–VS14
// select standardized variants of mathematical symbols, digits and some
// scripts' letters; VS17–VS256 select ideographic variants of Han
// characters; the Mongolian selectors follow Mongolian letters. One
// selector per base: a run of them after one character is how bytes are
// smuggled into text, and a selector after a space or at a line start
// modifies nothing.
func variationSelectorFits(vs, base rune) bool {
	if base == 0 || unicode.IsSpace(base) || unicode.IsControl(base) || unicode.Is(unicode.M, base) || isDefaultIgnorable(base) {
		return false
	}
	switch {
	case vs == 0xFE0E || vs == 0xFE0F:
		return unicode.In(base, unicode.S, unicode.P, unicode.Nd) || base >= 0x1F000 ||
			(base >= 0x2100 && base <= 0x214F) // letterlike symbols such as ℹ
	case vs >= 0xFE00 && vs <= 0xFE0D:
		return unicode.In(base, unicode.S, unicode.Nd, unicode.P, unicode.Han, unicode.Myanmar, unicode.Phags_Pa,
			unicode.Manichaean, unicode.Egyptian_Hieroglyphs, unicode.Latin)
	case vs >= 0xE0100 && vs <= 0xE01EF:
		return unicode.Is(unicode.Han, base)
	default: // Mongolian free variation selectors
		return unicode.Is(unicode.Mongolian, base)
	}
}

// isEmojiTag reports the tag characters an emoji tag sequence uses after
// WAVING BLACK FLAG (U+1F3F4) for subdivision flags (🏴 + "gbeng" + CANCEL
// TAG): lower-case letters, digits and the cancel tag. Any other use of the
// tag block is ASCII smuggling: text invisible to readers that machines
// still read.
func isEmojiTag(r rune) bool {
	return r >= 0xE0030 && r <= 0xE0039 || r >= 0xE0061 && r <= 0xE007A || r == 0xE007F
}

// joinerFits reports where ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER
// are part of writing rather than a hiding place, after UAX #31's
// contexts: after a virama in Indic scripts (क्‍ष), and between two
// letters of a cursive script, as Persian writes می‌خواهم. The approximation
// asks only that both neighbours be letters of the same joining script.
func joinerFits(prev, next rune) bool {
	if isVirama(prev) {
		return true
	}
	for _, script := range joiningScripts {
		if unicode.Is(script, prev) && unicode.Is(script, next) && unicode.IsLetter(prev) && unicode.IsLetter(next) {
			return true
		}
	}
	return false
}

// joiningScripts are the cursive scripts whose letters join, where ZWNJ
// breaks a join on purpose.
var joiningScripts = []*unicode.RangeTable{unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian, unicode.Mandaic, unicode.Manichaean, unicode.Psalter_Pahlavi, unicode.Hanifi_Rohingya}

// isVirama reports the vowel killers of Indic scripts (combining class 9,
// named VIRAMA, HALANT, or SIGN ... KILLER): a joiner after one selects a
// conjunct's form.
func isVirama(r rune) bool {
	if !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) {
		return false
	}
	return norm.NFC.PropertiesString(string(r)).CCC() == 9
}
