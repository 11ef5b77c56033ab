package report

import (
	"fmt"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// Collisions is the approval check's warning about other communications
// that publish too close to this pull request's for the same readers; ""
// when there are none. Each line names the other pull request as
// "org/repo#12", which GitHub links by itself. Like the branch protection
// warning it never changes the check's result.
func Collisions(cs []policy.Collision) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n### ⚠️ Publication collisions\n\n")
	if len(cs) == 1 {
		b.WriteString("Another tier 2+ communication publishes close to this one for the same readers, who may get both in one sitting and miss one:\n\n")
	} else {
		fmt.Fprintf(&b, "%d other tier 2+ communications publish close to this one for the same readers, who may get them in one sitting and miss one:\n\n", len(cs))
	}
	for _, c := range cs {
		title := inline(c.With.Title)
		if title == "" {
			title = "untitled"
		}
		fmt.Fprintf(&b, "- %s “%s” (tier %d), publishes %s: %s\n",
			inline(c.With.Ref), title, c.With.Tier, policy.FormatInstant(c.With.PublishAt), c.Reason())
	}
	b.WriteString("\n<sub>This warning does not change the result above. To resolve it, move publish_at more than 24 hours from the other one, " +
		"or coordinate with the other pull request's author so the two go out in an order you agreed on.</sub>\n")
	return b.String()
}
