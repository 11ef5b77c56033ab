package sandbox

import "github.com/commsgate/commsgate/handlers/calendar"

// Calendar lists the sandbox repository's communications through the
// server's own clients and caches, as the web UI does.
func (s *Sandbox) Calendar() *calendar.Lister { return s.own.App().Calendar() }
