package publish

import (
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// XOAUTH2 is the SASL mechanism Google and Microsoft accept for SMTP with
// an OAuth 2.0 access token. It is not OAUTHBEARER (RFC 7628), which
// go-sasl implements: the initial response is
// "user=<name>\x01auth=Bearer <token>\x01\x01" with no GS2 header.
const XOAUTH2 = "XOAUTH2"

// xoauth2Client is a sasl.Client for XOAUTH2. On failure the server sends a
// base64 JSON error as a challenge and expects an empty answer before its
// final 5xx; the client keeps that JSON so the error can say why (an
// expired token, a missing scope).
type xoauth2Client struct {
	username, token string
	serverError     string
}

var _ sasl.Client = (*xoauth2Client)(nil)

func newXOAUTH2Client(username, token string) *xoauth2Client {
	return &xoauth2Client{username: username, token: token}
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	if strings.ContainsAny(c.username+c.token, "\x01\r\n") {
		return "", nil, fmt.Errorf("XOAUTH2 user name or token contains a control character")
	}
	return XOAUTH2, []byte("user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the server's error challenge with an empty response, as
// the mechanism requires; the server then ends the exchange with 535.
func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	c.serverError = string(challenge)
	return []byte{}, nil
}
