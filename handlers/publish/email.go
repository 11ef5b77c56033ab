package publish

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSPolicy says how an EmailSender protects the SMTP connection.
type TLSPolicy string

const (
	// TLSStartTLS (the default) requires the server to offer STARTTLS and
	// upgrades before anything else is sent.
	TLSStartTLS TLSPolicy = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit TLSPolicy = "implicit"
	// TLSNone speaks plain text, even when the server offers STARTTLS. It
	// must be asked for by name, and never carries credentials.
	TLSNone TLSPolicy = "none"
)

// AuthMechanism is the SASL mechanism an EmailSender authenticates with.
type AuthMechanism string

const (
	// AuthAuto picks XOAUTH2 when a token is set, otherwise PLAIN when the
	// server offers it and LOGIN when it offers only that.
	AuthAuto    AuthMechanism = ""
	AuthPlain   AuthMechanism = "plain"
	AuthLogin   AuthMechanism = "login"
	AuthXOAUTH2 AuthMechanism = "xoauth2"
)

// Default SMTP timeouts.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultSMTPTimeout = 60 * time.Second
)

// EmailSender delivers notices to a mailing list through an SMTP relay,
// with emersion/go-smtp's client.
type EmailSender struct {
	// Target is the publish target's name, used in receipts, errors and
	// the deterministic Message-ID.
	Target string
	Host   string
	// Port defaults to 465 for TLSImplicit and 587 (submission) otherwise.
	Port int
	// Username with Password (PLAIN, LOGIN) or with Token (XOAUTH2, an
	// OAuth 2.0 access token); none of them for an unauthenticated relay.
	Username string
	Password string
	Token    string
	Auth     AuthMechanism
	// From is the sender address ("Name <addr>" or "addr"); its domain
	// names the Message-ID.
	From string
	To   []string
	TLS  TLSPolicy
	// TLSConfig is optional, e.g. to trust a private CA; ServerName
	// defaults to Host.
	TLSConfig *tls.Config
	// LocalName is the name sent with EHLO (after STARTTLS, the EHLO the
	// relay judges); empty means "localhost".
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
	if err := e.checkSettings(); err != nil {
		return Receipt{}, sendError(e.Target, false, err)
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

// checkSettings refuses what config/ refuses too, so a sender built any
// other way cannot send credentials in plain text either.
func (e *EmailSender) checkSettings() error {
	switch e.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("unknown TLS policy %q: use %q, %q or %q", e.TLS, TLSStartTLS, TLSImplicit, TLSNone)
	}
	switch e.Auth {
	case AuthAuto, AuthPlain, AuthLogin, AuthXOAUTH2:
	default:
		return fmt.Errorf("unknown auth mechanism %q: use %q, %q or %q", e.Auth, AuthPlain, AuthLogin, AuthXOAUTH2)
	}
	if e.TLS == TLSNone && e.hasCredentials() {
		return errPlaintextCredentials
	}
	return nil
}

func (e *EmailSender) hasCredentials() bool {
	return e.Username != "" || e.Password != "" || e.Token != ""
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
	dialer := &net.Dialer{Timeout: orDefault(e.DialTimeout, DefaultDialTimeout)}
	raw, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	// Closing the connection when ctx ends unblocks whatever is in flight;
	// the session deadline bounds every read and write even if the relay
	// trickles.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	deadline := time.Now().Add(orDefault(e.Timeout, DefaultSMTPTimeout))
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn := &sessionConn{Conn: raw, deadline: deadline}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		raw.Close()
		return fmt.Errorf("set deadline: %w", err)
	}
	if err := e.session(ctx, conn, addr, msg); err != nil {
		raw.Close()
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %w", context.Cause(ctx), err)
		}
		return err
	}
	return nil
}

