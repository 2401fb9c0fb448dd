package index

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lineagehq/lineage"
)

// walk runs Walk on g from start; the rules are graphtest's (package doc,
// "Walks"), the same cut as the stores: per hop, the new jobs in id order,
// then the new tables in name order, stopping at the first that does not fit.
func (g *graph) walk(sc *scratch, start int32, dir lineage.Direction, depth, max int) *lineage.Subgraph {
	inT, inJ := &sc.t0, &sc.j0
	inT.reset(len(g.tname))
	inJ.reset(len(g.job))
	inT.set(start)
	resT := []int32{start}
	var resJ []int32
	truncated := false
	// add adds the nodes of fresh not yet returned; when they do not all
	// fit, it adds those first in order and reports false.
	add := func(in *marks, res *[]int32, fresh []int32, order func(a, b int32) int) bool {
		n := 0
		for _, x := range fresh {
			if !in.has(x) {
				fresh[n] = x
				n++
			}
		}
		fresh = fresh[:n]
		room := max - len(resT) - len(resJ)
		if len(fresh) > room {
			fresh = firstN(fresh, room, order)
			truncated = true
		}
		for _, x := range fresh {
			in.set(x)
		}
		*res = append(*res, fresh...)
		return !truncated
	}
	for _, d := range []lineage.Direction{lineage.Downstream, lineage.Upstream} {
		if (dir != d && dir != lineage.Both) || truncated {
			continue
		}
		toJobs, toTables := g.readers, g.writes
		if d == lineage.Upstream {
			toJobs, toTables = g.writers, g.reads
		}
		seenT, seenJ := &sc.t1, &sc.j1
		seenT.reset(len(g.tname))
		seenJ.reset(len(g.job))
		seenT.set(start)
		frontier := []int32{start}
		for hop := 1; hop <= depth && len(frontier) > 0; hop++ {
			var jobs []int32
			for _, t := range frontier {
				for _, j := range toJobs[t] {
					if !seenJ.has(j) {
						seenJ.set(j)
						jobs = append(jobs, j)
					}
				}
			}
			if len(jobs) == 0 {
				break
			}
			if !add(inJ, &resJ, slices.Clone(jobs), g.cmpJob) {
				break
			}
			var next []int32
			for _, j := range jobs {
				for _, t := range toTables[j] {
					if !seenT.has(t) {
						seenT.set(t)
						next = append(next, t)
					}
				}
			}
			frontier = next
			if !add(inT, &resT, slices.Clone(next), g.cmpTable) {
				break
			}
		}
	}
	return g.subgraph(inT, resT, resJ, truncated)
}

// subgraph builds the answer of a walk from the nodes it returns.
func (g *graph) subgraph(inT *marks, resT, resJ []int32, truncated bool) *lineage.Subgraph {
	sg := &lineage.Subgraph{Truncated: truncated}
	sortBy(resT, g.trank, g.cmpTable)
	sg.Tables = make([]lineage.Table, len(resT))
	for i, t := range resT {
		sg.Tables[i] = lineage.Table{Name: g.tname[t]}
	}
	if len(resJ) == 0 {
		return sg
	}
	sortBy(resJ, g.jrank, g.cmpJob)
	sg.Jobs = make([]lineage.Job, len(resJ))
	n := 0
	for _, j := range resJ {
		n += len(g.edges[j])
	}
	sg.Edges = make([]lineage.Edge, 0, n)
	owners := make([]uint64, 0, len(resJ)) // rank<<32 | position
	for i, j := range resJ {
		job := &g.job[j]
		sg.Jobs[i] = *job
		if o := g.jowner[j]; o >= 0 {
			owners = append(owners, uint64(g.orank[o])<<32|uint64(o))
		}
		for _, e := range g.edges[j] {
			if t := e >> 1; inT.has(t) {
				kind := lineage.Reads
				if e&1 == 1 {
					kind = lineage.Writes
				}
				sg.Edges = append(sg.Edges, lineage.Edge{Job: job.ID, Table: g.tname[t], Kind: kind})
			}
		}
	}
	slices.Sort(owners)
	if owners = slices.Compact(owners); len(owners) > 0 {
		sg.Owners = make([]lineage.Owner, len(owners))
		for i, k := range owners {
			sg.Owners[i] = g.owner[uint32(k)]
		}
	}
	return sg
}

