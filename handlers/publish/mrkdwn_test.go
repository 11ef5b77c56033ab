package publish

import "testing"

func TestToMrkdwn(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"emphasis", "*one* **two** ~~three~~", "_one_ *two* ~three~"},
		{"control characters", "a < b & c > d <!channel>", "a &lt; b &amp; c &gt; d &lt;!channel&gt;"},
		{"escapes and entities resolve once", `\*not bold\* &amp; &lt;tag&gt;`, "*not bold* &amp; &lt;tag&gt;"},
		{"link shows its address", "[docs](https://example.org/a|b)", "docs (<https://example.org/a%7Cb>)"},
		{"link whose label is its address", "<https://example.org>", "<https://example.org>"},
		{"mailto link", "[mail us](mailto:dev@example.org)", "mail us (<mailto:dev@example.org>)"},
		{"relative link keeps its text only", "[guide](/docs/guide)", "guide"},
		{"javascript link keeps its text only", "[bank](javascript:alert(1))", "bank"},
		{"image becomes its alt text and address", "![diagram](https://example.org/d.png)", "diagram (<https://example.org/d.png>)"},
		{"code span keeps control characters escaped", "run `a<b && c`", "run `a&lt;b &amp;&amp; c`"},
		{"heading is bold", "### Steps", "*Steps*"},
		{"blockquote", "> quoted\n> text", "> quoted\n> text"},
		{"nested list", "- one\n  - inner\n- two", "• one\n  • inner\n• two"},
		{"ordered list keeps its start", "3. three\n4. four", "3. three\n4. four"},
		{"fenced code", "```sh\necho <x>\n```", "```\necho &lt;x&gt;\n```"},
		{"raw html dropped", "before <b>bold</b> after\n\n<div>block</div>", "before bold after"},
		{"hard line break", "line one  \nline two", "line one\nline two"},
		{"table", "| a | b |\n| - | - |\n| 1 | 2 |", "*a | b*\n1 | 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := toMrkdwn(tt.md); got != tt.want {
				t.Errorf("toMrkdwn(%q)\n got %q\nwant %q", tt.md, got, tt.want)
			}
		})
	}
}
