package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Suggest returns the candidate closest to got when it is close enough to
// be a likely typo, or "" otherwise. Case, "-", "_" and spaces are ignored
// first (publishAt, publish-at), then the optimal string alignment distance
// (edits and swapped neighbours) decides, allowing one edit per four
// characters and at least one. It is the one did-you-mean of commsgate:
// documents and the policy file suggest alike.
func Suggest(got string, candidates []string) string {
	if len(got) > maxSuggestLen {
		return "" // no typo is that long, and the distance is quadratic
	}
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	g := norm(got)
	best, bestDistance := "", -1
	for _, c := range sortedCopy(candidates) {
		if c == got {
			continue
		}
		d := editDistance(g, norm(c))
		if bestDistance < 0 || d < bestDistance {
			best, bestDistance = c, d
		}
	}
	limit := max(1, len([]rune(g))/4)
	if best == "" || bestDistance > limit {
		return ""
	}
	return best
}

// maxSuggestLen bounds the words Suggest compares.
const maxSuggestLen = 64

// suggestByFirstWord returns the only candidate whose first word (before
// "_" or "-") is got's first word, or "".
func suggestByFirstWord(got string, candidates []string) string {
	first := func(s string) string {
		s = strings.ToLower(s)
		if i := strings.IndexAny(s, "_-"); i > 0 {
			return s[:i]
		}
		return s
	}
	found := ""
	for _, c := range candidates {
		if c != got && first(c) == first(got) {
			if found != "" {
				return "" // ambiguous
			}
			found = c
		}
	}
	return found
}

// didYouMean phrases a suggestion for a message, or says nothing.
func didYouMean(got string, candidates []string) string {
	if s := Suggest(got, candidates); s != "" {
		return fmt.Sprintf(" (did you mean `%s`?)", s)
	}
	return ""
}

// editDistance is the optimal string alignment distance between a and b,
// counted in characters: insertions, deletions, substitutions and swaps of
// two neighbours each cost one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// codeList renders values as "`a`, `b` or `c`" for a message.
func codeList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	switch len(quoted) {
	case 0:
		return "(none configured)"
	case 1:
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}
