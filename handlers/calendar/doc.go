// Package calendar is the communications of a repository as a calendar
// shows them: one Entry per communication document, at its publish_at,
// with its state (draft, in review at which stage, scheduled, expedited,
// published, refused, failed), the decision's ladder and the links to
// the pull request, its checks, each publication and the follow-up; and
// the repository's publication windows and blackouts for shading.
//
// There is no database. A Lister reads GitHub through the installation
// clients and the shared caches, and decides each pull request with the
// gate's own read-only path (gate.Decide), so the calendar says what the
// approval check says. What it read is kept per pull request in a Cache,
// keyed by the head commit and the pull request's updated_at, which the
// gate's evaluations fill as well: a listing repeated with nothing
// changed costs the conditional lists, answered 304 and free.
//
// The same Cache gives each evaluation the repository's other
// communications for the collision warning (gate.Calendar), at the cost
// of one conditional request.
//
// Build, which turns what was read into entries, is pure.
package calendar
