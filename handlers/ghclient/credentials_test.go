package ghclient

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

func TestCredentialsCheck(t *testing.T) {
	gh := githubfake.New(t)
	defer gh.Close()
	app := gh.CreateApp("commsgate")
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	wrongPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(otherKey)}))
	tests := []struct {
		name    string
		appID   int64
		key     string
		wantErr string
	}{
		{"the app's own key", app.ID, string(app.PrivateKeyPEM), ""},
		{"a key GitHub does not know", app.ID, wrongPEM, "GitHub refused the app's credentials"},
		{"another app id", app.ID + 1000, string(app.PrivateKeyPEM), "GitHub refused the app's credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg githubapp.Config
			cfg.V3APIURL = gh.URL() + "/"
			cfg.V4APIURL = gh.URL() + "/graphql"
			cfg.App.IntegrationID = tc.appID
			cfg.App.PrivateKey = tc.key
			retry := fastRetryPolicy()
			retry.MaxAttempts = 1
			clients, err := NewClientCreator(cfg, Stack{Retry: retry})
			if err != nil {
				t.Fatal(err)
			}
			check := CredentialsCheck(clients, time.Minute)
			err = check(context.Background())
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("good credentials refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
			}
			before := len(gh.Requests())
			_ = check(context.Background())
			if len(gh.Requests()) != before {
				t.Error("a second probe within the ttl asked GitHub again")
			}
		})
	}
}
