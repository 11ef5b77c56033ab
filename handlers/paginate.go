package handlers

import (
	"errors"
	"net/http"

	"github.com/google/go-github/v62/github"
)

// maxPages bounds any listing: a PR with thousands of files or reviews
// must cost a bounded number of requests (GitHub itself stops listing PR
// files at 3000).
const maxPages = 30

// listAll follows GitHub's Link-header pagination.
func listAll[T any](fetch func(opts github.ListOptions) ([]T, *github.Response, error)) ([]T, error) {
	var all []T
	opts := github.ListOptions{PerPage: 100}
	for page := 0; page < maxPages; page++ {
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
	return all, nil
}

// isNotFound reports whether GitHub answered 404.
func isNotFound(err error) bool {
	var ge *github.ErrorResponse
	return errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusNotFound
}

// statusOf returns the HTTP status of a GitHub error, or 0.
func statusOf(err error) int {
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil {
		return ge.Response.StatusCode
	}
	return 0
}
