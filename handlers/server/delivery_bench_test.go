package server

import (
	"encoding/json"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// BenchmarkDecodeDelivery is the worker's one decode per delivery, on the
// fake GitHub's pull_request_review payload, shaped as GitHub's are (the
// pull request with its head and base repositories, users, links),
// against encoding/json decoding the same fields.
//
//	go test ./handlers/server -run '^$' -bench DecodeDelivery -benchmem
func BenchmarkDecodeDelivery(b *testing.B) {
	payload := reviewPayload(b)
	b.Run("gjson", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			if d := DecodeDelivery(payload); d.Err() != nil || d.PullRequest == nil {
				b.Fatal(d.Err())
			}
		}
	})
	b.Run("encoding-json-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			var d Delivery
			if err := json.Unmarshal(payload, &d); err != nil || d.PullRequest == nil {
				b.Fatal(err)
			}
		}
	})
}

func reviewPayload(tb testing.TB) []byte {
	gh := githubfake.New(tb)
	tb.Cleanup(gh.Close)
	app := gh.CreateApp("commsgate")
	gh.CreateRepo(githubfake.RepoSpec{Name: "example/comms", Files: map[string]string{"README.md": "# Comms\n"}})
	gh.Install(app.ID, "example")
	pr, _ := gh.OpenPR("example/comms", githubfake.PRSpec{Author: "alice", Title: "A notice", Files: map[string]string{"comms/a.md": "text\n"}})
	_, ev := gh.SubmitReview("example/comms", pr.Number, githubfake.ReviewSpec{User: "nina", State: "APPROVED"})
	return ev.Payload
}

// BenchmarkValidatePayload is the JSON check GitHub waits for, against
// encoding/json.Valid, which the baseline acknowledger uses.
func BenchmarkValidatePayload(b *testing.B) {
	payload := reviewPayload(b)
	b.Run("gjson", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if err := validatePayload(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if !json.Valid(payload) {
				b.Fatal("invalid")
			}
		}
	})
}
