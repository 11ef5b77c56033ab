package config

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/policy"
)

func TestTargetSecretNamesWhatIsMissing(t *testing.T) {
	secrets := map[string]PublishSecret{
		"smtp":           {Kind: SecretSMTP, Host: "smtp.example.org"},
		"slack-announce": {Kind: SecretSlack, URL: "https://hooks.example.org/x"},
	}
	tests := []struct {
		name    string
		target  policy.Target
		wantErr string // "" means usable
	}{
		{"an issue target needs no secret", policy.Target{Name: "announce", Kind: policy.TargetGitHubIssue}, ""},
		{"email with its smtp secret", policy.Target{Name: "dev-list", Kind: policy.TargetEmail, Secret: "smtp"}, ""},
		{"the name is matched as the environment spells it", policy.Target{Name: "chat", Kind: policy.TargetSlack, Secret: "SLACK_ANNOUNCE"}, ""},
		{"no secret named", policy.Target{Name: "dev-list", Kind: policy.TargetEmail}, "needs `secret:` naming a smtp secret"},
		{"a secret the server lacks", policy.Target{Name: "status", Kind: policy.TargetWebhook, Secret: "status-page"}, `names secret "status-page", which the server configuration does not define`},
		{"a secret of another kind", policy.Target{Name: "chat", Kind: policy.TargetSlack, Secret: "smtp"}, `needs a slack secret, but "smtp" is a smtp secret`},
		{"an unknown kind", policy.Target{Name: "fax", Kind: "fax", Secret: "smtp"}, `unknown kind "fax"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TargetSecret(tt.target, secrets)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want the secret", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
			}
		})
	}
}
