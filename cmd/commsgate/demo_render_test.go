package main

import (
	"strings"
	"testing"
)

func TestReviewerLinesSimplifyMarkdownForATerminal(t *testing.T) {
	summary := strings.Join([]string{
		"## ⏳ NOT APPROVED — waiting for comms",
		"",
		"**Tier 2**: type deprecation requires tier 2",
		"",
		"### Approvals",
		"",
		"1. ✅ **sig** (example/sig-node-leads) — 1 of 1",
		"   - approved by @nina",
		"",
		"### Publication",
		"",
		"| Zone | Local time |",
		"|---|---|",
		"| America/Los_Angeles | Tue 9 Feb 2027, 08:00 PST |",
		"| Asia/Tokyo | Wed 10 Feb 2027, 01:00 JST |",
		"",
		"<sub>Comment `/hold [reason]` to stop publication.</sub>",
		"",
		"<details><summary>1 approval that did not count</summary>",
		"",
		"- @mallory: not a member of example/sig-node-leads",
		"",
		"</details>",
		"",
		"<details><summary>Why this result</summary>",
		"",
		"- tier 2: said above already",
		"",
		"</details>",
		"- dev-list: `<cg-1@example.org>`",
		"<!-- commsgate-record {} -->",
	}, "\n")
	tests := []struct {
		name string
		cfg  renderConfig
		want []string
	}{
		{
			name: "everything",
			want: []string{
				"Tier 2: type deprecation requires tier 2",
				"",
				"Approvals:",
				"",
				"1. ✅ sig (example/sig-node-leads) — 1 of 1",
				"   - approved by @nina",
				"",
				"Publication:",
				"",
				"  Zone                 Local time",
				"  America/Los_Angeles  Tue 9 Feb 2027, 08:00 PST",
				"  Asia/Tokyo           Wed 10 Feb 2027, 01:00 JST",
				"",
				"1 approval that did not count:",
				"",
				"- @mallory: not a member of example/sig-node-leads",
				"",
				"- dev-list: `<cg-1@example.org>`",
			},
		},
		{
			name: "only the text before the first heading and the discarded approvals",
			cfg:  renderConfig{only: []string{"", "not count"}},
			want: []string{
				"Tier 2: type deprecation requires tier 2",
				"",
				"1 approval that did not count:",
				"",
				"- @mallory: not a member of example/sig-node-leads",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reviewerLines(summary, tt.cfg)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestFindingsQuoteTheLineTheyPointAt(t *testing.T) {
	source := "---\ntitle: x\npriority: priority-infos\n\n---\n"
	summary := "- ❌ line 3, column 11: `priority` cannot be `priority-infos`\n- ❌ line 4, column 1: a blank line is not worth quoting\n- ❌ file: no line at all"
	got := reviewerLines(summary, renderConfig{source: strings.Split(source, "\n")})
	want := []string{
		"- ❌ line 3, column 11: `priority` cannot be `priority-infos`",
		"         3 │ priority: priority-infos",
		"- ❌ line 4, column 1: a blank line is not worth quoting",
		"- ❌ file: no line at all",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
