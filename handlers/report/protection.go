package report

import (
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// BranchProtection is the approval check's warning when the default
// branch does not make commsgate's checks a gate; "" when it does. It
// never changes the check's result: it tells maintainers that the result
// is advice until the setting is fixed.
func BranchProtection(b policy.BranchProtection) string {
	warnings := policy.ProtectionWarnings(b, []string{CheckTemplate, CheckApproval})
	if len(warnings) == 0 {
		return ""
	}
	var s strings.Builder
	s.WriteString("\n\n### ⚠️ Branch protection\n\n")
	branch := "`" + b.Branch + "`"
	if b.Unprotected {
		s.WriteString("The default branch " + branch + " has no branch protection")
		if !requiresAny(b) {
			s.WriteString(" and no ruleset requires status checks on it")
		}
		s.WriteString(". ")
	}
	s.WriteString("Until " + branch + " requires both checks from commsgate, this check does not stop a merge, and a merged notice that was not approved is only refused at publication:\n\n")
	for _, w := range warnings {
		s.WriteString("- " + w + "\n")
	}
	s.WriteString("\n<sub>This warning does not change the result above. commsgate reads the setting again within 10 minutes.</sub>\n")
	return s.String()
}

// ProtectionUnread says the branch protection could not be read this time.
func ProtectionUnread(branch string, err error) string {
	return "\n\n### Branch protection\n\ncommsgate could not read which checks `" + branch + "` requires (" + inline(err.Error()) +
		"); it tries again at the next evaluation. This does not change the result above.\n"
}

func requiresAny(b policy.BranchProtection) bool {
	return len(b.Required) > 0
}