// impact runs Impact on g from start; the rules are graphtest's (package
// doc, "Impact").
func (g *graph) impact(sc *scratch, name string, start int32, depth int) *lineage.Impact {
	im := &lineage.Impact{Table: name, Depth: depth}
	inJ, seenT, impacted := &sc.j0, &sc.t0, &sc.t1
	inJ.reset(len(g.job))
	seenT.reset(len(g.tname))
	impacted.reset(len(g.tname))
	if cap(sc.hop) < len(g.job) {
		sc.hop = make([]int32, len(g.job)+len(g.job)/8)
	}
	hops := sc.hop[:len(g.job)]
	seenT.set(start)
	var order []int32 // impacted jobs, by hop
	frontier := []int32{start}
	for hop := 1; hop <= depth && len(frontier) > 0 && !im.Truncated; hop++ {
		first := len(order)
		for _, t := range frontier {
			for _, j := range g.readers[t] {
				if !inJ.has(j) {
					inJ.set(j)
					hops[j] = int32(hop)
					order = append(order, j)
				}
			}
		}
		fresh := order[first:]
		if room := lineage.MaxNodes - first; len(fresh) > room {
			firstN(fresh, room, g.cmpJob)
			for _, j := range fresh[room:] {
				inJ.unset(j)
			}
			order = order[:first+room]
			fresh = order[first:]
			im.Truncated = true
		}
		if hop == depth || len(fresh) == 0 {
			break
		}
		var next []int32
		for _, j := range fresh {
			for _, t := range g.writes[j] {
				if !seenT.has(t) {
					seenT.set(t)
					next = append(next, t)
				}
			}
		}
		frontier = next
	}
	if len(order) == 0 {
		return im
	}
	// The impacted tables: the start and everything an impacted job writes.
	impacted.set(start)
	ntables, nwrites, nreads := 0, 0, 0
	for _, j := range order {
		for _, t := range g.writes[j] {
			if !impacted.has(t) {
				impacted.set(t)
				ntables++
			}
		}
		nwrites += len(g.writes[j])
		nreads += len(g.reads[j])
	}
	im.Jobs, im.Tables = len(order), ntables
	// Group the jobs by owner (in order of first appearance), then sort
	// them by owner group, hop and id, so that each owner's jobs are one
	// run of the answer's backing array, in the order graphtest requires.
	if len(sc.group) <= len(g.owner) {
		sc.group = make([]int32, len(g.owner)+1+len(g.owner)/8)
	}
	group := sc.group // owner position + 1 → group + 1
	var gown []int32  // group → owner position + 1
	// keys: group<<38 | hop<<32 | rank when every job is ranked (the job
	// is then jbyrk[rank]), else group<<38 | hop<<32 | position in order,
	// sorted by id within a hop after.
	keys := make([]uint64, len(order))
	ranked := true
	for i, j := range order {
		o := g.jowner[j] + 1
		k := group[o] - 1
		if k < 0 {
			k = int32(len(im.Owners))
			group[o] = k + 1
			gown = append(gown, o)
			var owner lineage.Owner
			if o > 0 {
				owner = g.owner[o-1]
			}
			im.Owners = append(im.Owners, lineage.OwnerImpact{Owner: owner, Hops: int(hops[j])})
		}
		im.Owners[k].Hops = min(im.Owners[k].Hops, int(hops[j]))
		r := g.jrank[j]
		ranked = ranked && r >= 0
		keys[i] = uint64(k)<<38 | uint64(hops[j])<<32 | uint64(uint32(r))
	}
	jobOf := func(key uint64) int32 { return g.jbyrk[uint32(key)] }
	if ranked {
		slices.Sort(keys)
	} else {
		for i, j := range order {
			keys[i] = keys[i]&^(1<<32-1) | uint64(j)
		}
		slices.SortFunc(keys, func(a, b uint64) int {
			return cmp.Or(cmp.Compare(a>>32, b>>32), g.cmpJob(int32(uint32(a)), int32(uint32(b))))
		})
		jobOf = func(key uint64) int32 { return int32(uint32(key)) }
	}
	// One backing array for every job's lists.
	names := make([]string, 0, nreads+nwrites)
	jobs := make([]lineage.ImpactedJob, len(order))
	for n, key := range keys {
		j := jobOf(key)
		ij := &jobs[n]
		ij.Job, ij.Hops = g.job[j], int(hops[j])
		s := len(names)
		for _, t := range g.reads[j] {
			if impacted.has(t) {
				names = append(names, g.tname[t])
			}
		}
		if len(names) > s {
			ij.Reads = names[s:len(names):len(names)]
		}
		s = len(names)
		for _, t := range g.writes[j] {
			names = append(names, g.tname[t])
		}
		if len(names) > s {
			ij.Writes = names[s:len(names):len(names)]
		}
	}
	for s := 0; s < len(jobs); {
		k := keys[s] >> 38
		e := s + 1
		for e < len(jobs) && keys[e]>>38 == k {
			e++
		}
		im.Owners[k].Jobs = jobs[s:e:e]
		s = e
	}
	// Owners by hops, then handle (the unowned group, handle "", first):
	// by integer keys hops<<48 | (rank+1)<<16 | group while groups fit in
	// 16 bits (hops are at most lineage.MaxDepth), else by comparing.
	for _, o := range gown {
		group[o] = 0
	}
	if len(gown) <= 1<<16 {
		keys := make([]uint64, len(gown))
		for k, o := range gown {
			r := uint64(0)
			if o > 0 {
				r = uint64(g.orank[o-1]) + 1
			}
			keys[k] = uint64(im.Owners[k].Hops)<<48 | r<<16 | uint64(k)
		}
		slices.Sort(keys)
		sorted := make([]lineage.OwnerImpact, len(im.Owners))
		for i, key := range keys {
			sorted[i] = im.Owners[key&0xffff]
		}
		im.Owners = sorted
	} else {
		slices.SortFunc(im.Owners, func(a, b lineage.OwnerImpact) int {
			return cmp.Or(cmp.Compare(a.Hops, b.Hops), strings.Compare(a.Owner.Handle, b.Owner.Handle))
		})
	}
	return im
}

