package config

import (
	"bytes"
	_ "embed" // app.yml
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// appManifestYAML is app.yml, the GitHub App manifest: the one place the
// app's permissions and events are written down. `commsgate register`
// sends it to GitHub, the fake GitHub gives its apps these permissions and
// enforces them, and a test compares its events with the handlers'.
//
//go:embed app.yml
var appManifestYAML []byte

// AppManifest is a GitHub App manifest, the JSON document GitHub's manifest
// flow takes (POST .../settings/apps/new, field "manifest"). Only the keys
// commsgate uses are here; the YAML file may hold no others.
type AppManifest struct {
	Name        string `yaml:"name" json:"name"`
	URL         string `yaml:"url" json:"url"`
	Description string `yaml:"description" json:"description,omitempty"`
	Public      bool   `yaml:"public" json:"public"`
	// HookAttributes say where GitHub delivers webhooks.
	HookAttributes HookAttributes `yaml:"hook_attributes" json:"hook_attributes"`
	// RedirectURL is where GitHub sends the browser, with ?code=, once the
	// app is created; `commsgate register` sets it to its own page.
	RedirectURL string `yaml:"redirect_url" json:"redirect_url,omitempty"`
	// DefaultPermissions map a permission ("contents") to its level
	// ("read", "write" or "admin").
	DefaultPermissions map[string]string `yaml:"default_permissions" json:"default_permissions"`
	// DefaultEvents are the webhook events the app subscribes to.
	DefaultEvents []string `yaml:"default_events" json:"default_events"`
}

// HookAttributes are a manifest's webhook settings.
type HookAttributes struct {
	URL    string `yaml:"url" json:"url"`
	Active bool   `yaml:"active" json:"active"`
}

// permissionLevels are the levels a GitHub App permission can have, lowest
// first.
var permissionLevels = []string{"read", "write", "admin"}

// PermissionCovers reports whether holding level have grants what level
// need asks for: write includes read, admin includes both.
func PermissionCovers(have, need string) bool {
	h, n := slices.Index(permissionLevels, have), slices.Index(permissionLevels, need)
	return h >= 0 && n >= 0 && h >= n
}

// Manifest returns the embedded app.yml, decoded; each call returns a copy
// the caller may change. The file is checked by a test, so a broken one
// never ships; if it did, this panics at the first use.
func Manifest() AppManifest {
	m, err := ParseAppManifest(appManifestYAML)
	if err != nil {
		panic(fmt.Sprintf("config: the embedded app.yml is broken: %v", err))
	}
	return m
}

// ParseAppManifest decodes and checks a manifest in YAML. Unknown keys are
// errors, so a misspelt permission block is not silently dropped.
func ParseAppManifest(data []byte) (AppManifest, error) {
	var m AppManifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return AppManifest{}, fmt.Errorf("app manifest: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := m.Check(); err != nil {
		return AppManifest{}, err
	}
	return m, nil
}

// Check returns the first problem GitHub would refuse the manifest for,
// or a permission level it does not know.
func (m AppManifest) Check() error {
	switch {
	case strings.TrimSpace(m.Name) == "":
		return fmt.Errorf("app manifest: name is required")
	case m.URL == "":
		return fmt.Errorf("app manifest: url is required")
	case m.HookAttributes.URL == "":
		return fmt.Errorf("app manifest: hook_attributes.url is required")
	}
	names := slices.Sorted(maps.Keys(m.DefaultPermissions))
	for _, name := range names {
		if level := m.DefaultPermissions[name]; !slices.Contains(permissionLevels, level) {
			return fmt.Errorf("app manifest: default_permissions.%s is %q; it must be read, write or admin", name, level)
		}
	}
	events := slices.Clone(m.DefaultEvents)
	sort.Strings(events)
	if i := slices.IndexFunc(events, func(e string) bool { return e == "" }); i >= 0 {
		return fmt.Errorf("app manifest: default_events has an empty entry")
	}
	for i := 1; i < len(events); i++ {
		if events[i] == events[i-1] {
			return fmt.Errorf("app manifest: default_events lists %s twice", events[i])
		}
	}
	return nil
}
