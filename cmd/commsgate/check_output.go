package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// checkResult accumulates what `commsgate check` reports.
type checkResult struct {
	PolicyFindings []policy.Finding
	// Policies are the policy files named on the command line, checked
	// as policies.
	Policies []string
	// PolicyBroken is set when the policy for the communications does not
	// load, so they were not checked.
	PolicyBroken bool
	// ChangedFrom is the git ref of --changed-from: finding no changed
	// communication is then the normal case, not a mistake.
	ChangedFrom string
	// Skipped are warnings about files that are not communications.
	Skipped   []policy.Finding
	Documents []checkedDocument
}

type checkedDocument struct {
	File     string
	Findings []policy.Finding
	Tier     policy.TierResult
	Stages   []string
	Schedule policy.ScheduleResult
	// Expedite is set when the document takes the crisis path.
	Expedite *policy.ExpediteResult
}

func (r *checkResult) add(file string, c policy.DocumentCheck, rules *policy.Rules) {
	docs := []*policy.Document{c.Document}
	tier := policy.ComputeTier(docs, rules, false)
	expedite := policy.ExpediteFor(docs, rules, tier.Tier, false)
	ladder := policy.ResolveStages(tier.Tier, docs, rules, "", nil)
	if expedite != nil {
		ladder = policy.ResolveExpediteStages(docs, rules, "", nil)
	}
	var stages []string
	for _, s := range ladder {
		stages = append(stages, describeStage(s))
	}
	r.Documents = append(r.Documents, checkedDocument{
		File: file, Findings: c.Findings, Tier: tier, Stages: stages, Schedule: c.Schedule, Expedite: expedite,
	})
}

// describeStage reads "steering: a majority of example/steering-committee".
func describeStage(s policy.Stage) string {
	var parts []string
	for _, req := range s.Requirements {
		switch {
		case req.Team == "":
			parts = append(parts, req.Label+" (no team configured)")
		case req.Majority:
			parts = append(parts, "a majority of "+req.Team)
		case req.Count > 1:
			parts = append(parts, fmt.Sprintf("%d of %s", req.Count, req.Team))
		default:
			parts = append(parts, req.Team)
		}
	}
	return s.Name + ": " + strings.Join(parts, ", ")
}

func (r *checkResult) all() []policy.Finding {
	out := append([]policy.Finding(nil), r.PolicyFindings...)
	out = append(out, r.Skipped...)
	for _, d := range r.Documents {
		out = append(out, d.Findings...)
	}
	return out
}

// nothingChecked reports a check that looked at nothing: no
// communication, no policy file, and no broken policy to explain why.
func (r *checkResult) nothingChecked() bool {
	return len(r.Documents) == 0 && len(r.Policies) == 0 && !r.PolicyBroken && r.ChangedFrom == ""
}

func (r *checkResult) errors() int {
	n := 0
	for _, f := range r.all() {
		if f.Severity == policy.SeverityError {
			n++
		}
	}
	return n
}

func (r *checkResult) writeText(w io.Writer) {
	for _, f := range r.all() {
		fmt.Fprintln(w, f.String())
	}
	if r.PolicyBroken {
		fmt.Fprintln(w, "\nThe policy file does not load; fix it before the communications can be checked.")
	}
	for _, d := range r.Documents {
		fmt.Fprintf(w, "\n%s\n", d.File)
		fmt.Fprintf(w, "  %s\n", d.Tier.String())
		if e := d.Expedite; e != nil {
			fmt.Fprintf(w, "  %s\n", e.Sentence())
			for _, reason := range e.Reasons {
				fmt.Fprintf(w, "  expedite_reason: %s\n", reason)
			}
			fmt.Fprintf(w, "  crisis stages, all asked at once:\n")
			for i, s := range d.Stages {
				fmt.Fprintf(w, "    %d. %s\n", i+1, s)
			}
		} else if len(d.Stages) > 0 {
			fmt.Fprintf(w, "  stages, in order:\n")
			for i, s := range d.Stages {
				fmt.Fprintf(w, "    %d. %s\n", i+1, s)
			}
		}
		if !d.Schedule.PublishAt.IsZero() {
			fmt.Fprintf(w, "  publish_at %s\n", policy.FormatInstant(d.Schedule.PublishAt))
			for _, z := range d.Schedule.Local {
				fmt.Fprintf(w, "    %-22s %s\n", z.Zone, z.Display)
			}
		}
	}
	errs := r.errors()
	warns := len(r.all()) - errs
	fmt.Fprintf(w, "\n%s, %s in %s\n", plural(errs, "error"), plural(warns, "warning"), plural(len(r.Documents)+len(r.Policies), "file"))
}

// writeGitHub prints GitHub Actions workflow commands, so `commsgate check`
// in a workflow annotates the PR diff at each finding.
func (r *checkResult) writeGitHub(w io.Writer) {
	for _, f := range r.all() {
		level := "error"
		if f.Severity == policy.SeverityWarning {
			level = "warning"
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n",
			level, escapeProperty(f.File), f.Line, f.Column, escapeProperty(f.Rule), escapeData(f.Message))
	}
}

// Workflow command escaping, as GitHub's toolkit does it.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

type jsonCheck struct {
	Errors         int              `json:"errors"`
	Warnings       int              `json:"warnings"`
	PolicyFindings []policy.Finding `json:"policy_findings"`
	Documents      []jsonDocument   `json:"documents"`
}

type jsonDocument struct {
	File        string            `json:"file"`
	Findings    []policy.Finding  `json:"findings"`
	Tier        int               `json:"tier"`
	TierReasons []string          `json:"tier_reasons"`
	Stages      []string          `json:"stages"`
	PublishAt   string            `json:"publish_at,omitempty"`
	Local       map[string]string `json:"publish_at_local,omitempty"`
	// Expedited documents list the crisis ladder in Stages.
	Expedited      bool   `json:"expedited,omitempty"`
	ExpediteReason string `json:"expedite_reason,omitempty"`
}

func (r *checkResult) jsonView() jsonCheck {
	out := jsonCheck{Errors: r.errors(), PolicyFindings: nonNil(r.PolicyFindings), Documents: []jsonDocument{}}
	out.Warnings = len(r.all()) - out.Errors
	for _, d := range r.Documents {
		jd := jsonDocument{
			File: d.File, Findings: nonNil(d.Findings), Tier: d.Tier.Tier,
			TierReasons: d.Tier.Reasons, Stages: d.Stages,
		}
		if e := d.Expedite; e != nil {
			jd.Expedited = true
			jd.ExpediteReason = strings.Join(e.Reasons, " ")
		}
		if !d.Schedule.PublishAt.IsZero() {
			jd.PublishAt = d.Schedule.PublishAt.UTC().Format("2006-01-02T15:04:05Z07:00")
			jd.Local = map[string]string{}
			for _, z := range d.Schedule.Local {
				jd.Local[z.Zone] = z.Display
			}
		}
		out.Documents = append(out.Documents, jd)
	}
	return out
}

func nonNil(f []policy.Finding) []policy.Finding {
	if f == nil {
		return []policy.Finding{}
	}
	return f
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
