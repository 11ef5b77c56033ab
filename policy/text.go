package policy

import "strings"

// normalizeTitle compares section titles the way a reader would: case,
// surrounding spaces and trailing punctuation do not change a heading.
func normalizeTitle(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimRight(s, " :?.!")
}
