package policy

import (
	"sort"
	"unicode/utf8"
)

// lineIndex turns byte offsets in a piece of a file into file positions,
// with columns counted in characters as editors show them.
type lineIndex struct {
	text      string
	firstLine int
	starts    []int
}

func newLineIndex(text string, firstLine int) lineIndex {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{text: text, firstLine: firstLine, starts: starts}
}

// pos returns the file position of byte offset off.
func (ix lineIndex) pos(off int) Pos {
	if len(ix.starts) == 0 {
		return Pos{Line: max(ix.firstLine, 1), Column: 1}
	}
	off = max(0, min(off, len(ix.text)))
	i := sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > off }) - 1
	return Pos{Line: ix.firstLine + i, Column: utf8.RuneCountInString(ix.text[ix.starts[i]:off]) + 1}
}

// lineEnd returns the offset of the "\n" ending the line holding off, or
// the text's length on the last line.
func (ix lineIndex) lineEnd(off int) int {
	for i := max(off, 0); i < len(ix.text); i++ {
		if ix.text[i] == '\n' {
			return i
		}
	}
	return len(ix.text)
}
