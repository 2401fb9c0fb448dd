package neo4j

import (
	"context"
	"slices"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
)

var _ lineage.ColumnStore = (*Store)(nil)

// jobColumnLineage reads the column lineage of job id inside tx.
func jobColumnLineage(ctx context.Context, tx driver.ManagedTransaction, id string) (lineage.JobColumns, error) {
	var jc lineage.JobColumns
	recs, err := collect(ctx, tx, `MATCH (j:Job {id: $id})-[u:READS_COLUMN]->(c:Column)
RETURN c.table AS table, c.name AS name, u.kind AS kind, u.line AS line, u.unresolved AS unresolved`, map[string]any{"id": id})
	if err != nil {
		return jc, err
	}
	for _, r := range recs {
		un, _ := r.AsMap()["unresolved"].(bool)
		jc.Refs = append(jc.Refs, lineage.ColumnRef{
			ColumnName: lineage.ColumnName{Table: str(r, "table"), Column: str(r, "name")},
			Kind:       lineage.ColumnUseKind(str(r, "kind")), Line: int(integer(r, "line")), Unresolved: un,
		})
	}
	recs, err = collect(ctx, tx, `MATCH (s:Column)-[:DERIVES {job: $id}]->(t:Column)
RETURN s.table AS st, s.name AS sn, t.table AS tt, t.name AS tn`, map[string]any{"id": id})
	if err != nil {
		return jc, err
	}
	for _, r := range recs {
		jc.Flows = append(jc.Flows, lineage.ColumnFlow{
			Target:  lineage.ColumnName{Table: str(r, "tt"), Column: str(r, "tn")},
			Sources: []lineage.ColumnName{{Table: str(r, "st"), Column: str(r, "sn")}},
		})
	}
	recs, err = collect(ctx, tx, `MATCH (j:Job {id: $id})-[:DECLARES]->(c:Column)
RETURN c.table AS table, c.name AS name`, map[string]any{"id": id})
	if err != nil {
		return jc, err
	}
	for _, r := range recs {
		jc.Declares = append(jc.Declares, lineage.TableSchema{Table: str(r, "table"), Columns: []string{str(r, "name")}})
	}
	// Normalize merges the one-row flows and declarations and sorts, as
	// PutJobs stored them.
	err = jc.Normalize("columns")
	return jc, err
}

// Columns returns the columns of a table with their uses and writers.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Columns(ctx context.Context, table string) ([]lineage.ColumnInfo, error) {
	table, err := lineage.NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	out := []lineage.ColumnInfo{}
	err = s.read(ctx, "columns of "+table, func(tx driver.ManagedTransaction) error {
		out = out[:0]
		recs, err := collect(ctx, tx, `MATCH (t:Table {name: $table})
OPTIONAL MATCH (t)-[:HAS_COLUMN]->(c:Column)
RETURN c.name AS name, EXISTS { (:Job)-[:DECLARES]->(c) } AS declared,
  [(j:Job)-[u:READS_COLUMN]->(c) | {id: j.id, source: j.source, path: j.path, dialect: j.dialect, hash: j.hash,
     owner: COALESCE([(o:Owner)-[:OWNS]->(j) | o.handle][0], ''), kind: u.kind, line: u.line, unresolved: u.unresolved}] AS uses,
  [(c)<-[d:DERIVES]-(:Column) | d.job] AS writers`, map[string]any{"table": table})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", table)
		}
		for _, r := range recs {
			m := r.AsMap()
			if m["name"] == nil {
				continue // a table with no known columns
			}
			declared, _ := m["declared"].(bool)
			ci := lineage.ColumnInfo{Name: str(r, "name"), Declared: declared, Uses: []lineage.ColumnUse{}, Writers: []string{}}
			uses, _ := m["uses"].([]any)
			for _, x := range uses {
				u, _ := x.(map[string]any)
				s := func(k string) string { v, _ := u[k].(string); return v }
				line, _ := u["line"].(int64)
				un, _ := u["unresolved"].(bool)
				ci.Uses = append(ci.Uses, lineage.ColumnUse{
					Job:  lineage.Job{ID: s("id"), Source: s("source"), Path: s("path"), Dialect: s("dialect"), Hash: s("hash"), Owner: s("owner")},
					Kind: lineage.ColumnUseKind(s("kind")), Line: int(line), Unresolved: un,
				})
			}
			for _, w := range strs(r, "writers") {
				if !slices.Contains(ci.Writers, w) {
					ci.Writers = append(ci.Writers, w)
				}
			}
			slices.SortFunc(ci.Uses, lineage.CompareColumnUses)
			slices.Sort(ci.Writers)
			out = append(out, ci)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b lineage.ColumnInfo) int { return compareBytes(a.Name, b.Name) })
	return out, nil
}

// compareBytes orders strings by bytes, as Go and SQLite do (Cypher orders
// by UTF-16 code units).
func compareBytes(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ColumnEdges returns the flow edges leaving or entering the columns.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) ColumnEdges(ctx context.Context, cols []lineage.ColumnName, dir lineage.Direction) ([]lineage.ColumnEdge, error) {
	cols, err := lineage.CheckColumnEdges(cols, dir)
	if err != nil {
		return nil, err
	}
	out := []lineage.ColumnEdge{}
	if len(cols) == 0 {
		return out, nil
	}
	rows := make([]any, len(cols))
	for i, c := range cols {
		rows[i] = map[string]any{"table": c.Table, "name": c.Column}
	}
	var pattern string
	switch dir {
	case lineage.Downstream:
		pattern = `(c)-[d:DERIVES]->(o:Column) WITH c AS s, d, o AS t`
	case lineage.Upstream:
		pattern = `(c)<-[d:DERIVES]-(o:Column) WITH o AS s, d, c AS t`
	default:
		pattern = `(c)-[d:DERIVES]-(:Column) WITH startNode(d) AS s, d, endNode(d) AS t`
	}
	err = s.read(ctx, "column edges", func(tx driver.ManagedTransaction) error {
		out = out[:0]
		recs, err := collect(ctx, tx, `UNWIND $rows AS row
MATCH (c:Column {table: row.table, name: row.name})
MATCH `+pattern+`
RETURN DISTINCT d.job AS job, s.table AS st, s.name AS sn, t.table AS tt, t.name AS tn`, map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		for _, r := range recs {
			out = append(out, lineage.ColumnEdge{
				Job:    str(r, "job"),
				Source: lineage.ColumnName{Table: str(r, "st"), Column: str(r, "sn")},
				Target: lineage.ColumnName{Table: str(r, "tt"), Column: str(r, "tn")},
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, lineage.CompareColumnEdges)
	out = slices.Compact(out)
	return out, nil
}

// OwnerDetails returns the details of the named owners.
// Errors: EUNAVAILABLE.
func (s *Store) OwnerDetails(ctx context.Context, handles []string) (map[string]lineage.Owner, error) {
	out := map[string]lineage.Owner{}
	if len(handles) == 0 {
		return out, nil
	}
	err := s.read(ctx, "owner details", func(tx driver.ManagedTransaction) error {
		clear(out)
		recs, err := collect(ctx, tx, `UNWIND $handles AS h MATCH (o:Owner {handle: h})
RETURN DISTINCT o.handle AS handle, o.email AS email, o.jiraUser AS jiraUser, o.team AS team`, map[string]any{"handles": strList(handles)})
		if err != nil {
			return err
		}
		for _, r := range recs {
			o := ownerFrom(r, "handle")
			out[o.Handle] = o
		}
		return nil
	})
	return out, err
}
