package policy

import (
	"path"
	"strings"
)

// IsCommunication reports whether a repository path (slash-separated,
// relative to the repository root) is a communication under commsPath.
// Only markdown files count, and a README.md explains the folder rather
// than announcing anything, so it is never validated or published.
func IsCommunication(commsPath, file string) bool {
	if commsPath == "" {
		return false
	}
	clean := path.Clean("/" + file)[1:]
	if !strings.HasPrefix(clean, commsPath) || !strings.EqualFold(path.Ext(clean), ".md") {
		return false
	}
	return !strings.EqualFold(path.Base(clean), "README.md")
}
