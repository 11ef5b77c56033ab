package publish

import (
	"bytes"
	"encoding/json"
)

// marshalJSON encodes a payload made only of strings, numbers, slices and
// maps, indented and without HTML escaping so stored payloads and golden
// files read as written. Such values cannot fail to encode; should one
// ever do, the error itself is encoded so the receiver sees what happened.
func marshalJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		b.Reset()
		_ = json.NewEncoder(&b).Encode(map[string]string{"error": "commsgate could not encode this notice: " + err.Error()})
	}
	return b.Bytes()
}
