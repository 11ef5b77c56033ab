package config

import (
	"crypto/x509"
	"fmt"
	"net/mail"
	"os"
)

// validateSMTPSecret checks an smtp secret. Transport security is the
// point: TLS is required unless tls says "none" in so many words, and
// then no credential may be configured, because it would cross the
// network readable by anyone on the path.
func validateSMTPSecret(sec PublishSecret, key, env string) error {
	if sec.Host == "" {
		return serverKeyError(key+".host", env+"HOST", "is required for an smtp secret")
	}
	if sec.Port < 1 || sec.Port > 65535 {
		return serverKeyError(key+".port", env+"PORT", fmt.Sprintf("must be between 1 and 65535, not %d", sec.Port))
	}
	if sec.From == "" {
		return serverKeyError(key+".from", env+"FROM", `is required for an smtp secret, e.g. "Announcements <announce@example.org>"`)
	}
	if _, err := mail.ParseAddress(sec.From); err != nil {
		return serverKeyError(key+".from", env+"FROM", fmt.Sprintf(`is not an email address such as "Announcements <announce@example.org>": %q`, sec.From))
	}
	switch sec.TLS {
	case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
	case "opportunistic":
		return serverKeyError(key+".tls", env+"TLS", `is "opportunistic", which is no longer accepted: it fell back to plain text whenever STARTTLS was missing, which anyone on the path can arrange. Use starttls (the relay must offer it), implicit (SMTPS), or none to send in plain text on purpose (no credentials)`)
	default:
		return serverKeyError(key+".tls", env+"TLS", fmt.Sprintf("must be starttls, implicit or none, not %q", sec.TLS))
	}
	if sec.TLS == SMTPNoTLS {
		if sec.Username != "" || sec.Password != "" || sec.Token != "" {
			return serverKeyError(key+".tls", env+"TLS", "is none, which sends in plain text, so it cannot go with username, password or token: credentials are never sent without TLS. Use starttls or implicit, or drop the credentials (an unauthenticated relay)")
		}
		if sec.CAFile != "" {
			return serverKeyError(key+".ca_file", env+"CA_FILE", "applies only with tls starttls or implicit")
		}
	}
	if err := validateSMTPAuth(sec, key, env); err != nil {
		return err
	}
	if sec.CAFile != "" {
		if err := checkCAFile(sec.CAFile); err != nil {
			return serverKeyError(key+".ca_file", env+"CA_FILE", err.Error())
		}
	}
	return nil
}

// validateSMTPAuth checks that the credentials fit the mechanism:
// username with password for PLAIN and LOGIN, username with token for
// XOAUTH2, or nothing at all for an unauthenticated relay.
func validateSMTPAuth(sec PublishSecret, key, env string) error {
	switch sec.Auth {
	case "", SMTPAuthPlain, SMTPAuthLogin, SMTPAuthXOAUTH2:
	default:
		return serverKeyError(key+".auth", env+"AUTH", fmt.Sprintf("must be plain, login or xoauth2 (or left out to choose from what the relay offers), not %q", sec.Auth))
	}
	if sec.Password != "" && sec.Token != "" {
		return serverKeyError(key+".token", env+"TOKEN", "and password are both set: use password (PLAIN, LOGIN) or token (XOAUTH2), not both")
	}
	hasSecret := sec.Password != "" || sec.Token != ""
	if (sec.Username == "") != !hasSecret {
		if sec.Username == "" {
			return serverKeyError(key+".username", env+"USERNAME", "is required with a password or token")
		}
		return serverKeyError(key+".password", env+"PASSWORD", "and username must be set together, or token for auth xoauth2 (or none of them for an unauthenticated relay)")
	}
	switch sec.Auth {
	case SMTPAuthXOAUTH2:
		if sec.Token == "" {
			return serverKeyError(key+".token", env+"TOKEN", "is required with auth xoauth2: an OAuth 2.0 access token")
		}
	case SMTPAuthPlain, SMTPAuthLogin:
		if sec.Password == "" {
			return serverKeyError(key+".password", env+"PASSWORD", fmt.Sprintf("is required with auth %s", sec.Auth))
		}
	}
	return nil
}

// checkCAFile makes sure the file holds at least one PEM certificate, so a
// wrong path fails at start-up rather than at the first publication.
func checkCAFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot be read: %v", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		return fmt.Errorf("%s holds no PEM certificate", path)
	}
	return nil
}

// noSMTPFields refuses smtp-only fields on other kinds of secret, where
// they would be silently ignored.
func noSMTPFields(sec PublishSecret, key, env string) error {
	for _, f := range []struct{ name, env, value string }{
		{"tls", "TLS", sec.TLS}, {"auth", "AUTH", sec.Auth}, {"token", "TOKEN", sec.Token}, {"ca_file", "CA_FILE", sec.CAFile},
	} {
		if f.value != "" {
			return serverKeyError(key+"."+f.name, env+f.env, "applies only to smtp secrets")
		}
	}
	return nil
}
