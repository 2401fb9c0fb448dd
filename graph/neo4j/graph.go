package neo4j

import (
	"context"
	"encoding/base64"
	"fmt"
	"iter"
	"slices"
	"strings"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
)

// chunk is how many rows one UNWIND statement carries. Larger batches are
// split into several statements inside the same transaction, so a batch stays
// atomic while no single statement grows without bound.
const chunk = 2000

// chunkScriptBytes bounds the script text one statement carries: job rows
// hold scripts of up to lineage.MaxScriptBytes each, so a chunk of job rows
// also ends once its scripts pass this size.
const chunkScriptBytes = 8 << 20

// putPlan is a validated PutJobs batch, flattened into UNWIND rows.
type putPlan struct {
	ids    []any // every distinct job id in the batch
	jobs   []any // one row per distinct job: its last occurrence wins
	owners []any // owner rows in batch order (details merge in that order)
	owns   []any // {owner, job}
	tables []any // distinct table names
	reads  []any // {job, table}
	writes []any // {job, table}

	columns  []any // {table, name}: distinct columns named
	colUses  []any // {job, table, name, kind, line, unresolved}
	colFlows []any // {job, st, sn, tt, tn}: source and target table and name
	colDecls []any // {job, table, name}
	seenCol  map[lineage.ColumnName]bool
}

// planPut validates jobs and builds the rows to write. Repeated jobs in one
// batch behave as if put one after the other: the last one's lineage wins,
// and every owner named along the way exists afterwards.
func planPut(jobs []lineage.JobPut) (*putPlan, error) {
	type normJob struct {
		job           lineage.Job
		reads, writes []string
		script        string
		columns       lineage.JobColumns
		watchers      []string
	}
	var (
		order  []string
		byID   = map[string]normJob{}
		owners []any
	)
	for i, jp := range jobs {
		id, err := lineage.NormalizeName(fmt.Sprintf("jobs[%d].job.id", i), jp.Job.ID, false)
		if err != nil {
			return nil, err
		}
		owner := ""
		if strings.TrimSpace(jp.Job.Owner) != "" {
			if owner, err = lineage.NormalizeName(fmt.Sprintf("jobs[%d].job.owner", i), jp.Job.Owner, true); err != nil {
				return nil, err
			}
		}
		reads, err := normalizeList(fmt.Sprintf("jobs[%d].reads", i), jp.Reads)
		if err != nil {
			return nil, err
		}
		writes, err := normalizeList(fmt.Sprintf("jobs[%d].writes", i), jp.Writes)
		if err != nil {
			return nil, err
		}
		if err := lineage.CheckScript(fmt.Sprintf("jobs[%d].script", i), jp.Script); err != nil {
			return nil, err
		}
		cols := jp.Columns
		if err := cols.Normalize(fmt.Sprintf("jobs[%d].columns", i)); err != nil {
			return nil, err
		}
		watchers, err := lineage.NormalizeWatchers(fmt.Sprintf("jobs[%d].watchers", i), owner, jp.Watchers)
		if err != nil {
			return nil, err
		}
		if owner != "" {
			row := map[string]any{"handle": owner, "email": nil, "jiraUser": nil, "team": nil}
			if h, err := lineage.NormalizeName("owner", jp.OwnerInfo.Handle, true); err == nil && h == owner {
				row["email"] = nonEmpty(jp.OwnerInfo.Email)
				row["jiraUser"] = nonEmpty(jp.OwnerInfo.JiraUser)
				row["team"] = nonEmpty(jp.OwnerInfo.Team)
			}
			owners = append(owners, row)
		}
		if _, ok := byID[id]; !ok {
			order = append(order, id)
		}
		j := jp.Job
		j.ID, j.Owner = id, owner
		byID[id] = normJob{job: j, reads: reads, writes: writes, script: jp.Script, columns: cols, watchers: watchers}
	}
	// Take locks in one order (tables, owners, jobs, each sorted by key) so
	// that concurrent batches deadlock less; the stable sort keeps the
	// batch order of one owner's details, which merge in that order.
	slices.SortStableFunc(owners, func(a, b any) int {
		return strings.Compare(a.(map[string]any)["handle"].(string), b.(map[string]any)["handle"].(string))
	})
	slices.Sort(order)
	p := &putPlan{owners: owners}
	seenTable := map[string]bool{}
	addTable := func(name string) {
		if !seenTable[name] {
			seenTable[name] = true
			p.tables = append(p.tables, name)
		}
	}
	for _, id := range order {
		nj := byID[id]
		p.ids = append(p.ids, id)
		p.jobs = append(p.jobs, map[string]any{
			"id": id, "key": foldASCII(id), "source": nj.job.Source, "path": nj.job.Path,
			"dialect": nj.job.Dialect, "hash": nj.job.Hash, "script": nonEmpty(nj.script), "watchers": strList(nj.watchers),
		})
		if nj.job.Owner != "" {
			p.owns = append(p.owns, map[string]any{"owner": nj.job.Owner, "job": id})
		}
		for _, t := range nj.reads {
			addTable(t)
			p.reads = append(p.reads, map[string]any{"job": id, "table": t})
		}
		for _, t := range nj.writes {
			addTable(t)
			p.writes = append(p.writes, map[string]any{"job": id, "table": t})
		}
		p.planColumns(id, nj.columns, addTable)
	}
	slices.SortFunc(p.columns, func(a, b any) int {
		x, y := a.(map[string]any), b.(map[string]any)
		return lineage.CompareColumns(lineage.ColumnName{Table: x["table"].(string), Column: x["name"].(string)},
			lineage.ColumnName{Table: y["table"].(string), Column: y["name"].(string)})
	})
	return p, nil
}

