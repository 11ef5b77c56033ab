package config

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const deployDir = "../deploy"

// deployPlaceholder is one value a deploy template asks the operator to
// replace: an environment variable of the Secret, or a key of the
// ConfigMap's config.yaml.
type deployPlaceholder struct {
	where string // file, for messages
	env   string // set for a Secret key
	key   string // set for a config.yaml key
	value string
}

// secretPlaceholders are the Secret template's values (all of them are
// placeholders, its header says so) and those of the kubectl command its
// comment offers, which an operator may paste as it stands.
func secretPlaceholders(t *testing.T) []deployPlaceholder {
	path := filepath.Join(deployDir, "kubernetes", "secret.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var secret struct {
		StringData map[string]string `yaml:"stringData"`
	}
	if err := yaml.Unmarshal(data, &secret); err != nil {
		t.Fatal(err)
	}
	var out []deployPlaceholder
	for env, v := range secret.StringData {
		out = append(out, deployPlaceholder{where: path, env: env, value: v})
	}
	literal := regexp.MustCompile(`--from-literal=([A-Z0-9_]+)=(\S+)`)
	for _, m := range literal.FindAllStringSubmatch(string(data), -1) {
		if strings.HasPrefix(m[2], `"$(`) {
			continue // generated on the spot, not a placeholder
		}
		out = append(out, deployPlaceholder{where: path + " (kubectl create secret)", env: m[1], value: m[2]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where+out[i].env < out[j].where+out[j].env })
	return out
}

// configTemplate is the ConfigMap's config.yaml, parsed with its comments.
func configTemplate(t *testing.T) *yaml.Node {
	data, err := os.ReadFile(filepath.Join(deployDir, "kubernetes", "configmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &root); err != nil {
		t.Fatal(err)
	}
	return &root
}

// walkScalars calls fn for every key: scalar pair, with the key's full path.
func walkScalars(n *yaml.Node, where string, fn func(path string, key, value *yaml.Node)) {
	if n.Kind == yaml.DocumentNode {
		walkScalars(n.Content[0], where, fn)
		return
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := joinServerKey(where, k.Value)
		if v.Kind == yaml.ScalarNode {
			fn(path, k, v)
		} else {
			walkScalars(v, path, fn)
		}
	}
}

// A value is a placeholder when it or the comment on its key says
// REPLACE. The test's notion is broader than the code's marker on
// purpose: a placeholder the code would not refuse fails here.
func markedForReplacement(key, value *yaml.Node) bool {
	return strings.Contains(strings.ToUpper(value.Value), "REPLACE") ||
		strings.Contains(key.HeadComment+key.LineComment+value.LineComment, "REPLACE")
}

// What an operator fills in, for each placeholder of the templates. A new
// placeholder needs an entry here, and the test then proves the server
// refuses it.
var (
	filledSecrets = map[string]string{
		EnvGitHubWebhookSecret:                "5f0c3e1d9a7b4c2e8f6a1b3d5c7e9f0a",
		"COMMSGATE_SECRET_SMTP_PASSWORD":      "relay-password",
		"COMMSGATE_SECRET_STATUS_PAGE_SECRET": "shared-hmac-key",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_URL": "https://hooks.slack.example.test/services/T0/B0/xyz",
		// GITHUB_APP_PRIVATE_KEY: a generated key, below.
	}
	filledConfig = map[string]string{
		"server.public_url":               "https://commsgate.example.test",
		"github.app.integration_id":       "12",
		"publish.secrets.smtp.host":       "smtp.example.test",
		"publish.secrets.smtp.username":   "announcements-bot",
		"publish.secrets.smtp.from":       "Project Announcements <announce@example.test>",
		"publish.secrets.status-page.url": "https://status.example.test/hook",
	}
)

func filledSecretEnv(t *testing.T) map[string]string {
	env := withEnv(filledSecrets, map[string]string{EnvGitHubPrivateKey: testPrivateKey(t)})
	return env
}

// writeConfig writes the template's config.yaml with every placeholder
// filled in except keep's.
func writeConfig(t *testing.T, keep string) string {
	t.Helper()
	root := configTemplate(t)
	walkScalars(root, "", func(path string, key, value *yaml.Node) {
		if !markedForReplacement(key, value) || path == keep {
			return
		}
		filled, ok := filledConfig[path]
		if !ok {
			t.Fatalf("configmap.yaml: %s = %q is a new placeholder: add a real value to filledConfig, and make sure the server refuses the placeholder", path, value.Value)
		}
		value.Value = filled
	})
	out, err := yaml.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every placeholder of the deploy templates stops the server at start-up
// with an error naming the setting, and the templates filled in start.
func TestDeployTemplatePlaceholdersAreRefused(t *testing.T) {
	filled := writeConfig(t, "")
	if _, err := LoadServer(filled, mapEnv(filledSecretEnv(t))); err != nil {
		t.Fatalf("the templates filled in do not load: %v", err)
	}

	secrets := secretPlaceholders(t)
	if len(secrets) < 4 {
		t.Fatalf("found only %d placeholders in secret.yaml; did its layout change?", len(secrets))
	}
	for _, p := range secrets {
		t.Run(p.where+" "+p.env, func(t *testing.T) {
			if _, ok := filledSecrets[p.env]; !ok && p.env != EnvGitHubPrivateKey {
				t.Fatalf("%s is a new Secret key: add a real value to filledSecrets, and make sure the server refuses the placeholder", p.env)
			}
			env := filledSecretEnv(t)
			env[p.env] = p.value
			_, err := LoadServer(filled, mapEnv(env))
			if err == nil {
				t.Fatalf("%s=%q is accepted", p.env, p.value)
			}
			for _, want := range []string{p.env, "placeholder", "replace it with"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}

	var keys []string
	walkScalars(configTemplate(t), "", func(path string, key, value *yaml.Node) {
		if markedForReplacement(key, value) {
			keys = append(keys, path)
		}
	})
	if len(keys) < 2 {
		t.Fatalf("found only %v placeholders in configmap.yaml; did its layout change?", keys)
	}
	for _, key := range keys {
		t.Run("configmap.yaml "+key, func(t *testing.T) {
			_, err := LoadServer(writeConfig(t, key), mapEnv(filledSecretEnv(t)))
			if err == nil {
				t.Fatalf("the template's %s is accepted", key)
			}
			if !strings.Contains(err.Error(), key) {
				t.Errorf("error %q does not name %s", err, key)
			}
		})
	}
}

// The rest of deploy/: a value to replace in a file the server never
// reads must be listed here with the reason; a new file of settings with
// placeholders fails until its values are covered above or here.
func TestDeployPlaceholdersOutsideTheServerConfig(t *testing.T) {
	notServerSettings := map[string]string{
		"kubernetes/deployment.yaml": "the container image, set with kustomize's images:",
		"kubernetes/ingress.yaml":    "an example for the cluster's ingress controller, not applied by kustomization.yaml",
	}
	err := filepath.WalkDir(deployDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(deployDir, path)
		rel = filepath.ToSlash(rel)
		if rel == "kubernetes/secret.yaml" || rel == "kubernetes/configmap.yaml" || strings.HasSuffix(rel, ".md") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, listed := notServerSettings[rel]; strings.Contains(string(data), "REPLACE") && !listed {
			t.Errorf("deploy/%s has values to replace that no test covers: if the server reads them, refuse them in config/server_placeholder.go and cover them in TestDeployTemplatePlaceholdersAreRefused", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Documentation domains in the server's template must be marked, or
	// an example address would pass for a real one.
	walkScalars(configTemplate(t), "", func(path string, key, value *yaml.Node) {
		if regexp.MustCompile(`example\.(org|com|net)`).MatchString(value.Value) && !isPlaceholder(value.Value) {
			t.Errorf("configmap.yaml: %s = %q is an example address without the %s marker", path, value.Value, PlaceholderMarker)
		}
	})
}

func TestIsPlaceholder(t *testing.T) {
	for v, want := range map[string]bool{
		"REPLACE-ME":                      true,
		"replace-me-with-https://x":       true,
		"https://commsgate.REPLACE-ME.io": true,
		"REPLACE_ME":                      true,
		"hunter2":                         false,
		"https://replace.example.test":    false,
		"":                                false,
	} {
		if got := isPlaceholder(v); got != want {
			t.Errorf("isPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}
