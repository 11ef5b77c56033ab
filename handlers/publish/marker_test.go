package publish

import (
	"strings"
	"testing"
)

func TestMarkersRoundTripAndHideTheirText(t *testing.T) {
	type record struct {
		Title string `json:"title"`
		N     int    `json:"n"`
	}
	in := record{Title: "ends the comment early? --> <!-- & more", N: 7}
	m, err := EncodeMarker("record", in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(m, "-->") != 1 || !strings.HasSuffix(m, "-->") {
		t.Fatalf("marker %q must close exactly once, at its end", m)
	}
	body := "Some text\n\n" + m + "\n"
	var out record
	found, err := DecodeMarker(body, "record", &out)
	if !found || err != nil || out != in {
		t.Fatalf("DecodeMarker = %v, %v, %+v; want %+v", found, err, out, in)
	}
	if found, _ := DecodeMarker(body, "ledger", &out); found {
		t.Error("a record marker was read as a ledger")
	}
	if found, _ := DecodeMarker("<!-- commsgate-recorder {} -->", "record", &out); found {
		t.Error("commsgate-recorder was read as commsgate-record")
	}
	if found, err := DecodeMarker("<!-- commsgate-record {not json} -->", "record", &out); !found || err == nil {
		t.Errorf("a damaged marker = %v, %v; want found and an error", found, err)
	}

	in.N = 8
	m2, _ := EncodeMarker("record", in)
	replaced := ReplaceMarker(body, "record", m2)
	if strings.Count(replaced, "commsgate-record") != 1 || !strings.Contains(replaced, `"n":8`) {
		t.Errorf("ReplaceMarker = %q", replaced)
	}
	if appended := ReplaceMarker("no marker yet", "record", m2); appended != "no marker yet\n\n"+m2+"\n" {
		t.Errorf("ReplaceMarker without a marker = %q", appended)
	}
}
