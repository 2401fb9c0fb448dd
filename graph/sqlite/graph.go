package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/lineagehq/lineage"
)

// Edge kinds as stored.
const (
	kindReads  = 0
	kindWrites = 1
)

// put is a validated JobPut.
type put struct {
	job           lineage.Job
	reads, writes []string
	ownerInfo     *lineage.Owner // nil: leave the owner's details alone
	script        string
	columns       lineage.JobColumns
	watchers      []string
}

// normalizePuts validates and normalizes a batch before anything is
// written, so a bad job anywhere fails the batch with its field named.
func normalizePuts(jobs []lineage.JobPut) ([]put, error) {
	out := make([]put, len(jobs))
	for i, jp := range jobs {
		p := put{job: jp.Job, script: jp.Script, columns: jp.Columns}
		var err error
		if err := p.columns.Normalize(fmt.Sprintf("jobs[%d].columns", i)); err != nil {
			return nil, err
		}
		if p.job.ID, err = lineage.NormalizeName(fmt.Sprintf("jobs[%d].job.id", i), jp.Job.ID, false); err != nil {
			return nil, err
		}
		if jp.Job.Owner != "" {
			if p.job.Owner, err = lineage.NormalizeName(fmt.Sprintf("jobs[%d].job.owner", i), jp.Job.Owner, true); err != nil {
				return nil, err
			}
		}
		if p.watchers, err = lineage.NormalizeWatchers(fmt.Sprintf("jobs[%d].watchers", i), p.job.Owner, jp.Watchers); err != nil {
			return nil, err
		}
		if p.reads, err = normalizeTables(fmt.Sprintf("jobs[%d].reads", i), jp.Reads); err != nil {
			return nil, err
		}
		if p.writes, err = normalizeTables(fmt.Sprintf("jobs[%d].writes", i), jp.Writes); err != nil {
			return nil, err
		}
		if err := lineage.CheckScript(fmt.Sprintf("jobs[%d].script", i), jp.Script); err != nil {
			return nil, err
		}
		if p.job.Owner != "" && jp.OwnerInfo.Handle != "" {
			h, err := lineage.NormalizeName(fmt.Sprintf("jobs[%d].ownerInfo.handle", i), jp.OwnerInfo.Handle, true)
			if err != nil {
				return nil, err
			}
			if h == p.job.Owner {
				o := jp.OwnerInfo
				o.Handle = h
				p.ownerInfo = &o
			}
		}
		out[i] = p
	}
	return out, nil
}

// normalizeTables normalizes table names and drops repeats, keeping the
// first mention's place. It looks each name up once in a set: an
// OpenLineage event may name 150,000 datasets, and a scan of the names kept
// so far per name (as this once did) cost 27 s of CPU for that.
func normalizeTables(field string, names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	seen := make(map[string]struct{}, len(names))
	for j, n := range names {
		t, err := lineage.NormalizeName(field+"["+strconv.Itoa(j)+"]", n, true)
		if err != nil {
			return nil, err
		}
		dedupLookups.Add(1)
		if _, ok := seen[t]; !ok {
			seen[t] = struct{}{}
			out = append(out, t)
		}
	}
	return out, nil
}

// dedupLookups counts the set lookups normalizeTables has made, so that a
// test can check the work grows linearly with the names (one per name).
var dedupLookups atomic.Int64

