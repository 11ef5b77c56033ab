package policy

import "testing"

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
