package publish

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var fixedNow = func() time.Time { return mustTime("2026-12-01T16:00:05Z") }

// testSender sends in plain text, to a server that offers no TLS.
func testSender(s *smtpServer) *EmailSender {
	return &EmailSender{
		Target: "dev-list", Host: s.Host, Port: s.Port,
		From: "Commsgate <commsgate@example.org>", To: []string{"dev@example.org"},
		TLS: TLSNone, Now: fixedNow, Timeout: 5 * time.Second,
	}
}

// startTLSServer starts a server that offers STARTTLS with a self-signed
// certificate and takes AUTH only after it (go-smtp refuses AUTH in plain
// text unless AllowInsecureAuth is set), and a sender that trusts that
// certificate and requires STARTTLS.
func startTLSServer(t *testing.T, mechs ...string) (*smtpServer, *EmailSender) {
	t.Helper()
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := startSMTP(t, smtpOptions{tls: serverTLS, mechs: mechs})
	sender := testSender(srv)
	sender.TLS, sender.TLSConfig = TLSStartTLS, clientTLS
	return srv, sender
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
	srv, sender := startTLSServer(t, sasl.Plain)
	sender.Username, sender.Password = testUser, testPassword
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
	if !got.TLS || !got.Authd || got.User != testUser || got.Mech != sasl.Plain {
		t.Errorf("not sent over STARTTLS with AUTH PLAIN: %+v", got)
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

func TestEmailSenderAuthenticatesOverTLS(t *testing.T) {
	tests := []struct {
		name     string
		offered  []string
		auth     AuthMechanism
		password string
		token    string
		wantMech string
	}{
		{"PLAIN", []string{sasl.Plain, sasl.Login}, AuthPlain, testPassword, "", sasl.Plain},
		{"LOGIN", []string{sasl.Plain, sasl.Login}, AuthLogin, testPassword, "", sasl.Login},
		{"XOAUTH2", []string{sasl.Plain, XOAUTH2}, AuthXOAUTH2, "", testToken, XOAUTH2},
		{"auto prefers PLAIN", []string{sasl.Login, sasl.Plain}, AuthAuto, testPassword, "", sasl.Plain},
		{"auto falls back to LOGIN", []string{sasl.Login}, AuthAuto, testPassword, "", sasl.Login},
		{"auto with a token is XOAUTH2", []string{sasl.Plain, XOAUTH2}, AuthAuto, "", testToken, XOAUTH2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, sender := startTLSServer(t, tt.offered...)
			sender.Auth, sender.Username, sender.Password, sender.Token = tt.auth, testUser, tt.password, tt.token
			sender.LocalName = "commsgate.example.org"
			if _, err := sender.Send(context.Background(), securityAdvisory()); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.Messages()[0]
			if !got.TLS || !got.Authd || got.Mech != tt.wantMech || got.User != testUser {
				t.Errorf("TLS=%v auth=%v mech=%q user=%q, want TLS and %s as %s", got.TLS, got.Authd, got.Mech, got.User, tt.wantMech, testUser)
			}
			if got.Helo != sender.LocalName {
				t.Errorf("EHLO after STARTTLS said %q, want LocalName %q", got.Helo, sender.LocalName)
			}
			if wire := srv.Wire(); strings.Contains(wire, "AUTH") || strings.Contains(wire, testPassword) {
				t.Errorf("AUTH crossed the wire in plain text:\n%s", wire)
			}
		})
	}
}

// The test server refuses AUTH before STARTTLS, so the tests above would
// fail if the sender authenticated in plain text.
func TestTestServerRefusesPlaintextAuth(t *testing.T) {
	serverTLS, _ := selfSignedTLS(t)
	srv := startSMTP(t, smtpOptions{tls: serverTLS, mechs: []string{sasl.Plain}})
	c, err := smtp.Dial(net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Auth(sasl.NewPlainClient("", testUser, testPassword))
	var reply *smtp.SMTPError
	if !errors.As(err, &reply) || reply.Code != 523 {
		t.Fatalf("AUTH in plain text: err = %v, want 523 TLS is required", err)
	}
}

func TestEmailSenderNeverSendsCredentialsInPlainText(t *testing.T) {
	// A relay that offers AUTH without offering STARTTLS, as a
	// misconfigured one (or someone stripping STARTTLS on the way) would.
	tempting := smtpOptions{mechs: []string{sasl.Plain, sasl.Login}, insecureAuth: true}
	tests := []struct {
		name     string
		tls      TLSPolicy
		wantText string
	}{
		{"STARTTLS required, not offered", TLSStartTLS, "does not offer STARTTLS"},
		{"default policy, not offered", "", "does not offer STARTTLS"},
		{"plain text configured with credentials", TLSNone, "never sent over a connection without TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tempting)
			sender := testSender(srv)
			sender.TLS, sender.Username, sender.Password = tt.tls, testUser, testPassword
			_, err := sender.Send(context.Background(), securityAdvisory())
			if err == nil || IsRetryable(err) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("err = %v, want a permanent error saying %q", err, tt.wantText)
			}
			if seen := srv.AuthSeen(); len(seen) > 0 {
				t.Errorf("the server saw AUTH %v", seen)
			}
			if wire := srv.Wire(); strings.Contains(wire, "AUTH") || strings.Contains(wire, testPassword) || strings.Contains(wire, "MAIL FROM") {
				t.Errorf("credentials or mail crossed in plain text:\n%s", wire)
			}
			if len(srv.Messages()) != 0 {
				t.Error("the message was delivered")
			}
		})
	}
}

