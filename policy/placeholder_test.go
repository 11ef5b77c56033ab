package policy

import (
	"strings"
	"testing"
)

// TestPlaceholderForms: every marker and gap form, in any case, is found
// at its offset and quoted in the message.
func TestPlaceholderForms(t *testing.T) {
	cases := []struct {
		text, want string
	}{
		{"Date: TBD.", "`TBD`"},
		{"Date: tbd.", "`tbd`"},
		{"Date: Tbd", "`Tbd`"},
		{"TODO write this", "`TODO`"},
		{"todo: write this", "`todo:`"},
		{"Todo: write this", "`Todo:`"},
		{"todo (alice) check versions", "`todo`"},
		{"see todo!", "`todo`"},
		{"FIXME", "`FIXME`"},
		{"fixme later", "`fixme`"},
		{"FixMe", "`FixMe`"},
		{"CVE-2027-XXX", "`XXX`"},
		{"CVE-2027-xxxx", "`xxxx`"},
		{"version xxx", "`xxx`"},
		{"Released on [insert date].", "`[insert date]`"},
		{"Released on [Insert release date here].", "`[Insert release date here]`"},
		{"Owner: [TBD]", "`TBD`"},
		{"Owner: [tbd]", "`tbd`"},
		{"Owner: [todo]", "`todo`"},
		{"Contact [your name]", "`[your name]`"},
		{"Contact [fill in: a handle]", "`[fill in: a handle]`"},
		{"[add the fixed versions]", "`[add the fixed versions]`"},
		{"[placeholder]", "`[placeholder]`"},
		{"Contact <insert handle>", "`<insert handle>`"},
		{"Contact <TBD>", "`TBD`"},
		{"Contact <fill-in: handle>", "`<fill-in: handle>`"},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			hits := findPlaceholders(tc.text, nil)
			if len(hits) == 0 {
				t.Fatalf("no placeholder found in %q", tc.text)
			}
			if !strings.Contains(hits[0].message, tc.want) {
				t.Errorf("message %q does not quote %s", hits[0].message, tc.want)
			}
			if len(hits) > 1 {
				t.Errorf("want one finding, got %d: %+v", len(hits), hits)
			}
		})
	}
}

// TestPlaceholderFormsNotInProse: words that contain a marker, prose
// about things to do, link texts and code are not placeholders.
func TestPlaceholderFormsNotInProse(t *testing.T) {
	cases := []string{
		"Keep a todo list of the steps.",
		"Here is what to do next.",
		"The todos are tracked in the issue.",
		"Things to do: upgrade.",
		"Mastodon and Todoist users",
		"The TBDs of 2019 are all done", // "TBDs" is a word of its own
		"xxhash and xx-large sizes",
		"prefixme and fixmes",
		"[Add your name to the list](https://example.org/list)",
		"[your cluster's audit logs][audit]",
		"[insert]: https://example.org/insert",
		"[Read the announcement](https://example.org/a).",
		"- [x] done\n- [ ] open",
		"Bracketed [note] and [addendum] and [yourself]",
		"<https://example.org/todo>",
	}
	for _, text := range cases {
		t.Run(text, func(t *testing.T) {
			if hits := findPlaceholders(text, nil); len(hits) > 0 {
				t.Errorf("want no placeholder in %q, got %+v", text, hits)
			}
		})
	}
}

// TestPlaceholderPositions checks the finding lands on the marker's line
// and column, in the body and in the front matter.
func TestPlaceholderPositions(t *testing.T) {
	cases := []struct {
		name, old, new string
		line, col      int
		msgPart        string
	}{
		{"lower case tbd in summary", "open until 2027-03-01.", "open until tbd.", 3, 59, "`tbd`"},
		{"todo colon in body", "Registration is open.", "Registration is open. todo: add the fee.", 15, 23, "`todo:`"},
		{"insert gap in body", "Registration is open.", "Registration opens on [insert date].", 15, 23, "`[insert date]`"},
		{"fixme in a comment", "priority: icymi", "priority: icymi # fixme", 7, 19, "`fixme`"},
		{"xxx in code", "Registration is open.", "Run `kubectl get pod xxx`.", 15, 22, "`xxx`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := check(edit(t, announcementDoc, tc.old, tc.new))
			requireFinding(t, findings, RulePlaceholder, tc.line, tc.col, tc.msgPart)
		})
	}
}

// TestBracketGapInCodeIsNotAPlaceholder: square brackets in code are
// lists and options, not gaps.
func TestBracketGapInCodeIsNotAPlaceholder(t *testing.T) {
	content := edit(t, announcementDoc, "Registration is open.", "Set it:\n\n```yaml\nargs: [add, --force]\n```")
	requireNoFindings(t, onlyRules(check(content), RulePlaceholder))
}
