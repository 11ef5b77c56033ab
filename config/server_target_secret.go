package config

import (
	"fmt"

	"github.com/commsgate/commsgate/policy"
)

// targetSecretKinds is the kind of server secret each publish target kind
// needs; a github-issue target needs none (it posts with the app's token).
var targetSecretKinds = map[policy.TargetKind]SecretKind{
	policy.TargetEmail:   SecretSMTP,
	policy.TargetSlack:   SecretSlack,
	policy.TargetWebhook: SecretWebhook,
}

// TargetSecret finds the server secret a repository's publish target names
// and says, when it cannot be used, what is wrong and what to add. The
// publisher and `commsgate doctor` both ask it, so a missing secret that
// doctor passes cannot fail a publication, nor the other way round.
func TargetSecret(target policy.Target, secrets map[string]PublishSecret) (PublishSecret, error) {
	if target.Kind == policy.TargetGitHubIssue {
		return PublishSecret{}, nil
	}
	kind, known := targetSecretKinds[target.Kind]
	if !known {
		return PublishSecret{}, fmt.Errorf("target %s has unknown kind %q", target.Name, target.Kind)
	}
	if target.Secret == "" {
		return PublishSecret{}, fmt.Errorf("target %s needs `secret:` naming a %s secret of the server configuration", target.Name, kind)
	}
	secret, ok := secrets[CanonicalSecretName(target.Secret)]
	if !ok {
		return PublishSecret{}, fmt.Errorf("target %s names secret %q, which the server configuration does not define", target.Name, target.Secret)
	}
	if secret.Kind != kind {
		return PublishSecret{}, fmt.Errorf("target %s needs a %s secret, but %q is a %s secret", target.Name, kind, target.Secret, secret.Kind)
	}
	return secret, nil
}
