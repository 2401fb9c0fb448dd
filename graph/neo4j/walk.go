package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
)

// Walks go breadth first, one table hop at a time, inside one read
// transaction. Doing the hops in Go rather than as one variable-length
// pattern keeps the cut of the node cap exact (each hop's new jobs in id
// order, then its new tables in name order, as graphtest requires, in Go's
// byte order, where Cypher would sort strings by UTF-16 code units), stops
// early when the cap is reached, and never expands a node twice. The
// statements below are the only traversals: fixed relationship types and
// direction, values as parameters.
const (
	// cypherJobsDown: the ids of the jobs reading the frontier tables.
	cypherJobsDown = `UNWIND $frontier AS name
MATCH (:Table {name: name})<-[:READS]-(j:Job)
RETURN DISTINCT j.id AS id`
	// cypherJobsUp: the ids of the jobs writing the frontier tables.
	cypherJobsUp = `UNWIND $frontier AS name
MATCH (:Table {name: name})<-[:WRITES]-(j:Job)
RETURN DISTINCT j.id AS id`
	// cypherNextDown: the tables the given jobs write.
	cypherNextDown = `UNWIND $ids AS id
MATCH (:Job {id: id})-[:WRITES]->(t:Table)
RETURN DISTINCT t.name AS name`
	// cypherNextUp: the tables the given jobs read.
	cypherNextUp = `UNWIND $ids AS id
MATCH (:Job {id: id})-[:READS]->(t:Table)
RETURN DISTINCT t.name AS name`
	// cypherImpactHop: the jobs reading the frontier tables, with all an
	// impact reports of them, so an impact needs no second pass.
	cypherImpactHop = `UNWIND $frontier AS name
MATCH (:Table {name: name})<-[:READS]-(j:Job)
WITH DISTINCT j
RETURN j.id AS id, j.source AS source, j.path AS path, j.dialect AS dialect, j.hash AS hash,
  head([(o:Owner)-[:OWNS]->(j) | o.handle]) AS owner,
  [(j)-[:READS]->(t:Table) | t.name] AS reads, [(j)-[:WRITES]->(t:Table) | t.name] AS writes`
	// cypherJobs: jobs with owner details and all their edges.
	cypherJobs = `UNWIND $ids AS id
MATCH (j:Job {id: id})
OPTIONAL MATCH (o:Owner)-[:OWNS]->(j)
RETURN ` + jobReturn + `, o.email AS email, o.jiraUser AS jiraUser, o.team AS team,
  [(j)-[:READS]->(t:Table) | t.name] AS reads, [(j)-[:WRITES]->(t:Table) | t.name] AS writes`
	// cypherOwners: owners' details.
	cypherOwners = `UNWIND $handles AS h
MATCH (o:Owner {handle: h})
RETURN o.handle AS handle, o.email AS email, o.jiraUser AS jiraUser, o.team AS team`
)

// column returns one string column of every record of a statement.
func column(ctx context.Context, tx driver.ManagedTransaction, q, key string, params map[string]any) ([]string, error) {
	recs, err := collect(ctx, tx, q, params)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, str(r, key))
	}
	return out, nil
}

// tableExists fails with ENOTFOUND when name is not a table.
func tableExists(ctx context.Context, tx driver.ManagedTransaction, name string) error {
	recs, err := collect(ctx, tx, `MATCH (t:Table {name: $name}) RETURN t.name AS name`, map[string]any{"name": name})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", name)
	}
	return nil
}

// walkState is the result of a walk so far, shared by the downstream and
// upstream halves of a BOTH walk.
type walkState struct {
	max       int
	tables    map[string]bool
	jobs      map[string]bool
	truncated bool
}

// take adds a node to the result if it is new and fits. It returns false,
// and sets truncated, when the node does not fit.
func (w *walkState) take(set map[string]bool, name string) bool {
	if set[name] {
		return true
	}
	if len(w.tables)+len(w.jobs) >= w.max {
		w.truncated = true
		return false
	}
	set[name] = true
	return true
}

// walkDir walks from start in one direction for depth hops, adding nodes to
// w until one does not fit. It has its own seen sets, so nodes that the other
// half of a BOTH walk returned are still expanded here (but cost nothing).
// Each hop is two statements: the ids of the frontier's jobs, then the next
// tables of only those jobs that fit, so a hub table costs its readers' ids,
// not their edges.
func walkDir(ctx context.Context, tx driver.ManagedTransaction, w *walkState, dir lineage.Direction, start string, depth int) error {
	qJobs, qNext := cypherJobsDown, cypherNextDown
	if dir == lineage.Upstream {
		qJobs, qNext = cypherJobsUp, cypherNextUp
	}
	seenJobs := map[string]bool{}
	seenTables := map[string]bool{start: true}
	frontier := []string{start}
	for h := 0; h < depth && len(frontier) > 0; h++ {
		ids, err := column(ctx, tx, qJobs, "id", map[string]any{"frontier": frontier})
		if err != nil {
			return err
		}
		slices.Sort(ids)
		var took []string
		full := false
		for _, id := range ids {
			if seenJobs[id] {
				continue
			}
			seenJobs[id] = true
			if !w.take(w.jobs, id) {
				full = true
				break
			}
			took = append(took, id)
		}
		if full || len(took) == 0 {
			return nil
		}
		names, err := column(ctx, tx, qNext, "name", map[string]any{"ids": took})
		if err != nil {
			return err
		}
		slices.Sort(names)
		var next []string
		for _, t := range names {
			if seenTables[t] {
				continue
			}
			seenTables[t] = true
			if !w.take(w.tables, t) {
				return nil
			}
			next = append(next, t)
		}
		frontier = next
	}
	return nil
}

// Walk returns the subgraph reachable from a table; see graphtest's package
// doc for the exact order in which the node cap cuts.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Walk(ctx context.Context, f lineage.WalkFilter) (*lineage.Subgraph, error) {
	start, err := lineage.NormalizeName("table", f.Table, true)
	if err != nil {
		return nil, err
	}
	if !f.Direction.Valid() {
		return nil, lineage.FieldErrorf("direction", "must be UPSTREAM, DOWNSTREAM or BOTH, got %q", f.Direction)
	}
	depth, err := lineage.CheckDepth(f.Depth)
	if err != nil {
		return nil, err
	}
	maxNodes, err := lineage.CheckLimit("maxNodes", f.MaxNodes, lineage.DefaultNodes, lineage.MaxNodes)
	if err != nil {
		return nil, err
	}
	var g *lineage.Subgraph
	err = s.read(ctx, "walk from "+start, func(tx driver.ManagedTransaction) error {
		if err := tableExists(ctx, tx, start); err != nil {
			return err
		}
		w := &walkState{max: maxNodes, tables: map[string]bool{start: true}, jobs: map[string]bool{}}
		dirs := []lineage.Direction{f.Direction}
		if f.Direction == lineage.Both {
			dirs = []lineage.Direction{lineage.Downstream, lineage.Upstream}
		}
		for _, d := range dirs {
			if w.truncated {
				break
			}
			if err := walkDir(ctx, tx, w, d, start, depth); err != nil {
				return err
			}
		}
		var err error
		g, err = subgraph(ctx, tx, w)
		return err
	})
	return g, err
}

