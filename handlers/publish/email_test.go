package publish

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

var fixedNow = func() time.Time { return mustTime("2026-12-01T16:00:05Z") }

func testSender(s *smtpServer) *EmailSender {
	return &EmailSender{
		Target: "dev-list", Host: s.Host, Port: s.Port,
		From: "Commsgate <commsgate@example.org>", To: []string{"dev@example.org"},
		TLS: TLSOpportunistic, Now: fixedNow, Timeout: 5 * time.Second,
	}
}

// parsedMail is a received message taken apart with the standard library,
// the way a mail client would.
type parsedMail struct {
	Header mail.Header
	Parts  map[string]string // media type → decoded content
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, data)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	out := parsedMail{Header: msg.Header, Parts: map[string]string{}}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var order []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		pt, pparams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if pparams["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %s headers = %v", pt, p.Header)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("decode %s: %v", pt, err)
		}
		out.Parts[pt] = string(body)
		order = append(order, pt)
	}
	if strings.Join(order, ",") != "text/plain,text/html" {
		t.Errorf("parts = %v, want text/plain then text/html", order)
	}
	return out
}

func TestEmailSenderDeliversMultipartMessage(t *testing.T) {
	srv := startSMTP(t, smtpOptions{auth: true})
	sender := testSender(srv)
	sender.Username, sender.Password = "commsgate", "s3cret"
	n := hostileIncident()

	receipt, err := sender.Send(context.Background(), n)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "commsgate@example.org" || strings.Join(got.To, ",") != "dev@example.org" {
		t.Errorf("envelope = %s → %v", got.From, got.To)
	}
	if !got.Authd || got.User != "commsgate" {
		t.Errorf("AUTH PLAIN to localhost was not used: %+v", got)
	}

	m := parseMail(t, got.Data)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != ChannelTitle(n) {
		t.Errorf("Subject = %q (%v), want %q", subject, err, ChannelTitle(n))
	}
	if id := m.Header.Get("Message-ID"); id != receipt.ID || !strings.HasPrefix(id, "<"+n.DeliveryID("dev-list")+"@example.org>") {
		t.Errorf("Message-ID = %q, receipt ID = %q", id, receipt.ID)
	}
	if date, err := m.Header.Date(); err != nil || !date.Equal(fixedNow()) {
		t.Errorf("Date = %v (%v)", date, err)
	}
	if from := m.Header.Get("From"); from != `"Commsgate" <commsgate@example.org>` {
		t.Errorf("From = %q", from)
	}
	if m.Header.Get("MIME-Version") != "1.0" {
		t.Error("MIME-Version header missing")
	}

	text, html := m.Parts["text/plain"], m.Parts["text/html"]
	if !strings.Contains(text, n.Doc.Summary) || !strings.Contains(text, "## What you need to do") {
		t.Errorf("text part lacks summary or sections:\n%s", text)
	}
	if !strings.Contains(html, "<h2>What you need to do</h2>") || !strings.Contains(html, `<a href="https://example.org/faq?a=1&amp;b=2">the FAQ</a>`) {
		t.Errorf("html part lacks converted sections:\n%s", html)
	}
	for _, bad := range []string{"<script", "javascript:", "onclick", "data:text/html"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("html part contains %q", bad)
		}
	}
}

func TestEmailSenderRetryKeepsMessageID(t *testing.T) {
	srv := startSMTP(t, smtpOptions{})
	sender := testSender(srv)
	first, err := sender.Send(context.Background(), securityAdvisory())
	if err != nil {
		t.Fatal(err)
	}
	second, err := sender.Send(context.Background(), securityAdvisory())
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != second.ID {
		t.Errorf("a resent notice got Message-ID %q, first %q", second.ID, first.ID)
	}
}

func TestEmailSenderEncodesSubjectAndThreadsUpdates(t *testing.T) {
	srv := startSMTP(t, smtpOptions{})
	n := deprecationUpdate()
	n.Update.Previous["dev-list"] = Receipt{Target: "dev-list", ID: "<cg-earlier@example.org>"}
	if _, err := testSender(srv).Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	raw := string(srv.Messages()[0].Data)
	m := parseMail(t, srv.Messages()[0].Data)
	rawSubject := m.Header.Get("Subject")
	if !strings.HasPrefix(rawSubject, "=?utf-8?q?") {
		t.Errorf("non-ASCII subject is not an encoded word: %q", rawSubject)
	}
	if subject, _ := new(mime.WordDecoder).DecodeHeader(rawSubject); subject != ChannelTitle(n) {
		t.Errorf("decoded subject = %q", subject)
	}
	if m.Header.Get("In-Reply-To") != "<cg-earlier@example.org>" || m.Header.Get("References") != "<cg-earlier@example.org>" {
		t.Errorf("update does not reply to the earlier message:\n%s", raw)
	}
	for i, line := range strings.Split(raw, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes, SMTP allows 998", i, len(line))
		}
	}
}

