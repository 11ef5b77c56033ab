package publish

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultHTTPTimeout bounds one HTTP delivery, connection to last byte.
const DefaultHTTPTimeout = 15 * time.Second

// maxRedirects bounds same-host redirects a webhook may answer with.
const maxRedirects = 3

// responseExcerptBytes is how much of an error response is kept, enough
// for Slack's "invalid_payload" or a short JSON error, never a whole page.
const responseExcerptBytes = 512

// newHTTPClient returns a client that gives up after timeout and follows a
// redirect only to the same scheme and host: a notice and its signature
// must never be handed to a host the target was not configured with.
// A redirect elsewhere is returned as is and fails as a non-2xx answer.
func newHTTPClient(base *http.Client, timeout time.Duration) *http.Client {
	c := &http.Client{Timeout: timeout}
	if base != nil {
		c.Transport = base.Transport
		c.Jar = base.Jar
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultHTTPTimeout
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if len(via) > maxRedirects || req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return c
}

// postJSON posts body to url with the headers and classifies the outcome:
// network trouble, 5xx, 429 and 408 are retryable, other non-2xx answers
// (including an unfollowed redirect) are permanent.
func postJSON(ctx context.Context, client *http.Client, target, url string, body []byte, headers map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, sendError(target, false, fmt.Errorf("build request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "commsgate")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, sendError(target, true, fmt.Errorf("post to %s: %w", redactURL(url), err))
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, responseExcerptBytes))
	// Drain a little more so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := &HTTPStatusError{StatusCode: resp.StatusCode, Body: strings.TrimSpace(string(excerpt))}
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			err.Body = "redirect to " + redactURL(loc) + " not followed: only redirects to the same host are"
		}
		return resp, sendError(target, retryableStatus(resp.StatusCode), err)
	}
	return resp, nil
}

// HTTPStatusError is a non-2xx answer with the start of its body.
type HTTPStatusError struct {
	StatusCode int
	Body       string
}

func (e *HTTPStatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Body)
}

// redactURL keeps scheme, host and the first path segment: Slack webhook
// URLs carry their secret in the path, and errors end up in logs.
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(url)"
	}
	host, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	first, _, more := strings.Cut(path, "/")
	out := scheme + "://" + host
	if first != "" {
		out += "/" + strings.SplitN(first, "?", 2)[0]
	}
	if more || strings.Contains(path, "?") {
		out += "/…"
	}
	return out
}
