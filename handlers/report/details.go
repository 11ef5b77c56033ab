package report

import (
	"fmt"
	"net/url"
	"strings"
)

// NoticeURL is a pull request's notice page in commsgate's web UI,
// {publicURL}/notice/{owner}/{repo}/{number}: the details_url of the
// check runs commsgate writes on it. Empty without a public URL, and the
// check runs then carry none.
func NoticeURL(publicURL, owner, repo string, number int) string {
	if publicURL == "" || number <= 0 {
		return ""
	}
	return fmt.Sprintf("%s/notice/%s/%s/%d", strings.TrimSuffix(publicURL, "/"), url.PathEscape(owner), url.PathEscape(repo), number)
}
