package policy

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// onlyRules keeps the findings of the named rules.
func onlyRules(findings []Finding, rules ...string) []Finding {
	var out []Finding
	for _, f := range findings {
		if slices.Contains(rules, f.Rule) {
			out = append(out, f)
		}
	}
	return out
}

// textRules are the rules about what reviewers read: invisible and
// look-alike characters, and placeholders.
var textRules = []string{RuleInvisibleCharacter, RuleInvalidEncoding, RuleMixedScript, RuleConfusable, RulePlaceholder}

// TestInvisibleCharacterClasses puts one character of each class on line
// 5 of a document and expects it reported at its column, by name and code
// point.
func TestInvisibleCharacterClasses(t *testing.T) {
	cases := []struct {
		name, line string
		col        int
		msgPart    string
	}{
		{"hangul filler", "a\u3164b", 2, "U+3164 HANGUL FILLER"},
		{"halfwidth hangul filler", "a\uFFA0b", 2, "U+FFA0 HALFWIDTH HANGUL FILLER"},
		{"braille pattern blank", "name:\u2800", 6, "U+2800 BRAILLE PATTERN BLANK"},
		{"hangul choseong filler", "x\u115F", 2, "U+115F HANGUL CHOSEONG FILLER"},
		{"lone variation selector at line start", "\uFE0Fhello", 1, "U+FE0F VARIATION SELECTOR-16 stands at the start of a line"},
		{"variation selector after a space", "a \uFE0F", 3, "after SPACE (U+0020)"},
		{"second variation selector", "\u2764\uFE0F\uFE0F", 3, "right after another variation selector"},
		{"ideographic selector after latin", "a\U000E0100", 2, "U+E0100 VARIATION SELECTOR-17"},
		{"mongolian selector after latin", "a\u180B", 2, "U+180B MONGOLIAN FREE VARIATION SELECTOR ONE"},
		{"emoji selector after a letter", "b\uFE0F", 2, "cannot modify"},
		{"tag characters", "hi\U000E0068\U000E0069", 3, "U+E0068 TAG LATIN SMALL LETTER H: it is a tag character"},
		{"language tag", "x\U000E0001", 2, "U+E0001 LANGUAGE TAG"},
		{"combining grapheme joiner", "a\u034Fb", 2, "U+034F COMBINING GRAPHEME JOINER"},
		{"khmer inherent vowel", "\u1780\u17B4", 2, "U+17B4 KHMER VOWEL INHERENT AQ"},
		{"mongolian vowel separator", "a\u180Eb", 2, "U+180E"},
		{"zero width space", "a\u200Bb", 2, "U+200B ZERO WIDTH SPACE"},
		{"word joiner", "a\u2060b", 2, "U+2060 WORD JOINER"},
		{"invisible plus", "a\u2064b", 2, "U+2064 INVISIBLE PLUS"},
		{"unassigned default ignorable", "a\u2065b", 2, "U+2065"},
		{"reserved default ignorable", "a\uFFF0b", 2, "U+FFF0"},
		{"shorthand format control", "a\U0001BCA0b", 2, "U+1BCA0 SHORTHAND FORMAT LETTER OVERLAP"},
		{"musical format control", "a\U0001D173b", 2, "U+1D173 MUSICAL SYMBOL BEGIN BEAM"},
		{"last default ignorable", "a\U000E0FFFb", 2, "U+E0FFF"},
		{"soft hyphen", "re\u00ADview", 3, "U+00AD SOFT HYPHEN"},
		{"zero width non-joiner in latin", "a\u200Cb", 2, "U+200C ZERO WIDTH NON-JOINER"},
		{"zero width joiner in latin", "a\u200Db", 2, "U+200D ZERO WIDTH JOINER"},
		{"interlinear annotation", "a\uFFF9b", 2, "U+FFF9 INTERLINEAR ANNOTATION ANCHOR"},
		{"left-to-right embedding", "a\u202Ab", 2, "U+202A LEFT-TO-RIGHT EMBEDDING: it reorders"},
		{"right-to-left embedding", "a\u202Bb", 2, "U+202B RIGHT-TO-LEFT EMBEDDING: it reorders"},
		{"pop directional formatting", "a\u202Cb", 2, "U+202C POP DIRECTIONAL FORMATTING: it reorders"},
		{"left-to-right override", "a\u202Db", 2, "U+202D LEFT-TO-RIGHT OVERRIDE: it reorders"},
		{"right-to-left override", "a\u202Eb", 2, "U+202E RIGHT-TO-LEFT OVERRIDE: it reorders"},
		{"left-to-right isolate", "a\u2066b", 2, "U+2066 LEFT-TO-RIGHT ISOLATE: it reorders"},
		{"right-to-left isolate", "a\u2067b", 2, "U+2067 RIGHT-TO-LEFT ISOLATE: it reorders"},
		{"first strong isolate", "a\u2068b", 2, "U+2068 FIRST STRONG ISOLATE: it reorders"},
		{"pop directional isolate", "a\u2069b", 2, "U+2069 POP DIRECTIONAL ISOLATE: it reorders"},
		{"left-to-right mark", "a\u200Eb", 2, "U+200E LEFT-TO-RIGHT MARK: it reorders"},
		{"right-to-left mark", "a\u200Fb", 2, "U+200F RIGHT-TO-LEFT MARK: it reorders"},
		{"arabic letter mark", "a\u061Cb", 2, "U+061C ARABIC LETTER MARK: it reorders"},
		{"line separator", "a\u2028b", 2, "U+2028 LINE SEPARATOR"},
		{"escape control", "a\x1bb", 2, "U+001B ESCAPE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, findings := ParseDocument("comms/x.md", []byte("---\ntitle: x\n---\n## Summary\n"+tc.line+"\n"))
			requireFinding(t, onlyRules(findings, RuleInvisibleCharacter), RuleInvisibleCharacter, 5, tc.col, tc.msgPart)
		})
	}
}

