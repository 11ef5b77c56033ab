// Package facts is commsgate's read-only GitHub layer: it asks GitHub what
// a decision needs (the policy file on the default branch, the pull
// request, its files, reviews and comments, team members and write
// permissions) and turns the answers into policy.Facts. It never writes.
//
// Reads are made once per evaluation pass and, where independent, side by
// side. Team and permission answers come in two kinds (see ReadMode): a
// decision that blocks may rest on the per-process cache, but a green
// check or a publication rests only on answers read fresh from GitHub,
// because another replica may have seen the membership event this one's
// cache missed. The ETag cache under the client makes a fresh read of an
// unchanged list a free 304.
//
// The gate and publication depend on the Reader interface, not on GitHub;
// factstest has a plain-struct Reader for their unit tests.
package facts

import "github.com/commsgate/commsgate/config"

// PolicyPath is where a repository keeps its commsgate policy, always read
// from the default branch.
const PolicyPath = config.RepoPolicyPath
