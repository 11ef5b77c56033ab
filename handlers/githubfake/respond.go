package githubfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

const docsURL = "https://docs.github.com/rest"

func fmtErr(format string, args ...any) error { return fmt.Errorf(format, args...) }

// writeJSON writes v with the status. Encoding errors can only come from a
// bug in the fake's own types, so they become a 500 a test will see.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "githubfake: encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// apiError is GitHub's error body.
type apiError struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
	Status           string       `json:"status"`
}

type fieldError struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, apiError{Message: message, DocumentationURL: docsURL, Status: strconv.Itoa(status)})
}

// writeValidation is GitHub's 422 with the fields at fault.
func writeValidation(w http.ResponseWriter, message string, errs ...fieldError) {
	writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: message, Errors: errs, DocumentationURL: docsURL, Status: "422"})
}

// readJSON decodes a request body; GitHub answers malformed JSON with 400.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Problems reading request body")
		return false
	}
	if len(body) == 0 {
		return true
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			writeValidation(w, "Invalid request.", fieldError{Field: typeErr.Field, Code: "invalid", Message: err.Error()})
			return false
		}
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	return true
}