// firstN moves the n smallest elements of xs by cmp (distinct elements) to
// its front, in no particular order, and returns them.
func firstN(xs []int32, n int, cmp func(a, b int32) int) []int32 {
	if n <= 0 {
		return xs[:0]
	}
	if len(xs) <= 2*n+64 {
		slices.SortFunc(xs, cmp)
		return xs[:n]
	}
	lo, hi := 0, len(xs) // the n-th smallest lies in xs[lo:hi]
	for hi-lo > 64 {
		// Median of three as the pivot, moved to the end.
		a, b, c := lo, lo+(hi-lo)/2, hi-1
		if cmp(xs[b], xs[a]) < 0 {
			a, b = b, a
		}
		if cmp(xs[c], xs[b]) < 0 {
			b = c
			if cmp(xs[b], xs[a]) < 0 {
				b = a
			}
		}
		xs[b], xs[hi-1] = xs[hi-1], xs[b]
		pivot := xs[hi-1]
		p := lo
		for i := lo; i < hi-1; i++ {
			if cmp(xs[i], pivot) < 0 {
				xs[i], xs[p] = xs[p], xs[i]
				p++
			}
		}
		xs[p], xs[hi-1] = xs[hi-1], xs[p]
		// xs[lo:p] < pivot = xs[p] < xs[p+1:hi]
		switch {
		case p == n || p+1 == n:
			return xs[:n]
		case p > n:
			hi = p
		default:
			lo = p + 1
		}
	}
	slices.SortFunc(xs[lo:hi], cmp)
	return xs[:n]
}

// sortBy sorts nodes by rank, reading each rank once, or by cmp when one of
// them is not ranked.
func sortBy(xs []int32, rank []int32, cmp func(a, b int32) int) {
	keys := make([]uint64, len(xs))
	for i, x := range xs {
		r := rank[x]
		if r < 0 {
			slices.SortFunc(xs, cmp)
			return
		}
		keys[i] = uint64(r)<<32 | uint64(uint32(x))
	}
	slices.Sort(keys)
	for i, k := range keys {
		xs[i] = int32(uint32(k))
	}
}
