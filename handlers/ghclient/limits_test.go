package ghclient

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// limitsWorld is a fake GitHub with one app installed on two organizations,
// each holding one repository.
type limitsWorld struct {
	gh       *githubfake.Server
	creator  githubapp.ClientCreator
	observer *countingObserver
	alpha    githubfake.Installation
	beta     githubfake.Installation
}

func newLimitsWorld(t *testing.T, retry RetryPolicy) *limitsWorld {
	t.Helper()
	gh := githubfake.New(t)
	t.Cleanup(gh.Close)
	app := gh.CreateApp("commsgate")
	for _, repo := range []string{"alpha/comms", "beta/comms"} {
		gh.CreateRepo(githubfake.RepoSpec{Name: repo, Files: map[string]string{"README.md": "# Comms\n"}})
	}
	alpha, _ := gh.Install(app.ID, "alpha")
	beta, _ := gh.Install(app.ID, "beta")

	var cfg githubapp.Config
	cfg.V3APIURL = gh.URL() + "/"
	cfg.V4APIURL = gh.URL() + "/graphql"
	cfg.App.IntegrationID = app.ID
	cfg.App.PrivateKey = string(app.PrivateKeyPEM)
	observer := newCountingObserver()
	creator, err := NewClientCreator(cfg, Stack{Retry: retry, Observer: observer})
	if err != nil {
		t.Fatal(err)
	}
	return &limitsWorld{gh: gh, creator: creator, observer: observer, alpha: alpha, beta: beta}
}