// PutJobs stores jobs with their edges and owners in one transaction. The
// batch goes to SQLite as JSON arrays, a handful of statements per call
// whatever its size, so that bulk ingest costs little per job.
func (s *Store) PutJobs(ctx context.Context, jobs []lineage.JobPut) error {
	if len(jobs) == 0 {
		return nil
	}
	puts, err := normalizePuts(jobs)
	if err != nil {
		return err
	}
	// A job named twice in a batch ends as its last mention says, as if
	// the mentions were put one after another.
	last := make(map[string]int, len(puts))
	for i, p := range puts {
		last[p.job.ID] = i
	}
	var owners, tables []string
	var merges []*lineage.Owner
	seenOwner, seenTable := map[string]bool{}, map[string]bool{}
	var jobRows []any
	for i, p := range puts {
		if o := p.job.Owner; o != "" && !seenOwner[o] {
			seenOwner[o] = true
			owners = append(owners, o)
		}
		if p.ownerInfo != nil {
			merges = append(merges, p.ownerInfo)
		}
		if last[p.job.ID] != i {
			continue
		}
		var owner any
		if p.job.Owner != "" {
			owner = p.job.Owner
		}
		j := p.job
		jobRows = append(jobRows, []any{j.ID, j.Source, j.Path, j.Dialect, j.Hash, owner})
		for _, t := range append(p.reads[:len(p.reads):len(p.reads)], p.writes...) {
			if !seenTable[t] {
				seenTable[t] = true
				tables = append(tables, t)
			}
		}
		for _, c := range columnNames(p.columns) {
			if !seenTable[c.Table] {
				seenTable[c.Table] = true
				tables = append(tables, c.Table)
			}
		}
	}
	return s.write(ctx, "put jobs", func(tx *sql.Tx) error {
		if len(owners) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO owners(handle) SELECT value FROM json_each(?) WHERE true
				ON CONFLICT(handle) DO NOTHING`, stringList(owners)); err != nil {
				return fmt.Errorf("owners: %w", err)
			}
		}
		for _, oi := range merges {
			if _, err := tx.ExecContext(ctx, `UPDATE owners SET
				email = CASE WHEN ? <> '' THEN ? ELSE email END,
				jira_user = CASE WHEN ? <> '' THEN ? ELSE jira_user END,
				team = CASE WHEN ? <> '' THEN ? ELSE team END
				WHERE handle = ?`, oi.Email, oi.Email, oi.JiraUser, oi.JiraUser, oi.Team, oi.Team, oi.Handle); err != nil {
				return fmt.Errorf("owner %s: %w", oi.Handle, err)
			}
		}
		tableIDs := make(map[string]int64, len(tables))
		if len(tables) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tables(name) SELECT value FROM json_each(?) WHERE true
				ON CONFLICT(name) DO NOTHING`, stringList(tables)); err != nil {
				return fmt.Errorf("tables: %w", err)
			}
			rows, err := tx.QueryContext(ctx, `SELECT id, name FROM tables WHERE name IN (SELECT value FROM json_each(?))`, stringList(tables))
			if err := scanIDs(rows, err, tableIDs); err != nil {
				return fmt.Errorf("tables: %w", err)
			}
		}
		jobIDs := make(map[string]int64, len(jobRows))
		jobJSON, err := jsonOf(jobRows)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO jobs(name, source, path, dialect, hash, owner)
			SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?) WHERE true
			ON CONFLICT(name) DO UPDATE SET source = excluded.source, path = excluded.path,
			dialect = excluded.dialect, hash = excluded.hash, owner = excluded.owner
			RETURNING id, name`, jobJSON)
		if err := scanIDs(rows, err, jobIDs); err != nil {
			return fmt.Errorf("jobs: %w", err)
		}
		ids := make([]int64, 0, len(jobIDs))
		var edges, scripts []any
		for i, p := range puts {
			if last[p.job.ID] != i {
				continue
			}
			id, ok := jobIDs[p.job.ID]
			if !ok {
				return fmt.Errorf("job %s: no id after insert", p.job.ID)
			}
			ids = append(ids, id)
			if p.script != "" {
				scripts = append(scripts, []any{id, p.script})
			}
			for kind, names := range [][]string{kindReads: p.reads, kindWrites: p.writes} {
				for _, n := range names {
					edges = append(edges, [3]int64{id, int64(kind), tableIDs[n]})
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM edges WHERE job IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
			return fmt.Errorf("old edges: %w", err)
		}
		if len(edges) > 0 {
			edgeJSON, err := jsonOf(edges)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO edges(job, kind, tbl)
				SELECT value->>0, value->>1, value->>2 FROM json_each(?)`, edgeJSON); err != nil {
				return fmt.Errorf("edges: %w", err)
			}
		}
		// A job's script is replaced like its edges: an empty one removes
		// the stored text.
		if _, err := tx.ExecContext(ctx, `DELETE FROM job_scripts WHERE job IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
			return fmt.Errorf("old scripts: %w", err)
		}
		if len(scripts) > 0 {
			scriptJSON, err := jsonOf(scripts)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO job_scripts(job, script)
				SELECT value->>0, value->>1 FROM json_each(?)`, scriptJSON); err != nil {
				return fmt.Errorf("scripts: %w", err)
			}
		}
		if err := putWatchers(ctx, tx, puts, last, jobIDs, ids); err != nil {
			return err
		}
		return putColumns(ctx, tx, puts, last, jobIDs, tableIDs)
	})
}

