package githubfake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

func TestETagRevalidationIsFree(t *testing.T) {
	w := newWorld(t)
	client := tokenClient(t, w.srv, w.inst.ID)
	url := w.srv.URL() + "/repos/kubernetes/sig-comms/contents/README.md"
	do := func(etag string) *http.Response {
		req, err := client.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := client.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	w.srv.ResetRequests()
	first := do("")
	etag := first.Header.Get("ETag")
	if first.StatusCode != 200 || etag == "" {
		t.Fatalf("first: status %d etag %q", first.StatusCode, etag)
	}
	second := do(etag)
	if second.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: status %d, want 304", second.StatusCode)
	}
	if second.Header.Get("X-RateLimit-Remaining") != first.Header.Get("X-RateLimit-Remaining") {
		t.Errorf("a 304 cost rate limit: remaining %s then %s", first.Header.Get("X-RateLimit-Remaining"), second.Header.Get("X-RateLimit-Remaining"))
	}
	if w.srv.Counted() != 1 || len(w.srv.Requests()) != 2 {
		t.Errorf("counted %d of %d requests, want 1 of 2", w.srv.Counted(), len(w.srv.Requests()))
	}
	// A change invalidates the tag.
	w.srv.Push(testRepo, "main", Change{Files: map[string]string{"README.md": "# Changed\n"}})
	if third := do(etag); third.StatusCode != 200 {
		t.Errorf("after a change: status %d, want 200", third.StatusCode)
	}
	if got := w.srv.CountsByPath()["GET /repos/kubernetes/sig-comms/contents/README.md"]; got != 2 {
		t.Errorf("counted GETs of README = %d, want 2", got)
	}
}

func TestPagination(t *testing.T) {
	w := newWorld(t)
	for i := range 75 {
		w.srv.OpenIssue(testRepo, "alice", fmt.Sprintf("issue %d", i), "")
	}
	opts := &github.IssueListByRepoOptions{ListOptions: github.ListOptions{PerPage: 30}}
	var all []*github.Issue
	pages := 0
	for {
		issues, resp, err := w.client.Issues.ListByRepo(w.ctx, "kubernetes", "sig-comms", opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pages == 1 && (resp.NextPage != 2 || resp.LastPage != 3) {
			t.Errorf("first page links: next %d last %d, want 2 and 3", resp.NextPage, resp.LastPage)
		}
		all = append(all, issues...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if pages != 3 || len(all) != 75 {
		t.Fatalf("read %d issues in %d pages, want 75 in 3", len(all), pages)
	}
	seen := map[int]bool{}
	for _, is := range all {
		seen[is.GetNumber()] = true
	}
	if len(seen) != 75 {
		t.Errorf("pages overlapped: %d distinct issues", len(seen))
	}
}

func TestFaults(t *testing.T) {
	t.Run("server errors for N requests", func(t *testing.T) {
		w := newWorld(t)
		client := tokenClient(t, w.srv, w.inst.ID)
		w.srv.InjectFault(Fault{Method: "GET", PathPrefix: "/repos/kubernetes/sig-comms/pulls", Status: 502, Times: 2})
		for i, want := range []int{502, 502, 200} {
			_, resp, _ := client.PullRequests.List(w.ctx, "kubernetes", "sig-comms", nil)
			if statusOf(resp) != want {
				t.Errorf("request %d: status %d, want %d", i+1, statusOf(resp), want)
			}
		}
	})
	t.Run("secondary rate limit with Retry-After", func(t *testing.T) {
		w := newWorld(t)
		client := tokenClient(t, w.srv, w.inst.ID)
		w.srv.InjectFault(Fault{Status: 403, RetryAfter: 30 * time.Second, Times: 1})
		_, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms")
		var abuse *github.AbuseRateLimitError
		if !errors.As(err, &abuse) || abuse.RetryAfter == nil || *abuse.RetryAfter != 30*time.Second {
			t.Errorf("err = %v, want a secondary rate limit error retrying after 30s", err)
		}
	})
	t.Run("slow responses", func(t *testing.T) {
		w := newWorld(t)
		client := tokenClient(t, w.srv, w.inst.ID)
		w.srv.InjectFault(Fault{Delay: 300 * time.Millisecond, Times: 1})
		ctx, cancel := context.WithTimeout(w.ctx, 50*time.Millisecond)
		defer cancel()
		if _, _, err := client.Repositories.Get(ctx, "kubernetes", "sig-comms"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want a deadline exceeded", err)
		}
		start := time.Now()
		if _, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms"); err != nil || time.Since(start) > 250*time.Millisecond {
			t.Errorf("after the fault: err %v in %v, want a fast answer", err, time.Since(start))
		}
	})
	t.Run("connection reset", func(t *testing.T) {
		w := newWorld(t)
		client := tokenClient(t, w.srv, w.inst.ID)
		w.srv.InjectFault(Fault{Reset: true, Times: 1})
		_, resp, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms")
		if err == nil || resp != nil {
			t.Errorf("reset: resp %v err %v, want a transport error", resp, err)
		}
		if reqs := w.srv.Requests(); len(reqs) != 1 || reqs[0].Status != 0 {
			t.Errorf("log = %+v, want one request with status 0", reqs)
		}
	})
	t.Run("latency applies to every request", func(t *testing.T) {
		w := newWorld(t)
		client := tokenClient(t, w.srv, w.inst.ID)
		w.srv.SetLatency(100 * time.Millisecond)
		start := time.Now()
		for range 2 {
			if _, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms"); err != nil {
				t.Fatal(err)
			}
		}
		if took := time.Since(start); took < 200*time.Millisecond {
			t.Errorf("two requests took %v, want at least 200ms", took)
		}
	})
}

func TestPrimaryRateLimit(t *testing.T) {
	w := newWorld(t)
	client := tokenClient(t, w.srv, w.inst.ID)
	w.srv.SetRateLimitRemaining(w.inst.ID, 1)
	if _, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms"); err != nil {
		t.Fatalf("last request of the hour: %v", err)
	}
	_, _, err := client.Repositories.Get(w.ctx, "kubernetes", "sig-comms")
	var limited *github.RateLimitError
	if !errors.As(err, &limited) {
		t.Errorf("err = %v, want a rate limit error", err)
	}
	limits, _, err := client.RateLimit.Get(w.ctx)
	if err != nil || limits.GetCore().Remaining != 0 {
		t.Errorf("rate_limit = %+v (err %v), want 0 remaining", limits.GetCore(), err)
	}
}

