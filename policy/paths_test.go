package policy

import (
	"strings"
	"testing"
)

func TestIsCommunication(t *testing.T) {
	tests := []struct {
		file string
		want bool
	}{
		{"comms/2027-02-16-freeze.md", true},
		{"comms/security/2027-02-16-cve.MD", true},
		{"comms/README.md", false},
		{"comms/readme.md", false},
		{"comms/logo.png", false},
		{"docs/comms/x.md", false},
		{"commsx/x.md", false},
		{"comms/../README.md", false},
		{"./comms/x.md", true},
	}
	for _, tt := range tests {
		if got := IsCommunication("comms/", tt.file); got != tt.want {
			t.Errorf("IsCommunication(comms/, %q) = %v, want %v", tt.file, got, tt.want)
		}
	}
	if IsCommunication("", "comms/x.md") {
		t.Error("an empty comms path must match nothing")
	}
}

// Files inside the folder that are not communications say why; files
// outside it say nothing, since they are none of the folder's business.
func TestClassifyPathSaysWhySkipped(t *testing.T) {
	tests := []struct {
		file    string
		isComm  bool
		skipped string
	}{
		{"comms/x.md", true, ""},
		{"comms/README.md", false, "a README.md explains the folder"},
		{"comms/sub/Readme.MD", false, "a README.md explains the folder"},
		{"comms/notes.txt", false, "only .md files are communications"},
		{"comms/x.markdown", false, "only .md files are communications"},
		{"docs/x.md", false, ""},
		{"README.md", false, ""},
	}
	for _, tt := range tests {
		isComm, skipped := ClassifyPath("comms/", tt.file)
		if isComm != tt.isComm || !strings.HasPrefix(skipped, tt.skipped) || (tt.skipped == "") != (skipped == "") {
			t.Errorf("ClassifyPath(comms/, %q) = %v, %q; want %v, %q…", tt.file, isComm, skipped, tt.isComm, tt.skipped)
		}
	}
}
