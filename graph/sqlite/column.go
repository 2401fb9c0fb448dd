package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lineagehq/lineage"
)

var _ lineage.ColumnStore = (*Store)(nil)

// Hot read queries of this file (see hot).
var (
	qJobColumnUses = hot(`SELECT t.name, c.name, u.kind, u.line, u.unresolved FROM column_uses u
		JOIN columns c ON c.id = u.col JOIN tables t ON t.id = c.tbl WHERE u.job = ?`)
	qJobColumnFlows = hot(`SELECT tt.name, ct.name, ts.name, cs.name FROM column_flows f
		JOIN columns ct ON ct.id = f.target JOIN tables tt ON tt.id = ct.tbl
		JOIN columns cs ON cs.id = f.source JOIN tables ts ON ts.id = cs.tbl WHERE f.job = ?`)
	qJobColumnDecls = hot(`SELECT t.name, c.name FROM column_decls d
		JOIN columns c ON c.id = d.col JOIN tables t ON t.id = c.tbl WHERE d.job = ?`)
	qTableColumns = hot(`SELECT c.id, c.name,
		EXISTS (SELECT 1 FROM column_decls d WHERE d.col = c.id)
		FROM columns c WHERE c.tbl = ? ORDER BY c.name`)
	qTableColumnUses = hot(`SELECT u.col, u.kind, u.line, u.unresolved, ` + jobColumns + ` FROM columns c
		JOIN column_uses u ON u.col = c.id JOIN jobs j ON j.id = u.job WHERE c.tbl = ?`)
	qTableColumnWriters = hot(`SELECT DISTINCT f.target, j.name FROM columns c
		JOIN column_flows f ON f.target = c.id JOIN jobs j ON j.id = f.job WHERE c.tbl = ?`)
)

// jobColumnLineage reads the column lineage of the job with row id job.
func jobColumnLineage(ctx context.Context, tx queryer, job int64) (lineage.JobColumns, error) {
	var jc lineage.JobColumns
	rows, err := tx.QueryContext(ctx, qJobColumnUses, job)
	if err != nil {
		return jc, err
	}
	for rows.Next() {
		var r lineage.ColumnRef
		var kind string
		if err := rows.Scan(&r.Table, &r.Column, &kind, &r.Line, &r.Unresolved); err != nil {
			rows.Close()
			return jc, err
		}
		r.Kind = lineage.ColumnUseKind(kind)
		jc.Refs = append(jc.Refs, r)
	}
	if err := rows.Close(); err != nil {
		return jc, err
	}
	rows, err = tx.QueryContext(ctx, qJobColumnFlows, job)
	if err != nil {
		return jc, err
	}
	for rows.Next() {
		var t, s lineage.ColumnName
		if err := rows.Scan(&t.Table, &t.Column, &s.Table, &s.Column); err != nil {
			rows.Close()
			return jc, err
		}
		jc.Flows = append(jc.Flows, lineage.ColumnFlow{Target: t, Sources: []lineage.ColumnName{s}})
	}
	if err := rows.Close(); err != nil {
		return jc, err
	}
	rows, err = tx.QueryContext(ctx, qJobColumnDecls, job)
	if err != nil {
		return jc, err
	}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return jc, err
		}
		jc.Declares = append(jc.Declares, lineage.TableSchema{Table: t, Columns: []string{c}})
	}
	if err := rows.Close(); err != nil {
		return jc, err
	}
	// Normalize merges the one-row flows and declarations and sorts, as
	// PutJobs stored them.
	if err := jc.Normalize("columns"); err != nil {
		return jc, fmt.Errorf("stored column lineage of job %d: %w", job, err)
	}
	return jc, nil
}

// Columns returns the columns of a table with their uses and writers.
func (s *Store) Columns(ctx context.Context, table string) ([]lineage.ColumnInfo, error) {
	table, err := lineage.NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	var out []lineage.ColumnInfo
	err = s.read(ctx, "columns", func(tx queryer) error {
		tbl, err := tableID(ctx, tx, table)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, qTableColumns, tbl)
		if err != nil {
			return err
		}
		index := map[int64]int{}
		for rows.Next() {
			var id int64
			var ci lineage.ColumnInfo
			if err := rows.Scan(&id, &ci.Name, &ci.Declared); err != nil {
				rows.Close()
				return err
			}
			index[id] = len(out)
			ci.Uses, ci.Writers = []lineage.ColumnUse{}, []string{}
			out = append(out, ci)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, qTableColumnUses, tbl)
		if err != nil {
			return err
		}
		for rows.Next() {
			var col int64
			var u lineage.ColumnUse
			var kind string
			var rowID int64
			if err := rows.Scan(&col, &kind, &u.Line, &u.Unresolved, &rowID, &u.Job.ID, &u.Job.Source, &u.Job.Path,
				&u.Job.Dialect, &u.Job.Hash, &u.Job.Owner); err != nil {
				rows.Close()
				return err
			}
			u.Kind = lineage.ColumnUseKind(kind)
			if i, ok := index[col]; ok {
				out[i].Uses = append(out[i].Uses, u)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, qTableColumnWriters, tbl)
		if err != nil {
			return err
		}
		for rows.Next() {
			var col int64
			var job string
			if err := rows.Scan(&col, &job); err != nil {
				rows.Close()
				return err
			}
			if i, ok := index[col]; ok {
				out[i].Writers = append(out[i].Writers, job)
			}
		}
		return rows.Close()
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		slices.SortFunc(out[i].Uses, lineage.CompareColumnUses)
		slices.Sort(out[i].Writers)
	}
	if out == nil {
		out = []lineage.ColumnInfo{}
	}
	return out, nil
}

// ColumnEdges returns the flow edges leaving or entering the columns.
func (s *Store) ColumnEdges(ctx context.Context, cols []lineage.ColumnName, dir lineage.Direction) ([]lineage.ColumnEdge, error) {
	cols, err := lineage.CheckColumnEdges(cols, dir)
	if err != nil {
		return nil, err
	}
	out := []lineage.ColumnEdge{}
	if len(cols) == 0 {
		return out, nil
	}
	var keys []any
	for _, c := range cols {
		keys = append(keys, []string{c.Table, c.Column})
	}
	js, err := jsonOf(keys)
	if err != nil {
		return nil, err
	}
	const edge = `SELECT j.name, ts.name, cs.name, tt.name, ct.name FROM column_flows f
		JOIN columns cs ON cs.id = f.source JOIN tables ts ON ts.id = cs.tbl
		JOIN columns ct ON ct.id = f.target JOIN tables tt ON tt.id = ct.tbl
		JOIN jobs j ON j.id = f.job WHERE `
	var qs []string
	if dir == lineage.Downstream || dir == lineage.Both {
		qs = append(qs, edge+`f.source IN (SELECT id FROM ids)`)
	}
	if dir == lineage.Upstream || dir == lineage.Both {
		qs = append(qs, edge+`f.target IN (SELECT id FROM ids)`)
	}
	q := `WITH ids AS (SELECT c.id FROM json_each(?) v JOIN tables t ON t.name = v.value->>0
		JOIN columns c ON c.tbl = t.id AND c.name = v.value->>1) ` + strings.Join(qs, " UNION ")
	err = s.read(ctx, "column edges", func(tx queryer) error {
		rows, err := tx.QueryContext(ctx, q, js)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e lineage.ColumnEdge
			if err := rows.Scan(&e.Job, &e.Source.Table, &e.Source.Column, &e.Target.Table, &e.Target.Column); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, lineage.CompareColumnEdges)
	return out, nil
}

// OwnerDetails returns the details of the named owners.
func (s *Store) OwnerDetails(ctx context.Context, handles []string) (map[string]lineage.Owner, error) {
	var out map[string]lineage.Owner
	err := s.read(ctx, "owner details", func(tx queryer) error {
		var err error
		out, err = loadOwners(ctx, tx, handles)
		return err
	})
	return out, err
}