// TestInvisibleCharactersAtWork are the places where a default-ignorable
// character is part of writing, and must not be reported.
func TestInvisibleCharactersAtWork(t *testing.T) {
	cases := map[string]string{
		"emoji presentation":       "\u2764\uFE0F thanks",
		"warning sign":             "\u26A0\uFE0F read this",
		"keycap":                   "1\uFE0F\u20E3 first",
		"text presentation":        "\u263A\uFE0E",
		"emoji zwj sequence":       "\U0001F469\u200D\U0001F4BB",
		"zwj after a selector":     "\U0001F3F3\uFE0F\u200D\U0001F308",
		"skin tone":                "\U0001F44D\U0001F3FD",
		"subdivision flag":         "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
		"ideographic variation":    "\u845B\U000E0100",
		"mongolian selector":       "\u1820\u180B",
		"persian zwnj":             "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645",
		"devanagari zwj at virama": "\u0915\u094D\u200D\u0937",
		"malayalam zwnj at virama": "\u0D28\u0D4D\u200C",
		"math variant":             "\u2229\uFE00",
		"arabic number sign":       "\u0600\u0661\u0662", // visible, and not default-ignorable
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			_, findings := ParseDocument("comms/x.md", []byte("---\ntitle: x\n---\n## Summary\n"+line+"\n"))
			requireNoFindings(t, onlyRules(findings, RuleInvisibleCharacter))
		})
	}
}

// TestDefaultIgnorableTable checks the derived property against values
// from DerivedCoreProperties.txt, including the exclusions.
func TestDefaultIgnorableTable(t *testing.T) {
	in := []rune{0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180F, 0x200B, 0x200F, 0x202A, 0x2060, 0x206F, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0, 0xFFF8, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0000, 0xE0FFF}
	out := []rune{' ', 'a', 0x00A0, 0x0600, 0x0605, 0x06DD, 0x070F, 0x110BD, 0xFFF9, 0xFFFB, 0x13430, 0x1343F, 0x2800, 0x3000, 0x1680}
	for _, r := range in {
		if !isDefaultIgnorable(r) {
			t.Errorf("U+%04X should be Default_Ignorable_Code_Point", r)
		}
	}
	for _, r := range out {
		if isDefaultIgnorable(r) {
			t.Errorf("U+%04X should not be Default_Ignorable_Code_Point", r)
		}
	}
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isDefaultIgnorable(r) {
			n++
		}
	}
	// Unicode 15.0: 4,174 code points.
	if n != 4174 {
		t.Errorf("Default_Ignorable_Code_Point has %d code points, want 4174", n)
	}
}

