package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// exampleSecretNames are the publish secrets the example policy refers
// to: the one set of names every document and template uses.
func exampleSecretNames(t *testing.T) []string {
	path := "../testdata/repo/.github/commsgate.yml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rules, findings := ParseRepoPolicy(path, data)
	if rules == nil {
		t.Fatalf("the example policy does not load: %v", findings)
	}
	var names []string
	for _, target := range rules.Targets {
		if target.Secret != "" && !slices.Contains(names, target.Secret) {
			names = append(names, target.Secret)
		}
	}
	sort.Strings(names)
	return names
}

// readsSecretEnv says whether the configuration changes when env is set:
// whether the code reads that variable at all.
func readsSecretEnv(names []string, env string) bool {
	listed := map[string]string{EnvSecretNames: strings.Join(names, ",")}
	before := defaultServer()
	if err := applyServerEnv(before, mapEnv(listed)); err != nil {
		return false
	}
	value := "probe"
	if strings.HasSuffix(env, "_PORT") {
		value = "2525"
	}
	after := defaultServer()
	if err := applyServerEnv(after, mapEnv(withEnv(listed, map[string]string{env: value}))); err != nil {
		return false
	}
	return !reflect.DeepEqual(before, after)
}

// The secret names in the deploy templates, the README, REPO_POLICY.md and
// SERVER_CONFIG.md are the example policy's, and every
// COMMSGATE_SECRET_<NAME>_<FIELD> they mention is one the code reads.
func TestSecretNamesAgree(t *testing.T) {
	names := exampleSecretNames(t)
	if len(names) < 3 {
		t.Fatalf("the example policy names only %v", names)
	}
	docs := []string{"../README.md", "REPO_POLICY.md", "SERVER_CONFIG.md"}
	err := filepath.WalkDir(deployDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			docs = append(docs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	envMention := regexp.MustCompile(`COMMSGATE_SECRET_[A-Z0-9_]+`)
	policyMention := regexp.MustCompile("secret: ([a-z0-9-]+)")
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, env := range envMention.FindAllString(string(data), -1) {
			if env == EnvSecretNames {
				continue
			}
			named := ""
			for _, name := range names {
				if strings.HasPrefix(env, EnvSecretPrefix+secretEnvName(name)+"_") {
					named = name
				}
			}
			if named == "" {
				t.Errorf("%s mentions %s, which names none of the example policy's secrets %v", doc, env, names)
				continue
			}
			if !readsSecretEnv(names, env) {
				t.Errorf("%s mentions %s, which the configuration never reads", doc, env)
			}
		}
		for _, m := range policyMention.FindAllStringSubmatch(string(data), -1) {
			if !slices.Contains(names, m[1]) {
				t.Errorf("%s refers to the secret %q, not one of the example policy's %v", doc, m[1], names)
			}
		}
	}

	// The ConfigMap defines exactly those secrets.
	var defined []string
	walkScalars(configTemplate(t), "", func(path string, _, _ *yaml.Node) {
		if rest, ok := strings.CutPrefix(path, secretsKeyPrefix); ok {
			name, _, _ := strings.Cut(rest, ".")
			if !slices.Contains(defined, name) {
				defined = append(defined, name)
			}
		}
	})
	sort.Strings(defined)
	if !slices.Equal(defined, names) {
		t.Errorf("configmap.yaml defines the secrets %v, the example policy uses %v", defined, names)
	}
}
