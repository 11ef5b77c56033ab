package githubfake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
)

var (
	sharedKeyOnce sync.Once
	sharedKeyPEM  string
	sharedKeyErr  error
)

// AppKey is an RSA private key in PEM, made once per test process, for
// tests that configure GitHub App credentials against a server of their
// own (an httptest handler, not this fake): go-githubapp needs a real key
// to sign app JWTs, and 2048-bit keys are slow enough to make once.
func AppKey(t Reporter) string {
	key, err := appKeyPEM()
	if err != nil {
		t.Helper()
		t.Fatalf("generate a test app key: %v", err)
	}
	return key
}

func appKeyPEM() (string, error) {
	sharedKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			sharedKeyErr = err
			return
		}
		sharedKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	})
	return sharedKeyPEM, sharedKeyErr
}
