package publish

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"strings"
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
	Mech  string
	Authd bool
	Helo  string // the name of the last EHLO
}

// The credentials the test server accepts.
const (
	testUser     = "commsgate"
	testPassword = "s3cret"
	testToken    = "ya29.test-access-token"
)

// smtpServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// stores what it receives. RcptError, when set, rejects every recipient.
// Like a well-run relay it takes AUTH only over TLS, unless told
// otherwise; it records every AUTH it was sent and every byte a client
// wrote, so a test can prove credentials never crossed in plain text.
type smtpServer struct {
	Host string
	Port int
	// Stalled is closed when a session reaches RCPT on a stalling server.
	Stalled chan struct{}

	mu        sync.Mutex
	messages  []received
	authSeen  []string // mechanisms of every AUTH command that reached a session
	wire      bytes.Buffer
	RcptError error
}

type smtpOptions struct {
	tls      *tls.Config // offer STARTTLS with this config
	implicit bool        // speak TLS from the first byte instead
	// mechs are the AUTH mechanisms offered (PLAIN, LOGIN, XOAUTH2).
	mechs []string
	// insecureAuth offers and accepts AUTH without TLS, as a careless
	// relay would (go-smtp's AllowInsecureAuth).
	insecureAuth bool
	// stall blocks every RCPT until the test ends, like a wedged relay.
	stall bool
}

func startSMTP(t *testing.T, opts smtpOptions) *smtpServer {
	t.Helper()
	s := &smtpServer{Stalled: make(chan struct{})}
	release := make(chan struct{})
	var stallOnce sync.Once
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		sess := &smtpSession{server: s, conn: c, mechs: opts.mechs}
		if opts.stall {
			sess.stall = func() {
				stallOnce.Do(func() { close(s.Stalled) })
				<-release
			}
		}
		return sess, nil
	}))
	srv.Domain = "mx.test"
	if !opts.implicit {
		srv.TLSConfig = opts.tls
	}
	srv.AllowInsecureAuth = opts.insecureAuth
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var l net.Listener = &recordingListener{Listener: tcp, server: s}
	if opts.implicit {
		l = tls.NewListener(l, opts.tls)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	t.Cleanup(func() { close(release) }) // runs first: unblock stalled sessions
	host, port, _ := net.SplitHostPort(tcp.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	return s
}

func (s *smtpServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

// AuthSeen lists the mechanism of every AUTH command a session handled.
func (s *smtpServer) AuthSeen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.authSeen...)
}

// Wire is everything clients wrote to the server, as it crossed the
// network (ciphertext where TLS was on).
func (s *smtpServer) Wire() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wire.String()
}

// recordingListener copies what clients write into smtpServer.wire.
type recordingListener struct {
	net.Listener
	server *smtpServer
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: c, server: l.server}, nil
}

type recordingConn struct {
	net.Conn
	server *smtpServer
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.server.mu.Lock()
	c.server.wire.Write(p[:n])
	c.server.mu.Unlock()
	return n, err
}

type smtpSession struct {
	server *smtpServer
	conn   *smtp.Conn
	mechs  []string
	stall  func()
	msg    received
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string { return s.mechs }

// errBadCredentials is what real relays answer for bad credentials (RFC 4954).
var errBadCredentials = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	s.server.mu.Lock()
	s.server.authSeen = append(s.server.authSeen, mech)
	s.server.mu.Unlock()
	accept := func(user string) {
		s.msg.User, s.msg.Mech, s.msg.Authd = user, mech, true
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if username != testUser || password != testPassword {
				return errBadCredentials
			}
			accept(username)
			return nil
		}), nil
	case sasl.Login:
		return &loginServer{check: func(username, password string) error {
			if username != testUser || password != testPassword {
				return errBadCredentials
			}
			accept(username)
			return nil
		}}, nil
	case XOAUTH2:
		return &xoauth2Server{check: func(username, token string) bool {
			if username != testUser || token != testToken {
				return false
			}
			accept(username)
			return true
		}}, nil
	}
	return nil, errors.New("unsupported mechanism")
}

// loginServer is the server side of LOGIN, which go-sasl does not have:
// the user name (as initial response or after "Username:"), then the
// password after "Password:".
type loginServer struct {
	check    func(username, password string) error
	username *string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch {
	case l.username == nil && response == nil:
		return []byte("Username:"), false, nil
	case l.username == nil:
		u := string(response)
		l.username = &u
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(*l.username, string(response))
	}
}

// xoauth2Server checks "user=…\x01auth=Bearer …\x01\x01" and, on a bad
// token, sends the JSON error challenge Google sends before its 535.
type xoauth2Server struct {
	check  func(username, token string) bool
	failed bool
}

func (x *xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, errBadCredentials
	}
	var user, token string
	for _, field := range strings.Split(string(response), "\x01") {
		if v, ok := strings.CutPrefix(field, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(field, "auth=Bearer "); ok {
			token = v
		}
	}
	if x.check(user, token) {
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.From = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.stall != nil {
		s.stall()
	}
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
	msg.Helo = s.conn.Hostname()
	s.server.mu.Lock()
	s.server.messages = append(s.server.messages, msg)
	s.server.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset() {
	user, mech, authd := s.msg.User, s.msg.Mech, s.msg.Authd
	s.msg = received{User: user, Mech: mech, Authd: authd}
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
