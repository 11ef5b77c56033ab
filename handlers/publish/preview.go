package publish

import "github.com/commsgate/commsgate/policy"

// AuditOf is the approval record of a decision on pull request pr at
// head: which stage was approved by whom. Publication writes it into
// every channel; the approval check's preview shows it before the merge.
func AuditOf(pr int, head string, d policy.Decision) Audit {
	a := Audit{PR: pr, Commit: head, Tier: d.Tier.Tier}
	for _, s := range d.Stages {
		a.Stages = append(a.Stages, AuditStage{Name: s.Name, Approvers: s.Approvers})
	}
	return a
}

// PreviewNotice is the notice publication would build from doc if pull
// request pr were merged now with decision d: the same document and
// approval record, without the merge commit, which does not exist yet.
func PreviewNotice(doc *policy.Document, repo string, pr int, head string, d policy.Decision) Notice {
	return Notice{Doc: doc, Repo: repo, Path: doc.Path, Audit: AuditOf(pr, head, d)}
}