// columnNames lists every column a job's column lineage names.
func columnNames(c lineage.JobColumns) []lineage.ColumnName {
	var out []lineage.ColumnName
	for _, r := range c.Refs {
		out = append(out, r.ColumnName)
	}
	for _, f := range c.Flows {
		out = append(out, f.Target)
		out = append(out, f.Sources...)
	}
	for _, d := range c.Declares {
		for _, col := range d.Columns {
			out = append(out, lineage.ColumnName{Table: d.Table, Column: col})
		}
	}
	return out
}

// putColumns replaces the column lineage of the batch's jobs: their uses,
// flows and declared columns, creating the columns they name.
func putColumns(ctx context.Context, tx *sql.Tx, puts []put, last map[string]int, jobIDs, tableIDs map[string]int64) error {
	var ids []int64
	var cols []any
	seen := map[lineage.ColumnName]bool{}
	for i, p := range puts {
		if last[p.job.ID] != i {
			continue
		}
		ids = append(ids, jobIDs[p.job.ID])
		for _, c := range columnNames(p.columns) {
			if !seen[c] {
				seen[c] = true
				cols = append(cols, []any{tableIDs[c.Table], c.Column})
			}
		}
	}
	for _, t := range []string{"column_uses", "column_flows", "column_decls"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE job IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
			return fmt.Errorf("old %s: %w", t, err)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	colJSON, err := jsonOf(cols)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO columns(tbl, name) SELECT value->>0, value->>1 FROM json_each(?) WHERE true
		ON CONFLICT(tbl, name) DO NOTHING`, colJSON); err != nil {
		return fmt.Errorf("columns: %w", err)
	}
	type key struct {
		tbl  int64
		name string
	}
	colIDs := make(map[key]int64, len(cols))
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.tbl, c.name FROM json_each(?) v
		JOIN columns c ON c.tbl = v.value->>0 AND c.name = v.value->>1`, colJSON)
	if err != nil {
		return fmt.Errorf("columns: %w", err)
	}
	for rows.Next() {
		var id int64
		var k key
		if err := rows.Scan(&id, &k.tbl, &k.name); err != nil {
			rows.Close()
			return fmt.Errorf("columns: %w", err)
		}
		colIDs[k] = id
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("columns: %w", err)
	}
	col := func(c lineage.ColumnName) int64 { return colIDs[key{tableIDs[c.Table], c.Column}] }
	var uses, flows, decls []any
	for i, p := range puts {
		if last[p.job.ID] != i {
			continue
		}
		job := jobIDs[p.job.ID]
		for _, r := range p.columns.Refs {
			un := 0
			if r.Unresolved {
				un = 1
			}
			uses = append(uses, []any{job, col(r.ColumnName), string(r.Kind), r.Line, un})
		}
		for _, f := range p.columns.Flows {
			for _, src := range f.Sources {
				flows = append(flows, []int64{job, col(f.Target), col(src)})
			}
		}
		for _, d := range p.columns.Declares {
			for _, c := range d.Columns {
				decls = append(decls, []int64{job, col(lineage.ColumnName{Table: d.Table, Column: c})})
			}
		}
	}
	for _, ins := range []struct {
		what, q string
		rows    []any
	}{
		{"column uses", `INSERT OR IGNORE INTO column_uses(job, col, kind, line, unresolved)
			SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)`, uses},
		{"column flows", `INSERT OR IGNORE INTO column_flows(job, target, source)
			SELECT value->>0, value->>1, value->>2 FROM json_each(?)`, flows},
		{"column declarations", `INSERT OR IGNORE INTO column_decls(job, col)
			SELECT value->>0, value->>1 FROM json_each(?)`, decls},
	} {
		if len(ins.rows) == 0 {
			continue
		}
		js, err := jsonOf(ins.rows)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, ins.q, js); err != nil {
			return fmt.Errorf("%s: %w", ins.what, err)
		}
	}
	return nil
}