func TestConcurrentClients(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", github.CreateCheckRunOptions{Name: fmt.Sprint("c", i), HeadSHA: pr.HeadSHA}); err != nil {
				errs <- err
			}
			if _, _, err := w.client.PullRequests.Get(w.ctx, "kubernetes", "sig-comms", pr.Number); err != nil {
				errs <- err
			}
			w.srv.SubmitReview(testRepo, pr.Number, ReviewSpec{User: fmt.Sprint("r", i), State: "COMMENTED"})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(w.srv.CheckRuns(testRepo, pr.HeadSHA)); got != 10 {
		t.Errorf("check runs = %d, want 10", got)
	}
	if got := len(w.srv.Reviews(testRepo, pr.Number)); got != 10 {
		t.Errorf("reviews = %d, want 10", got)
	}
}

func TestTakeRequestsEmptiesTheLog(t *testing.T) {
	w := newWorld(t)
	client := tokenClient(t, w.srv, w.inst.ID)
	w.srv.ResetRequests()
	if _, _, err := client.Repositories.Get(context.Background(), "kubernetes", "sig-comms"); err != nil {
		t.Fatal(err)
	}
	taken := w.srv.TakeRequests()
	if len(taken) != 1 || taken[0].Key() != "GET /repos/kubernetes/sig-comms" {
		t.Fatalf("took %v, want the one repository GET", taken)
	}
	if left := w.srv.Requests(); len(left) != 0 {
		t.Errorf("after TakeRequests the log still holds %d requests", len(left))
	}
}

func TestLostResponseStillTakesEffect(t *testing.T) {
	w := newWorld(t)
	client := tokenClient(t, w.srv, w.inst.ID)
	w.srv.InjectFault(Fault{Method: "POST", PathPrefix: "/repos/kubernetes/sig-comms/issues", LoseResponse: true, Times: 1})
	_, resp, err := client.Issues.Create(w.ctx, "kubernetes", "sig-comms", &github.IssueRequest{Title: github.String("Created, answer lost")})
	if err == nil || resp != nil {
		t.Fatalf("lost response: resp %v err %v, want a transport error", resp, err)
	}
	issues := w.srv.Issues("kubernetes/sig-comms")
	if len(issues) != 1 || issues[0].Title != "Created, answer lost" {
		t.Fatalf("issues = %+v, want the one GitHub created before the answer was lost", issues)
	}
	if reqs := w.srv.Requests(); len(reqs) == 0 || reqs[len(reqs)-1].Status != 201 {
		t.Errorf("log = %+v, want the create recorded with GitHub's 201", reqs)
	}
	// The next request is answered normally.
	if _, _, err := client.Issues.Create(w.ctx, "kubernetes", "sig-comms", &github.IssueRequest{Title: github.String("Second")}); err != nil {
		t.Errorf("after the fault: %v", err)
	}
}
