// Package doctor checks a commsgate installation from the outside, the way
// an administrator would by clicking through GitHub's settings: do the
// app's credentials work, do its settings match app.yml, does every
// installed repository's policy load, is every publish target's secret
// configured, can every reviewing team be asked, and does the default
// branch make commsgate's checks a gate. Each answer is a line with what
// was found and, when something is wrong, the fix.
//
// What it reads is gathered in run.go; the verdicts (verdicts.go) are pure
// functions of what was read, tested table by table.
package doctor

import (
	"fmt"
	"io"
	"strings"
)

// Status is a finding's verdict.
type Status int

const (
	// Pass: checked and in order.
	Pass Status = iota
	// Fail: wrong; commsgate will misbehave until it is fixed.
	Fail
	// Note: nothing to check, said so the silence is not mistaken for a pass
	// (a repository without a policy file, which commsgate leaves alone).
	Note
)

// Finding is one line of the report.
type Finding struct {
	Status Status
	// Subject is what was checked: "credentials", "app settings",
	// "installation example", a repository's full name.
	Subject string
	// Says what was found, in words.
	Says string
	// Fix says what to change when Status is Fail.
	Fix string
}

func pass(subject, format string, args ...any) Finding {
	return Finding{Status: Pass, Subject: subject, Says: fmt.Sprintf(format, args...)}
}

func note(subject, format string, args ...any) Finding {
	return Finding{Status: Note, Subject: subject, Says: fmt.Sprintf(format, args...)}
}

func fail(subject, fix, format string, args ...any) Finding {
	return Finding{Status: Fail, Subject: subject, Says: fmt.Sprintf(format, args...), Fix: fix}
}

// Report is every finding, in the order they were checked.
type Report struct {
	Findings []Finding
}

func (r *Report) add(f ...Finding) { r.Findings = append(r.Findings, f...) }

// Failures counts the findings that are wrong.
func (r Report) Failures() int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == Fail {
			n++
		}
	}
	return n
}

// marks are the line prefixes; ✓ and ✗ are what people scan for.
var marks = map[Status]string{Pass: "✓", Fail: "✗", Note: "·"}

// WriteText writes one line per finding, a fix under each failure, and a
// last line that counts the problems.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", marks[f.Status], f.Subject, f.Says)
		if f.Status == Fail && f.Fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
		}
	}
	switch n := r.Failures(); n {
	case 0:
		b.WriteString("\nEverything checked is in order.\n")
	case 1:
		b.WriteString("\n1 problem found.\n")
	default:
		fmt.Fprintf(&b, "\n%d problems found.\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
