package config

import (
	"net/mail"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	// GitHub logins: letters, digits and single inner hyphens, at most 39.
	githubOrgPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	// Team slugs are what GitHub derives from a team name: lowercase
	// letters, digits, hyphens and underscores.
	teamSlugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)
	repoNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	// Names chosen in the policy file (groups, SIGs, types, targets,
	// secrets) are lowercase slugs so they read the same in front matter,
	// comments and check summaries.
	policyNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	fieldNamePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	secretRefPattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)
)

// teamRef checks an "org/slug" team reference.
func (l *policyLoader) teamRef(n *yaml.Node, where string) (string, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return "", false
	}
	fix := "write it as org/team-slug, e.g. example/sig-release-leads"
	if strings.HasPrefix(s, "@") {
		l.errorf(n, RuleTeamRef, "%s is %q; drop the leading @ and %s", where, clipValue(s), fix)
		return "", false
	}
	org, slug, found := strings.Cut(s, "/")
	switch {
	case !found:
		l.errorf(n, RuleTeamRef, "%s is %q, which names no organization; %s", where, clipValue(s), fix)
		return "", false
	case !githubOrgPattern.MatchString(org):
		l.errorf(n, RuleTeamRef, "%s: %q is not a valid GitHub organization name; %s", where, clipValue(org), fix)
		return "", false
	case !teamSlugPattern.MatchString(slug):
		l.errorf(n, RuleTeamRef, "%s: %q is not a team slug (lowercase letters, digits, - and _, as shown in the team's URL); %s", where, clipValue(slug), fix)
		return "", false
	}
	return s, true
}

// repoRef checks an "org/repo" repository reference.
func (l *policyLoader) repoRef(n *yaml.Node, where string) (string, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return "", false
	}
	org, name, found := strings.Cut(s, "/")
	if !found || !githubOrgPattern.MatchString(org) || !repoNamePattern.MatchString(name) || name == "." || name == ".." {
		l.errorf(n, RuleRepoRef, "%s is %q; write the repository as org/name, e.g. example/announce", where, clipValue(s))
		return "", false
	}
	return s, true
}

// name checks a name chosen in the policy file (a mapping key).
func (l *policyLoader) name(k *yaml.Node, what string) bool {
	if policyNamePattern.MatchString(k.Value) {
		return true
	}
	l.errorf(k, RuleBadName, "%s name %q must be lowercase letters, digits and hyphens (e.g. sig-release), at most 63 characters", what, clipValue(k.Value))
	return false
}

// emailAddress checks a bare list address such as dev@example.org. Display
// names are refused: the address is what readers see in the To header, and
// a bare address cannot smuggle extra headers.
func (l *policyLoader) emailAddress(n *yaml.Node, where string) (string, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return "", false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		l.errorf(n, RuleEmail, "%s is %q, which is not a plain email address; write only the address, e.g. dev@example.org", where, clipValue(s))
		return "", false
	}
	return s, true
}

// secretName checks a reference to a secret in the server configuration.
func (l *policyLoader) secretName(n *yaml.Node, where string) (string, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return "", false
	}
	if !secretRefPattern.MatchString(s) {
		l.errorf(n, RuleTargetSecret, "%s must be the name of a secret in the server configuration (letters, digits, - and _), never the secret itself; the value %q does not look like a name", where, clipValue(redactSecret(s)))
		return "", false
	}
	return s, true
}

// redactSecret keeps a pasted secret out of check runs: only its start is shown.
func redactSecret(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:8] + "…"
}
