package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// The fast decode must read exactly what encoding/json reads from the
// payloads GitHub sends, or a handler would evaluate the wrong PR.
func TestDecodeDeliveryReadsWhatEncodingJSONReads(t *testing.T) {
	gh := githubfake.New(t)
	defer gh.Close()
	app := gh.CreateApp("commsgate")
	gh.CreateRepo(githubfake.RepoSpec{Name: "example/comms", Files: map[string]string{"README.md": "# Comms\n"}})
	gh.Install(app.ID, "example")
	pr, opened := gh.OpenPR("example/comms", githubfake.PRSpec{Author: "alice", Title: "A \"quoted\" notice", Files: map[string]string{"comms/a.md": "text\n"}})
	_, reviewed := gh.SubmitReview("example/comms", pr.Number, githubfake.ReviewSpec{User: "nina", State: "APPROVED", Body: "Looks good — ship it"})
	_, commented := gh.Comment("example/comms", pr.Number, "carla", "/hold")
	for _, ev := range []githubfake.Event{opened, reviewed, commented} {
		t.Run(ev.Name, func(t *testing.T) {
			var want Delivery
			if err := json.Unmarshal(ev.Payload, &want); err != nil {
				t.Fatal(err)
			}
			got := DecodeDelivery(ev.Payload)
			if got.Err() != nil {
				t.Fatalf("decode: %v", got.Err())
			}
			if !reflect.DeepEqual(stripErr(got), &want) {
				t.Errorf("decoded\n%s\nwant\n%s", dump(got), dump(&want))
			}
			if got.InstallationID() == 0 || got.Repository == nil || got.Repository.Owner.Login != "example" {
				t.Errorf("the addressing is missing: %s", dump(got))
			}
		})
	}
}

func stripErr(d *Delivery) *Delivery { c := *d; c.err = nil; return &c }

func dump(d *Delivery) string { b, _ := json.Marshal(d); return string(b) }

func TestDecodeDeliveryRefusesWhatItCannotTrust(t *testing.T) {
	tests := []struct {
		name, payload, wantErr string
	}{
		{"not JSON", `{"action":`, "not valid JSON"},
		{"not an object", `["action"]`, "not a JSON object"},
		{"PR number as a string", `{"action":"submitted","pull_request":{"number":"7","state":"open"}}`, "pull_request.number is not a positive whole number"},
		{"negative PR number", `{"pull_request":{"number":-1}}`, "pull_request.number"},
		{"fractional issue number", `{"issue":{"number":1.5}}`, "issue.number"},
		{"installation id missing", `{"installation":{}}`, "installation.id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := DecodeDelivery([]byte(tc.payload))
			if d.Err() == nil || !strings.Contains(d.Err().Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one saying %q", d.Err(), tc.wantErr)
			}
		})
	}
	if d := DecodeDelivery([]byte(`{"action":"created","issue":{"number":3,"pull_request":{"url":"x"}}}`)); d.Err() != nil || d.Issue.PullRequest == nil || d.Issue.Number != 3 {
		t.Errorf("a comment on a pull request: %+v, %v", d.Issue, d.Err())
	}
}

// The JSON check before the answer must refuse what encoding/json refuses.
func TestValidatePayloadAgreesWithEncodingJSON(t *testing.T) {
	for _, p := range []string{
		`{"a":1}`, `{"a":[1,2,{"b":null}],"c":"\u00e9\n"}`, ` {"a":true} `,
		`{"a":"[[{\"}"}`, strings.Repeat(`{"a":`, 9999) + "1" + strings.Repeat("}", 9999),
		strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001), strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		// Wide, not deep: more brackets than the depth limit, few nested.
		`{"a":[` + strings.Repeat(`[],{},`, 10001) + `[]]}`,
		`{"a":1`, `{"a":01}`, `{"a":"\x"}`, `{"a":1,}`, `{'a':1}`, `{"a":1}{"b":2}`, `{"a":NaN}`, `{"a":"` + "\x01" + `"}`,
	} {
		if got, want := validatePayload([]byte(p)) == nil, json.Valid([]byte(p)); got != want {
			t.Errorf("%.60q: accepted %v, encoding/json says valid %v", p, got, want)
		}
	}
}
