package report

import "testing"

func TestNoticeURL(t *testing.T) {
	for _, c := range []struct {
		public string
		number int
		want   string
	}{
		{"https://commsgate.example.org/", 12, "https://commsgate.example.org/notice/example/comms/12"},
		{"https://example.org/commsgate", 3, "https://example.org/commsgate/notice/example/comms/3"},
		{"", 12, ""}, // no public URL: no details_url at all
		{"https://commsgate.example.org", 0, ""},
	} {
		if got := NoticeURL(c.public, "example", "comms", c.number); got != c.want {
			t.Errorf("NoticeURL(%q, %d) = %q, want %q", c.public, c.number, got, c.want)
		}
	}
}