// jsonOf encodes rows of ints, strings and nils for json_each.
func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// DeleteJob removes a job and, through the foreign key, its edges.
func (s *Store) DeleteJob(ctx context.Context, id string) error {
	id, err := lineage.NormalizeName("id", id, false)
	if err != nil {
		return err
	}
	return s.write(ctx, "delete job", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE name = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Job %q not found.", id)
		}
		return nil
	})
}

// PutOwners creates owners or replaces their details.
func (s *Store) PutOwners(ctx context.Context, owners []lineage.Owner) error {
	norm := make([]lineage.Owner, len(owners))
	for i, o := range owners {
		h, err := lineage.NormalizeName(fmt.Sprintf("owners[%d].handle", i), o.Handle, true)
		if err != nil {
			return err
		}
		o.Handle = h
		norm[i] = o
	}
	if len(norm) == 0 {
		return nil
	}
	return s.write(ctx, "put owners", func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO owners(handle, email, jira_user, team) VALUES (?, ?, ?, ?)
			ON CONFLICT(handle) DO UPDATE SET email = excluded.email, jira_user = excluded.jira_user, team = excluded.team`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, o := range norm {
			if _, err := st.ExecContext(ctx, o.Handle, o.Email, o.JiraUser, o.Team); err != nil {
				return fmt.Errorf("owner %s: %w", o.Handle, err)
			}
		}
		return nil
	})
}

// jobColumns are the columns scanJob reads, for a jobs table aliased j.
const jobColumns = `j.id, j.name, j.source, j.path, j.dialect, j.hash, COALESCE(j.owner, '')`

// Hot read queries of this file (see hot).
var (
	qTableJobs    = hot(`SELECT ` + jobColumns + ` FROM edges e JOIN jobs j ON j.id = e.job WHERE e.tbl = ? AND e.kind = ? ORDER BY j.name`)
	qJobByName    = hot(`SELECT ` + jobColumns + ` FROM jobs j WHERE j.name = ?`)
	qJobTables    = hot(`SELECT t.name FROM edges e JOIN tables t ON t.id = e.tbl WHERE e.job = ? AND e.kind = ? ORDER BY t.name`)
	qOwners       = hot(`SELECT handle, email, jira_user, team FROM owners WHERE handle IN (SELECT value FROM json_each(?))`)
	qJobsOfSource = hot(`SELECT ` + jobColumns + ` FROM jobs j WHERE j.source = ? AND j.name > ? ORDER BY j.name LIMIT ?`)
	qJobsAll      = hot(`SELECT ` + jobColumns + ` FROM jobs j WHERE j.name > ? ORDER BY j.name LIMIT ?`)
	qOwner        = hot(`SELECT handle, email, jira_user, team FROM owners WHERE handle = ?`)
	qOwnerJobs    = hot(`SELECT name FROM jobs WHERE owner = ? ORDER BY name`)
	qJobScript    = hot(`SELECT script FROM job_scripts WHERE job = ?`)
)

type scanner interface{ Scan(dest ...any) error }

func scanJob(sc scanner) (int64, lineage.Job, error) {
	var id int64
	var j lineage.Job
	err := sc.Scan(&id, &j.ID, &j.Source, &j.Path, &j.Dialect, &j.Hash, &j.Owner)
	return id, j, err
}

// queryJobs runs a query selecting jobColumns and returns the jobs.
func queryJobs(ctx context.Context, tx queryer, q string, args ...any) ([]lineage.Job, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []lineage.Job
	for rows.Next() {
		_, j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// queryStrings runs a query selecting one text column.
func queryStrings(ctx context.Context, tx queryer, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Table returns a table with its readers and writers in id order.
func (s *Store) Table(ctx context.Context, name string) (*lineage.TableInfo, error) {
	name, err := lineage.NormalizeName("name", name, true)
	if err != nil {
		return nil, err
	}
	ti := &lineage.TableInfo{Table: lineage.Table{Name: name}}
	err = s.read(ctx, "table", func(tx queryer) error {
		var id int64
		if err := tx.QueryRowContext(ctx, qTableID, name).Scan(&id); err == sql.ErrNoRows {
			return lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", name)
		} else if err != nil {
			return err
		}
		q := qTableJobs
		if ti.Readers, err = queryJobs(ctx, tx, q, id, kindReads); err != nil {
			return err
		}
		ti.Writers, err = queryJobs(ctx, tx, q, id, kindWrites)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ti, nil
}

// Job returns a job with its reads, writes and owner.
func (s *Store) Job(ctx context.Context, id string) (*lineage.JobInfo, error) {
	id, err := lineage.NormalizeName("id", id, false)
	if err != nil {
		return nil, err
	}
	var ji lineage.JobInfo
	err = s.read(ctx, "job", func(tx queryer) error {
		rowID, j, err := scanJob(tx.QueryRowContext(ctx, qJobByName, id))
		if err == sql.ErrNoRows {
			return lineage.Errorf(lineage.ENOTFOUND, "Job %q not found.", id)
		} else if err != nil {
			return err
		}
		ji.Job = j
		q := qJobTables
		if ji.Reads, err = queryStrings(ctx, tx, q, rowID, kindReads); err != nil {
			return err
		}
		if ji.Writes, err = queryStrings(ctx, tx, q, rowID, kindWrites); err != nil {
			return err
		}
		if ji.Columns, err = jobColumnLineage(ctx, tx, rowID); err != nil {
			return err
		}
		if ji.Watchers, err = queryStrings(ctx, tx, `SELECT watcher FROM job_watchers WHERE job = ? ORDER BY watcher`, rowID); err != nil {
			return err
		}
		switch err := tx.QueryRowContext(ctx, qJobScript, rowID).Scan(&ji.Script); {
		case err == sql.ErrNoRows:
		case err != nil:
			return err
		}
		if j.Owner != "" {
			owners, err := loadOwners(ctx, tx, []string{j.Owner})
			if err != nil {
				return err
			}
			ji.OwnerInfo = owners[j.Owner]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ji, nil
}

// loadOwners returns the details of the named owners.
func loadOwners(ctx context.Context, tx queryer, handles []string) (map[string]lineage.Owner, error) {
	out := make(map[string]lineage.Owner, len(handles))
	if len(handles) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, qOwners, stringList(handles))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var o lineage.Owner
		if err := rows.Scan(&o.Handle, &o.Email, &o.JiraUser, &o.Team); err != nil {
			return nil, err
		}
		out[o.Handle] = o
	}
	return out, rows.Err()
}

// Jobs lists jobs in id order with cursor paging.
func (s *Store) Jobs(ctx context.Context, f lineage.JobFilter) (*lineage.JobPage, error) {
	first, err := lineage.CheckLimit("first", f.First, lineage.DefaultPage, lineage.MaxPage)
	if err != nil {
		return nil, err
	}
	after := ""
	if f.After != "" {
		if after, err = decodeCursor('j', f.After); err != nil {
			return nil, err
		}
	}
	var jobs []lineage.Job
	err = s.read(ctx, "jobs", func(tx queryer) error {
		var err error
		if f.Source != "" {
			jobs, err = queryJobs(ctx, tx, qJobsOfSource, f.Source, after, first+1)
		} else {
			jobs, err = queryJobs(ctx, tx, qJobsAll, after, first+1)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	p := &lineage.JobPage{Jobs: jobs}
	if len(jobs) > first {
		p.Jobs, p.HasNext = jobs[:first], true
	}
	if n := len(p.Jobs); n > 0 {
		p.EndCursor = encodeCursor('j', p.Jobs[n-1].ID)
	}
	return p, nil
}

// Owner returns an owner with its jobs in id order.
func (s *Store) Owner(ctx context.Context, handle string) (*lineage.OwnerInfo, error) {
	handle, err := lineage.NormalizeName("handle", handle, true)
	if err != nil {
		return nil, err
	}
	var oi lineage.OwnerInfo
	err = s.read(ctx, "owner", func(tx queryer) error {
		err := tx.QueryRowContext(ctx, qOwner, handle).
			Scan(&oi.Handle, &oi.Email, &oi.JiraUser, &oi.Team)
		if err == sql.ErrNoRows {
			return lineage.Errorf(lineage.ENOTFOUND, "Owner %q not found.", handle)
		} else if err != nil {
			return err
		}
		oi.Jobs, err = queryStrings(ctx, tx, qOwnerJobs, handle)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &oi, nil
}

// Counts returns the number of tables, jobs, owners and edges.
func (s *Store) Counts(ctx context.Context) (lineage.Counts, error) {
	var c lineage.Counts
	err := s.read(ctx, "counts", func(tx queryer) error {
		return tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM tables), (SELECT count(*) FROM jobs),
			(SELECT count(*) FROM owners), (SELECT count(*) FROM edges)`).Scan(&c.Tables, &c.Jobs, &c.Owners, &c.Edges)
	})
	return c, err
}