func (w *limitsWorld) client(t *testing.T, installationID int64) *github.Client {
	t.Helper()
	c, err := w.creator.NewInstallationClient(installationID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readRepo is one metered request, as an evaluation's reads are.
func readRepo(ctx context.Context, c *github.Client, owner string) error {
	_, _, err := c.Repositories.Get(ctx, owner, "comms")
	return err
}

// TestSecondaryLimitHoldsEveryWorkerOfThatInstallation: once GitHub
// answered one request with a secondary rate limit and Retry-After, no
// request at all reaches GitHub for that installation until the time has
// passed, from any worker; another installation goes on meanwhile.
func TestSecondaryLimitHoldsEveryWorkerOfThatInstallation(t *testing.T) {
	const retryAfter = 2 * time.Second
	retry := fastRetryPolicy()
	retry.MaxWait = 2 * retryAfter
	w := newLimitsWorld(t, retry)
	ctx := context.Background()
	alpha, beta := w.client(t, w.alpha.ID), w.client(t, w.beta.ID)
	if err := readRepo(ctx, alpha, "alpha"); err != nil { // the token, outside the test
		t.Fatal(err)
	}
	if err := readRepo(ctx, beta, "beta"); err != nil {
		t.Fatal(err)
	}
	w.gh.ResetRequests()

	w.gh.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: "/repos/alpha/", Status: http.StatusForbidden, RetryAfter: retryAfter, Times: 1})
	limitedDone := make(chan error, 1)
	go func() { limitedDone <- readRepo(ctx, alpha, "alpha") }()
	var limitedAt time.Time
	for limitedAt.IsZero() {
		for _, r := range w.gh.Requests() {
			if r.Status == http.StatusForbidden {
				limitedAt = r.At
			}
		}
		time.Sleep(time.Millisecond)
	}

	// Eight workers, four per installation, three reads each. Pooled
	// clients the way the server has them: one per installation.
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for i := range 8 {
		c, owner := alpha, "alpha"
		if i%2 == 1 {
			c, owner = beta, "beta"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if err := readRepo(ctx, c, owner); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	if err := <-limitedDone; err != nil {
		t.Errorf("the limited read failed instead of waiting and retrying: %v", err)
	}
	close(errs)
	for err := range errs {
		t.Errorf("a read after the limit failed: %v", err)
	}

	var alphaReads, betaBefore int
	for _, r := range w.gh.Requests() {
		if r.Status == http.StatusForbidden {
			continue
		}
		early := r.At.Sub(limitedAt) < retryAfter
		switch r.Installation {
		case w.alpha.ID:
			alphaReads++
			if early {
				t.Errorf("installation alpha was asked %s %s %v after its secondary limit, before Retry-After (%v) passed",
					r.Method, r.Path, r.At.Sub(limitedAt).Round(time.Millisecond), retryAfter)
			}
		case w.beta.ID:
			if early {
				betaBefore++
			}
		}
	}
	if alphaReads != 13 {
		t.Errorf("alpha got %d reads, want 13 (the retried one and twelve): the held requests must go out once the limit passed", alphaReads)
	}
	if betaBefore == 0 {
		t.Error("installation beta waited for alpha's limit: other installations must go on")
	}
	if w.observer.waits(waitSecondaryLimit) == 0 {
		t.Error("no wait was reported to the metrics")
	}
}

// TestPrimaryLimitNearZeroSlowsDownInsteadOfFailing: with three requests
// left in the hour, six reads all succeed: the last ones wait for the
// hour to end instead of earning "API rate limit exceeded".
func TestPrimaryLimitNearZeroSlowsDownInsteadOfFailing(t *testing.T) {
	noRetry := fastRetryPolicy()
	noRetry.MaxAttempts = 1 // so a 403 would be a failure, not a hidden retry
	w := newLimitsWorld(t, noRetry)
	ctx := context.Background()
	alpha := w.client(t, w.alpha.ID)
	if err := readRepo(ctx, alpha, "alpha"); err != nil {
		t.Fatal(err)
	}
	w.gh.SetRateLimitRemaining(w.alpha.ID, 3)
	w.gh.SetRateLimitReset(w.alpha.ID, time.Now().Add(2*time.Second))
	w.gh.ResetRequests()

	for i := range 6 {
		if err := readRepo(ctx, alpha, "alpha"); err != nil {
			t.Fatalf("read %d failed near the primary limit: %v", i+1, err)
		}
	}
	for _, r := range w.gh.Requests() {
		if r.Status == http.StatusForbidden {
			t.Errorf("GitHub refused %s %s: the app spent a budget it knew was gone", r.Method, r.Path)
		}
	}
	if w.observer.waits(waitPrimaryPacing)+w.observer.waits(waitPrimaryLimit) == 0 {
		t.Error("no pacing wait was reported to the metrics")
	}
}

// TestObservedBudget: which answers set the pace. A refused token (401) is
// answered with the anonymous budget, and search has its own: neither may
// slow the installation's requests down.
func TestObservedBudget(t *testing.T) {
	now := time.Date(2027, 2, 13, 3, 0, 0, 0, time.UTC)
	reset := now.Add(10 * time.Minute)
	tests := []struct {
		name      string
		status    int
		resource  string
		remaining string
		paced     bool
		paused    bool
	}{
		{"plenty left", 200, "core", "4000", false, false},
		{"running low", 200, "core", "50", true, false},
		{"a free 304 with little left", 304, "", "50", true, false},
		{"none left", 403, "core", "0", false, true},
		{"refused token, anonymous budget", 401, "core", "59", false, false},
		{"search's own budget", 200, "search", "5", false, false},
		{"no headers", 200, "", "", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			limits := newRateLimits(nil)
			limits.now = func() time.Time { return now }
			g := limits.gate(1)
			res := &http.Response{StatusCode: tc.status, Header: http.Header{}}
			if tc.resource != "" {
				res.Header.Set("X-RateLimit-Resource", tc.resource)
			}
			if tc.remaining != "" {
				res.Header.Set("X-RateLimit-Remaining", tc.remaining)
				res.Header.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
			}
			g.observe(context.Background(), res)
			if paced := g.spacing > 0; paced != tc.paced {
				t.Errorf("paced = %v (spacing %v), want %v", paced, g.spacing, tc.paced)
			}
			if paused := g.pausedUntil.After(now); paused != tc.paused {
				t.Errorf("paused = %v (until %v), want %v", paused, g.pausedUntil, tc.paused)
			}
		})
	}
}
