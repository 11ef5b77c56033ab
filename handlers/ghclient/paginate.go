package ghclient

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v62/github"
)

// MaxPages bounds any listing: a PR with thousands of files or reviews
// must cost a bounded number of requests (GitHub itself stops listing PR
// files at 3000).
const MaxPages = 30

// ErrTruncated says a listing had more than MaxPages pages. A decision
// must never rest on part of a list: the change request or /hold that
// decides it may be on a page not read.
var ErrTruncated = errors.New("the list is longer than commsgate reads, so it cannot be judged in full")

// ListAll follows GitHub's Link-header pagination. A list longer than
// MaxPages pages is an error wrapping ErrTruncated, never a silent prefix.
func ListAll[T any](fetch func(opts github.ListOptions) ([]T, *github.Response, error)) ([]T, error) {
	var all []T
	opts := github.ListOptions{PerPage: 100}
	for page := 0; page < MaxPages; page++ {
		items, resp, err := fetch(opts)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if resp == nil || resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
	return nil, fmt.Errorf("%d items in %d pages and more: %w", len(all), MaxPages, ErrTruncated)
}

// IsNotFound reports whether GitHub answered 404.
func IsNotFound(err error) bool {
	var ge *github.ErrorResponse
	return errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusNotFound
}

// StatusOf returns the HTTP status of a GitHub error, or 0.
func StatusOf(err error) int {
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil {
		return ge.Response.StatusCode
	}
	return 0
}