// planColumns adds the rows of one job's column lineage.
func (p *putPlan) planColumns(job string, c lineage.JobColumns, addTable func(string)) {
	if p.seenCol == nil {
		p.seenCol = map[lineage.ColumnName]bool{}
	}
	col := func(n lineage.ColumnName) {
		addTable(n.Table)
		if !p.seenCol[n] {
			p.seenCol[n] = true
			p.columns = append(p.columns, map[string]any{"table": n.Table, "name": n.Column})
		}
	}
	for _, r := range c.Refs {
		col(r.ColumnName)
		p.colUses = append(p.colUses, map[string]any{"job": job, "table": r.Table, "name": r.Column,
			"kind": string(r.Kind), "line": int64(r.Line), "unresolved": r.Unresolved})
	}
	for _, f := range c.Flows {
		col(f.Target)
		for _, src := range f.Sources {
			col(src)
			p.colFlows = append(p.colFlows, map[string]any{"job": job, "st": src.Table, "sn": src.Column,
				"tt": f.Target.Table, "tn": f.Target.Column})
		}
	}
	for _, d := range c.Declares {
		for _, name := range d.Columns {
			n := lineage.ColumnName{Table: d.Table, Column: name}
			col(n)
			p.colDecls = append(p.colDecls, map[string]any{"job": job, "table": n.Table, "name": n.Column})
		}
	}
}

// normalizeList normalizes table names, naming field[j] on error, and drops
// repeats.
func normalizeList(field string, names []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for j, n := range names {
		t, err := lineage.NormalizeName(fmt.Sprintf("%s[%d]", field, j), n, true)
		if err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// nonEmpty returns s, or nil for "" so that coalesce keeps the stored value.
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// foldASCII lower-cases ASCII letters only, the case folding search uses.
func foldASCII(s string) string {
	b := []byte(s)
	changed := false
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
			changed = true
		}
	}
	if !changed {
		return s
	}
	return string(b)
}

// Statements of PutJobs, run in this order in one transaction. Relationship
// types are fixed in the text; only values travel as parameters.
const (
	cypherDropEdges = `UNWIND $rows AS id
MATCH (j:Job {id: id})-[r:READS|WRITES]->(:Table)
DELETE r`
	cypherDropOwns = `UNWIND $rows AS id
MATCH (:Owner)-[r:OWNS]->(j:Job {id: id})
DELETE r`
	cypherMergeJobs = `UNWIND $rows AS row
MERGE (j:Job {id: row.id})
SET j.key = row.key, j.source = row.source, j.path = row.path, j.dialect = row.dialect, j.hash = row.hash,
    j.script = row.script, j.watchers = row.watchers`
	cypherMergeOwners = `UNWIND $rows AS row
MERGE (o:Owner {handle: row.handle})
WITH o, row
WHERE (row.email IS NOT NULL AND coalesce(o.email <> row.email, true))
   OR (row.jiraUser IS NOT NULL AND coalesce(o.jiraUser <> row.jiraUser, true))
   OR (row.team IS NOT NULL AND coalesce(o.team <> row.team, true))
SET o.email = coalesce(row.email, o.email), o.jiraUser = coalesce(row.jiraUser, o.jiraUser), o.team = coalesce(row.team, o.team)`
	cypherOwns = `UNWIND $rows AS row
MATCH (o:Owner {handle: row.owner})
MATCH (j:Job {id: row.job})
CREATE (o)-[:OWNS]->(j)`
	cypherMergeTables = `UNWIND $rows AS name
MERGE (:Table {name: name})`
	// cypherLinkCampaigns links campaigns created before their table
	// appeared in the graph.
	cypherLinkCampaigns = `UNWIND $rows AS name
MATCH (c:Campaign {table: name})
MATCH (t:Table {name: name})
MERGE (c)-[:MIGRATES]->(t)`
	cypherDropColumnEdges = `UNWIND $rows AS id
MATCH (j:Job {id: id})
OPTIONAL MATCH (j)-[r:READS_COLUMN|DECLARES]->(:Column)
DELETE r
WITH DISTINCT id
MATCH (:Column)-[d:DERIVES {job: id}]->(:Column)
DELETE d`
	cypherMergeColumns = `UNWIND $rows AS row
MATCH (t:Table {name: row.table})
MERGE (c:Column {table: row.table, name: row.name})
MERGE (t)-[:HAS_COLUMN]->(c)`
	cypherColumnUses = `UNWIND $rows AS row
MATCH (j:Job {id: row.job})
MATCH (c:Column {table: row.table, name: row.name})
CREATE (j)-[:READS_COLUMN {kind: row.kind, line: row.line, unresolved: row.unresolved}]->(c)`
	cypherColumnFlows = `UNWIND $rows AS row
MATCH (s:Column {table: row.st, name: row.sn})
MATCH (t:Column {table: row.tt, name: row.tn})
CREATE (s)-[:DERIVES {job: row.job}]->(t)`
	cypherColumnDecls = `UNWIND $rows AS row
MATCH (j:Job {id: row.job})
MATCH (c:Column {table: row.table, name: row.name})
CREATE (j)-[:DECLARES]->(c)`
	cypherReads = `UNWIND $rows AS row
MATCH (j:Job {id: row.job})
MATCH (t:Table {name: row.table})
CREATE (j)-[:READS]->(t)`
	cypherWrites = `UNWIND $rows AS row
MATCH (j:Job {id: row.job})
MATCH (t:Table {name: row.table})
CREATE (j)-[:WRITES]->(t)`
)

// PutJobs stores jobs, each replacing what it had before, in one
// transaction. Tables and owners are merged first, in a fixed order, so
// that concurrent batches take their locks in the same order and deadlock
// less; the driver retries the deadlocks that remain.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) PutJobs(ctx context.Context, jobs []lineage.JobPut) error {
	p, err := planPut(jobs)
	if err != nil {
		return err
	}
	if len(p.jobs) == 0 {
		return nil
	}
	sortedTables := slices.Clone(p.tables)
	slices.SortFunc(sortedTables, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	steps := []struct {
		q    string
		rows []any
	}{
		{cypherMergeTables, sortedTables},
		{cypherLinkCampaigns, sortedTables},
		{cypherMergeOwners, p.owners},
		{cypherMergeJobs, p.jobs},
		{cypherDropEdges, p.ids},
		{cypherDropOwns, p.ids},
		{cypherOwns, p.owns},
		{cypherReads, p.reads},
		{cypherWrites, p.writes},
		{cypherDropColumnEdges, p.ids},
		{cypherMergeColumns, p.columns},
		{cypherColumnUses, p.colUses},
		{cypherColumnFlows, p.colFlows},
		{cypherColumnDecls, p.colDecls},
	}
	var changed [3][]string // tables, jobs, owners
	for i, rows := range [][]any{p.tables, p.ids} {
		for _, r := range rows {
			changed[i] = append(changed[i], r.(string))
		}
	}
	for _, r := range p.owners {
		changed[2] = append(changed[2], r.(map[string]any)["handle"].(string))
	}
	return s.write(ctx, fmt.Sprintf("put %d jobs", len(p.jobs)), func(tx driver.ManagedTransaction) error {
		if err := bump(ctx, tx, changed[0], changed[1], changed[2]); err != nil {
			return err
		}
		for _, st := range steps {
			for rows := range chunks(st.rows) {
				if err := consume(ctx, tx, st.q, map[string]any{"rows": rows}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// chunks splits rows into runs of at most chunk rows whose scripts (job rows
// carry one) add up to at most chunkScriptBytes, or a single row when that
// row alone is larger.
func chunks(rows []any) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		start, bytes := 0, 0
		for i, r := range rows {
			n := 0
			if m, ok := r.(map[string]any); ok {
				if sc, ok := m["script"].(string); ok {
					n = len(sc)
				}
			}
			if i > start && (i-start == chunk || bytes+n > chunkScriptBytes) {
				if !yield(rows[start:i]) {
					return
				}
				start, bytes = i, 0
			}
			bytes += n
		}
		if start < len(rows) {
			yield(rows[start:])
		}
	}
}

// DeleteJob removes a job and its edges; its tables and owner stay.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) DeleteJob(ctx context.Context, id string) error {
	id, err := lineage.NormalizeName("id", id, false)
	if err != nil {
		return err
	}
	return s.write(ctx, "delete job "+id, func(tx driver.ManagedTransaction) error {
		if err := bump(ctx, tx, nil, []string{id}, nil); err != nil {
			return err
		}
		if err := consume(ctx, tx, `MATCH (:Column)-[d:DERIVES {job: $id}]->(:Column) DELETE d`, map[string]any{"id": id}); err != nil {
			return err
		}
		recs, err := collect(ctx, tx, `MATCH (j:Job {id: $id}) DETACH DELETE j RETURN 1`, map[string]any{"id": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Job %q not found.", id)
		}
		return nil
	})
}

// jobReturn is the projection every read uses for a job and its owner.
const jobReturn = `j.id AS id, j.source AS source, j.path AS path, j.dialect AS dialect, j.hash AS hash, o.handle AS owner`

// jobFrom reads the columns of jobReturn.
func jobFrom(r *driver.Record) lineage.Job {
	return lineage.Job{
		ID:      str(r, "id"),
		Source:  str(r, "source"),
		Path:    str(r, "path"),
		Dialect: str(r, "dialect"),
		Hash:    str(r, "hash"),
		Owner:   str(r, "owner"),
	}
}

// str returns a record's string column, "" when it is null or missing.
func str(r *driver.Record, key string) string {
	v, _ := r.Get(key)
	s, _ := v.(string)
	return s
}

// strs returns a record's list-of-strings column.
func strs(r *driver.Record, key string) []string {
	v, _ := r.Get(key)
	return anyStrs(v)
}

// anyStrs returns the strings of a list value.
func anyStrs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// integer returns a record's integer column, 0 when null.
func integer(r *driver.Record, key string) int64 {
	v, _ := r.Get(key)
	n, _ := v.(int64)
	return n
}

// Table returns a table with its readers and writers, sorted by id.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Table(ctx context.Context, name string) (*lineage.TableInfo, error) {
	name, err := lineage.NormalizeName("name", name, true)
	if err != nil {
		return nil, err
	}
	var ti *lineage.TableInfo
	err = s.read(ctx, "table "+name, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (t:Table {name: $name})
OPTIONAL MATCH (j:Job)-[r:READS|WRITES]->(t)
OPTIONAL MATCH (o:Owner)-[:OWNS]->(j)
RETURN type(r) AS kind, `+jobReturn, map[string]any{"name": name})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", name)
		}
		ti = &lineage.TableInfo{Table: lineage.Table{Name: name}}
		for _, r := range recs {
			switch str(r, "kind") {
			case string(lineage.Reads):
				ti.Readers = append(ti.Readers, jobFrom(r))
			case string(lineage.Writes):
				ti.Writers = append(ti.Writers, jobFrom(r))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	byID := func(a, b lineage.Job) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(ti.Readers, byID)
	slices.SortFunc(ti.Writers, byID)
	return ti, nil
}

// Job returns a job with its reads, writes and owner.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Job(ctx context.Context, id string) (*lineage.JobInfo, error) {
	id, err := lineage.NormalizeName("id", id, false)
	if err != nil {
		return nil, err
	}
	var ji *lineage.JobInfo
	err = s.read(ctx, "job "+id, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (j:Job {id: $id})
OPTIONAL MATCH (o:Owner)-[:OWNS]->(j)
RETURN `+jobReturn+`, j.script AS script, j.watchers AS watchers, o.email AS email, o.jiraUser AS jiraUser, o.team AS team,
  [(j)-[:READS]->(t:Table) | t.name] AS reads, [(j)-[:WRITES]->(t:Table) | t.name] AS writes`,
			map[string]any{"id": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Job %q not found.", id)
		}
		r := recs[0]
		ji = &lineage.JobInfo{Job: jobFrom(r), Reads: sorted(strs(r, "reads")), Writes: sorted(strs(r, "writes")), Script: str(r, "script")}
		if w := strs(r, "watchers"); len(w) > 0 {
			ji.Watchers = sorted(w)
		}
		if ji.Columns, err = jobColumnLineage(ctx, tx, id); err != nil {
			return err
		}
		if ji.Owner != "" {
			ji.OwnerInfo = ownerFrom(r, "owner")
		}
		return nil
	})
	return ji, err
}

// ownerFrom reads an owner whose handle is in column handleKey and whose
// details are in email, jiraUser and team.
func ownerFrom(r *driver.Record, handleKey string) lineage.Owner {
	return lineage.Owner{Handle: str(r, handleKey), Email: str(r, "email"), JiraUser: str(r, "jiraUser"), Team: str(r, "team")}
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

// Cursor prefixes keep the cursors of different listings apart, so that a
// cursor from one listing is EINVALID in another.
const (
	jobsCursor   = "j1:"
	searchCursor = "s1:"
)

func encodeCursor(prefix, s string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + s))
}

func decodeCursor(prefix, c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), prefix) {
		return "", lineage.FieldErrorf("after", "is not a cursor from this listing")
	}
	return string(b[len(prefix):]), nil
}

