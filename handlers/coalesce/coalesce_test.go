package coalesce

import (
	"errors"
	"sync"
	"testing"
)

// Requests arriving while a run is in progress fold into exactly one
// more run that carries all of them; none is lost, none runs alone.
func TestRequestsDuringARunFoldIntoOneMoreRun(t *testing.T) {
	g := New(func(a, b []string) []string { return append(append([]string(nil), a...), b...) })
	started, release := make(chan struct{}), make(chan struct{})
	var runs [][]string
	done := make(chan error)
	go func() {
		done <- g.Do("pr-1", []string{"opened"}, func(r []string) error {
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
		if err := g.Do("pr-1", []string{r}, func([]string) error {
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
			errs[i] = g.Do(key, 1, func(int) error {
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
	_ = g.Do("b", 1, func(int) error { ran = true; return nil })
	if !ran {
		t.Fatal("a finished key must run the next request itself")
	}
}