// TestLookalikeIdentifiers puts look-alike characters in the identifiers
// UTS #39 checks: link hosts, handles, CVE ids and the title.
func TestLookalikeIdentifiers(t *testing.T) {
	cases := []struct {
		name      string
		edit      func(string) string
		rule      string
		line, col int
		msgPart   string
	}{
		{"cyrillic in a body link host", body("See https://kubernet\u0435s.io/docs for details."), RuleMixedScript, 13, 21,
			"CYRILLIC SMALL LETTER IE (U+0435) in link host \"kubernet\u0435s.io\" mixes Cyrillic into Latin"},
		{"cyrillic in a markdown link", body("[docs](https://github.\u0441om/kubernetes)"), RuleMixedScript, 13, 23, "CYRILLIC SMALL LETTER ES (U+0441)"},
		{"greek in a www host", body("Visit www.k8s.\u03BFrg today."), RuleMixedScript, 13, 15, "GREEK SMALL LETTER OMICRON (U+03BF)"},
		{"all-cyrillic host", body("Go to https://\u0440\u0430\u0443\u0440\u0430l.com"), RuleMixedScript, 13, 20, "LATIN SMALL LETTER L (U+006C) in link host \"\u0440\u0430\u0443\u0440\u0430l.com\" mixes Latin into Cyrillic"},
		{"latin look-alike host", body("Clone https://\u0261ithub.com/example/repo"), RuleConfusable, 13, 15,
			"LATIN SMALL LETTER SCRIPT G (U+0261) in link host \"\u0261ithub.com\" makes it look like \"github.com\""},
		{"punycode host", body("Read https://xn--kubernts-h8g.io/ now."), RuleMixedScript, 13, 14, "is punycode for \"kubern\u0435ts.io\", where CYRILLIC SMALL LETTER IE (U+0435) mixes Cyrillic into Latin"},
		{"front matter url", field("decision_record: https://github.\u0441om/example/steering/issues/1"), RuleMixedScript, 10, 33, "CYRILLIC SMALL LETTER ES"},
		{"mention with cyrillic", body("Thanks to @\u0430lice for the report."), RuleMixedScript, 13, 12,
			"CYRILLIC SMALL LETTER A (U+0430) in handle \"@\u0430lice\" mixes Cyrillic into Latin"},
		{"mention all cyrillic look-alike", body("Ask @\u0441\u043E\u0440\u0440 first."), RuleConfusable, 13, 6, "look like \"@copp\""},
		{"contact with cyrillic", func(s string) string {
			return strings.Replace(s, "contacts: [alice]", "contacts: [\"\u0430lice\"]", 1)
		}, RuleMixedScript, 9, 13, "CYRILLIC SMALL LETTER A (U+0430) in handle \"\u0430lice\""},
		{"title with cyrillic", func(s string) string {
			return strings.Replace(s, "title: Contributor summit", "title: Contributor summ\u0456t", 1)
		}, RuleMixedScript, 2, 24, "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456) in the title's word \"summ\u0456t\""},
		{"cve with cyrillic C", body("Fixes \u0421VE-2024-1234."), RuleConfusable, 13, 7, "CYRILLIC CAPITAL LETTER ES (U+0421) in \"\u0421VE-2024-1234\""},
		{"cve with letter O", body("Fixes CVE-2O24-1234."), RuleConfusable, 13, 12, "LATIN CAPITAL LETTER O (U+004F)"},
		{"cve with fullwidth digit", body("Fixes CVE-2024-\uFF11234."), RuleConfusable, 13, 16, "FULLWIDTH DIGIT ONE (U+FF11)"},
		{"cve with mathematical digit", body("Fixes CVE-2024-\U0001D7CF234."), RuleConfusable, 13, 16, "MATHEMATICAL BOLD DIGIT ONE (U+1D7CF)"},
		{"cve with non-breaking hyphen", body("Fixes CVE\u20112024-1234."), RuleConfusable, 13, 10, "NON-BREAKING HYPHEN (U+2011)"},
		{"cve in the title", func(s string) string {
			return strings.Replace(s, "title: Contributor summit", "title: \u0421VE-2027-1234 contributor summit", 1)
		}, RuleConfusable, 2, 8, "CYRILLIC CAPITAL LETTER ES"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := onlyRules(check(tc.edit(lookalikeDoc)), textRules...)
			requireFinding(t, findings, tc.rule, tc.line, tc.col, tc.msgPart)
		})
	}
}

// lookalikeDoc is a valid policy change; line 13 is the body's first
// paragraph and line 10 the decision record.
const lookalikeDoc = `---
title: Contributor summit moves to the spring
summary: The summit moves from November to April.
type: policy-change
sigs: [sig-contribex]
audience: [contributors]
priority: info
channels: [dev-list]
contacts: [alice]
decision_record: https://github.com/example/steering/issues/1
---
## Summary
PARAGRAPH
## Current policy
November.
## New policy
April.
## Rationale
Weather.
## Contact
Tracking issue.
`

func body(paragraph string) func(string) string {
	return func(doc string) string { return strings.Replace(doc, "PARAGRAPH", paragraph, 1) }
}

func field(line string) func(string) string {
	return func(doc string) string {
		return strings.Replace(doc, "decision_record: https://github.com/example/steering/issues/1", line, 1)
	}
}

