package policy

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	// githubLogin is GitHub's username syntax: letters, digits and single
	// hyphens between them.
	githubLogin = regexp.MustCompile(`^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`)
	cvePattern  = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	// The base metrics of CVSS v3.0/v3.1 and v4.0 in their fixed order,
	// optionally followed by temporal, threat or environmental metrics.
	cvss3Vector = regexp.MustCompile(`^CVSS:3\.[01]/AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/C:[NLH]/I:[NLH]/A:[NLH](/[A-Z]{1,3}:[A-Z])*$`)
	cvss4Vector = regexp.MustCompile(`^CVSS:4\.0/AV:[NALP]/AC:[LH]/AT:[NP]/PR:[NLH]/UI:[NPA]/VC:[HLN]/VI:[HLN]/VA:[HLN]/SC:[HLN]/SI:[HLN]/SA:[HLN](/[A-Z]{1,3}:[A-Z])*$`)
)

// isGitHubLogin reports whether s can be a GitHub username (at most 39
// characters). Contacts are written `alice`, or quoted `"@alice"` since an
// unquoted `@` is reserved in YAML; Document.Contacts holds them without
// the `@`. Teams are not contacts: readers need a person to ask.
func isGitHubLogin(s string) bool {
	return len(s) <= 39 && githubLogin.MatchString(s)
}

// checkURL accepts absolute https URLs with a host: links published to
// thousands of readers must not be downgradable.
func (v *validator) checkURL(name, value string, at Pos) {
	u, err := url.Parse(strings.TrimSpace(value))
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		v.errorf(at, RuleInvalidURL, "`%s: %s` is not a web address: write a full https URL, e.g. `https://github.com/example/steering/issues/1`", name, value)
	case u.Scheme == "http":
		v.errorf(at, RuleInsecureURL, "`%s` uses http: write `https://%s`", name, strings.TrimPrefix(value, "http://"))
	}
}

func (v *validator) checkCVSSVector(value string, at Pos) {
	if cvss3Vector.MatchString(value) || cvss4Vector.MatchString(value) {
		return
	}
	hint := "copy the vector string from the CVSS calculator"
	switch {
	case strings.HasPrefix(value, "AV:"):
		hint = "it lacks the version prefix: start it with `CVSS:3.1/`"
	case strings.HasPrefix(value, "CVSS:3") || strings.HasPrefix(value, "CVSS:4"):
		hint = "a base metric is missing, out of order or has an unknown value"
	}
	v.errorf(at, RuleInvalidCVSSVector,
		"`%s` is not a CVSS vector (%s): write e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` or a `CVSS:4.0/...` vector", value, hint)
}
