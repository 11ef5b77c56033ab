package config

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// policyRootKeys are the top-level settings, in the order REPO_POLICY.md
// documents them.
var policyRootKeys = []string{
	"comms_path", "groups", "sigs", "tiers", "types", "scope", "schedule",
	"publish", "followup", "distinct_approvers", "request_reviews",
	"auto_merge", "merge_method", "limits", "expedite",
}

// decodeRoot overlays each top-level setting on the defaults, then runs the
// checks that need the whole file.
func (l *policyLoader) decodeRoot(root *yaml.Node) {
	es, ok := l.entries(root, "the policy file")
	if !ok {
		return
	}
	keys := l.known(es, "", policyRootKeys...)
	if e, ok := keys["comms_path"]; ok {
		l.decodeCommsPath(e.Value)
	}
	if e, ok := keys["groups"]; ok {
		l.groupsKey = e.KeyN
		l.decodeGroups(e.Value)
	}
	if e, ok := keys["sigs"]; ok {
		l.decodeSIGs(e.Value)
	}
	if e, ok := keys["tiers"]; ok {
		l.tiersKey = e.KeyN
		l.decodeTiers(e.Value)
	}
	if e, ok := keys["types"]; ok {
		l.decodeTypes(e.Value)
	}
	if e, ok := keys["scope"]; ok {
		l.decodeScope(e.Value)
	}
	if e, ok := keys["schedule"]; ok {
		l.decodeSchedule(e.Value)
	}
	if e, ok := keys["publish"]; ok {
		l.decodePublish(e.Value)
	}
	followUp, hasFollowUp := keys["followup"]
	if hasFollowUp {
		l.decodeFollowUp(followUp.Value)
	}
	if e, ok := keys["distinct_approvers"]; ok {
		if v, ok := l.boolean(e.Value, "distinct_approvers"); ok {
			l.rules.DistinctApprovers = v
		}
	}
	if e, ok := keys["request_reviews"]; ok {
		if v, ok := l.oneOf(e.Value, "request_reviews", "staged", "all", "off"); ok {
			l.rules.RequestReviews = v
		}
	}
	if e, ok := keys["auto_merge"]; ok {
		if v, ok := l.boolean(e.Value, "auto_merge"); ok {
			l.rules.AutoMerge = v
		}
	}
	if e, ok := keys["merge_method"]; ok {
		if v, ok := l.oneOf(e.Value, "merge_method", "merge", "squash", "rebase"); ok {
			l.rules.MergeMethod = v
		}
	}
	if e, ok := keys["limits"]; ok {
		l.decodeLimits(e.Value)
	}
	if e, ok := keys["expedite"]; ok {
		l.decodeExpedite(e.Value)
	}

	l.checkTierGroups(root)
	l.checkTypeTiers()
	l.checkScopeTiers()
	if l.rules.Expedite.Enabled && !l.rules.FollowUp.Enabled && hasFollowUp {
		// Ratification lives on the follow-up issue: /ratify is said there and
		// the late reminder is posted there. Without it an expedited notice
		// publishes and is never approved after the fact.
		l.warnf(followUp.KeyN, RuleRatifyNowhere, "followup is off while the crisis path is on, so an expedited notice gets no follow-up issue to /ratify on and no reminder when ratification is late; turn followup on, or switch the crisis path off with expedite: false")
	}
	if len(l.rules.SIGs) == 0 {
		l.warnf(root, RuleNoSIGs, "no SIG is mapped to a leads team, so no communication can pass its SIG stage; add sigs: {sig-name: org/sig-name-leads}")
	}
}

// decodeCommsPath normalises the folder holding communications to a
// repository-relative path with a trailing slash.
func (l *policyLoader) decodeCommsPath(n *yaml.Node) {
	s, ok := l.scalar(n, "comms_path")
	if !ok {
		return
	}
	fix := "write a folder relative to the repository root, e.g. comms/"
	switch {
	case strings.HasPrefix(s, "/"):
		l.errorf(n, RuleCommsPath, "comms_path %q starts with /; %s", clipValue(s), fix)
		return
	case strings.Contains(s, `\`):
		l.errorf(n, RuleCommsPath, "comms_path %q contains a backslash; use / between folders; %s", clipValue(s), fix)
		return
	}
	for _, part := range strings.Split(s, "/") {
		if part == ".." {
			l.errorf(n, RuleCommsPath, "comms_path %q leaves the repository with ..; %s", clipValue(s), fix)
			return
		}
	}
	clean := path.Clean(s)
	if clean == "." {
		l.errorf(n, RuleCommsPath, "comms_path %q is the repository root, which would make every file a communication; %s", clipValue(s), fix)
		return
	}
	l.rules.CommsPath = clean + "/"
}

// decodeLimits overrides document size limits.
func (l *policyLoader) decodeLimits(n *yaml.Node) {
	es, ok := l.entries(n, "limits")
	if !ok {
		return
	}
	keys := l.known(es, "limits", "title_chars", "summary_chars", "file_bytes")
	set := func(key string, dst *int, max int) {
		e, ok := keys[key]
		if !ok {
			return
		}
		where := "limits." + key
		v, ok := l.integer(e.Value, where)
		if !ok {
			return
		}
		if v < 1 || v > max {
			l.errorf(e.Value, RuleNumber, "%s is %d; use a number from 1 to %d", where, v, max)
			return
		}
		*dst = v
	}
	set("title_chars", &l.rules.Limits.TitleChars, 1000)
	set("summary_chars", &l.rules.Limits.SummaryChars, 10000)
	set("file_bytes", &l.rules.Limits.FileBytes, 1024*1024)
}