func TestEmailSenderPlaintextWhenConfigured(t *testing.T) {
	srv := startSMTP(t, smtpOptions{})
	if _, err := testSender(srv).Send(context.Background(), plainAnnouncement()); err != nil {
		t.Fatalf("Send with tls none: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].TLS || got[0].Authd {
		t.Errorf("messages = %+v, want one, in plain text, unauthenticated", got)
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
			_, s := startTLSServer(t, sasl.Plain)
			s.Username, s.Password = testUser, "wrong"
			return s
		}, false, "AUTH PLAIN"},
		{"expired token", func(t *testing.T) *EmailSender {
			_, s := startTLSServer(t, XOAUTH2)
			s.Username, s.Token = testUser, "expired"
			return s
		}, false, `AUTH XOAUTH2 as commsgate: SMTP error 535: Authentication credentials invalid (server said {"status":"401"`},
		{"mechanism not offered", func(t *testing.T) *EmailSender {
			_, s := startTLSServer(t, sasl.Plain)
			s.Auth, s.Username, s.Password = AuthLogin, testUser, testPassword
			return s
		}, false, "auth is LOGIN but the server offers AUTH PLAIN"},
		{"no password mechanism offered", func(t *testing.T) *EmailSender {
			_, s := startTLSServer(t, XOAUTH2)
			s.Username, s.Password = testUser, testPassword
			return s
		}, false, "neither PLAIN nor LOGIN"},
		{"credentials but no AUTH", func(t *testing.T) *EmailSender {
			_, s := startTLSServer(t)
			s.Username, s.Password = testUser, testPassword
			return s
		}, false, "offers no AUTH"},
		{"nobody listening", func(t *testing.T) *EmailSender {
			return &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: closedPort(), From: "a@example.org", To: []string{"b@example.org"}}
		}, true, "connect to"},
		{"bad sender address", func(t *testing.T) *EmailSender {
			return &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: 1, From: "not an address", To: []string{"b@example.org"}}
		}, false, "sender address"},
		{"unknown mechanism", func(t *testing.T) *EmailSender {
			return &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: 1, From: "a@example.org", To: []string{"b@example.org"}, Auth: "cram-md5"}
		}, false, "unknown auth mechanism"},
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

// silentServer accepts connections and never greets, like a wedged relay.
func silentServer(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().(*net.TCPAddr).Port
}

func TestEmailSenderTimesOutOnSilentServer(t *testing.T) {
	// Both ways in: a wedged greeting before STARTTLS must read as the
	// timeout it is, not as a relay without STARTTLS.
	for _, policy := range []TLSPolicy{TLSNone, TLSStartTLS} {
		t.Run(string(policy), func(t *testing.T) {
			sender := &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: silentServer(t),
				From: "a@example.org", To: []string{"b@example.org"}, TLS: policy, Timeout: 200 * time.Millisecond}
			start := time.Now()
			_, err := sender.Send(context.Background(), securityAdvisory())
			if err == nil || !IsRetryable(err) || strings.Contains(err.Error(), "does not offer STARTTLS") {
				t.Fatalf("err = %v, want a retryable timeout", err)
			}
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("Send took %v with a 200ms timeout", elapsed)
			}
		})
	}
}

func TestEmailSenderStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	sender := &EmailSender{Target: "dev-list", Host: "127.0.0.1", Port: silentServer(t),
		From: "a@example.org", To: []string{"b@example.org"}}
	start := time.Now()
	if _, err := sender.Send(ctx, securityAdvisory()); err == nil {
		t.Fatal("Send succeeded against a silent server")
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send ignored the context for %v", elapsed)
	}
}

func TestEmailSenderCancelledMidSession(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := startSMTP(t, smtpOptions{tls: serverTLS, mechs: []string{sasl.Plain}, stall: true})
	sender := testSender(srv)
	sender.TLS, sender.TLSConfig = TLSStartTLS, clientTLS
	sender.Username, sender.Password = testUser, testPassword
	sender.Timeout = time.Minute // only the context can stop it in time

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := sender.Send(ctx, securityAdvisory())
		done <- err
	}()
	select {
	case <-srv.Stalled:
	case err := <-done:
		t.Fatalf("Send ended before the server stalled: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the session never reached RCPT")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "RCPT TO") {
			t.Errorf("err = %v, want context.Canceled wrapped, naming the step", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Send kept going for 2s after its context was cancelled")
	}
}

func TestEmailSenderImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := startSMTP(t, smtpOptions{tls: serverTLS, implicit: true, mechs: []string{sasl.Plain}})
	sender := testSender(srv)
	sender.TLS = TLSImplicit
	sender.TLSConfig = clientTLS
	sender.Username, sender.Password = testUser, testPassword
	if _, err := sender.Send(context.Background(), plainAnnouncement()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages()[0]; !got.TLS || !got.Authd {
		t.Errorf("message was not sent over implicit TLS with auth: TLS=%v auth=%v", got.TLS, got.Authd)
	}
}