// Jobs lists jobs in id order with cursor paging.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) Jobs(ctx context.Context, f lineage.JobFilter) (*lineage.JobPage, error) {
	first, err := lineage.CheckLimit("first", f.First, lineage.DefaultPage, lineage.MaxPage)
	if err != nil {
		return nil, err
	}
	after := ""
	if f.After != "" {
		if after, err = decodeCursor(jobsCursor, f.After); err != nil {
			return nil, err
		}
	}
	q := `MATCH (j:Job) WHERE j.id > $after`
	if f.Source != "" {
		q += ` AND j.source = $source`
	}
	q += `
WITH j ORDER BY j.id LIMIT $limit
OPTIONAL MATCH (o:Owner)-[:OWNS]->(j)
RETURN ` + jobReturn + ` ORDER BY id`
	params := map[string]any{"after": after, "source": f.Source, "limit": int64(first + 1)}
	var page *lineage.JobPage
	err = s.read(ctx, "list jobs", func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, q, params)
		if err != nil {
			return err
		}
		page = &lineage.JobPage{}
		for _, r := range recs {
			page.Jobs = append(page.Jobs, jobFrom(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Cypher orders strings by UTF-16 code units, which is byte order except
	// between U+E000..U+FFFF and characters beyond U+FFFF. The cursor
	// compares in Cypher's order too, so paging never skips or repeats a
	// job; only such ids may list in another order than graph/sqlite's.
	slices.SortFunc(page.Jobs, func(a, b lineage.Job) int { return strings.Compare(a.ID, b.ID) })
	if len(page.Jobs) > first {
		page.Jobs, page.HasNext = page.Jobs[:first], true
	}
	if n := len(page.Jobs); n > 0 {
		page.EndCursor = encodeCursor(jobsCursor, page.Jobs[n-1].ID)
	}
	return page, nil
}

// Owner returns an owner with its job ids in order.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Owner(ctx context.Context, handle string) (*lineage.OwnerInfo, error) {
	handle, err := lineage.NormalizeName("handle", handle, true)
	if err != nil {
		return nil, err
	}
	var oi *lineage.OwnerInfo
	err = s.read(ctx, "owner "+handle, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (o:Owner {handle: $handle})
RETURN o.handle AS handle, o.email AS email, o.jiraUser AS jiraUser, o.team AS team,
  [(o)-[:OWNS]->(j:Job) | j.id] AS jobs`, map[string]any{"handle": handle})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Owner %q not found.", handle)
		}
		oi = &lineage.OwnerInfo{Owner: ownerFrom(recs[0], "handle")}
		if jobs := sorted(strs(recs[0], "jobs")); len(jobs) > 0 {
			oi.Jobs = jobs
		}
		return nil
	})
	return oi, err
}

// PutOwners creates owners or replaces their details.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) PutOwners(ctx context.Context, owners []lineage.Owner) error {
	rows := make([]any, 0, len(owners))
	for i, o := range owners {
		h, err := lineage.NormalizeName(fmt.Sprintf("owners[%d].handle", i), o.Handle, true)
		if err != nil {
			return err
		}
		rows = append(rows, map[string]any{"handle": h, "email": nonEmpty(o.Email), "jiraUser": nonEmpty(o.JiraUser), "team": nonEmpty(o.Team)})
	}
	if len(rows) == 0 {
		return nil
	}
	handles := make([]string, len(rows))
	for i, r := range rows {
		handles[i] = r.(map[string]any)["handle"].(string)
	}
	return s.write(ctx, fmt.Sprintf("put %d owners", len(rows)), func(tx driver.ManagedTransaction) error {
		if err := bump(ctx, tx, nil, nil, handles); err != nil {
			return err
		}
		for i := 0; i < len(rows); i += chunk {
			err := consume(ctx, tx, `UNWIND $rows AS row
MERGE (o:Owner {handle: row.handle})
SET o.email = row.email, o.jiraUser = row.jiraUser, o.team = row.team`, map[string]any{"rows": rows[i:min(i+chunk, len(rows))]})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Counts returns the size of the graph. Each count is one query that Neo4j
// answers from its count store, without scanning.
// Errors: EUNAVAILABLE.
func (s *Store) Counts(ctx context.Context) (lineage.Counts, error) {
	var c lineage.Counts
	err := s.read(ctx, "counts", func(tx driver.ManagedTransaction) error {
		c = lineage.Counts{}
		for _, q := range []struct {
			cypher string
			dst    *int
		}{
			{`MATCH (n:Table) RETURN count(n) AS n`, &c.Tables},
			{`MATCH (n:Job) RETURN count(n) AS n`, &c.Jobs},
			{`MATCH (n:Owner) RETURN count(n) AS n`, &c.Owners},
			{`MATCH (:Job)-[r:READS]->(:Table) RETURN count(r) AS n`, nil},
			{`MATCH (:Job)-[r:WRITES]->(:Table) RETURN count(r) AS n`, nil},
		} {
			recs, err := collect(ctx, tx, q.cypher, nil)
			if err != nil {
				return err
			}
			n := 0
			if len(recs) > 0 {
				n = int(integer(recs[0], "n"))
			}
			if q.dst != nil {
				*q.dst = n
			} else {
				c.Edges += n
			}
		}
		return nil
	})
	return c, err
}

var _ lineage.WatcherStore = (*Store)(nil)

// Watchers returns the watchers of the given jobs that have some.
// Errors: EUNAVAILABLE.
func (s *Store) Watchers(ctx context.Context, jobIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(jobIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, "watchers", func(tx driver.ManagedTransaction) error {
		clear(out)
		recs, err := collect(ctx, tx, `UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE size(coalesce(j.watchers, [])) > 0
RETURN j.id AS id, j.watchers AS watchers`, map[string]any{"ids": strList(jobIDs)})
		if err != nil {
			return err
		}
		for _, r := range recs {
			out[str(r, "id")] = sorted(strs(r, "watchers"))
		}
		return nil
	})
	return out, err
}