// scanIDs reads (id, name) rows into ids and closes them; queryErr is the
// error of the query that returned rows, so calls read as one step.
func scanIDs(rows *sql.Rows, queryErr error, ids map[string]int64) error {
	if queryErr != nil {
		return queryErr
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		ids[name] = id
	}
	return rows.Err()
}

// putWatchers replaces the watchers of the batch's jobs.
func putWatchers(ctx context.Context, tx *sql.Tx, puts []put, last map[string]int, jobIDs map[string]int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM job_watchers WHERE job IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
		return fmt.Errorf("old watchers: %w", err)
	}
	var rows []any
	for i, p := range puts {
		if last[p.job.ID] != i {
			continue
		}
		for _, w := range p.watchers {
			rows = append(rows, []any{jobIDs[p.job.ID], w})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	js, err := jsonOf(rows)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO job_watchers(job, watcher)
		SELECT value->>0, value->>1 FROM json_each(?)`, js); err != nil {
		return fmt.Errorf("watchers: %w", err)
	}
	return nil
}

var _ lineage.WatcherStore = (*Store)(nil)

// Watchers returns the watchers of the given jobs that have some.
func (s *Store) Watchers(ctx context.Context, jobIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(jobIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, "watchers", func(tx queryer) error {
		rows, err := tx.QueryContext(ctx, `SELECT j.name, w.watcher FROM json_each(?) v
			JOIN jobs j ON j.name = v.value JOIN job_watchers w ON w.job = j.id ORDER BY j.name, w.watcher`, stringList(jobIDs))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var job, w string
			if err := rows.Scan(&job, &w); err != nil {
				return err
			}
			out[job] = append(out[job], w)
		}
		return rows.Err()
	})
	return out, err
}
