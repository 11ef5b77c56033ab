package policy

import (
	"sort"
	"time"
)

// DocumentCheck is everything `commsgate check` and the template check
// say about one file: its parsed document, every finding (syntax, content
// and schedule, in file order) and where publish_at lands.
type DocumentCheck struct {
	Document *Document
	Findings []Finding
	Schedule ScheduleResult
}

// CheckDocument parses and validates one communication against the rules
// at the instant now. It never stops at the first problem: an author fixes
// a file in one pass.
func CheckDocument(path string, content []byte, rules *Rules, now time.Time) DocumentCheck {
	doc, findings := ParseDocument(path, content)
	findings = append(findings, ValidateDocument(doc, rules)...)
	sched := CheckSchedule(doc, rules, now)
	findings = append(findings, sched.Findings...)
	SortFindings(findings)
	return DocumentCheck{Document: doc, Findings: findings, Schedule: sched}
}

// SortFindings orders findings by file, line and column, so output reads
// top to bottom like the file.
func SortFindings(findings []Finding) {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
