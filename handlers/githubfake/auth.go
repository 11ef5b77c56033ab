package githubfake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// tokenLifetime is how long GitHub's installation tokens live.
const tokenLifetime = time.Hour

// caller is who made a request: an app (by JWT), an installation (by
// token), a person through the app (by a user-to-server token: App and
// User set), or nobody.
type caller struct {
	App          *app
	Installation *installation
	User         *user
}

// actor is the user a write is attributed to: the app's bot user, or the
// person a user-to-server token acts for.
func (c caller) actor() *user {
	if c.User != nil {
		return c.User
	}
	if c.Installation != nil {
		return c.Installation.App.Bot
	}
	if c.App != nil {
		return c.App.Bot
	}
	return nil
}

// rateKey separates rate limits per installation and per app, as GitHub
// does.
func (c caller) rateKey() string {
	switch {
	case c.User != nil:
		return "user:" + strconv.FormatInt(c.User.ID, 10)
	case c.Installation != nil:
		return "installation:" + strconv.FormatInt(c.Installation.ID, 10)
	case c.App != nil:
		return "app:" + strconv.FormatInt(c.App.ID, 10)
	}
	return "anonymous"
}

type jwtHeader struct {
	Alg string `json:"alg"`
}

type jwtClaims struct {
	Issuer json.RawMessage `json:"iss"`
	Issued int64           `json:"iat"`
	Expiry int64           `json:"exp"`
}

// verifyAppJWT checks an app JWT the way GitHub does: RS256, signed by the
// app's key, issued by the app id, expiring within ten minutes. The error
// is GitHub's message for the failure.
func (st *state) verifyAppJWT(raw string, now time.Time) (*app, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("A JSON web token could not be decoded")
	}
	var header jwtHeader
	var claims jwtClaims
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, errors.New("A JSON web token could not be decoded")
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, errors.New("A JSON web token could not be decoded")
	}
	if header.Alg != "RS256" {
		return nil, fmt.Errorf("'alg' must be RS256, got %q", header.Alg)
	}
	issuer := strings.Trim(string(claims.Issuer), `"`)
	appID, err := strconv.ParseInt(issuer, 10, 64)
	if err != nil {
		return nil, errors.New("'Issuer' claim ('iss') must be an Integer")
	}
	a, ok := st.apps[appID]
	if !ok {
		return nil, fmt.Errorf("Integration not found")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("A JSON web token could not be decoded")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&a.Key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return nil, errors.New("A JSON web token could not be decoded")
	}
	issued, expiry := time.Unix(claims.Issued, 0), time.Unix(claims.Expiry, 0)
	switch {
	case claims.Expiry == 0 || !expiry.After(now):
		return nil, errors.New("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	case expiry.Sub(now) > 10*time.Minute+30*time.Second:
		return nil, errors.New("'Expiration time' claim ('exp') is too far in the future")
	case issued.After(now.Add(time.Minute)):
		return nil, errors.New("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued")
	}
	return a, nil
}

func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// issueToken creates an installation access token.
func (st *state) issueToken(in *installation) *token {
	buf := make([]byte, 18)
	_, _ = rand.Read(buf) // crypto/rand never fails on supported platforms
	t := &token{
		Value:        "ghs_" + base64.RawURLEncoding.EncodeToString(buf),
		Installation: in,
		ExpiresAt:    time.Now().UTC().Add(tokenLifetime).Truncate(time.Second),
	}
	st.tokens[t.Value] = t
	return t
}

// authenticate resolves the Authorization header. A missing header gives a
// zero caller and no error; a header that does not verify gives GitHub's
// 401 message.
func (st *state) authenticate(header string, now time.Time) (caller, error) {
	if header == "" {
		return caller{}, nil
	}
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || (!strings.EqualFold(scheme, "token") && !strings.EqualFold(scheme, "bearer")) {
		return caller{}, errors.New("Bad credentials")
	}
	cred = strings.TrimSpace(cred)
	if strings.Count(cred, ".") == 2 {
		a, err := st.verifyAppJWT(cred, now)
		if err != nil {
			return caller{}, err
		}
		return caller{App: a}, nil
	}
	if ut, ok := st.userTokens[cred]; ok {
		if ut.Revoked || !now.Before(ut.ExpiresAt) {
			return caller{}, errors.New("Bad credentials")
		}
		return caller{App: ut.App, User: ut.User}, nil
	}
	t, ok := st.tokens[cred]
	if !ok || t.Revoked || !now.Before(t.ExpiresAt) {
		return caller{}, errors.New("Bad credentials")
	}
	return caller{App: t.Installation.App, Installation: t.Installation}, nil
}
