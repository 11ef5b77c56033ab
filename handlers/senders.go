package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/policy"
)

// senderFor builds the sender of one publish target. The policy file names
// the target and its secret; the secret's values come only from the
// server's configuration, so a pull request can never redirect a notice
// to an address of its author's choosing.
func (a *App) senderFor(gh *github.Client, target policy.Target) (publish.Sender, error) {
	secret, hasSecret := a.secrets[config.CanonicalSecretName(target.Secret)]
	need := func(kind config.SecretKind) error {
		if target.Secret == "" {
			return fmt.Errorf("target %s needs `secret:` naming a %s secret of the server configuration", target.Name, kind)
		}
		if !hasSecret {
			return fmt.Errorf("target %s names secret %q, which the server configuration does not define", target.Name, target.Secret)
		}
		if secret.Kind != kind {
			return fmt.Errorf("target %s needs a %s secret, but %q is a %s secret", target.Name, kind, target.Secret, secret.Kind)
		}
		return nil
	}
	switch target.Kind {
	case policy.TargetGitHubIssue:
		owner, repo, ok := strings.Cut(target.Repo, "/")
		if !ok {
			return nil, fmt.Errorf("target %s: repo %q is not owner/name", target.Name, target.Repo)
		}
		return &publish.IssueSender{Target: target.Name, Client: gh, Owner: owner, Repo: repo, Labels: target.Labels}, nil
	case policy.TargetEmail:
		if err := need(config.SecretSMTP); err != nil {
			return nil, err
		}
		return &publish.EmailSender{
			Target: target.Name, Host: secret.Host, Port: secret.Port,
			Username: secret.Username, Password: secret.Password, From: secret.From,
			To: []string{target.To}, TLS: publish.TLSPolicy(secret.TLS), Now: a.now,
		}, nil
	case policy.TargetSlack:
		if err := need(config.SecretSlack); err != nil {
			return nil, err
		}
		return &publish.SlackSender{Target: target.Name, WebhookURL: secret.URL, Client: a.httpClient}, nil
	case policy.TargetWebhook:
		if err := need(config.SecretWebhook); err != nil {
			return nil, err
		}
		return &publish.WebhookSender{Target: target.Name, URL: secret.URL, Secret: []byte(secret.Secret), Client: a.httpClient}, nil
	default:
		return nil, fmt.Errorf("target %s has unknown kind %q", target.Name, target.Kind)
	}
}

// sendWithRetry delivers with exponential backoff while the failure is
// retryable, bounded so one slow target cannot hold the queue worker long.
func (a *App) sendWithRetry(ctx context.Context, s publish.Sender, n publish.Notice) (publish.Receipt, int, error) {
	delay := a.retry.BaseDelay
	var lastErr error
	for attempt := 1; attempt <= a.retry.Attempts; attempt++ {
		receipt, err := s.Send(ctx, n)
		if err == nil {
			return receipt, attempt, nil
		}
		lastErr = err
		if !publish.IsRetryable(err) || attempt == a.retry.Attempts {
			return publish.Receipt{}, attempt, err
		}
		select {
		case <-ctx.Done():
			return publish.Receipt{}, attempt, ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
	return publish.Receipt{}, a.retry.Attempts, lastErr
}

// PublishRetry bounds the in-process retries of one publication.
type PublishRetry struct {
	Attempts  int
	BaseDelay time.Duration
}

func defaultHTTPClient() *http.Client {
	return &http.Client{Timeout: 15 * time.Second}
}
