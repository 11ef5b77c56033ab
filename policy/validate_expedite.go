package policy

import (
	"strings"
)

// checkExpediteFields checks the declaration of the crisis path: only the
// types the policy names may take it, and never without saying why, since
// the reason is what the approvers weigh against skipping the calm ladder.
func (v *validator) checkExpediteFields() {
	f, declared := v.doc.FieldByKey("expedite")
	reason, hasReason := v.doc.FieldByKey("expedite_reason")
	if !declared || !v.doc.Expedite {
		if hasReason && strings.TrimSpace(reason.Scalar) != "" && (!declared || f.Tag == "!!bool") {
			v.warnf(reason.KeyPos, RuleExpediteReasonAlone,
				"`expedite_reason` has no effect without `expedite: true`: add `expedite: true` if this notice cannot wait for the next window, or remove the reason")
		}
		return
	}
	ex := v.rules.Expedite
	switch {
	case !ex.Enabled:
		v.errorf(f.KeyPos, RuleExpediteNotAllowed,
			"`expedite: true` is not possible here: this repository's policy switches the crisis path off (`expedite: {enabled: false}`); remove `expedite` and schedule the notice in a publication window")
		return
	case v.doc.Type != "" && !ex.Allows(v.doc.Type):
		v.errorf(f.KeyPos, RuleExpediteNotAllowed,
			"type `%s` cannot be expedited; only %s may take the crisis path (the policy's `expedite.types`): remove `expedite`, or change `type` if this really is one of those",
			v.doc.Type, codeList(ex.Types))
		return
	}
	if !hasReason || strings.TrimSpace(reason.Scalar) == "" {
		at := f.KeyPos
		if hasReason {
			at = reason.KeyPos
		}
		v.errorf(at, RuleExpediteWithoutWhy,
			"`expedite: true` needs `expedite_reason`: one or two sentences on why waiting for the next publication window would harm people, e.g. `expedite_reason: the vulnerability is exploited in the wild now`")
	}
}
