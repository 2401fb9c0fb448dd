package parser

import "slices"

// builder assembles rewritten text from pieces of a source text and literal
// strings, and remembers where every piece came from so that a position in
// the rewritten text maps back to the source.
type builder struct {
	buf  []byte
	segs []seg
}

// seg says that output from out on comes from src on; a literal maps every
// one of its bytes to src.
type seg struct {
	out, src int
	lit      bool
}

func (b *builder) reset() {
	b.buf = b.buf[:0]
	b.segs = b.segs[:0]
}

// copy appends src[from:to].
func (b *builder) copy(src string, from, to int) {
	if to <= from {
		return
	}
	if n := len(b.segs); n > 0 {
		last := b.segs[n-1]
		if !last.lit && last.src+(len(b.buf)-last.out) == from {
			b.buf = append(b.buf, src[from:to]...)
			return
		}
	}
	b.segs = append(b.segs, seg{out: len(b.buf), src: from})
	b.buf = append(b.buf, src[from:to]...)
}

// lit appends s, mapped to source offset at.
func (b *builder) lit(s string, at int) {
	if s == "" {
		return
	}
	b.segs = append(b.segs, seg{out: len(b.buf), src: at, lit: true})
	b.buf = append(b.buf, s...)
}

// blank appends spaces for src[from:to], keeping its newlines so that line
// numbers in TiDB's messages stay meaningful.
func (b *builder) blank(src string, from, to int) {
	if to <= from {
		return
	}
	b.segs = append(b.segs, seg{out: len(b.buf), src: from})
	for i := from; i < to; i++ {
		if src[i] == '\n' {
			b.buf = append(b.buf, '\n')
		} else {
			b.buf = append(b.buf, ' ')
		}
	}
}

// srcOf maps an offset of the built text to the source.
func (b *builder) srcOf(off int) int {
	return mapOffset(b.segs, off)
}

func mapOffset(segs []seg, off int) int {
	if len(segs) == 0 {
		return off
	}
	lo, hi := 0, len(segs)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if segs[m].out <= off {
			lo = m
		} else {
			hi = m - 1
		}
	}
	s := segs[lo]
	if s.lit || off < s.out {
		return s.src
	}
	return s.src + off - s.out
}

// edit replaces text[start:end] by repl when a span is copied.
type edit struct {
	start, end int
	repl       string
}

// editsIn reports whether any edit of s touches text[from:to] (edits are
// sorted by start).
func (s *stmt) editsIn(from, to int) bool {
	i, _ := slices.BinarySearchFunc(s.edits, from, func(e edit, off int) int { return e.start - off })
	return i < len(s.edits) && s.edits[i].start <= to
}

// copyEdited appends src[from:to] with the edits that lie inside it applied
// (edits must be sorted by start and must not overlap).
func (b *builder) copyEdited(src string, from, to int, edits []edit) {
	// find the first edit at or after from
	lo, hi := 0, len(edits)
	for lo < hi {
		m := (lo + hi) / 2
		if edits[m].start < from {
			lo = m + 1
		} else {
			hi = m
		}
	}
	pos := from
	for _, e := range edits[lo:] {
		if e.start > to || e.start == to && e.end > e.start || e.end > to {
			break
		}
		b.copy(src, pos, e.start)
		if e.repl == "" {
			b.blank(src, e.start, e.end)
		} else {
			b.lit(e.repl, e.start)
		}
		pos = e.end
	}
	b.copy(src, pos, to)
}
