package publish

import (
	"time"

	"github.com/commsgate/commsgate/policy"
)

// Sample communications, built directly as documents so these tests do not
// depend on the parser. Each sample exercises a different renderer path.

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func field(key, value string) policy.Field {
	return policy.Field{Key: key, Scalar: value}
}

func securityAdvisory() Notice {
	return Notice{
		Doc: &policy.Document{
			Path:      "comms/2026/cve-2026-1234.md",
			Title:     "Node proxy lets unauthenticated users reach kubelet ports",
			Summary:   "A flaw in the node proxy lets an unauthenticated user reach any kubelet port. Clusters that expose the API server to untrusted networks are affected; upgrade or apply the mitigation now.",
			Type:      "security-advisory",
			SIGs:      []string{"sig-auth", "sig-node"},
			Audience:  []string{"end-users", "distributors"},
			Priority:  "action-required",
			PublishAt: mustTime("2026-12-01T16:00:00Z"),
			Fields: []policy.Field{
				field("title", "Node proxy lets unauthenticated users reach kubelet ports"),
				field("type", "security-advisory"),
				field("cve", "CVE-2026-1234"),
				field("severity", "high"),
				field("cvss_score", "8.1"),
				field("cvss_vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"),
			},
			Sections: []policy.Section{
				{Title: "Summary", Markdown: "An unauthenticated user who can reach the API server can use the node proxy to reach **any** kubelet port."},
				{Title: "Am I vulnerable?", Markdown: "You are affected when the API server is reachable from untrusted networks. Check with:\n\n```\nkubectl get --raw /version\n```\n\nAffected versions:\n\n- v1.33.0 to v1.33.4\n- v1.34.0 to v1.34.1"},
				{Title: "How do I mitigate?", Markdown: "ACTION REQUIRED: restrict access to the API server with a network policy until you upgrade."},
				{Title: "Fixed versions", Markdown: "1. v1.33.5\n2. v1.34.2"},
				{Title: "Detection", Markdown: "Look for `proxy` sub-resource requests from anonymous users in the audit log."},
				{Title: "Acknowledgements", Markdown: "Reported by Jane Doe; fixed by the node team & coordinated by the SRC. See the [tracking issue](https://github.com/example/project/issues/1)."},
				{Title: "Contact", Markdown: "Ask in #sig-auth or on security-discuss@example.org."},
			},
		},
		Repo:     "example/comms",
		Path:     "comms/2026/cve-2026-1234.md",
		MergeSHA: "8f14e45fceea167a5a36dedd4bea2543a1b2c3d4",
		URL:      "https://groups.example.org/g/dev/c/abc123",
		Audit: Audit{
			PR: 42, Commit: "c9f0f895fb98ab9159f51fd0297e236d1a2b3c4d", Tier: 3,
			Stages: []AuditStage{
				{Name: "sig", Detail: "sig-auth", Approvers: []string{"alice"}},
				{Name: "sig", Detail: "sig-node", Approvers: []string{"nina"}},
				{Name: "comms", Approvers: []string{"bob"}},
				{Name: "security", Approvers: []string{"carol"}},
				{Name: "steering", Approvers: []string{"dave", "erin", "frank", "gina"}},
			},
		},
	}
}

func deprecationUpdate() Notice {
	return Notice{
		Doc: &policy.Document{
			Title:     "Legacy package repositories freeze on 1 March 2027",
			Summary:   "The legacy package repositories stop receiving packages on 1 March 2027. Anyone installing from them must switch to the community-owned repositories.",
			Type:      "deprecation",
			SIGs:      []string{"sig-release"},
			Audience:  []string{"end-users", "distributors"},
			Priority:  "action-required",
			PublishAt: mustTime("2026-12-02T15:00:00-08:00"),
			Fields: []policy.Field{
				field("removal_at", "2027-03-01T16:00:00Z"),
				{Key: "mirrors", Sequence: true, Items: []string{"eu", "us"}},
			},
			Sections: []policy.Section{
				{Title: "Who is affected", Markdown: "Anyone whose package manager points at `apt.legacy.example.org`. Check with:\n\n    grep -r legacy /etc/apt/sources.list.d/"},
				{Title: "What you need to do", Markdown: "Follow the [migration guide](https://example.org/migrate)."},
				{Title: "Timeline", Markdown: "| Date | Milestone |\n| --- | --- |\n| 2026-12-02 | Announcement |\n| 2027-03-01 | Freeze |"},
			},
		},
		Repo:     "example/comms",
		Path:     "comms/2026/legacy-repos.md",
		MergeSHA: "aab3238922bcc25a6f606eb525ffdc56aaaa0001",
		Audit: Audit{PR: 51, Commit: "aab3238922bcc25a6f606eb525ffdc56aaaa0000", Tier: 2, Stages: []AuditStage{
			{Name: "sig", Detail: "sig-release", Approvers: []string{"rita"}},
			{Name: "comms", Approvers: []string{"bob"}},
			{Name: "steering", Approvers: []string{"dave", "erin", "frank", "gina"}},
		}},
		Update: &UpdateInfo{
			Date:    mustTime("2026-12-04T16:00:00Z"),
			Changes: "The freeze date moved from 15 February to **1 March 2027**.\nThe mirrors stay read-only afterwards.",
			Previous: map[string]Receipt{
				"tracking-issue": {Target: "tracking-issue", ID: "7", URL: "https://github.com/example/project/issues/7"},
			},
		},
	}
}

