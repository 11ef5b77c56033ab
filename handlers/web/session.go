package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// maxSessionLifetime bounds a session whatever the token says: a GitHub
// App's user-to-server token lives eight hours, and so does a sign-in.
const maxSessionLifetime = 8 * time.Hour

// stateLifetime is how long a sign-in may take between /login and the
// callback.
const stateLifetime = 10 * time.Minute

// session is what the session cookie carries, sealed: the browser holds
// it but can neither read nor change it, and the server keeps nothing.
type session struct {
	ID      string    `json:"i"` // random; keys the access cache
	Login   string    `json:"l"`
	Token   string    `json:"t"` // the user-to-server token; never logged, never shown
	CSRF    string    `json:"c"` // the log-out form's token
	Expires time.Time `json:"e"`
}

// sealer encrypts and authenticates cookie values with AES-256-GCM under
// a key derived from the configured secret. The cookie's name is the
// additional data, so a value sealed for one cookie is refused as another.
type sealer struct {
	aead cipher.AEAD
}

// deriveKey derives a 32-byte key for one purpose from the configured
// secret (HKDF-SHA256), so the cookies and the feed tokens never share a
// key.
func deriveKey(secret []byte, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, secret, nil, "commsgate web "+purpose, 32)
}

func newSealer(secret []byte, purpose string) (*sealer, error) {
	key, err := deriveKey(secret, purpose)
	if err != nil {
		return nil, fmt.Errorf("derive %s key: %w", purpose, err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

var errBadCookie = errors.New("cookie does not open")

func (s *sealer) open(name, value string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return errBadCookie
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], []byte(name))
	if err != nil {
		return errBadCookie
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return errBadCookie
	}
	return nil
}

// randomToken is 32 random bytes, base64url: a session id, an OAuth state
// or a CSRF token.
func randomToken() string {
	buf := make([]byte, 32)
	_, _ = rand.Read(buf) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(buf)
}

// cookies names and writes the web UI's cookies: HttpOnly, SameSite=Lax,
// and Secure with the __Host- prefix when the public URL is https (the
// prefix makes the browser refuse the cookie from anywhere but this
// origin, over anything but https).
type cookies struct {
	secure bool
	sealer *sealer
}

func (c cookies) name(base string) string {
	if c.secure {
		return "__Host-" + base
	}
	return base
}

const (
	sessionCookie = "commsgate_session"
	stateCookie   = "commsgate_oauth"
)

func (c cookies) set(w http.ResponseWriter, base, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: c.name(base), Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (c cookies) clear(w http.ResponseWriter, base string) {
	http.SetCookie(w, &http.Cookie{
		Name: c.name(base), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}

// writeSealed seals v into the cookie for maxAge.
func (c cookies) writeSealed(w http.ResponseWriter, base string, v any, maxAge time.Duration) error {
	value, err := c.sealer.seal(c.name(base), v)
	if err != nil {
		return err
	}
	c.set(w, base, value, maxAge)
	return nil
}

// readSealed opens the cookie into v; false when it is absent or was not
// sealed by this server's key.
func (c cookies) readSealed(r *http.Request, base string, v any) bool {
	ck, err := r.Cookie(c.name(base))
	if err != nil {
		return false
	}
	return c.sealer.open(c.name(base), ck.Value, v) == nil
}

// sessionFrom returns the request's session when it opens and has not
// expired.
func (c cookies) sessionFrom(r *http.Request, now time.Time) (session, bool) {
	var s session
	if !c.readSealed(r, sessionCookie, &s) || !now.Before(s.Expires) || s.Token == "" {
		return session{}, false
	}
	return s, true
}