func TestEmailSenderUsesSTARTTLS(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := startSMTP(t, smtpOptions{tls: serverTLS, auth: true})
	sender := testSender(srv)
	sender.TLS = TLSStartTLS
	sender.TLSConfig = clientTLS
	sender.Username, sender.Password = "commsgate", "s3cret"
	if _, err := sender.Send(context.Background(), securityAdvisory()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages()[0]; !got.TLS || !got.Authd {
		t.Errorf("message was not sent over STARTTLS with auth: TLS=%v auth=%v", got.TLS, got.Authd)
	}
}

func TestEmailSenderErrors(t *testing.T) {
	serverTLS, _ := selfSignedTLS(t)
	closedPort := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		return port
	}

	tests := []struct {
		name      string
		setup     func(t *testing.T) *EmailSender
		retryable bool
		wantText  string
	}{
		{"STARTTLS required but not offered", func(t *testing.T) *EmailSender {
			s := testSender(startSMTP(t, smtpOptions{}))
			s.TLS = TLSStartTLS
			return s
		}, false, "does not offer STARTTLS"},
		{"untrusted certificate", func(t *testing.T) *EmailSender {
			s := testSender(startSMTP(t, smtpOptions{tls: serverTLS}))
			s.TLS = TLSStartTLS
			return s
		}, false, "STARTTLS"},
		{"temporary recipient rejection", func(t *testing.T) *EmailSender {
			srv := startSMTP(t, smtpOptions{})
			srv.RcptError = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
			return testSender(srv)
		}, true, "RCPT TO dev@example.org"},
		{"permanent recipient rejection", func(t *testing.T) *EmailSender {
			srv := startSMTP(t, smtpOptions{})
			srv.RcptError = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such list"}
			return testSender(srv)
		}, false, "no such list"},
		{"wrong password", func(t *testing.T) *EmailSender {
			s := testSender(startSMTP(t, smtpOptions{auth: true}))
			s.Username, s.Password = "commsgate", "wrong"
			return s
		}, false, "AUTH PLAIN"},
		{"nobody listening", func(t *testing.T) *EmailSender {
			return &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: closedPort(), From: "a@example.org", To: []string{"b@example.org"}, TLS: TLSOpportunistic}
		}, true, "connect to"},
		{"bad sender address", func(t *testing.T) *EmailSender {
			return &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: 1, From: "not an address", To: []string{"b@example.org"}}
		}, false, "sender address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.setup(t).Send(context.Background(), securityAdvisory())
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if IsRetryable(err) != tt.retryable {
				t.Errorf("IsRetryable = %v, want %v (err: %v)", !tt.retryable, tt.retryable, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), "publish to dev-list") {
				t.Errorf("error %q lacks %q or the target name", err, tt.wantText)
			}
		})
	}
}

func TestEmailSenderTimesOutOnSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		// Accept and never greet, like a wedged relay.
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	sender := &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port,
		From: "a@example.org", To: []string{"b@example.org"}, TLS: TLSOpportunistic, Timeout: 200 * time.Millisecond}
	start := time.Now()
	_, err = sender.Send(context.Background(), securityAdvisory())
	if err == nil || !IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send took %v with a 200ms timeout", elapsed)
	}
}

func TestEmailSenderStopsWhenContextEnds(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	sender := &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port,
		From: "a@example.org", To: []string{"b@example.org"}, TLS: TLSOpportunistic}
	start := time.Now()
	if _, err := sender.Send(ctx, securityAdvisory()); err == nil {
		t.Fatal("Send succeeded against a silent server")
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send ignored the context for %v", elapsed)
	}
}

func TestEmailSenderImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := startSMTP(t, smtpOptions{tls: serverTLS, implicit: true, auth: true})
	sender := testSender(srv)
	sender.TLS = TLSImplicit
	sender.TLSConfig = clientTLS
	sender.Username, sender.Password = "commsgate", "s3cret"
	if _, err := sender.Send(context.Background(), plainAnnouncement()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages()[0]; !got.TLS || !got.Authd {
		t.Errorf("message was not sent over implicit TLS with auth: TLS=%v auth=%v", got.TLS, got.Authd)
	}
}
