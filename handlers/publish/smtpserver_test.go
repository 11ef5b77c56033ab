package publish

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message a test SMTP server accepted.
type received struct {
	From  string
	To    []string
	Data  []byte
	TLS   bool
	User  string
	Pass  string
	Authd bool
}

// smtpServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// stores what it receives. RcptError, when set, rejects every recipient.
type smtpServer struct {
	Host string
	Port int

	mu        sync.Mutex
	messages  []received
	RcptError error
}

type smtpOptions struct {
	tls      *tls.Config // offer STARTTLS with this config
	implicit bool        // speak TLS from the first byte instead
	auth     bool        // offer AUTH PLAIN
}

func startSMTP(t *testing.T, opts smtpOptions) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: s, conn: c, auth: opts.auth}, nil
	}))
	srv.Domain = "mx.test"
	if !opts.implicit {
		srv.TLSConfig = opts.tls
	}
	srv.AllowInsecureAuth = opts.tls == nil || opts.implicit
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.implicit {
		l = tls.NewListener(l, opts.tls)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	host, port, _ := net.SplitHostPort(l.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	return s
}

func (s *smtpServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

type smtpSession struct {
	server *smtpServer
	conn   *smtp.Conn
	auth   bool
	msg    received
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string {
	if !s.auth {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if password != "s3cret" {
			// What real relays answer for bad credentials (RFC 4954).
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.msg.User, s.msg.Pass, s.msg.Authd = username, password, true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.From = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.server.mu.Lock()
	rcptErr := s.server.RcptError
	s.server.mu.Unlock()
	if rcptErr != nil {
		return rcptErr
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg := s.msg
	msg.Data = data
	_, msg.TLS = s.conn.TLSConnectionState()
	s.server.mu.Lock()
	s.server.messages = append(s.server.messages, msg)
	s.server.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset() {
	user, pass, authd := s.msg.User, s.msg.Pass, s.msg.Authd
	s.msg = received{User: user, Pass: pass, Authd: authd}
}

func (s *smtpSession) Logout() error { return nil }

// selfSignedTLS returns a server config with a certificate for 127.0.0.1
// and a client config that trusts exactly that certificate.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "commsgate test relay"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}
