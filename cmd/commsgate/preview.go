package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/policy"
)

func init() {
	registerCommand("preview", "print exactly what one channel would send for a communication", withoutContext(runPreview))
}

const previewUsage = `usage: commsgate preview FILE --channel NAME [--config FILE] [--part text|html] [--now INSTANT]

Prints what the channel would send for the communication FILE, rendered
by the same code that publishes it:

  github-issue   the issue body (markdown); the title goes to stderr
  email          the subject, the text part and the HTML part
                 (--part text or --part html prints that part alone)
  slack          the chat.postMessage JSON
  webhook        the JSON event

NAME is a publish target of the policy (e.g. announce, dev-list), or a kind:
issue (github-issue), email, slack, webhook. The policy is --config, else
the .github/commsgate.yml of the repository that holds FILE, else the
built-in defaults, as for commsgate check. Approvers, the pull request and
the merge commit are filled in at publication; here the approval record
lists the stages the communication needs.

Exit status: 0 printed, 1 the communication has template errors (printed
anyway; it would not be published until they are fixed), 2 usage. The
schedule rules are judged as of --now (default: the current time), as
for commsgate check.
`

// channelKinds are the names a kind goes by on the command line.
var channelKinds = map[string]policy.TargetKind{
	"issue":        policy.TargetGitHubIssue,
	"github-issue": policy.TargetGitHubIssue,
	"email":        policy.TargetEmail,
	"slack":        policy.TargetSlack,
	"webhook":      policy.TargetWebhook,
}

// runPreview is `commsgate preview`.
func runPreview(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("preview", flag.ContinueOnError)
	channel := fset.String("channel", "", "publish target name or kind: issue, email, slack, webhook")
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml)")
	part := fset.String("part", "", "email only: print the text or the html part alone")
	nowFlag := fset.String("now", "", "judge the schedule as of this RFC 3339 instant (default: the current time)")
	paths, code, ok := parseArgs(fset, previewUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(paths) == 0:
		return usageError(stderr, "preview", "give the FILE to preview, e.g. commsgate preview comms/x.md --channel email")
	case len(paths) > 1:
		return unexpectedArgs(stderr, "preview", paths[1:], "preview takes exactly one FILE")
	case *channel == "":
		return usageError(stderr, "preview", "--channel is required")
	case *part != "" && *part != "text" && *part != "html":
		return usageError(stderr, "preview", "--part must be text or html, not %q", *part)
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return usageError(stderr, "preview", "%v", err)
	}
	file := paths[0]

	rules, policyFindings, root, err := loadCheckPolicy(*configPath, file)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate preview: %v\n", err)
		return 2
	}
	if rules == nil {
		for _, f := range policyFindings {
			fmt.Fprintln(stderr, f.String())
		}
		fmt.Fprintln(stderr, "commsgate preview: the policy file does not load; fix it first (commsgate check shows the same)")
		return 1
	}
	kind, err := resolveChannel(*channel, rules)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate preview: %v\n", err)
		return 2
	}
	if *part != "" && kind != policy.TargetEmail {
		fmt.Fprintf(stderr, "commsgate preview: --part only applies to email, not %s\n", kind)
		return 2
	}
	content, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate preview: %v\n", err)
		return 2
	}
	path := repoPath(file, root)
	check := policy.CheckDocument(path, content, rules, now)
	n := publish.PreviewNotice(check.Document, "", 0, "", stagesNeeded(check.Document, rules))

	switch kind {
	case policy.TargetGitHubIssue:
		title, body := publish.RenderIssue(n)
		fmt.Fprintf(stderr, "title: %s\n", title)
		io.WriteString(stdout, body)
	case policy.TargetEmail:
		subject, text, html := publish.RenderEmail(n)
		switch *part {
		case "text":
			io.WriteString(stdout, text)
		case "html":
			io.WriteString(stdout, html)
		default:
			fmt.Fprintf(stdout, "Subject: %s\n\n--- text/plain ---\n%s\n--- text/html ---\n%s", subject, text, html)
		}
	case policy.TargetSlack:
		stdout.Write(append(publish.RenderSlack(n), '\n'))
	case policy.TargetWebhook:
		stdout.Write(append(publish.RenderWebhook(n), '\n'))
	}
	if errors := countErrors(check.Findings); errors > 0 {
		fmt.Fprintf(stderr, "commsgate preview: %s has %d template errors and would not be published; commsgate check %s lists them\n", path, errors, file)
		return 1
	}
	return 0
}

// resolveChannel maps a target name of the policy, or a kind, to the kind
// whose renderer runs.
func resolveChannel(name string, rules *policy.Rules) (policy.TargetKind, error) {
	if t, ok := rules.Targets[name]; ok {
		return t.Kind, nil
	}
	if k, ok := channelKinds[name]; ok {
		return k, nil
	}
	names := make([]string, 0, len(rules.Targets))
	for n := range rules.Targets {
		names = append(names, n)
	}
	slices.Sort(names)
	known := "the policy has no publish targets"
	if len(names) > 0 {
		known = "the policy's targets are " + strings.Join(names, ", ")
	}
	return "", fmt.Errorf("--channel %q is neither a publish target nor a kind (issue, email, slack, webhook); %s", name, known)
}

// repoPath is the file's path in its repository, as publication names it.
func repoPath(file, root string) string {
	if root != "" {
		if abs, err := filepath.Abs(file); err == nil {
			if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(file)
}

// stagesNeeded is a decision naming the tier and stages the document
// needs, without approvers: what the approval record shows before review.
func stagesNeeded(doc *policy.Document, rules *policy.Rules) policy.Decision {
	docs := []*policy.Document{doc}
	tier := policy.ComputeTier(docs, rules, false)
	d := policy.Decision{Tier: tier}
	for _, s := range policy.ResolveStages(tier.Tier, docs, rules, "", nil) {
		d.Stages = append(d.Stages, policy.StageResult{Name: s.Name})
	}
	return d
}

func countErrors(findings []policy.Finding) int {
	n := 0
	for _, f := range findings {
		if f.Severity == policy.SeverityError {
			n++
		}
	}
	return n
}
