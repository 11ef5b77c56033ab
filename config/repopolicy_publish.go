package config

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"
)

// targetKeys lists, per target kind, the settings it takes besides kind.
// Everything a channel needs that is secret (webhook URLs, SMTP hosts and
// passwords, tokens) lives in the server configuration instead.
var targetKeys = map[policy.TargetKind][]string{
	policy.TargetGitHubIssue: {"repo", "labels"},
	policy.TargetEmail:       {"to", "secret"},
	policy.TargetSlack:       {"secret"},
	policy.TargetWebhook:     {"secret"},
}

// requiredTargetKeys are the settings a kind cannot work without.
var requiredTargetKeys = map[policy.TargetKind][]string{
	policy.TargetGitHubIssue: {"repo"},
	policy.TargetEmail:       {"to", "secret"},
	policy.TargetSlack:       {"secret"},
	policy.TargetWebhook:     {"secret"},
}

var targetKinds = []string{
	string(policy.TargetGitHubIssue), string(policy.TargetEmail),
	string(policy.TargetSlack), string(policy.TargetWebhook),
}

// secretKeyHints are fragments of setting names that carry secrets or
// endpoints. The repository is readable by every contributor with access,
// so such values must never be written here.
var secretKeyHints = []string{
	"url", "uri", "password", "passwd", "pass", "token", "key", "host", "port",
	"user", "auth", "credential", "webhook", "hook", "endpoint", "dsn", "smtp",
	"bearer", "cert", "secret",
}

// looksLikeSecretKey tells whether a setting name suggests a secret value.
// "secret" itself is the way to reference one and is not a hint.
func looksLikeSecretKey(key string) bool {
	k := strings.ToLower(key)
	if k == "secret" {
		return false
	}
	for _, h := range secretKeyHints {
		if strings.Contains(k, h) {
			return true
		}
	}
	return false
}

// decodePublish reads the publish targets; the file's map is the whole set.
func (l *policyLoader) decodePublish(n *yaml.Node) {
	es, ok := l.entries(n, "publish")
	if !ok {
		return
	}
	for _, e := range es {
		if !l.name(e.KeyN, "target") {
			continue
		}
		if t, ok := l.decodeTarget(e); ok {
			l.rules.Targets[e.Key] = t
		}
	}
}

func (l *policyLoader) decodeTarget(e policyEntry) (policy.Target, bool) {
	where := "publish." + e.Key
	t := policy.Target{Name: e.Key}
	es, ok := l.entries(e.Value, where)
	if !ok {
		return t, false
	}
	valid := true
	// Secret-looking settings are reported first and on their own, since
	// the fix (move to server config) differs from a typo's fix.
	var rest []policyEntry
	var kindE *policyEntry
	for i := range es {
		switch {
		case es[i].Key == "kind":
			kindE = &es[i]
		case looksLikeSecretKey(es[i].Key):
			l.errorf(es[i].KeyN, RuleTargetSecret,
				"%s.%s looks like a secret or connection setting; secrets and endpoints live in the server configuration, never in the repository: move the value there and reference it here with secret: NAME",
				where, clipValue(es[i].Key))
			valid = false
		default:
			rest = append(rest, es[i])
		}
	}
	if kindE == nil {
		l.errorf(e.KeyN, RuleMissingKey, "%s has no kind; add kind: one of %s", where, strings.Join(targetKinds, ", "))
		return t, false
	}
	kindS, ok := l.scalar(kindE.Value, where+".kind")
	if !ok {
		return t, false
	}
	kind := policy.TargetKind(kindS)
	allowed, known := targetKeys[kind]
	if !known {
		l.errorf(kindE.Value, RuleTargetKind, "%s.kind is %q%s; use one of %s", where, clipValue(kindS), didYouMean(kindS, targetKinds), strings.Join(targetKinds, ", "))
		return t, false
	}
	t.Kind = kind
	settings := map[string]policyEntry{}
	for _, s := range rest {
		if hasString(allowed, s.Key) {
			settings[s.Key] = s
			continue
		}
		if owner := targetKindTaking(s.Key); owner != "" {
			l.errorf(s.KeyN, RuleTargetSetting, "%s: %s is a setting of %s targets, not of %s targets; remove it", where, s.Key, owner, kind)
		} else {
			l.unknownKey(s.KeyN, where, append([]string{"kind"}, allowed...))
		}
		valid = false
	}
	for _, key := range requiredTargetKeys[kind] {
		if _, ok := settings[key]; !ok {
			l.errorf(e.KeyN, RuleTargetSetting, "%s (kind %s) has no %s; %s", where, kind, key, targetRequiredHint(kind, key))
			valid = false
		}
	}
	if s, ok := settings["repo"]; ok {
		r, ok := l.repoRef(s.Value, where+".repo")
		valid = valid && ok
		t.Repo = r
	}
	if s, ok := settings["labels"]; ok {
		labels, ok := l.labels(s.Value, where+".labels")
		valid = valid && ok
		t.Labels = labels
	}
	if s, ok := settings["to"]; ok {
		addr, ok := l.emailAddress(s.Value, where+".to")
		valid = valid && ok
		t.To = addr
	}
	if s, ok := settings["secret"]; ok {
		name, ok := l.secretName(s.Value, where+".secret")
		valid = valid && ok
		t.Secret = name
	}
	return t, valid
}

// targetKindTaking names a target kind that takes the setting, for a message
// that says why it is out of place.
func targetKindTaking(key string) string {
	var kinds []string
	for kind, keys := range targetKeys {
		if hasString(keys, key) {
			kinds = append(kinds, string(kind))
		}
	}
	sort.Strings(kinds)
	return strings.Join(kinds, " and ")
}

func targetRequiredHint(kind policy.TargetKind, key string) string {
	switch key {
	case "repo":
		return "add repo: org/name of the repository to open the issue in"
	case "to":
		return "add to: the list address, e.g. dev@example.org"
	case "secret":
		return fmt.Sprintf("add secret: NAME, the name under which the server configuration holds this %s target's credentials", kind)
	}
	return "add " + key
}

// decodeFollowUp overlays the follow-up issue settings.
func (l *policyLoader) decodeFollowUp(n *yaml.Node) {
	es, ok := l.entries(n, "followup")
	if !ok {
		return
	}
	keys := l.known(es, "followup", "enabled", "after", "labels")
	f := &l.rules.FollowUp
	if e, ok := keys["enabled"]; ok {
		if v, ok := l.boolean(e.Value, "followup.enabled"); ok {
			f.Enabled = v
		}
	}
	if e, ok := keys["after"]; ok {
		if d, ok := l.duration(e.Value, "followup.after"); ok {
			f.After = d
		}
	}
	if e, ok := keys["labels"]; ok {
		if labels, ok := l.labels(e.Value, "followup.labels"); ok {
			f.Labels = labels
		}
	}
}

// labels reads GitHub label names: GitHub caps them at 50 characters.
func (l *policyLoader) labels(n *yaml.Node, where string) ([]string, bool) {
	vals, nodes, ok := l.scalars(n, where)
	if !ok || len(vals) != len(n.Content) {
		return nil, false
	}
	out := []string{}
	valid := true
	seen := map[string]bool{}
	for i, v := range vals {
		switch {
		case strings.TrimSpace(v) != v || v == "" || len([]rune(v)) > 50:
			l.errorf(nodes[i], RuleLabel, "label %q in %s must be 1 to 50 characters without surrounding spaces", clipValue(v), where)
			valid = false
		case seen[v]:
			l.errorf(nodes[i], RuleLabel, "label %q is listed twice in %s; keep one", clipValue(v), where)
			valid = false
		default:
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, valid
}
