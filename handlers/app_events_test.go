package handlers

import (
	"fmt"
	"slices"
	"testing"

	"github.com/commsgate/commsgate/config"
)

// alwaysSent are events GitHub sends every app without a subscription,
// so app.yml cannot list them (GitHub refuses them in default_events).
var alwaysSent = []string{"installation", "installation_repositories"}

// app.yml subscribes to exactly the events the handlers handle: an event
// handled but not subscribed never arrives (a membership change would
// wait for the cache to expire), and one subscribed but not handled costs
// a delivery and a queue slot for nothing.
func TestManifestEventsAreTheHandledEvents(t *testing.T) {
	subscribed := config.Manifest().DefaultEvents
	handled := map[string]string{} // event → handler
	for _, h := range NewApp(nil, AppOptions{}).EventHandlers() {
		for _, ev := range h.Handles() {
			handled[ev] = fmt.Sprintf("%T", h)
		}
	}
	for ev, h := range handled {
		if !slices.Contains(subscribed, ev) && !slices.Contains(alwaysSent, ev) {
			t.Errorf("%s handles %q, but app.yml's default_events does not subscribe to it: add it there (and to the README's event list)", h, ev)
		}
	}
	for _, ev := range subscribed {
		if slices.Contains(alwaysSent, ev) {
			t.Errorf("app.yml's default_events lists %q, which GitHub always sends and does not accept there", ev)
		}
		if _, ok := handled[ev]; !ok {
			t.Errorf("app.yml's default_events subscribes to %q, which no handler handles: remove it, or handle it", ev)
		}
	}
}
