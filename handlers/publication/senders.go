package publication

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/policy"
)

// senderFor builds the sender of one publish target. The policy file names
// the target and its secret; the secret's values come only from the
// server's configuration, so a pull request can never redirect a notice
// to an address of its author's choosing.
func (pub *Publisher) senderFor(ctx context.Context, gh *github.Client, target policy.Target) (publish.Sender, error) {
	secret, err := config.TargetSecret(target, pub.secrets)
	if err != nil {
		return nil, err
	}
	switch target.Kind {
	case policy.TargetGitHubIssue:
		owner, repo, ok := strings.Cut(target.Repo, "/")
		if !ok {
			return nil, fmt.Errorf("target %s: repo %q is not owner/name", target.Name, target.Repo)
		}
		author, err := pub.self.Login(ctx)
		if err != nil {
			// A first send does not need it; asking whether an earlier
			// attempt got through does, and then fails (to be retried).
			zerolog.Ctx(ctx).Warn().Err(err).Str("target", target.Name).Msg("own login unknown: an interrupted send cannot be checked until GitHub answers")
		}
		return &publish.IssueSender{Target: target.Name, Client: gh, Owner: owner, Repo: repo, Labels: target.Labels, Author: author}, nil
	case policy.TargetEmail:
		tlsConfig, err := relayTLSConfig(secret.CAFile)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", target.Name, err)
		}
		return &publish.EmailSender{
			Target: target.Name, Host: secret.Host, Port: secret.Port,
			Username: secret.Username, Password: secret.Password, Token: secret.Token,
			Auth: publish.AuthMechanism(secret.Auth), From: secret.From,
			To: []string{target.To}, TLS: publish.TLSPolicy(secret.TLS), TLSConfig: tlsConfig, Now: pub.now,
		}, nil
	case policy.TargetSlack:
		return &publish.SlackSender{Target: target.Name, WebhookURL: secret.URL, Client: pub.httpClient}, nil
	case policy.TargetWebhook:
		return &publish.WebhookSender{Target: target.Name, URL: secret.URL, Secret: []byte(secret.Secret), Client: pub.httpClient, Now: pub.now}, nil
	default:
		return nil, fmt.Errorf("target %s has unknown kind %q", target.Name, target.Kind)
	}
}

// relayTLSConfig trusts exactly the certificate authorities in caFile (a
// relay with a private CA), or the system's when there is none. The file
// is read at every publication, so a rotated CA needs no restart.
func relayTLSConfig(caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	data, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read the relay's CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("the relay's CA file %s holds no PEM certificate", caFile)
	}
	return &tls.Config{RootCAs: pool}, nil
}

// deliveryFinder is implemented by senders that can tell whether a
// delivery already reached the target (a GitHub issue carries a marker).
type deliveryFinder interface {
	Delivered(ctx context.Context, n publish.Notice) (publish.Receipt, bool, error)
}

// sendOutcome is the outcome of sendWithRetry.
type sendOutcome struct {
	receipt publish.Receipt
	// attempts counts the tries, each a send or a failed look-up.
	attempts int
	// found: the target already had the notice, from an attempt whose
	// outcome was not learnt; nothing was sent again.
	found bool
}

// sendWithRetry delivers with exponential backoff while the failure is
// retryable, bounded so one slow target cannot hold the queue worker long.
// Once an attempt may have reached the target (maybeSent: a run stopped
// mid-send, or an earlier run failed after trying; or an attempt here got
// no answer, or a 5xx, rather than a refusal), a sender that can tell is
// asked first, so a lost answer never makes a second issue. A sender that
// cannot tell is sent to again under the same delivery id.
func (pub *Publisher) sendWithRetry(ctx context.Context, s publish.Sender, n publish.Notice, maybeSent bool) (sendOutcome, error) {
	finder, canAsk := s.(deliveryFinder)
	delay := pub.retry.BaseDelay
	var out sendOutcome
	for attempt := 1; ; attempt++ {
		out.attempts = attempt
		var err error
		if maybeSent && canAsk {
			var found bool
			if out.receipt, found, err = finder.Delivered(ctx, n); err == nil && found {
				out.found = true
				return out, nil
			}
			// After a failed look-up it stays unknown: ask again next time.
			maybeSent = err != nil
		}
		if err == nil {
			if out.receipt, err = s.Send(ctx, n); err == nil {
				return out, nil
			}
			maybeSent = !publish.Refused(err)
		}
		if !publish.IsRetryable(err) || attempt >= pub.retry.Attempts {
			return out, err
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
}
