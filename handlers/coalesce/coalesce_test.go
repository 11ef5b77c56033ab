package coalesce

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Requests arriving while a run is in progress fold into exactly one
// more run that carries all of them; none is lost, none runs alone.
func TestRequestsDuringARunFoldIntoOneMoreRun(t *testing.T) {
	g := New(func(a, b []string) []string { return append(append([]string(nil), a...), b...) })
	started, release := make(chan struct{}), make(chan struct{})
	var runs [][]string
	done := make(chan error)
	go func() {
		done <- g.Do(context.Background(), "pr-1", []string{"opened"}, func(r []string) error {
			runs = append(runs, r)
			if len(runs) == 1 {
				close(started)
				<-release
			}
			return nil
		})
	}()
	<-started
	for _, r := range []string{"review", "comment", "review"} {
		if err := g.Do(context.Background(), "pr-1", []string{r}, func([]string) error {
			t.Error("a request for a key already running must not run on its own")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || len(runs[1]) != 3 || runs[1][0] != "review" || runs[1][1] != "comment" {
		t.Fatalf("runs = %v, want the first and one more with all three folded requests", runs)
	}
}

// Different keys never wait for each other, and the error returned is
// the last run's.
func TestKeysRunIndependentlyAndReturnTheirOwnError(t *testing.T) {
	g := New(func(a, b int) int { return a + b })
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, key := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.Do(context.Background(), key, 1, func(int) error {
				if key == "b" {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if errs[0] != nil || !errors.Is(errs[1], boom) {
		t.Fatalf("errors = %v, want nil for a and boom for b", errs)
	}
	// The key is free again after its run: the next request runs itself.
	ran := false
	_ = g.Do(context.Background(), "b", 1, func(int) error { ran = true; return nil })
	if !ran {
		t.Fatal("a finished key must run the next request itself")
	}
}

func TestDoublingBackoff(t *testing.T) {
	wait := Doubling(100*time.Millisecond, time.Second)
	want := []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		if got := wait(i + 1); got != w {
			t.Errorf("hot run %d waits %v, want %v", i+1, got, w)
		}
	}
}

// A key hammered for as long as the burst lasts runs a bounded number of
// times, the last one after the last request, carrying it.
func TestBurstIsServedByFewRunsAndTheLastSeesTheLastRequest(t *testing.T) {
	const ceiling = 40 * time.Millisecond
	g := New(func(a, b int) int { return max(a, b) }).WithBackoff(Doubling(20*time.Millisecond, ceiling))
	var mu sync.Mutex
	var seen []int
	run := func(r int) error {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // an evaluation's own time
		return nil
	}
	var wg sync.WaitGroup
	const requests = 400
	start := time.Now()
	for i := 1; i <= requests; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = g.Do(context.Background(), "pr-1", i, run)
		}()
		time.Sleep(time.Millisecond / 2)
	}
	wg.Wait()
	waitForDeferred(t, g)
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	// Without the backoff a run would follow each 5 ms run for as long as
	// the burst lasts; with it, one per ceiling after the first few.
	if limit := 4 + int(elapsed/ceiling); len(seen) > limit {
		t.Errorf("%d runs for %d requests over %v, want at most %d: a burst must back off", len(seen), requests, elapsed.Round(time.Millisecond), limit)
	}
	if last := seen[len(seen)-1]; last != requests {
		t.Errorf("the last run carried request %d, want %d: the latest request must be served", last, requests)
	}
}

// A few events in a row, each when the last run is done, never wait.
func TestAFewSequentialRequestsNeverWait(t *testing.T) {
	g := New(func(a, b int) int { return a + b }).WithBackoff(func(int) time.Duration { return time.Hour })
	for i := range hotFolds {
		ran := false
		if err := g.Do(context.Background(), "pr-1", i, func(int) error { ran = true; return nil }); err != nil || !ran {
			t.Fatalf("request %d: ran %v, err %v", i, ran, err)
		}
	}
}

// Runs too quick to overlap the next request are a burst all the same
// when the requests keep coming right after each run ends.
func TestQuickRunsBackToBackMakeAKeyHot(t *testing.T) {
	var waited []time.Duration
	g := New(func(a, b int) int { return a + b }).WithBackoff(func(n int) time.Duration {
		d := time.Duration(n) * time.Millisecond
		waited = append(waited, d)
		return d
	})
	for i := range 2 * hotFolds {
		_ = g.Do(context.Background(), "pr-1", i, func(int) error { return nil })
	}
	if len(waited) == 0 {
		t.Fatal("requests right after each run never made the key hot")
	}
}

// waitForDeferred waits until the group's backed-off runs are done.
func waitForDeferred[R any](t *testing.T, g *Group[R]) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); g.Deferred() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("backed-off runs still pending after 5s")
		}
	}
}

// A hot key's backoff is not waited out by the caller: a webhook worker
// would otherwise be held for seconds per hot PR. The run happens later,
// with what folded in meanwhile, and its error is reported.
func TestAHotKeysWaitDoesNotHoldTheCaller(t *testing.T) {
	const wait = 300 * time.Millisecond
	failed := make(chan string, 1)
	g := New(func(a, b int) int { return max(a, b) }).
		WithBackoff(func(int) time.Duration { return wait }).
		WithDeferredErrors(func(_ context.Context, key string, err error) { failed <- key + ": " + err.Error() })
	var mu sync.Mutex
	var seen []int
	run := func(r int) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
		if r == 99 {
			return errors.New("GitHub said no")
		}
		return nil
	}
	// Make the key hot: requests that arrive right after runs end.
	for i := 1; i <= hotFolds+1; i++ {
		_ = g.Do(context.Background(), "pr-1", i, run)
	}
	start := time.Now()
	if err := g.Do(context.Background(), "pr-1", 50, run); err != nil {
		t.Fatalf("Do = %v", err)
	}
	if held := time.Since(start); held >= wait {
		t.Fatalf("Do held its caller for %v, the whole backoff", held)
	}
	if g.Deferred() != 1 {
		t.Fatalf("Deferred = %d, want the one backed-off run", g.Deferred())
	}
	_ = g.Do(context.Background(), "pr-1", 99, run) // folds into the waiting run
	waitForDeferred(t, g)
	mu.Lock()
	last := seen[len(seen)-1]
	mu.Unlock()
	if last != 99 {
		t.Errorf("the backed-off run carried %d, want 99, the request that folded in while it waited", last)
	}
	select {
	case msg := <-failed:
		if msg != "pr-1: GitHub said no" {
			t.Errorf("reported %q", msg)
		}
	default:
		t.Error("the backed-off run's error was not reported")
	}
}