// hostileIncident carries every injection an author could try; renderers
// must show it as text or drop it.
func hostileIncident() Notice {
	return Notice{
		Doc: &policy.Document{
			Title:    "Slack workspace <!channel> & moderation change",
			Summary:  "From 1 December the workspace changes moderation. <!channel> <https://evil.example|bank login> & more.",
			Type:     "incident",
			SIGs:     []string{"sig-contributor-experience"},
			Audience: []string{"contributors"},
			Priority: "priority-info",
			Fields: []policy.Field{
				field("status", "ongoing"),
				field("next_update_at", "2026-12-03T16:00:00Z"),
				field("severity", "<script>alert(1)</script>"),
			},
			Sections: []policy.Section{
				{Title: "What happened <img src=x>", Markdown: "Raw HTML: <script>alert('mail')</script> and <a href=\"javascript:alert(2)\">a link</a>.\n\n<div onclick=\"steal()\">block html</div>\n\nA [bank](javascript:alert(3)) link, an autolink <javascript:alert(4)>, and an image ![x](data:text/html;base64,PHNjcmlwdD4=).\n\nSlack tricks: <!here> <@U123> <https://evil.example|https://bank.example>."},
				{Title: "What you need to do", Markdown: "Nothing yet. Follow [the FAQ](https://example.org/faq?a=1&b=2)."},
			},
		},
		Repo:     "example/comms",
		Path:     "comms/2026/slack-moderation.md",
		MergeSHA: "1111111111111111111111111111111111111111",
		Audit: Audit{PR: 60, Commit: "2222222222222222222222222222222222222222", Tier: 2, Stages: []AuditStage{
			{Name: "sig", Detail: "sig-contributor-experience", Approvers: []string{"mallory"}},
			{Name: "comms", Approvers: []string{"bob"}},
			{Name: "steering", Approvers: []string{"dave", "erin", "frank", "gina"}},
		}},
	}
}

// plainAnnouncement has no priority, no sections and no approval record.
func plainAnnouncement() Notice {
	return Notice{
		Doc: &policy.Document{
			Title:   "Contributor summit registration is open",
			Summary: "Registration for the contributor summit in Amsterdam is open until 1 March.",
			Type:    "announcement",
			Body:    "Register at https://example.org/summit.\n\nSee you there!",
		},
		Repo:     "example/comms",
		Path:     "comms/2026/summit.md",
		MergeSHA: "3333333333333333333333333333333333333333",
	}
}

var samples = map[string]func() Notice{
	"security-advisory":  securityAdvisory,
	"deprecation-update": deprecationUpdate,
	"hostile-incident":   hostileIncident,
	"plain-announcement": plainAnnouncement,
	"parsed-shape":       parsedShape,
}

func policySection(title, md string) policy.Section {
	return policy.Section{Title: title, Markdown: md, Text: md}
}

// parsedShape is laid out as the parser lays a file out: an H1 and an
// introduction before the first section, template guidance left in
// comments, positions set.
func parsedShape() Notice {
	body := "# Release cadence changes\n\nAn introduction before the sections.\n<!-- guidance: keep this short -->\n\n## Summary\n\nFrom 2027 there are three minor releases a year.\n<!-- remove this comment -->\n\n## Contact\n\n#sig-release on Slack.\n"
	return Notice{
		Doc: &policy.Document{
			Title:    "Release cadence changes",
			Summary:  "Three minor releases a year from 2027.",
			Type:     "policy-change",
			Priority: "feedback-appreciated",
			Fields: []policy.Field{
				field("effective_at", "2027-01-15T16:00:00Z"),
				field("decision_record", "https://github.com/example/steering/issues/1"),
			},
			BodyPos: policy.Pos{Line: 12, Column: 1},
			Body:    body,
			Sections: []policy.Section{
				{Title: "Summary", Pos: policy.Pos{Line: 17, Column: 1}, Markdown: "From 2027 there are three minor releases a year.\n<!-- remove this comment -->", Text: "From 2027 there are three minor releases a year."},
				{Title: "Contact", Pos: policy.Pos{Line: 22, Column: 1}, Markdown: "#sig-release on Slack.", Text: "#sig-release on Slack."},
			},
		},
		Repo:     "example/comms",
		Path:     "comms/2026/cadence.md",
		MergeSHA: "4444444444444444444444444444444444444444",
		Audit: Audit{PR: 77, Commit: "5555555555555555555555555555555555555555", Tier: 2, Stages: []AuditStage{
			{Name: "sig", Detail: "sig-release", Approvers: []string{"rita"}},
			{Name: "comms", Approvers: []string{"bob"}},
			{Name: "steering", Approvers: []string{"dave", "erin", "frank", "gina"}},
		}},
	}
}
