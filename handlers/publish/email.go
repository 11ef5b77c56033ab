package publish

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// TLSPolicy says how an EmailSender protects the SMTP connection.
type TLSPolicy string

const (
	// TLSStartTLS (the default) requires the server to offer STARTTLS and
	// upgrades before anything else is sent.
	TLSStartTLS TLSPolicy = "starttls"
	// TLSOpportunistic upgrades when STARTTLS is offered and continues in
	// plain text otherwise. Credentials are still only sent over TLS or to
	// localhost: net/smtp's PLAIN auth refuses anything else.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit TLSPolicy = "implicit"
)

// Default SMTP timeouts.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultSMTPTimeout = 60 * time.Second
)

// EmailSender delivers notices to a mailing list through an SMTP relay.
type EmailSender struct {
	// Target is the publish target's name, used in receipts, errors and
	// the deterministic Message-ID.
	Target string
	Host   string
	// Port defaults to 465 for TLSImplicit and 587 (submission) otherwise.
	Port     int
	Username string
	Password string
	// From is the sender address ("Name <addr>" or "addr"); its domain
	// names the Message-ID.
	From string
	To   []string
	TLS  TLSPolicy
	// TLSConfig is optional, e.g. to trust a private CA; ServerName
	// defaults to Host.
	TLSConfig *tls.Config
	// LocalName is the name sent with EHLO; net/smtp's default is
	// "localhost".
	LocalName string
	// DialTimeout bounds connecting; Timeout bounds the whole session.
	DialTimeout time.Duration
	Timeout     time.Duration
	// Now stamps the Date header; nil means time.Now.
	Now func() time.Time
}

var _ Sender = (*EmailSender)(nil)

// Send delivers RenderEmail(n) as one multipart/alternative message. The
// receipt's ID is the Message-ID.
func (e *EmailSender) Send(ctx context.Context, n Notice) (Receipt, error) {
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	switch e.TLS {
	case "", TLSStartTLS, TLSOpportunistic, TLSImplicit:
	default:
		return Receipt{}, sendError(e.Target, false, fmt.Errorf("unknown TLS policy %q: use %q, %q or %q", e.TLS, TLSStartTLS, TLSOpportunistic, TLSImplicit))
	}
	msg, err := buildMail(n, e.Target, e.From, e.To, now())
	if err != nil {
		return Receipt{}, sendError(e.Target, false, err)
	}
	if err := e.deliver(ctx, msg); err != nil {
		return Receipt{}, sendError(e.Target, smtpRetryable(err), err)
	}
	return Receipt{Target: e.Target, ID: msg.MessageID}, nil
}

func (e *EmailSender) deliver(ctx context.Context, msg mailMessage) error {
	port := e.Port
	if port == 0 {
		port = 587
		if e.TLS == TLSImplicit {
			port = 465
		}
	}
	addr := net.JoinHostPort(e.Host, strconv.Itoa(port))
	dialTimeout := orDefault(e.DialTimeout, DefaultDialTimeout)
	dialer := &net.Dialer{Timeout: dialTimeout}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	// The deadline bounds every read and write of the session; closing
	// the connection when ctx ends unblocks whatever is in flight.
	if err := conn.SetDeadline(time.Now().Add(orDefault(e.Timeout, DefaultSMTPTimeout))); err != nil {
		conn.Close()
		return fmt.Errorf("set deadline: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	tlsConfig := e.tlsConfig()
	if e.TLS == TLSImplicit {
		tlsConn := tls.Client(conn, tlsConfig)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("TLS handshake with %s: %w", addr, err)
		}
		conn = tlsConn
	}
	c, err := smtp.NewClient(conn, e.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if e.LocalName != "" {
		if err := c.Hello(e.LocalName); err != nil {
			return fmt.Errorf("EHLO: %w", err)
		}
	}
	if e.TLS != TLSImplicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("STARTTLS with %s: %w", addr, err)
			}
		} else if e.TLS != TLSOpportunistic {
			return errNoStartTLS
		}
	}
	if e.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("credentials are configured but the server offers no AUTH")
		}
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, e.Host)); err != nil {
			return fmt.Errorf("AUTH PLAIN as %s: %w", e.Username, err)
		}
	}
	if err := c.Mail(msg.From.Address); err != nil {
		return fmt.Errorf("MAIL FROM %s: %w", msg.From.Address, err)
	}
	for _, to := range msg.To {
		if err := c.Rcpt(to.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", to.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg.Bytes); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	// The relay accepted the message at the end of DATA; a failing QUIT
	// does not make the delivery fail (and must not cause a resend).
	_ = c.Quit()
	return nil
}

var errNoStartTLS = errors.New("the server does not offer STARTTLS and the TLS policy requires it; set tls to implicit or opportunistic if that is intended")

func (e *EmailSender) tlsConfig() *tls.Config {
	var cfg *tls.Config
	if e.TLSConfig != nil {
		cfg = e.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = e.Host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}

// smtpRetryable classifies an SMTP failure: 4xx replies are temporary by
// definition (RFC 5321), 5xx replies permanent; network trouble is worth
// retrying, a certificate or policy problem is not.
func smtpRetryable(err error) bool {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code >= 400 && reply.Code < 500
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostErr) || errors.Is(err, errNoStartTLS) {
		return false
	}
	return isNetworkError(err)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
