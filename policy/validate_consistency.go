package policy

import (
	"strconv"
	"strings"
)

// cvssSeverity is the qualitative rating CVSS v3 and v4 give a score.
func cvssSeverity(score float64) string {
	switch {
	case score == 0:
		return "none"
	case score < 4:
		return "low"
	case score < 7:
		return "medium"
	case score < 9:
		return "high"
	}
	return "critical"
}

// checkConsistency warns when fields that should agree do not: readers
// compare the stated severity with the score, and embargo dates without
// `embargo: true` mean the embargo is not enforced.
func (v *validator) checkConsistency() {
	severity, okSeverity := v.doc.FieldByKey("severity")
	score, okScore := v.doc.FieldByKey("cvss_score")
	if okSeverity && okScore && !severity.Sequence && !score.Sequence {
		if n, err := strconv.ParseFloat(score.Scalar, 64); err == nil && n >= 0 && n <= 10 {
			if want := cvssSeverity(n); want != "none" && isKnownSeverity(severity.Scalar) && want != severity.Scalar {
				v.warnf(severity.ValuePos, RuleSeverityMismatch,
					"`severity: %s` disagrees with `cvss_score: %s`, which CVSS rates %s: make them agree, or explain in the advisory why the rating differs",
					severity.Scalar, score.Scalar, want)
			}
		}
	}
	if v.doc.Embargo {
		return
	}
	for _, name := range []string{"embargo_until", "distributors_notified_at"} {
		if f, ok := v.doc.FieldByKey(name); ok && f.Tag != "!!null" {
			v.warnf(f.KeyPos, RuleEmbargoNotSet,
				"`%s` is set but `embargo` is not `true`, so no embargo is enforced: add `embargo: true`, or remove `%s`", name, name)
		}
	}
}

func isKnownSeverity(s string) bool {
	for _, known := range Severities {
		if s == known {
			return true
		}
	}
	return false
}

// checkDuplicateSections warns about a heading used twice: readers and
// the validator see only the first.
func (v *validator) checkDuplicateSections() {
	seen := map[string]Section{}
	for _, s := range v.doc.Sections {
		key := normalizeTitle(s.Title)
		if first, dup := seen[key]; dup {
			v.warnf(s.Pos, RuleDuplicateSection, "`## %s` appears twice (first on line %d): merge the two sections", s.Title, first.Pos.Line)
			continue
		}
		seen[key] = s
	}
}

// checkBodyLinks warns about http:// links in the body outside code: the
// published notice should not send readers over unencrypted connections.
func (v *validator) checkBodyLinks() {
	body := v.doc.Body
	if !strings.Contains(body, "http://") {
		return
	}
	ix := v.doc.parsed.body
	if ix.starts == nil {
		ix = newLineIndex(body, max(v.doc.BodyPos.Line, 1))
	}
	code := sortedRanges(v.doc.parsed.codeRanges)
	for off := 0; ; {
		i := strings.Index(body[off:], "http://")
		if i < 0 {
			return
		}
		off += i
		if !inRanges(code, off) {
			v.warnf(ix.pos(off), RuleInsecureURL, "this link uses http: use the https address if the site has one")
		}
		off += len("http://")
	}
}
