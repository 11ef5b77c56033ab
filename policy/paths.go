package policy

import (
	"path"
	"strings"
)

// RuleNotACommunication marks a file inside the communications folder that
// is not a communication (a README.md, a file of another kind): the app
// never validates or publishes it, and `commsgate check` says so rather
// than skipping it in silence.
const RuleNotACommunication = "not-a-communication"

// CommunicationExt is the extension every communication has (compared
// without regard to case).
const CommunicationExt = ".md"

// ClassifyPath is the one definition of a communication, shared by the app
// (which files of a pull request it checks and publishes) and the CLI
// (which files `check` reads). file is a repository path, slash-separated
// and relative to the repository root. It reports whether file is a
// communication under commsPath and, when it lies in that folder without
// being one, why not; a file outside the folder yields neither.
func ClassifyPath(commsPath, file string) (isCommunication bool, skipped string) {
	if commsPath == "" {
		return false, ""
	}
	clean := path.Clean("/" + file)[1:]
	if !strings.HasPrefix(clean, commsPath) {
		return false, ""
	}
	switch {
	case strings.EqualFold(path.Base(clean), "README.md"):
		// A README.md explains the folder rather than announcing anything.
		return false, "a README.md explains the folder; it is never validated or published"
	case !strings.EqualFold(path.Ext(clean), CommunicationExt):
		return false, "only " + CommunicationExt + " files are communications; this one is never validated or published"
	}
	return true, ""
}

// IsCommunication reports whether a repository path (slash-separated,
// relative to the repository root) is a communication under commsPath:
// see ClassifyPath.
func IsCommunication(commsPath, file string) bool {
	ok, _ := ClassifyPath(commsPath, file)
	return ok
}
