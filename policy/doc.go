// Package policy is commsgate's pure core: it reads communications,
// checks them against their template, computes their tier, walks the
// approval ladder and the schedule, and says what that means, with
// reasons a reviewer can act on.
//
// Everything here is a function of its inputs. The shell (package
// handlers) gathers the facts from GitHub — the documents at head, the
// reviews, team members, holds, the policy from the default branch — and
// passes them with the instant to decide at; policy never reads the
// network, a file or the clock, and knows no go-github type. That is what
// makes every rule table-testable and every decision repeatable from a log.
//
// The flow of one decision:
//
//	ParseDocument → ValidateDocument → CheckSchedule   (CheckDocument does all three)
//	Facts{Rules, Documents, Reviews, TeamMembers, Holds, Now}
//	Evaluate(Facts) → Decision{State, Headline, Tier, Stages, Schedule, NextStep, Reasons}
//
// Findings carry the file, line and column of what they are about and say
// how to fix it. A Decision is approved only when every stage of its
// tier's ladder counts enough approvals from distinct, non-author members
// of the stage's teams on the current content, nobody who may hold has an
// active /hold, no required reviewer requests changes, and the schedule
// lets it go out now. Anything the facts cannot show counts against
// approval: a missing team answer is no members, an unknown reviewed
// commit is a changed one.
//
// Across pull requests, Collisions and AllCollisions find tier 2+
// communications that publish too close together for the same readers (a
// warning, never a block), and NewProcessReport turns what happened to
// each communication into the process's figures per tier, with CSV.
package policy
