package sandbox

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The credentials the sandbox's relay accepts (and the sandbox server is
// configured with).
const (
	MailUser     = "announce-bot"
	MailPassword = "sandbox-smtp-password"
)

// Mail is one message the local SMTP receiver accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	// TLS says the message came over STARTTLS; User is who authenticated.
	TLS  bool
	User string
}

// MailReceiver is a real SMTP server on loopback that keeps what it
// receives (and writes it to an outbox folder when one is set), so the
// email channel is exercised end to end, not stubbed. It behaves like a
// production relay: STARTTLS with a certificate of its own (trusted by
// the sandbox server through CAFile, as an operator trusts a private CA)
// and AUTH PLAIN only after STARTTLS.
type MailReceiver struct {
	server *smtp.Server
	addr   string
	outbox string
	// certDir holds CAFile, removed by Close.
	certDir string

	mu   sync.Mutex
	mail []Mail
}

// StartMailReceiver listens on 127.0.0.1 at a free port.
func StartMailReceiver(outbox string) (*MailReceiver, error) {
	certDir, err := os.MkdirTemp("", "commsgate-sandbox-smtp-")
	if err != nil {
		return nil, fmt.Errorf("mail receiver: %w", err)
	}
	cert, err := loopbackCertificate(filepath.Join(certDir, "ca.pem"))
	if err != nil {
		os.RemoveAll(certDir)
		return nil, fmt.Errorf("mail receiver: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(certDir)
		return nil, fmt.Errorf("mail receiver: %w", err)
	}
	r := &MailReceiver{addr: ln.Addr().String(), outbox: outbox, certDir: certDir}
	s := smtp.NewServer(&mailBackend{r: r})
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.AllowInsecureAuth = false
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 4 << 20
	r.server = s
	go func() { _ = s.Serve(ln) }()
	return r, nil
}

// Addr is host:port of the receiver.
func (r *MailReceiver) Addr() string { return r.addr }

// CAFile is the PEM file of the receiver's certificate, for the server
// configuration's ca_file.
func (r *MailReceiver) CAFile() string { return filepath.Join(r.certDir, "ca.pem") }

// Messages returns what was received so far.
func (r *MailReceiver) Messages() []Mail {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Mail(nil), r.mail...)
}

// Close stops the receiver.
func (r *MailReceiver) Close() error {
	err := r.server.Close()
	_ = os.RemoveAll(r.certDir)
	return err
}

func (r *MailReceiver) store(m Mail) error {
	r.mu.Lock()
	r.mail = append(r.mail, m)
	n := len(r.mail)
	r.mu.Unlock()
	if r.outbox == "" {
		return nil
	}
	path := filepath.Join(r.outbox, fmt.Sprintf("mail-%02d.eml", n))
	if err := os.WriteFile(path, m.Data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// loopbackCertificate makes a self-signed certificate for 127.0.0.1 and
// writes it, as PEM, to caFile.
func loopbackCertificate(caFile string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "commsgate sandbox relay"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

type mailBackend struct{ r *MailReceiver }

func (b *mailBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &mailSession{r: b.r, conn: c}, nil
}

type mailSession struct {
	r    *MailReceiver
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*mailSession)(nil)

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != MailUser || password != MailPassword {
			return errors.New("invalid credentials")
		}
		s.user = username
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	return s.r.store(Mail{From: s.from, To: s.to, Data: buf.Bytes(), TLS: isTLS, User: s.user})
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }
