package index

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lineagehq/lineage"
)

// graph is the lineage graph in memory. Tables and jobs are interned as
// int32 positions; adjacency is one []int32 per node and direction, which an
// update replaces or edits in place (no overlay to merge at query time).
// A job's reads and writes are kept sorted by table name, so a walk never
// sorts them. Ranks order nodes by name with integer compares; nodes added
// since the last ranking have rank -1 and compare by name.
type graph struct {
	version int64

	tableID map[string]int32
	tname   []string
	trank   []int32
	readers [][]int32 // table → jobs reading it (any order)
	writers [][]int32 // table → jobs writing it (any order)

	jobID  map[string]int32
	job    []lineage.Job // ID "" marks a free slot
	reads  [][]int32     // job → tables it reads, by name
	writes [][]int32     // job → tables it writes, by name
	edges  [][]int32     // job → table<<1 | kind (0 reads, 1 writes), by name then kind
	jrank  []int32
	jbyrk  []int32 // rank → job, for the jobs ranked at the last rankJobs
	free   []int32

	ownerID map[string]int32
	owner   []lineage.Owner // by position: the details, or just the handle
	orank   []int32         // owner position → rank by handle, always current
	jowner  []int32         // job → owner position, -1 for none

	unrankedT, unrankedJ int
	unrankedO            bool
}

func newGraph() *graph {
	return &graph{tableID: map[string]int32{}, jobID: map[string]int32{}, ownerID: map[string]int32{}}
}

// build returns the graph of a full delta.
func build(d *lineage.GraphDelta) *graph {
	g := &graph{
		version: d.Version,
		tableID: make(map[string]int32, len(d.Tables)),
		tname:   make([]string, 0, len(d.Tables)),
		jobID:   make(map[string]int32, len(d.Jobs)),
		job:     make([]lineage.Job, 0, len(d.Jobs)),
		ownerID: make(map[string]int32, len(d.Owners)),
		owner:   make([]lineage.Owner, 0, len(d.Owners)),
	}
	for _, t := range d.Tables {
		g.table(t)
	}
	for _, o := range d.Owners {
		g.owner[g.ownerPos(o.Handle)] = o
	}
	g.reads = make([][]int32, 0, len(d.Jobs))
	g.writes = make([][]int32, 0, len(d.Jobs))
	g.edges = make([][]int32, 0, len(d.Jobs))
	for i := range d.Jobs {
		g.putJob(&d.Jobs[i])
	}
	g.rankTables()
	g.rankJobs()
	g.rankOwners()
	return g
}

// apply brings g up to date with a delta that is not Full.
func (g *graph) apply(d *lineage.GraphDelta) {
	for _, t := range d.Tables {
		g.table(t)
	}
	for _, o := range d.Owners {
		g.owner[g.ownerPos(o.Handle)] = o
	}
	for i := range d.Jobs {
		g.putJob(&d.Jobs[i])
	}
	for _, id := range d.Deleted {
		if j, ok := g.jobID[id]; ok {
			g.unlink(j)
			delete(g.jobID, id)
			g.job[j] = lineage.Job{}
			g.jowner[j] = -1
			g.reads[j], g.writes[j], g.edges[j] = nil, nil, nil
			g.free = append(g.free, j)
		}
	}
	g.version = d.Version
	if g.unrankedT > len(g.tname)/16+64 {
		g.rankTables()
	}
	if g.unrankedJ > len(g.job)/16+64 {
		g.rankJobs()
	}
	if g.unrankedO {
		g.rankOwners()
	}
}

// table returns the position of a table, interning it.
func (g *graph) table(name string) int32 {
	if t, ok := g.tableID[name]; ok {
		return t
	}
	t := int32(len(g.tname))
	g.tableID[name] = t
	g.tname = append(g.tname, name)
	g.trank = append(g.trank, -1)
	g.readers = append(g.readers, nil)
	g.writers = append(g.writers, nil)
	g.unrankedT++
	return t
}

// putJob stores a job, replacing its edges.
func (g *graph) putJob(ji *lineage.JobInfo) {
	j, ok := g.jobID[ji.ID]
	switch {
	case ok:
		g.unlink(j)
	case len(g.free) > 0:
		j = g.free[len(g.free)-1]
		g.free = g.free[:len(g.free)-1]
		g.jrank[j] = -1
		g.unrankedJ++
	default:
		j = int32(len(g.job))
		g.job = append(g.job, lineage.Job{})
		g.reads = append(g.reads, nil)
		g.writes = append(g.writes, nil)
		g.edges = append(g.edges, nil)
		g.jowner = append(g.jowner, -1)
		g.jrank = append(g.jrank, -1)
		g.unrankedJ++
	}
	g.jobID[ji.ID] = j
	g.job[j] = ji.Job
	g.jowner[j] = -1
	if h := ji.Owner; h != "" {
		g.jowner[j] = g.ownerPos(h)
	}
	g.reads[j] = g.tableList(ji.Reads)
	g.writes[j] = g.tableList(ji.Writes)
	g.edges[j] = g.mergeEdges(g.reads[j], g.writes[j])
	for _, t := range g.reads[j] {
		g.readers[t] = append(g.readers[t], j)
	}
	for _, t := range g.writes[j] {
		g.writers[t] = append(g.writers[t], j)
	}
}

