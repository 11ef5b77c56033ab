package config

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedManifest(t *testing.T) {
	m := Manifest()
	if m.Name != "commsgate" || m.HookAttributes.URL == "" || !m.HookAttributes.Active {
		t.Errorf("manifest = %+v", m)
	}
	if m.DefaultPermissions["checks"] != "write" || m.DefaultPermissions["metadata"] != "read" {
		t.Errorf("permissions = %v", m.DefaultPermissions)
	}
	if !slices.Contains(m.DefaultEvents, "pull_request") {
		t.Errorf("events = %v", m.DefaultEvents)
	}
	// Each call is a copy.
	m.DefaultPermissions["checks"] = "read"
	if Manifest().DefaultPermissions["checks"] != "write" {
		t.Error("changing one Manifest() changed the next")
	}
}

// The top-level app.yml people read is the embedded file itself.
func TestTopLevelAppYAMLIsTheEmbeddedFile(t *testing.T) {
	target, err := os.Readlink("../app.yml")
	if err != nil {
		t.Fatalf("../app.yml should be a link to config/app.yml: %v", err)
	}
	if target != "config/app.yml" {
		t.Errorf("../app.yml links to %q, want config/app.yml", target)
	}
}

func TestParseAppManifestRefuses(t *testing.T) {
	base := "name: x\nurl: https://x.example\nhook_attributes: {url: https://x.example/hook}\n"
	for name, tc := range map[string]struct{ yaml, want string }{
		"typo":          {base + "default_permisions: {checks: write}\n", "default_permisions"},
		"bad level":     {base + "default_permissions: {checks: writ}\n", `default_permissions.checks is "writ"`},
		"no name":       {"url: https://x.example\nhook_attributes: {url: https://x.example/hook}\n", "name is required"},
		"no hook":       {"name: x\nurl: https://x.example\n", "hook_attributes.url is required"},
		"twice":         {base + "default_events: [team, team]\n", "team twice"},
		"unknown inner": {"name: x\nurl: https://x.example\nhook_attributes: {url: https://x.example/hook, secret: s}\n", "secret"},
	} {
		_, err := ParseAppManifest([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one naming %q", name, err, tc.want)
		}
	}
}

func TestPermissionCovers(t *testing.T) {
	for _, tc := range []struct {
		have, need string
		want       bool
	}{
		{"write", "read", true}, {"read", "read", true}, {"admin", "write", true},
		{"read", "write", false}, {"", "read", false}, {"write", "bogus", false},
	} {
		if got := PermissionCovers(tc.have, tc.need); got != tc.want {
			t.Errorf("PermissionCovers(%q, %q) = %v", tc.have, tc.need, got)
		}
	}
}

// The README's permission table says why each permission is there; it
// must list exactly app.yml's, at app.yml's levels.
func TestReadmePermissionTableMatchesManifest(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+): (read|write|admin)` \\|").FindAllStringSubmatch(string(data), -1) {
		got[m[1]] = m[2]
	}
	want := Manifest().DefaultPermissions
	for name, level := range want {
		if got[name] != level {
			t.Errorf("README's permission table has %s: %q, app.yml %q", name, got[name], level)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("README's permission table lists %s, which app.yml does not ask for", name)
		}
	}
}