// TestLookalikesAllowLegitimateIdentifiers: one-script hosts and titles
// in other languages, Japanese titles that mix Han, kana and Latin, and
// plain ASCII identifiers pass.
func TestLookalikesAllowLegitimateIdentifiers(t *testing.T) {
	cases := map[string]func(string) string{
		"ascii host and cve": body("See https://kubernetes.io and CVE-2024-9042, thanks @alice."),
		"cyrillic idn host":  body("Зеркало: https://пример.рф/kubernetes"),
		"german idn host":    body("Mirror: https://bücher.example/"),
		"japanese idn host":  body("ミラー: https://例え.jp/"),
		"valid punycode":     body("Mirror: https://xn--r8jz45g.jp/"),
		"email not mention":  body("Write to security@kubernetes.io."),
		"russian title": func(s string) string {
			return strings.Replace(s, "title: Contributor summit moves to the spring", "title: Саммит Kubernetes переносится на весну", 1)
		},
		"japanese title": func(s string) string {
			return strings.Replace(s, "title: Contributor summit moves to the spring", "title: Kubernetes v1.31のリリースについて", 1)
		},
		"hindi title": func(s string) string {
			return strings.Replace(s, "title: Contributor summit moves to the spring", "title: Kubernetes v1.31 रिलीज़ की घोषणा", 1)
		},
		"chinese title": func(s string) string {
			return strings.Replace(s, "title: Contributor summit moves to the spring", "title: Kubernetes 1.31 版本发布", 1)
		},
		"korean title": func(s string) string {
			return strings.Replace(s, "title: Contributor summit moves to the spring", "title: 쿠버네티스 1.31 릴리스 發表", 1)
		},
		"cyrillic word alone": body("Проект использует @kubernetes/sig-release."),
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			requireNoFindings(t, onlyRules(check(edit(lookalikeDoc)), textRules...))
		})
	}
}

// TestNonLatinNoticesPass: whole notices written in Japanese, Hindi,
// Russian, Chinese and Arabic, with Latin product names, links and
// handles among their words, get no text finding.
func TestNonLatinNoticesPass(t *testing.T) {
	notices := map[string][3]string{
		"japanese": {"Kubernetes v1.31のリリースについて", "v1.31がリリースされました。アップグレード前にリリースノートを確認してください。",
			"Kubernetes v1.31（コードネーム：Elli）をリリースしました。詳細は https://kubernetes.io/ja/docs/ をご覧ください。質問は @alice までお願いします。ノードのアップグレードは `kubeadm upgrade` で行います。"},
		"hindi": {"Kubernetes v1.31 रिलीज़ की घोषणा", "Kubernetes v1.31 अब उपलब्ध है। अपग्रेड से पहले रिलीज़ नोट्स पढ़ें।",
			"हमें Kubernetes v1.31 की घोषणा करते हुए ख़ुशी हो रही है। विवरण के लिए https://kubernetes.io/hi/docs/ देखें। प्रश्न @alice से पूछें। क्‍या आप तैयार हैं?"},
		"russian": {"Выпуск Kubernetes v1.31", "Вышла версия Kubernetes v1.31. Перед обновлением прочитайте примечания к выпуску.",
			"Мы рады сообщить о выпуске Kubernetes v1.31. Подробности: https://kubernetes.io/ru/docs/. Вопросы задавайте @alice или в канале #sig-release. Исправлена уязвимость CVE-2024-9042."},
		"chinese": {"Kubernetes v1.31 版本发布", "Kubernetes v1.31 现已发布。升级前请阅读发布说明。",
			"我们很高兴地宣布 Kubernetes v1.31 发布。详情请见 https://kubernetes.io/zh-cn/docs/ 。如有问题请联系 @alice。"},
		"arabic": {"إصدار Kubernetes v1.31", "أصبح الإصدار Kubernetes v1.31 متاحًا. اقرأ ملاحظات الإصدار قبل الترقية.",
			"يسعدنا الإعلان عن إصدار Kubernetes v1.31. التفاصيل على https://kubernetes.io/docs/ والأسئلة إلى @alice."},
		"persian": {"انتشار Kubernetes v1.31", "نسخهٔ Kubernetes v1.31 منتشر شد.",
			"ما می\u200cخواهیم انتشار Kubernetes v1.31 را اعلام کنیم. پرسش\u200cها را از @alice بپرسید."},
	}
	for name, n := range notices {
		t.Run(name, func(t *testing.T) {
			content := "---\ntitle: \"" + n[0] + "\"\nsummary: \"" + n[1] + "\"\ntype: announcement\nsigs: [sig-release]\naudience: [end-users]\npriority: info\nchannels: [announce]\ncontacts: [alice]\n---\n## Summary\n\n" + n[2] + "\n\n## Contact\n\n#sig-release\n"
			requireNoFindings(t, onlyRules(check(content), textRules...))
		})
	}
}
