package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the local SMTP receiver accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// MailReceiver is a real SMTP server on loopback that keeps what it
// receives (and writes it to an outbox folder when one is set), so the
// email channel is exercised end to end, not stubbed.
type MailReceiver struct {
	server *smtp.Server
	addr   string
	outbox string

	mu   sync.Mutex
	mail []Mail
}

// StartMailReceiver listens on 127.0.0.1 at a free port.
func StartMailReceiver(outbox string) (*MailReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mail receiver: %w", err)
	}
	r := &MailReceiver{addr: ln.Addr().String(), outbox: outbox}
	s := smtp.NewServer(&mailBackend{r: r})
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 4 << 20
	r.server = s
	go func() { _ = s.Serve(ln) }()
	return r, nil
}

// Addr is host:port of the receiver.
func (r *MailReceiver) Addr() string { return r.addr }

// Messages returns what was received so far.
func (r *MailReceiver) Messages() []Mail {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Mail(nil), r.mail...)
}

// Close stops the receiver.
func (r *MailReceiver) Close() error { return r.server.Close() }

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

type mailBackend struct{ r *MailReceiver }

func (b *mailBackend) NewSession(_ *smtp.Conn) (smtp.Session, error) {
	return &mailSession{r: b.r}, nil
}

type mailSession struct {
	r    *MailReceiver
	from string
	to   []string
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
	return s.r.store(Mail{From: s.from, To: s.to, Data: buf.Bytes()})
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }
