package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lineagehq/lineage"
)

// Queries of a walk. Each takes a JSON array of ids; the IN over json_each
// probes edges' primary key or its (tbl, kind, job) index once per id. Each
// returns one row of JSON arrays, one per column, rather than a row per
// node: a walk may touch a hundred thousand nodes, and a row costs far more
// through database/sql than an array element costs to decode.
var (
	qJobsOfTables = hot(`SELECT json_group_array(DISTINCT job) FROM edges WHERE kind = ? AND tbl IN (SELECT value FROM json_each(?))`)
	qTablesOfJobs = hot(`SELECT json_group_array(DISTINCT tbl) FROM edges WHERE kind = ? AND job IN (SELECT value FROM json_each(?))`)
	qTableNames   = hot(`SELECT json_group_array(id), json_group_array(name) FROM tables WHERE id IN (SELECT value FROM json_each(?))`)
	// qJobRows returns jobs with their edges as "kind:tbl,kind:tbl".
	qJobRows = hot(`SELECT json_group_array(j.id), json_group_array(j.name), json_group_array(j.source),
		json_group_array(j.path), json_group_array(j.dialect), json_group_array(j.hash),
		json_group_array(COALESCE(j.owner, '')),
		json_group_array((SELECT group_concat(e.kind || ':' || e.tbl) FROM edges e WHERE e.job = j.id))
		FROM jobs j WHERE j.id IN (SELECT value FROM json_each(?))`)
	qTableID = hot(`SELECT id FROM tables WHERE name = ?`)
	// qFirstJobs and qFirstTables pick the first ?2 of the ids ?1 by name,
	// where a node cap cuts.
	qFirstJobs   = hot(`SELECT json_group_array(id) FROM (SELECT id FROM jobs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name LIMIT ?)`)
	qFirstTables = hot(`SELECT json_group_array(id) FROM (SELECT id FROM tables WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name LIMIT ?)`)
)

// stringList returns names as a JSON array for json_each.
func stringList(names []string) string {
	b, _ := json.Marshal(names) // cannot fail on strings
	return string(b)
}

// queryArrays runs a query returning one row of JSON arrays and decodes
// column i into dest[i] (pointers to slices).
func queryArrays(ctx context.Context, tx queryer, q string, args []any, dest ...any) error {
	cols := make([]any, len(dest))
	raw := make([]sql.RawBytes, len(dest))
	for i := range raw {
		cols[i] = &raw[i]
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("query returned no row: %s", q)
	}
	if err := rows.Scan(cols...); err != nil {
		return err
	}
	for i, d := range dest {
		if err := json.Unmarshal(raw[i], d); err != nil {
			return fmt.Errorf("decode column %d: %w", i, err)
		}
	}
	return rows.Close()
}

// queryIDs runs a query returning one JSON array of ids.
func queryIDs(ctx context.Context, tx queryer, q string, args ...any) ([]int64, error) {
	var ids []int64
	err := queryArrays(ctx, tx, q, args, &ids)
	return ids, err
}

// queryNames runs a query returning arrays of ids and names.
func queryNames(ctx context.Context, tx queryer, q string, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rowIDs []int64
	var names []string
	if err := queryArrays(ctx, tx, q, []any{idList(ids)}, &rowIDs, &names); err != nil {
		return nil, err
	}
	if len(rowIDs) != len(names) {
		return nil, fmt.Errorf("%d ids but %d names", len(rowIDs), len(names))
	}
	for i, id := range rowIDs {
		out[id] = names[i]
	}
	return out, nil
}

// tableID returns the id of a table, or ENOTFOUND.
func tableID(ctx context.Context, tx queryer, name string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, qTableID, name).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", name)
	}
	return id, err
}

// walker runs the BFS of one Walk: the nodes returned so far, the cap, and
// the read transaction.
type walker struct {
	ctx       context.Context
	tx        queryer
	max       int
	tables    map[int64]bool
	jobs      map[int64]bool
	truncated bool
}

// room returns how many nodes still fit.
func (w *walker) room() int { return w.max - len(w.tables) - len(w.jobs) }

// add adds the nodes in ids that are not returned yet to set. When they do
// not all fit it adds those that come first by name (firstByName is
// qFirstJobs or qFirstTables), sets truncated and returns false.
func (w *walker) add(set map[int64]bool, ids []int64, firstByName string) (bool, error) {
	var fresh []int64
	for _, id := range ids {
		if !set[id] {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) <= w.room() {
		for _, id := range fresh {
			set[id] = true
		}
		return true, nil
	}
	first, err := queryIDs(w.ctx, w.tx, firstByName, idList(fresh), w.room())
	if err != nil {
		return false, err
	}
	for _, id := range first {
		set[id] = true
	}
	w.truncated = true
	return false, nil
}

// walk runs one direction from start to depth hops. Its visited sets are its
// own, so that the second walk of Both goes through nodes the first returned.
func (w *walker) walk(start int64, dir lineage.Direction, depth int) error {
	jobKind, tableKind := kindReads, kindWrites // downstream: readers, then what they write
	if dir == lineage.Upstream {
		jobKind, tableKind = kindWrites, kindReads
	}
	seenT := map[int64]bool{start: true}
	seenJ := map[int64]bool{}
	frontier := []int64{start}
	for hop := 1; hop <= depth && len(frontier) > 0; hop++ {
		jobs, err := queryIDs(w.ctx, w.tx, qJobsOfTables, jobKind, idList(frontier))
		if err != nil {
			return err
		}
		jobs = unseen(seenJ, jobs)
		if len(jobs) == 0 {
			return nil
		}
		if ok, err := w.add(w.jobs, jobs, qFirstJobs); !ok || err != nil {
			return err
		}
		tables, err := queryIDs(w.ctx, w.tx, qTablesOfJobs, tableKind, idList(jobs))
		if err != nil {
			return err
		}
		frontier = unseen(seenT, tables)
		if ok, err := w.add(w.tables, frontier, qFirstTables); !ok || err != nil {
			return err
		}
	}
	return nil
}

// unseen returns the ids not in seen, sorted, and marks them seen.
func unseen(seen map[int64]bool, ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// checkWalk validates a walk filter.
func checkWalk(f lineage.WalkFilter) (lineage.WalkFilter, error) {
	var err error
	if f.Table, err = lineage.NormalizeName("table", f.Table, true); err != nil {
		return f, err
	}
	if !f.Direction.Valid() {
		return f, lineage.FieldErrorf("direction", "must be UPSTREAM, DOWNSTREAM or BOTH, got %q", f.Direction)
	}
	if f.Depth, err = lineage.CheckDepth(f.Depth); err != nil {
		return f, err
	}
	if f.MaxNodes, err = lineage.CheckLimit("maxNodes", f.MaxNodes, lineage.DefaultNodes, lineage.MaxNodes); err != nil {
		return f, err
	}
	return f, nil
}

// Walk returns the subgraph reachable from a table; see graph/graphtest for
// the order in which the node cap cuts.
func (s *Store) Walk(ctx context.Context, f lineage.WalkFilter) (*lineage.Subgraph, error) {
	f, err := checkWalk(f)
	if err != nil {
		return nil, err
	}
	var g *lineage.Subgraph
	err = s.read(ctx, "walk", func(tx queryer) error {
		start, err := tableID(ctx, tx, f.Table)
		if err != nil {
			return err
		}
		w := &walker{ctx: ctx, tx: tx, max: f.MaxNodes, tables: map[int64]bool{start: true}, jobs: map[int64]bool{}}
		for _, d := range []lineage.Direction{lineage.Downstream, lineage.Upstream} {
			if (f.Direction == d || f.Direction == lineage.Both) && !w.truncated {
				if err := w.walk(start, d, f.Depth); err != nil {
					return err
				}
			}
		}
		g, err = w.subgraph()
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// subgraph loads the returned nodes, their induced edges and the owners.
func (w *walker) subgraph() (*lineage.Subgraph, error) {
	g := &lineage.Subgraph{Truncated: w.truncated}
	tableIDs := slices.Collect(maps.Keys(w.tables))
	jobIDs := slices.Collect(maps.Keys(w.jobs))
	tnames, err := queryNames(w.ctx, w.tx, qTableNames, tableIDs)
	if err != nil {
		return nil, err
	}
	for _, n := range tnames {
		g.Tables = append(g.Tables, lineage.Table{Name: n})
	}
	slices.SortFunc(g.Tables, func(a, b lineage.Table) int { return strings.Compare(a.Name, b.Name) })
	if len(jobIDs) == 0 {
		return g, nil
	}
	jobs, edges, err := loadJobs(w.ctx, w.tx, jobIDs)
	if err != nil {
		return nil, err
	}
	handles := map[string]bool{}
	for _, j := range jobs {
		g.Jobs = append(g.Jobs, j)
		if j.Owner != "" {
			handles[j.Owner] = true
		}
	}
	slices.SortFunc(g.Jobs, func(a, b lineage.Job) int { return strings.Compare(a.ID, b.ID) })
	owners, err := loadOwners(w.ctx, w.tx, slices.Sorted(maps.Keys(handles)))
	if err != nil {
		return nil, err
	}
	for _, h := range slices.Sorted(maps.Keys(handles)) {
		g.Owners = append(g.Owners, owners[h])
	}
	for _, e := range edges {
		if w.tables[e.tbl] {
			g.Edges = append(g.Edges, lineage.Edge{Job: jobs[e.job].ID, Table: tnames[e.tbl], Kind: edgeKind(e.kind)})
		}
	}
	slices.SortFunc(g.Edges, compareEdges)
	return g, nil
}

func edgeKind(k int) lineage.EdgeKind {
	if k == kindWrites {
		return lineage.Writes
	}
	return lineage.Reads
}

func compareEdges(a, b lineage.Edge) int {
	return cmp.Or(strings.Compare(a.Job, b.Job), strings.Compare(a.Table, b.Table), strings.Compare(string(a.Kind), string(b.Kind)))
}

// loadJobs returns the jobs with the given row ids, and all their edges.
func loadJobs(ctx context.Context, tx queryer, ids []int64) (map[int64]lineage.Job, []edgeRow, error) {
	var rowIDs []int64
	var names, sources, paths, dialects, hashes, owners, edgeLists []string
	if err := queryArrays(ctx, tx, qJobRows, []any{idList(ids)},
		&rowIDs, &names, &sources, &paths, &dialects, &hashes, &owners, &edgeLists); err != nil {
		return nil, nil, err
	}
	for _, col := range [][]string{names, sources, paths, dialects, hashes, owners, edgeLists} {
		if len(col) != len(rowIDs) {
			return nil, nil, fmt.Errorf("job columns of different lengths")
		}
	}
	out := make(map[int64]lineage.Job, len(rowIDs))
	var edges []edgeRow
	for i, id := range rowIDs {
		out[id] = lineage.Job{ID: names[i], Source: sources[i], Path: paths[i], Dialect: dialects[i], Hash: hashes[i], Owner: owners[i]}
		for l := edgeLists[i]; l != ""; {
			var item string
			item, l, _ = strings.Cut(l, ",")
			k, t, ok := strings.Cut(item, ":")
			kind, err1 := strconv.Atoi(k)
			tbl, err2 := strconv.ParseInt(t, 10, 64)
			if !ok || err1 != nil || err2 != nil {
				return nil, nil, fmt.Errorf("job %d: bad edge %q", id, item)
			}
			edges = append(edges, edgeRow{job: id, kind: kind, tbl: tbl})
		}
	}
	return out, edges, nil
}

type edgeRow struct {
	job, tbl int64
	kind     int
}

// Impact returns the owners downstream of a table, by hop; see
// graph/graphtest for the exact rules.
func (s *Store) Impact(ctx context.Context, table string, depth int) (*lineage.Impact, error) {
	table, err := lineage.NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	if depth, err = lineage.CheckDepth(depth); err != nil {
		return nil, err
	}
	im := &lineage.Impact{Table: table, Depth: depth}
	err = s.read(ctx, "impact", func(tx queryer) error {
		start, err := tableID(ctx, tx, table)
		if err != nil {
			return err
		}
		hops := map[int64]int{} // job → hop
		seenT := map[int64]bool{start: true}
		frontier := []int64{start}
		for hop := 1; hop <= depth && len(frontier) > 0 && !im.Truncated; hop++ {
			ids, err := queryIDs(ctx, tx, qJobsOfTables, kindReads, idList(frontier))
			if err != nil {
				return err
			}
			var fresh []int64
			for _, id := range ids {
				if _, ok := hops[id]; !ok {
					fresh = append(fresh, id)
				}
			}
			if room := lineage.MaxNodes - len(hops); len(fresh) > room {
				if fresh, err = queryIDs(ctx, tx, qFirstJobs, idList(fresh), room); err != nil {
					return err
				}
				im.Truncated = true
			}
			for _, id := range fresh {
				hops[id] = hop
			}
			if hop == depth || len(fresh) == 0 {
				break
			}
			tables, err := queryIDs(ctx, tx, qTablesOfJobs, kindWrites, idList(fresh))
			if err != nil {
				return err
			}
			frontier = unseen(seenT, tables)
		}
		return impactResult(ctx, tx, im, start, hops)
	})
	if err != nil {
		return nil, err
	}
	return im, nil
}

// impactResult fills im from the hop of each impacted job.
func impactResult(ctx context.Context, tx queryer, im *lineage.Impact, start int64, hops map[int64]int) error {
	if len(hops) == 0 {
		return nil
	}
	ids := slices.Collect(maps.Keys(hops))
	jobs, edges, err := loadJobs(ctx, tx, ids)
	if err != nil {
		return err
	}
	// The impacted tables: the start and everything an impacted job writes.
	impacted := map[int64]bool{start: true}
	for _, e := range edges {
		if e.kind == kindWrites {
			impacted[e.tbl] = true
		}
	}
	var tids []int64
	for _, e := range edges {
		if impacted[e.tbl] || e.kind == kindWrites {
			tids = append(tids, e.tbl)
		}
	}
	names, err := queryNames(ctx, tx, qTableNames, tids)
	if err != nil {
		return err
	}
	byJob := make(map[int64]*lineage.ImpactedJob, len(ids))
	for _, id := range ids {
		byJob[id] = &lineage.ImpactedJob{Job: jobs[id], Hops: hops[id]}
	}
	for _, e := range edges {
		ij := byJob[e.job]
		switch {
		case e.kind == kindWrites:
			ij.Writes = append(ij.Writes, names[e.tbl])
		case impacted[e.tbl]:
			ij.Reads = append(ij.Reads, names[e.tbl])
		}
	}
	im.Jobs = len(ids)
	im.Tables = len(impacted) - 1

	groups := map[string]*lineage.OwnerImpact{}
	for _, id := range ids {
		ij := byJob[id]
		slices.Sort(ij.Reads)
		slices.Sort(ij.Writes)
		g := groups[ij.Job.Owner]
		if g == nil {
			g = &lineage.OwnerImpact{Owner: lineage.Owner{Handle: ij.Job.Owner}, Hops: ij.Hops}
			groups[ij.Job.Owner] = g
		}
		g.Hops = min(g.Hops, ij.Hops)
		g.Jobs = append(g.Jobs, *ij)
	}
	var handles []string
	for h := range groups {
		if h != "" {
			handles = append(handles, h)
		}
	}
	owners, err := loadOwners(ctx, tx, handles)
	if err != nil {
		return err
	}
	for h, g := range groups {
		if o, ok := owners[h]; ok {
			g.Owner = o
		}
		slices.SortFunc(g.Jobs, func(a, b lineage.ImpactedJob) int {
			return cmp.Or(cmp.Compare(a.Hops, b.Hops), strings.Compare(a.Job.ID, b.Job.ID))
		})
		im.Owners = append(im.Owners, *g)
	}
	slices.SortFunc(im.Owners, func(a, b lineage.OwnerImpact) int {
		return cmp.Or(cmp.Compare(a.Hops, b.Hops), strings.Compare(a.Owner.Handle, b.Owner.Handle))
	})
	return nil
}

// kindOrder is the order of kinds among search hits of equal rank and name;
// a hit's kind is stored as its index here.
var kindOrder = []lineage.NodeKind{lineage.KindTable, lineage.KindJob, lineage.KindOwner}

// searchSQL returns the search query over the kinds in mask (bit i for
// kindOrder[i]): rank 0 for names starting with the query, 1 for the others,
// listed by rank, name and kind after a cursor position. With indexed set
// (queries of 3 bytes or more), the names come from the trigram index, which
// takes only a LIKE without ESCAPE (:like): there a "_" or "%" of the query
// acts as a wildcard, so :like finds a superset and the exact LIKE on
// :infix keeps the true hits. Otherwise every name is scanned.
func searchSQL(mask int, indexed bool) string {
	var from string
	if indexed {
		var kinds []string
		for i := range kindOrder {
			if mask&(1<<i) != 0 {
				kinds = append(kinds, strconv.Itoa(i))
			}
		}
		from = `SELECT name, kind FROM names WHERE name LIKE :like AND name LIKE :infix ESCAPE '\' AND kind IN (` +
			strings.Join(kinds, ", ") + `)`
	} else {
		var parts []string
		for i, src := range []struct{ col, from string }{{"name", "tables"}, {"name", "jobs"}, {"handle", "owners"}} {
			if mask&(1<<i) != 0 {
				parts = append(parts, fmt.Sprintf(`SELECT %[1]s AS name, %[3]d AS kind FROM %[2]s WHERE %[1]s LIKE :infix ESCAPE '\'`,
					src.col, src.from, i))
			}
		}
		from = strings.Join(parts, " UNION ALL ")
	}
	// rank: 0 the whole name, 1 its last segment (after '.', '/' or ':'),
	// 2 a prefix, 3 anywhere else. LIKE without wildcards is a
	// case-insensitive (ASCII) equality.
	return `SELECT rank, name, kind FROM (
			SELECT CASE WHEN name LIKE :exact ESCAPE '\' THEN 0
				WHEN name LIKE :segdot ESCAPE '\' OR name LIKE :segslash ESCAPE '\' OR name LIKE :segcolon ESCAPE '\' THEN 1
				WHEN name LIKE :prefix ESCAPE '\' THEN 2 ELSE 3 END AS rank, name, kind FROM (` + from + `))
		WHERE (rank, name, kind) > (:rank, :name, :kind) ORDER BY rank, name, kind LIMIT :limit`
}

func init() {
	for mask := 1; mask < 1<<len(kindOrder); mask++ {
		hot(searchSQL(mask, true))
		hot(searchSQL(mask, false))
	}
}

// Search finds tables, jobs and owners whose name contains the query: the
// whole name first, then the last segment, then prefixes, then the rest.
func (s *Store) Search(ctx context.Context, f lineage.SearchFilter) (*lineage.SearchPage, error) {
	q, first, kinds, err := f.Check()
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(q)
	// The position after which to list: rank (0 exact, 1 last segment, 2
	// prefix, 3 other), name, kind.
	afterRank, afterName, afterKind := -1, "", -1
	if f.After != "" {
		pos, err := decodeCursor('s', f.After)
		if err != nil {
			return nil, err
		}
		if len(pos) < 4 || pos[0] < '0' || pos[0] > '3' || pos[1] != ':' || pos[2] < '0' || pos[2] > '2' || pos[3] != ':' {
			return nil, lineage.FieldErrorf("after", "is not a cursor of this listing; pass the endCursor of the previous page")
		}
		afterRank, afterKind, afterName = int(pos[0]-'0'), int(pos[2]-'0'), pos[4:]
	}
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	mask := 0
	for i, k := range kindOrder {
		if kinds[k] {
			mask |= 1 << i
		}
	}
	// The trigram index needs 3 bytes.
	indexed := len(q) >= 3
	query := searchSQL(mask, indexed)
	p := &lineage.SearchPage{}
	var last [3]any
	err = s.read(ctx, "search", func(tx queryer) error {
		rows, err := tx.QueryContext(ctx, query,
			sql.Named("exact", esc), sql.Named("segdot", "%."+esc), sql.Named("segslash", "%/"+esc), sql.Named("segcolon", "%:"+esc),
			sql.Named("prefix", esc+"%"), sql.Named("infix", "%"+esc+"%"), sql.Named("like", "%"+q+"%"),
			sql.Named("rank", afterRank), sql.Named("name", afterName), sql.Named("kind", afterKind), sql.Named("limit", first+1))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rank, kind int
			var name string
			if err := rows.Scan(&rank, &name, &kind); err != nil {
				return err
			}
			if len(p.Hits) == first {
				p.HasNext = true
				break
			}
			p.Hits = append(p.Hits, lineage.SearchHit{Kind: kindOrder[kind], Name: name})
			last = [3]any{rank, kind, name}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if len(p.Hits) > 0 {
		p.EndCursor = encodeCursor('s', fmt.Sprintf("%d:%d:%s", last[0], last[1], last[2]))
	}
	return p, nil
}
