package main

import (
	"fmt"

	"github.com/commsgate/commsgate/handlers/sandbox"
	"github.com/commsgate/commsgate/handlers/server"
)

// benchServer is the server under measurement: built like `commsgate
// serve` from configuration given through the environment, with the
// bench's worker and queue sizes, against the sandbox's fake GitHub, mail
// and hook receivers. The sandbox's own server stays idle, so its sizes
// do not decide what is measured.
type benchServer struct {
	server *server.Server
	// busy counts queued and running deliveries and the evaluations
	// waiting out a burst backoff.
	busy    func() int64
	baseURL string
	hookURL string
	stop    func()
}

func startBenchServer(sb *sandbox.Sandbox, workers, queueSize int) (*benchServer, error) {
	// No Logger: logs are discarded at the production level, so their
	// formatting is part of the cost being measured, their text is not
	// needed.
	r, err := sb.StartReplica(sandbox.ReplicaOptions{Workers: workers, QueueSize: queueSize})
	if err != nil {
		return nil, fmt.Errorf("bench server: %w", err)
	}
	return &benchServer{
		server:  r.Server,
		busy:    r.Busy,
		baseURL: r.BaseURL,
		hookURL: r.HookURL,
		stop:    func() { _ = r.Close() },
	}, nil
}