// ownerPos returns the position of an owner, interning it with just its
// handle.
func (g *graph) ownerPos(handle string) int32 {
	if o, ok := g.ownerID[handle]; ok {
		return o
	}
	o := int32(len(g.owner))
	g.ownerID[handle] = o
	g.owner = append(g.owner, lineage.Owner{Handle: handle})
	g.orank = append(g.orank, -1)
	g.unrankedO = true
	return o
}

// tableList interns names and returns them sorted by name, without repeats.
func (g *graph) tableList(names []string) []int32 {
	if len(names) == 0 {
		return nil
	}
	out := make([]int32, 0, len(names))
	for _, n := range names {
		out = append(out, g.table(n))
	}
	slices.SortFunc(out, func(a, b int32) int { return strings.Compare(g.tname[a], g.tname[b]) })
	return slices.Compact(out)
}

// mergeEdges returns a job's edges, reads and writes each sorted by name,
// as one list sorted by table name, then kind (READS before WRITES).
func (g *graph) mergeEdges(r, w []int32) []int32 {
	if len(r)+len(w) == 0 {
		return nil
	}
	out := make([]int32, 0, len(r)+len(w))
	for len(r) > 0 || len(w) > 0 {
		if len(w) == 0 || len(r) > 0 && strings.Compare(g.tname[r[0]], g.tname[w[0]]) <= 0 {
			out = append(out, r[0]<<1)
			r = r[1:]
		} else {
			out = append(out, w[0]<<1|1)
			w = w[1:]
		}
	}
	return out
}

// unlink removes job j from the adjacency lists of its tables.
func (g *graph) unlink(j int32) {
	for _, t := range g.reads[j] {
		g.readers[t] = remove(g.readers[t], j)
	}
	for _, t := range g.writes[j] {
		g.writers[t] = remove(g.writers[t], j)
	}
}

func remove(list []int32, j int32) []int32 {
	if i := slices.Index(list, j); i >= 0 {
		last := len(list) - 1
		list[i] = list[last]
		return list[:last]
	}
	return list
}

func (g *graph) rankTables() {
	g.trank, _ = rank(len(g.tname), func(a, b int32) int { return strings.Compare(g.tname[a], g.tname[b]) }, g.trank)
	g.unrankedT = 0
}

func (g *graph) rankJobs() {
	g.jrank, g.jbyrk = rank(len(g.job), func(a, b int32) int { return strings.Compare(g.job[a].ID, g.job[b].ID) }, g.jrank)
	g.unrankedJ = 0
}

// rankOwners ranks every owner: there are few, and walks sort them by rank
// alone.
func (g *graph) rankOwners() {
	g.orank, _ = rank(len(g.owner), func(a, b int32) int { return strings.Compare(g.owner[a].Handle, g.owner[b].Handle) }, g.orank)
	g.unrankedO = false
}

// rank returns for each of n nodes its position in the order of cmp, and
// the nodes in that order.
func rank(n int, cmp func(a, b int32) int, into []int32) (ranks, order []int32) {
	order = make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, cmp)
	into = slices.Grow(into[:0], n)[:n]
	for r, i := range order {
		into[i] = int32(r)
	}
	return into, order
}

// cmpTable and cmpJob order tables by name and jobs by id.
func (g *graph) cmpTable(a, b int32) int {
	if ra, rb := g.trank[a], g.trank[b]; ra >= 0 && rb >= 0 {
		return cmp.Compare(ra, rb)
	}
	return strings.Compare(g.tname[a], g.tname[b])
}

func (g *graph) cmpJob(a, b int32) int {
	if ra, rb := g.jrank[a], g.jrank[b]; ra >= 0 && rb >= 0 {
		return cmp.Compare(ra, rb)
	}
	return strings.Compare(g.job[a].ID, g.job[b].ID)
}

// marks is a set of node positions: a bitset, small enough to stay in the
// processor's cache (37.5 KB for 300,000 jobs), which a reset clears by
// zeroing only the words set since the last one.
type marks struct {
	bits  []uint64
	dirty []int32 // words set since the last reset (some twice)
}

func (m *marks) reset(n int) {
	words := (n + 63) >> 6
	switch {
	case len(m.bits) < words:
		m.bits = make([]uint64, words+words/8)
	case len(m.dirty) > len(m.bits)/8:
		clear(m.bits)
	default:
		for _, w := range m.dirty {
			m.bits[w] = 0
		}
	}
	m.dirty = m.dirty[:0]
}

func (m *marks) has(i int32) bool { return m.bits[i>>6]&(1<<(uint32(i)&63)) != 0 }

func (m *marks) set(i int32) {
	w := i >> 6
	if m.bits[w] == 0 {
		m.dirty = append(m.dirty, w)
	}
	m.bits[w] |= 1 << (uint32(i) & 63)
}

func (m *marks) unset(i int32) { m.bits[i>>6] &^= 1 << (uint32(i) & 63) }

// scratch is the per-query working memory, pooled.
type scratch struct {
	t0, t1, j0, j1 marks
	hop            []int32
	group          []int32 // owner position + 1 → owner group + 1 in impact, 0 when none yet
}