func (e *EmailSender) session(ctx context.Context, conn net.Conn, addr string, msg mailMessage) error {
	localName := e.LocalName
	if localName == "" {
		localName = "localhost"
	}
	tlsConfig := e.tlsConfig()
	var c *smtp.Client
	switch e.TLS {
	case TLSImplicit:
		tlsConn := tls.Client(conn, tlsConfig)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake with %s: %w", addr, err)
		}
		c = smtp.NewClient(tlsConn)
	case TLSNone:
		c = smtp.NewClient(conn)
	default:
		// go-smtp says EHLO as "localhost" before STARTTLS; the EHLO after
		// it, the one the relay acts on, carries LocalName.
		var err error
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig); err != nil {
			return startTLSError(addr, err)
		}
	}
	defer c.Close()
	timeout := orDefault(e.Timeout, DefaultSMTPTimeout)
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	if err := c.Hello(localName); err != nil {
		if e.TLS == TLSStartTLS || e.TLS == "" {
			// The TLS handshake happens here, with the first command.
			return fmt.Errorf("EHLO after STARTTLS with %s: %w", addr, err)
		}
		return fmt.Errorf("EHLO: %w", err)
	}
	if e.hasCredentials() {
		if err := e.authenticate(c); err != nil {
			return err
		}
	}
	if err := c.Mail(msg.From.Address, nil); err != nil {
		return fmt.Errorf("MAIL FROM %s: %w", msg.From.Address, err)
	}
	for _, to := range msg.To {
		if err := c.Rcpt(to.Address, nil); err != nil {
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

// authenticate picks the mechanism and runs it, only ever over TLS.
func (e *EmailSender) authenticate(c *smtp.Client) error {
	if _, isTLS := c.TLSConnectionState(); !isTLS {
		return errPlaintextCredentials
	}
	hasAuth, offered := c.Extension("AUTH")
	if !hasAuth {
		return fmt.Errorf("%w: credentials are configured but the server offers no AUTH", errAuthUnavailable)
	}
	mech := e.Auth
	if mech == AuthAuto {
		switch {
		case e.Token != "":
			mech = AuthXOAUTH2
		case c.SupportsAuth(sasl.Plain):
			mech = AuthPlain
		case c.SupportsAuth(sasl.Login):
			mech = AuthLogin
		default:
			return fmt.Errorf("%w: the server offers AUTH %s, neither PLAIN nor LOGIN; set auth to a mechanism it offers", errAuthUnavailable, offered)
		}
	}
	name := strings.ToUpper(string(mech))
	if !c.SupportsAuth(name) {
		return fmt.Errorf("%w: auth is %s but the server offers AUTH %s", errAuthUnavailable, name, offered)
	}
	var client sasl.Client
	var oauth *xoauth2Client
	switch mech {
	case AuthPlain:
		client = sasl.NewPlainClient("", e.Username, e.Password)
	case AuthLogin:
		client = sasl.NewLoginClient(e.Username, e.Password)
	case AuthXOAUTH2:
		oauth = newXOAUTH2Client(e.Username, e.Token)
		client = oauth
	}
	if err := c.Auth(client); err != nil {
		if oauth != nil && oauth.serverError != "" {
			return fmt.Errorf("AUTH %s as %s: %w (server said %s)", name, e.Username, err, oauth.serverError)
		}
		return fmt.Errorf("AUTH %s as %s: %w", name, e.Username, err)
	}
	return nil
}

var (
	errNoStartTLS           = errors.New("the server does not offer STARTTLS and the TLS policy requires it; nothing was sent. Use tls: implicit if it speaks SMTPS, or tls: none (without credentials) to send in plain text on purpose")
	errPlaintextCredentials = errors.New("credentials are never sent over a connection without TLS; use tls: starttls or implicit, or drop the credentials")
	errAuthUnavailable      = errors.New("cannot authenticate")
)

// startTLSError names a relay that does not offer STARTTLS precisely: it
// is a setting to fix, not something a retry mends. go-smtp reports it as
// a plain error, unlike SMTP replies and network failures.
func startTLSError(addr string, err error) error {
	var reply *smtp.SMTPError
	if !errors.As(err, &reply) && !isNetworkError(err) && strings.Contains(err.Error(), "STARTTLS") {
		return fmt.Errorf("%s: %w", addr, errNoStartTLS)
	}
	return fmt.Errorf("STARTTLS with %s: %w", addr, err)
}

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

// sessionConn keeps go-smtp's per-command deadlines inside the session's
// own: the client sets and clears deadlines around every command, which
// would otherwise lift the bound Timeout and ctx put on the whole session.
type sessionConn struct {
	net.Conn
	deadline time.Time
}

func (s *sessionConn) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(s.deadline) {
		return s.deadline
	}
	return t
}

func (s *sessionConn) SetDeadline(t time.Time) error      { return s.Conn.SetDeadline(s.clamp(t)) }
func (s *sessionConn) SetReadDeadline(t time.Time) error  { return s.Conn.SetReadDeadline(s.clamp(t)) }
func (s *sessionConn) SetWriteDeadline(t time.Time) error { return s.Conn.SetWriteDeadline(s.clamp(t)) }

// smtpRetryable classifies an SMTP failure: 4xx replies are temporary by
// definition (RFC 5321), 5xx replies permanent; network trouble is worth
// retrying, a certificate, policy or mechanism problem is not.
func smtpRetryable(err error) bool {
	var reply *smtp.SMTPError
	if errors.As(err, &reply) {
		return reply.Code >= 400 && reply.Code < 500
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostErr) ||
		errors.Is(err, errNoStartTLS) || errors.Is(err, errPlaintextCredentials) || errors.Is(err, errAuthUnavailable) {
		return false
	}
	return isNetworkError(err) || errors.Is(err, context.Canceled)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