// subgraph loads the jobs, owners and induced edges of a walk's nodes.
func subgraph(ctx context.Context, tx driver.ManagedTransaction, w *walkState) (*lineage.Subgraph, error) {
	g := &lineage.Subgraph{Truncated: w.truncated}
	for t := range w.tables {
		g.Tables = append(g.Tables, lineage.Table{Name: t})
	}
	slices.SortFunc(g.Tables, func(a, b lineage.Table) int { return strings.Compare(a.Name, b.Name) })
	if len(w.jobs) == 0 {
		return g, nil
	}
	ids := make([]string, 0, len(w.jobs))
	for id := range w.jobs {
		ids = append(ids, id)
	}
	recs, err := collect(ctx, tx, cypherJobs, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	owners := map[string]lineage.Owner{}
	for _, r := range recs {
		j := jobFrom(r)
		g.Jobs = append(g.Jobs, j)
		if j.Owner != "" {
			owners[j.Owner] = ownerFrom(r, "owner")
		}
		for _, t := range strs(r, "reads") {
			if w.tables[t] {
				g.Edges = append(g.Edges, lineage.Edge{Job: j.ID, Table: t, Kind: lineage.Reads})
			}
		}
		for _, t := range strs(r, "writes") {
			if w.tables[t] {
				g.Edges = append(g.Edges, lineage.Edge{Job: j.ID, Table: t, Kind: lineage.Writes})
			}
		}
	}
	for _, o := range owners {
		g.Owners = append(g.Owners, o)
	}
	slices.SortFunc(g.Jobs, func(a, b lineage.Job) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(g.Owners, func(a, b lineage.Owner) int { return strings.Compare(a.Handle, b.Handle) })
	slices.SortFunc(g.Edges, func(a, b lineage.Edge) int {
		return cmp.Or(strings.Compare(a.Job, b.Job), strings.Compare(a.Table, b.Table), strings.Compare(string(a.Kind), string(b.Kind)))
	})
	return g, nil
}

// Impact returns the owners downstream of a table, grouped and sorted as
// graphtest's package doc describes.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Impact(ctx context.Context, table string, depth int) (*lineage.Impact, error) {
	name, err := lineage.NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	if depth, err = lineage.CheckDepth(depth); err != nil {
		return nil, err
	}
	var im *lineage.Impact
	err = s.read(ctx, "impact of "+name, func(tx driver.ManagedTransaction) error {
		if err := tableExists(ctx, tx, name); err != nil {
			return err
		}
		im = &lineage.Impact{Table: name, Depth: depth}
		type found struct {
			job           lineage.Job
			hops          int
			reads, writes []string
		}
		var jobs []found
		hops := map[string]bool{}               // job ids impacted
		impacted := map[string]bool{name: true} // tables
		frontier := []string{name}
	walk:
		for h := 1; h <= depth && len(frontier) > 0; h++ {
			recs, err := collect(ctx, tx, cypherImpactHop, map[string]any{"frontier": frontier})
			if err != nil {
				return err
			}
			hop := make([]found, 0, len(recs))
			for _, r := range recs {
				j := jobFrom(r)
				if !hops[j.ID] {
					hop = append(hop, found{job: j, hops: h, reads: strs(r, "reads"), writes: sorted(strs(r, "writes"))})
				}
			}
			slices.SortFunc(hop, func(a, b found) int { return strings.Compare(a.job.ID, b.job.ID) })
			var next []string
			for _, f := range hop {
				if len(hops) >= lineage.MaxNodes {
					im.Truncated = true
					break walk
				}
				hops[f.job.ID] = true
				jobs = append(jobs, f)
				for _, t := range f.writes {
					if !impacted[t] {
						impacted[t] = true
						next = append(next, t)
					}
				}
			}
			frontier = next
		}
		im.Jobs = len(jobs)
		im.Tables = len(impacted) - 1
		if len(jobs) == 0 {
			return nil
		}
		groups := map[string]*lineage.OwnerImpact{}
		for _, f := range jobs {
			ij := lineage.ImpactedJob{Job: f.job, Hops: f.hops, Writes: f.writes}
			for _, t := range f.reads {
				if impacted[t] {
					ij.Reads = append(ij.Reads, t)
				}
			}
			slices.Sort(ij.Reads)
			g := groups[f.job.Owner]
			if g == nil {
				g = &lineage.OwnerImpact{Owner: lineage.Owner{Handle: f.job.Owner}, Hops: ij.Hops}
				groups[f.job.Owner] = g
			}
			g.Hops = min(g.Hops, ij.Hops)
			g.Jobs = append(g.Jobs, ij)
		}
		handles := make([]string, 0, len(groups))
		for h := range groups {
			if h != "" {
				handles = append(handles, h)
			}
		}
		recs, err := collect(ctx, tx, cypherOwners, map[string]any{"handles": handles})
		if err != nil {
			return err
		}
		for _, r := range recs {
			if g := groups[str(r, "handle")]; g != nil {
				g.Owner = ownerFrom(r, "handle")
			}
		}
		for _, g := range groups {
			slices.SortFunc(g.Jobs, func(a, b lineage.ImpactedJob) int {
				return cmp.Or(cmp.Compare(a.Hops, b.Hops), strings.Compare(a.Job.ID, b.Job.ID))
			})
			im.Owners = append(im.Owners, *g)
		}
		slices.SortFunc(im.Owners, func(a, b lineage.OwnerImpact) int {
			return cmp.Or(cmp.Compare(a.Hops, b.Hops), strings.Compare(a.Owner.Handle, b.Owner.Handle))
		})
		return nil
	})
	return im, err
}

// Search statements, one per node kind, joined with UNION ALL for the kinds
// asked for. Each returns the name shown, the folded key it matched on, and a
// kind rank (TABLE, JOB, OWNER) for the sort. Text indexes serve CONTAINS.
var searchParts = map[lineage.NodeKind]string{
	lineage.KindTable: `MATCH (t:Table) WHERE t.name CONTAINS $q RETURN t.name AS name, t.name AS key, 0 AS rank`,
	lineage.KindJob:   `MATCH (j:Job) WHERE j.key CONTAINS $q RETURN j.id AS name, j.key AS key, 1 AS rank`,
	lineage.KindOwner: `MATCH (o:Owner) WHERE o.handle CONTAINS $q RETURN o.handle AS name, o.handle AS key, 2 AS rank`,
}

var kindRank = map[lineage.NodeKind]int{lineage.KindTable: 0, lineage.KindJob: 1, lineage.KindOwner: 2}
var rankKind = []lineage.NodeKind{lineage.KindTable, lineage.KindJob, lineage.KindOwner}

// Search finds tables, jobs and owners whose name contains the query: the
// whole name first, then the last segment, then prefixes, then the rest.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) Search(ctx context.Context, f lineage.SearchFilter) (*lineage.SearchPage, error) {
	q, first, kinds, err := f.Check()
	if err != nil {
		return nil, err
	}
	q = foldASCII(q)
	// The cursor names the last hit: its group (0 the whole name, 1 its last
	// segment, 2 a prefix, 3 other), kind rank and name.
	cur := struct {
		set        bool
		group, rnk int
		name       string
	}{}
	if f.After != "" {
		raw, err := decodeCursor(searchCursor, f.After)
		if err != nil {
			return nil, err
		}
		if len(raw) < 3 || raw[0] < '0' || raw[0] > '3' || raw[1] < '0' || raw[1] > '2' || raw[2] != ':' {
			return nil, lineage.FieldErrorf("after", "is not a cursor from this listing")
		}
		cur.set, cur.group, cur.rnk, cur.name = true, int(raw[0]-'0'), int(raw[1]-'0'), raw[3:]
	}
	var parts []string
	for _, k := range rankKind {
		if kinds[k] {
			parts = append(parts, searchParts[k])
		}
	}
	cypher := `CALL {
` + strings.Join(parts, "\nUNION ALL\n") + `
}
WITH name, rank, CASE WHEN key = $q THEN 0
  WHEN key ENDS WITH $segdot OR key ENDS WITH $segslash OR key ENDS WITH $segcolon THEN 1
  WHEN key STARTS WITH $q THEN 2 ELSE 3 END AS grp
WHERE NOT $cursor OR grp > $cg OR (grp = $cg AND (name > $cn OR (name = $cn AND rank > $cr)))
RETURN name, rank, grp
ORDER BY grp, name, rank
LIMIT $limit`
	params := map[string]any{
		"q": q, "segdot": "." + q, "segslash": "/" + q, "segcolon": ":" + q, "cursor": cur.set, "cg": int64(cur.group), "cn": cur.name, "cr": int64(cur.rnk),
		"limit": int64(first + 1),
	}
	type hit struct {
		lineage.SearchHit
		group, rank int
	}
	var found []hit
	err = s.read(ctx, "search", func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil {
			return err
		}
		found = found[:0]
		for _, r := range recs {
			rank := int(integer(r, "rank"))
			found = append(found, hit{
				SearchHit: lineage.SearchHit{Kind: rankKind[rank], Name: str(r, "name")},
				group:     int(integer(r, "grp")),
				rank:      rank,
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	page := &lineage.SearchPage{}
	if len(found) > first {
		found, page.HasNext = found[:first], true
	}
	for _, h := range found {
		page.Hits = append(page.Hits, h.SearchHit)
	}
	if n := len(found); n > 0 {
		last := found[n-1]
		page.EndCursor = encodeCursor(searchCursor, fmt.Sprintf("%d%d:%s", last.group, last.rank, last.Name))
	}
	return page, nil
}
