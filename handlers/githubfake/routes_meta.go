package githubfake

import "net/http"

func (s *Server) routeMeta(mux *router) {
	mux.HandleFunc("GET /rate_limit", s.getRateLimit)
}

type wRate struct {
	Limit     int   `json:"limit"`
	Used      int   `json:"used"`
	Remaining int   `json:"remaining"`
	Reset     int64 `json:"reset"`
}

type wRateLimit struct {
	Resources map[string]wRate `json:"resources"`
	Rate      wRate            `json:"rate"`
}

// getRateLimit reports the caller's core budget; asking costs nothing.
func (s *Server) getRateLimit(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.rateLimitFor(callerOf(r))
	core := wRate{Limit: l.Limit, Used: l.Limit - l.Remaining, Remaining: l.Remaining, Reset: l.Reset.Unix()}
	writeJSON(w, http.StatusOK, wRateLimit{Resources: map[string]wRate{"core": core}, Rate: core})
}
