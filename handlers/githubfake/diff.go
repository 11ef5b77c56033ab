package githubfake

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines surround a change in a hunk, as
// in git's default unified diff.
const diffContext = 3

type editOp struct {
	kind byte // ' ', '-', '+'
	line string
}

// splitLines splits text into lines without their newline; an empty text
// has no lines.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// editScript computes a shortest line edit script with a longest-common-
// subsequence table; communication files are small, so the quadratic table
// is cheap and the patch matches what a reviewer would see.
func editScript(a, b []string) []editOp {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []editOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, editOp{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, editOp{'-', a[i]})
			i++
		default:
			ops = append(ops, editOp{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, editOp{'-', a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, editOp{'+', b[j]})
	}
	return ops
}

// unifiedDiff renders the hunks GitHub puts in a file's "patch" field and
// counts added and deleted lines.
func unifiedDiff(oldText, newText string) (patch string, additions, deletions int) {
	ops := editScript(splitLines(oldText), splitLines(newText))
	var b strings.Builder
	oldLine, newLine := 1, 1
	for start := 0; start < len(ops); {
		// Find the next change.
		first := start
		for first < len(ops) && ops[first].kind == ' ' {
			first++
			oldLine++
			newLine++
		}
		if first == len(ops) {
			break
		}
		// Extend the hunk while changes are within twice the context.
		lead := min(diffContext, first-start)
		hunkStart := first - lead
		oldStart, newStart := oldLine-lead, newLine-lead
		end := first
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*diffContext {
				end = min(end+diffContext, len(ops))
				break
			}
			end = run
		}
		oldCount, newCount := 0, 0
		var body strings.Builder
		for _, op := range ops[hunkStart:end] {
			switch op.kind {
			case ' ':
				oldCount++
				newCount++
			case '-':
				oldCount++
				deletions++
			case '+':
				newCount++
				additions++
			}
			body.WriteByte(op.kind)
			body.WriteString(op.line)
			body.WriteByte('\n')
		}
		if oldCount == 0 {
			oldStart--
		}
		if newCount == 0 {
			newStart--
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n%s", oldStart, oldCount, newStart, newCount, body.String())
		// Advance the line counters past this hunk.
		for _, op := range ops[first:end] {
			if op.kind != '+' {
				oldLine++
			}
			if op.kind != '-' {
				newLine++
			}
		}
		start = end
	}
	return strings.TrimSuffix(b.String(), "\n"), additions, deletions
}
