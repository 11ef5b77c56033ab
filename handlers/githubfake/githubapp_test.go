package githubfake

import (
	"testing"

	"github.com/gregjones/httpcache"
	"github.com/palantir/go-githubapp/githubapp"
)

// commsgate builds its clients with go-githubapp's client creator and an
// HTTP cache; the fake must serve it, and revalidations must be free 304s.
func TestGoGitHubAppCachingClient(t *testing.T) {
	w := newWorld(t)
	var cfg githubapp.Config
	cfg.V3APIURL = w.srv.URL() + "/"
	cfg.App.IntegrationID = w.app.ID
	cfg.App.PrivateKey = string(w.app.PrivateKeyPEM)
	creator, err := githubapp.NewDefaultCachingClientCreator(cfg,
		githubapp.WithClientCaching(false, func() httpcache.Cache { return httpcache.NewMemoryCache() }))
	if err != nil {
		t.Fatal(err)
	}
	client, err := creator.NewInstallationClient(w.inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.srv.ResetRequests()
	for range 3 {
		file, _, _, err := client.Repositories.GetContents(w.ctx, "kubernetes", "sig-comms", "README.md", nil)
		if err != nil {
			t.Fatalf("get contents: %v", err)
		}
		if text, _ := file.GetContent(); text != "# Communications\n" {
			t.Fatalf("content = %q", text)
		}
	}
	contents := "GET /repos/kubernetes/sig-comms/contents/README.md"
	if got := w.srv.CountsByPath()[contents]; got != 1 {
		t.Errorf("counted contents requests = %d, want 1 (the cache revalidates with 304s); log: %v", got, w.srv.Requests())
	}
	if got := w.srv.Count("POST", "/app/installations/"); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}
