package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ValidateDocument checks a parsed communication against the rules'
// template: known fields with well-formed values, every required field and
// section present and filled in, no placeholders left, sizes within the
// limits. Every finding says where and how to fix. Publication timing is
// not checked here (see CheckSchedule).
func ValidateDocument(doc *Document, rules *Rules) []Finding {
	if doc == nil || rules == nil {
		return nil
	}
	v := &validator{doc: doc, rules: rules}
	v.checkFileSize()
	v.checkFields()
	v.checkLengths()
	v.checkConsistency()
	v.checkSections()
	v.checkDuplicateSections()
	v.checkPlaceholders()
	v.checkBodyLinks()
	v.checkRendering()
	v.checkLookalikes()
	return sortFindings(capFindings(sortFindings(v.findings), maxFindingsPerRule))
}

// maxFindingsPerRule keeps a pathological file (thousands of gaps) from
// producing thousands of findings: past it, one finding counts the rest.
const maxFindingsPerRule = 50

// capFindings keeps the first limit findings of each rule, in order, and
// replaces the rest with one finding saying how many more there are.
func capFindings(findings []Finding, limit int) []Finding {
	counts := map[string]int{}
	out := findings[:0:0]
	var last = map[string]Finding{}
	for _, f := range findings {
		counts[f.Rule]++
		if counts[f.Rule] <= limit {
			out = append(out, f)
			last[f.Rule] = f
		}
	}
	for _, rule := range slices.Sorted(maps.Keys(counts)) {
		if extra := counts[rule] - limit; extra > 0 {
			f := last[rule]
			f.Message = fmt.Sprintf("%d more `%s` findings follow; fix the ones above and check again", extra, rule)
			out = append(out, f)
		}
	}
	return out
}

// validator accumulates the findings of one document.
type validator struct {
	doc      *Document
	rules    *Rules
	findings []Finding
}

func (v *validator) add(at Pos, severity Severity, rule, message string) {
	v.findings = append(v.findings, Finding{
		File: v.doc.Path, Line: max(at.Line, 1), Column: max(at.Column, 1),
		Severity: severity, Rule: rule, Message: message,
	})
}

func (v *validator) errorf(at Pos, rule, format string, args ...any) {
	v.add(at, SeverityError, rule, fmt.Sprintf(format, args...))
}

func (v *validator) warnf(at Pos, rule, format string, args ...any) {
	v.add(at, SeverityWarning, rule, fmt.Sprintf(format, args...))
}

// frontMatterPos is where a finding about something absent from the front
// matter goes: its opening line, where an author adds fields.
func (v *validator) frontMatterPos() Pos { return Pos{Line: 1, Column: 1} }

func (v *validator) checkFileSize() {
	limit := v.rules.Limits.FileBytes
	if limit > 0 && v.doc.parsed.size > limit {
		v.errorf(Pos{Line: 1, Column: 1}, RuleFileTooLarge,
			"the file is %d bytes, over the limit of %d: shorten it and link to details (a tracking issue or documentation page) instead",
			v.doc.parsed.size, limit)
	}
}

func (v *validator) checkLengths() {
	limits := v.rules.Limits
	if f, ok := v.doc.FieldByKey("title"); ok && !f.Sequence && limits.TitleChars > 0 {
		if n := len([]rune(f.Scalar)); n > limits.TitleChars {
			v.errorf(f.ValuePos, RuleTitleTooLong,
				"the title is %d characters, over the limit of %d: keep the subject line short enough to read whole in a mail client and a Slack preview", n, limits.TitleChars)
		}
	}
	f, ok := v.doc.FieldByKey("summary")
	if !ok || f.Sequence {
		return
	}
	if n := len([]rune(f.Scalar)); limits.SummaryChars > 0 && n > limits.SummaryChars {
		v.errorf(f.ValuePos, RuleSummaryTooLong,
			"the summary is %d characters, over the limit of %d: say who is affected and what happens, and move details to the body", n, limits.SummaryChars)
	}
	if n := countSentences(f.Scalar); n > 2 {
		v.warnf(f.ValuePos, RuleSummaryTooLong,
			"the summary has %d sentences: readers decide from the first one or two whether this concerns them, so say who and what in at most two and move the rest to the body", n)
	}
}

// sentenceAbbreviations end with a dot without ending a sentence.
var sentenceAbbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "approx": true, "incl": true, "cf": true, "no": true,
}

// countSentences counts sentences the way a reader would: a ".", "!" or
// "?" followed by a space or the end closes one, except after common
// abbreviations; version numbers ("v1.31.2") have no space after the dot.
func countSentences(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	count, open := 0, false
	runes := []rune(s)
	wordStart := 0
	for i, r := range runes {
		switch {
		case r == ' ' || r == '\n' || r == '\t':
			wordStart = i + 1
			continue
		case r == '.' || r == '!' || r == '?':
			atEnd := i+1 == len(runes) || strings.ContainsRune(" \n\t", runes[i+1])
			// Abbreviations are short: look at most ten characters back, so
			// a long run without spaces stays linear.
			word := strings.ToLower(strings.TrimRight(string(runes[max(wordStart, i-10):i]), ".!?"))
			if atEnd && open && !sentenceAbbreviations[word] && len([]rune(word)) > 1 {
				count++
				open = false
			}
			continue
		}
		open = true
	}
	if open {
		count++
	}
	return count
}
