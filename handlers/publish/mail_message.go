package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// mailMessage is a rendered mail ready for SMTP's DATA command.
type mailMessage struct {
	MessageID string
	From      *mail.Address
	To        []*mail.Address
	Bytes     []byte
}

// buildMail renders n as a multipart/alternative message (plain text
// first, HTML second, as RFC 2046 orders them from plainest to richest).
// The Message-ID is derived from the delivery id, so a retried send
// carries the same id and readers and archives can recognise it; an
// update replies to the earlier message when its Message-ID is known.
func buildMail(n Notice, target, from string, to []string, date time.Time) (mailMessage, error) {
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return mailMessage{}, fmt.Errorf("sender address %q: %w", from, err)
	}
	if len(to) == 0 {
		return mailMessage{}, fmt.Errorf("no recipient configured")
	}
	var toAddrs []*mail.Address
	for _, t := range to {
		addr, err := mail.ParseAddress(t)
		if err != nil {
			return mailMessage{}, fmt.Errorf("recipient address %q: %w", t, err)
		}
		toAddrs = append(toAddrs, addr)
	}
	_, domain, _ := strings.Cut(fromAddr.Address, "@")
	messageID := "<" + n.DeliveryID(target) + "@" + domain + ">"

	subject, text, html := RenderEmail(n)
	sum := sha256.Sum256([]byte(text + html))
	boundary := "commsgate-" + hex.EncodeToString(sum[:16])

	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", fromAddr.String())
	header("To", joinAddresses(toAddrs))
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID)
	if n.Update != nil {
		if prev, ok := n.Update.Previous[target]; ok && validMessageID(prev.ID) {
			header("In-Reply-To", prev.ID)
			header("References", prev.ID)
		}
	}
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary}))
	header("X-Commsgate-Delivery", n.DeliveryID(target))
	b.WriteString("\r\n")

	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(boundary); err != nil {
		return mailMessage{}, fmt.Errorf("set MIME boundary: %w", err)
	}
	for _, part := range []struct{ mediaType, content string }{
		{"text/plain", text},
		{"text/html", html},
	} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.mediaType+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := mw.CreatePart(h)
		if err != nil {
			return mailMessage{}, fmt.Errorf("create %s part: %w", part.mediaType, err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(part.content)); err != nil {
			return mailMessage{}, fmt.Errorf("encode %s part: %w", part.mediaType, err)
		}
		if err := qp.Close(); err != nil {
			return mailMessage{}, fmt.Errorf("encode %s part: %w", part.mediaType, err)
		}
	}
	if err := mw.Close(); err != nil {
		return mailMessage{}, fmt.Errorf("close MIME message: %w", err)
	}
	return mailMessage{MessageID: messageID, From: fromAddr, To: toAddrs, Bytes: b.Bytes()}, nil
}

func joinAddresses(addrs []*mail.Address) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}

// validMessageID accepts "<local@domain>" without whitespace, so a stored
// receipt cannot inject header lines.
func validMessageID(id string) bool {
	return strings.HasPrefix(id, "<") && strings.HasSuffix(id, ">") && strings.Contains(id, "@") &&
		!strings.ContainsAny(id, " \t\r\n")
}
