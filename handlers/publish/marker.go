package publish

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Hidden markers are how commsgate keeps state in what it writes to
// GitHub (the publication ledger in a check run, the communication's
// record in its follow-up issue, the delivery id in an announcement), so
// that GitHub is the only store. All three use one format:
//
//	<!-- commsgate-KIND {"json":"object"} -->
//
// Go's JSON encoder escapes <, > and &, so the JSON can never contain the
// "-->" that would end the comment early, whatever text it carries.
const (
	markerPrefix = "<!-- commsgate-"
	markerClose  = "-->"
)

// EncodeMarker renders v as a hidden marker of the kind. The encoding is
// deterministic (struct fields in order, map keys sorted), so a marker
// can be found again by comparing text.
func EncodeMarker(kind string, v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s marker: %w", kind, err)
	}
	return markerPrefix + kind + " " + string(data) + " " + markerClose, nil
}

// DecodeMarker finds the first marker of the kind in text and decodes it
// into v. It reports false when there is none; a marker that is there
// but damaged is an error, so a caller can refuse rather than act on it.
func DecodeMarker(text, kind string, v any) (bool, error) {
	start, end, ok := findMarker(text, kind)
	if !ok {
		return false, nil
	}
	body := text[start+len(markerPrefix)+len(kind) : end]
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), v); err != nil {
		return true, fmt.Errorf("%s marker: %w", kind, err)
	}
	return true, nil
}

// ReplaceMarker replaces the first marker of the kind in text with
// marker, or appends marker on a line of its own when there is none.
func ReplaceMarker(text, kind, marker string) string {
	if start, end, ok := findMarker(text, kind); ok {
		return text[:start] + marker + text[end+len(markerClose):]
	}
	return strings.TrimRight(text, "\n") + "\n\n" + marker + "\n"
}

// findMarker returns where the marker starts and where its closing
// "-->" starts.
func findMarker(text, kind string) (start, end int, ok bool) {
	open := markerPrefix + kind
	for from := 0; ; {
		i := strings.Index(text[from:], open)
		if i < 0 {
			return 0, 0, false
		}
		start = from + i
		after := start + len(open)
		// "commsgate-record" must not match "commsgate-recorder".
		if after < len(text) && (text[after] == ' ' || text[after] == '\n') {
			j := strings.Index(text[after:], markerClose)
			if j < 0 {
				return 0, 0, false
			}
			return start, after + j, true
		}
		from = after
	}
}
