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
	free   []int32

	owners map[string]lineage.Owner

	unrankedT, unrankedJ int
}

func newGraph() *graph {
	return &graph{tableID: map[string]int32{}, jobID: map[string]int32{}, owners: map[string]lineage.Owner{}}
}

// build returns the graph of a full delta.
func build(d *lineage.GraphDelta) *graph {
	g := &graph{
		version: d.Version,
		tableID: make(map[string]int32, len(d.Tables)),
		tname:   make([]string, 0, len(d.Tables)),
		jobID:   make(map[string]int32, len(d.Jobs)),
		job:     make([]lineage.Job, 0, len(d.Jobs)),
		owners:  make(map[string]lineage.Owner, len(d.Owners)),
	}
	for _, t := range d.Tables {
		g.table(t)
	}
	for _, o := range d.Owners {
		g.owners[o.Handle] = o
	}
	g.reads = make([][]int32, 0, len(d.Jobs))
	g.writes = make([][]int32, 0, len(d.Jobs))
	g.edges = make([][]int32, 0, len(d.Jobs))
	for i := range d.Jobs {
		g.putJob(&d.Jobs[i])
	}
	g.rankTables()
	g.rankJobs()
	return g
}

// apply brings g up to date with a delta that is not Full.
func (g *graph) apply(d *lineage.GraphDelta) {
	for _, t := range d.Tables {
		g.table(t)
	}
	for _, o := range d.Owners {
		g.owners[o.Handle] = o
	}
	for i := range d.Jobs {
		g.putJob(&d.Jobs[i])
	}
	for _, id := range d.Deleted {
		if j, ok := g.jobID[id]; ok {
			g.unlink(j)
			delete(g.jobID, id)
			g.job[j] = lineage.Job{}
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
		g.jrank = append(g.jrank, -1)
		g.unrankedJ++
	}
	g.jobID[ji.ID] = j
	g.job[j] = ji.Job
	if h := ji.Owner; h != "" {
		if _, ok := g.owners[h]; !ok {
			g.owners[h] = lineage.Owner{Handle: h}
		}
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
	g.trank = rank(len(g.tname), func(a, b int32) int { return strings.Compare(g.tname[a], g.tname[b]) }, g.trank)
	g.unrankedT = 0
}

func (g *graph) rankJobs() {
	g.jrank = rank(len(g.job), func(a, b int32) int { return strings.Compare(g.job[a].ID, g.job[b].ID) }, g.jrank)
	g.unrankedJ = 0
}

// rank returns for each of n nodes its position in the order of cmp.
func rank(n int, cmp func(a, b int32) int, into []int32) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, cmp)
	into = slices.Grow(into[:0], n)[:n]
	for r, i := range order {
		into[i] = int32(r)
	}
	return into
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

// marks is a set of node positions cleared in O(1) by bumping an epoch.
type marks struct {
	epoch uint32
	m     []uint32
}

func (m *marks) reset(n int) {
	if len(m.m) < n {
		m.m = make([]uint32, n+n/8)
		m.epoch = 0
	}
	m.epoch++
	if m.epoch == 0 {
		clear(m.m)
		m.epoch = 1
	}
}

func (m *marks) has(i int32) bool { return m.m[i] == m.epoch }
func (m *marks) set(i int32)      { m.m[i] = m.epoch }
func (m *marks) unset(i int32)    { m.m[i] = 0 }

// scratch is the per-query working memory, pooled.
type scratch struct {
	t0, t1, j0, j1 marks
	hop            []int32
}
