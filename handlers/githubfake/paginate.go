package githubfake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

type prefixKey struct{}

// paginate slices items the way GitHub pages lists (per_page defaulting to
// 30, at most 100) and sets the Link header clients follow.
func paginate[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T) []T {
	perPage := 30
	if v, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, (len(items)+perPage-1)/perPage)
	var links []string
	link := func(p int, rel string) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		u := url.URL{Path: requestPrefix(r.Context()) + r.URL.Path, RawQuery: q.Encode()}
		links = append(links, fmt.Sprintf(`<%s%s>; rel="%s"`, s.srv.URL, u.String(), rel))
	}
	if page > 1 {
		link(page-1, "prev")
	}
	if page < last {
		link(page+1, "next")
		link(last, "last")
	}
	if page > 1 {
		link(1, "first")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	start := (page - 1) * perPage
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+perPage, len(items))]
}

func requestPrefix(ctx context.Context) string {
	p, _ := ctx.Value(prefixKey{}).(string)
	return p
}
