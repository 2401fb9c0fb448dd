package ingest

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lineagehq/lineage"
)

// The column facets of an OpenLineage dataset
// (https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json and
// https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json):
//
//   - schema (inputs and outputs): fields[].name are the dataset's columns,
//     declared by the job (JobColumns.Declares), so that a script's
//     SELECT * over the dataset resolves to them;
//   - columnLineage (outputs): fields.<col>.inputFields[] name the input
//     columns (namespace, name, field) the output column is computed from
//     (JobColumns.Flows), and each input column is a use of it by the job
//     (JobColumns.Refs, kind VALUE). An input field whose transformations
//     are all INDIRECT (a filter, a join key) is a use of the kind its
//     subtype names, not a source of the column; so are the dataset-wide
//     inputs of the facet's dataset[] list.
//
// Nested fields (a struct's fields[]) are not columns of their own here.

// olDatasetFacets are the facets of a dataset that lineage reads.
type olDatasetFacets struct {
	Schema        *olSchema        `json:"schema"`
	ColumnLineage *olColumnLineage `json:"columnLineage"`
}

type olSchema struct {
	Fields []olSchemaField `json:"fields"`
}

type olSchemaField struct {
	Name *string `json:"name"`
}

type olColumnLineage struct {
	Fields  map[string]*olColumnFields `json:"fields"`
	Dataset []olInputField             `json:"dataset"`
}

type olColumnFields struct {
	InputFields []olInputField `json:"inputFields"`
}

type olInputField struct {
	Namespace       *string            `json:"namespace"`
	Name            *string            `json:"name"`
	Field           *string            `json:"field"`
	Transformations []olTransformation `json:"transformations"`
}

type olTransformation struct {
	Type    *string `json:"type"`
	Subtype *string `json:"subtype"`
}

// olIndirectKinds maps the subtype of an INDIRECT transformation to the
// kind of use it is.
var olIndirectKinds = map[string]lineage.ColumnUseKind{
	"FILTER":      lineage.UseFilter,
	"JOIN":        lineage.UseJoin,
	"GROUP_BY":    lineage.UseGrouping,
	"SORT":        lineage.UseOrdering,
	"WINDOW":      lineage.UseWindow,
	"CONDITIONAL": lineage.UseOther,
}

// columns returns the column lineage the event's dataset facets give.
// Errors are EINVALID and name the field at fault, as in
// "outputs[0].facets.columnLineage.fields.amount.inputFields[1].field".
func (ev *RunEvent) columns() (lineage.JobColumns, error) {
	var jc lineage.JobColumns
	table := func(field string, s *string) (string, error) {
		n, err := required(field, s)
		if err != nil {
			return "", err
		}
		return lineage.NormalizeName(field, n, true)
	}
	for _, side := range []struct {
		field string
		ds    []Dataset
	}{{"inputs", ev.Inputs}, {"outputs", ev.Outputs}} {
		for i, d := range side.ds {
			if d.Facets == nil {
				continue
			}
			at := fmt.Sprintf("%s[%d]", side.field, i)
			t, err := table(at+".name", d.Name)
			if err != nil {
				return jc, err
			}
			if s := d.Facets.Schema; s != nil {
				decl := lineage.TableSchema{Table: t}
				for j, f := range s.Fields {
					c, err := table(fmt.Sprintf("%s.facets.schema.fields[%d].name", at, j), f.Name)
					if err != nil {
						return jc, err
					}
					decl.Columns = append(decl.Columns, c)
				}
				if len(decl.Columns) > 0 {
					jc.Declares = append(jc.Declares, decl)
				}
			}
			cl := d.Facets.ColumnLineage
			if cl == nil {
				continue
			}
			at += ".facets.columnLineage"
			if side.field == "inputs" {
				return jc, lineage.FieldErrorf(at, "belongs on an output dataset: it says how the output's columns are computed")
			}
			if cl.Fields == nil {
				return jc, lineage.FieldErrorf(at+".fields", "is required")
			}
			for _, col := range sortedKeys(cl.Fields) {
				fat := at + ".fields." + col
				target, err := lineage.NormalizeName(fat, col, true)
				if err != nil {
					return jc, err
				}
				flow := lineage.ColumnFlow{Target: lineage.ColumnName{Table: t, Column: target}}
				if cl.Fields[col] == nil {
					continue
				}
				for j, in := range cl.Fields[col].InputFields {
					src, kind, err := in.column(fmt.Sprintf("%s.inputFields[%d]", fat, j), table)
					if err != nil {
						return jc, err
					}
					jc.Refs = append(jc.Refs, lineage.ColumnRef{ColumnName: src, Kind: kind})
					if kind == lineage.UseValue {
						flow.Sources = append(flow.Sources, src)
					}
				}
				if len(flow.Sources) > 0 {
					jc.Flows = append(jc.Flows, flow)
				}
			}
			for j, in := range cl.Dataset {
				src, kind, err := in.column(fmt.Sprintf("%s.dataset[%d]", at, j), table)
				if err != nil {
					return jc, err
				}
				if kind == lineage.UseValue {
					kind = lineage.UseOther // affects the whole dataset, no one column
				}
				jc.Refs = append(jc.Refs, lineage.ColumnRef{ColumnName: src, Kind: kind})
			}
		}
	}
	return jc, nil
}

// readsOfColumns returns the job's reads with the tables its column uses
// name added (an input field naming a dataset the event's inputs leave
// out), so that column impact, which starts from a table's readers, finds
// the job. The tables it writes are not added.
func readsOfColumns(p *lineage.JobPut) []string {
	reads := p.Reads
	for _, r := range p.Columns.Refs {
		if !slices.Contains(reads, r.Table) && !slices.Contains(p.Writes, r.Table) {
			reads = append(slices.Clip(reads), r.Table)
		}
	}
	slices.Sort(reads)
	return reads
}

// column checks one input field and returns the column it names and the
// kind of use: VALUE unless every transformation is INDIRECT.
func (in olInputField) column(at string, table func(string, *string) (string, error)) (lineage.ColumnName, lineage.ColumnUseKind, error) {
	var n lineage.ColumnName
	if _, err := required(at+".namespace", in.Namespace); err != nil {
		return n, "", err
	}
	var err error
	if n.Table, err = table(at+".name", in.Name); err != nil {
		return n, "", err
	}
	if n.Column, err = table(at+".field", in.Field); err != nil {
		return n, "", err
	}
	kind := lineage.ColumnUseKind("")
	for k, tr := range in.Transformations {
		typ := strings.ToUpper(strings.TrimSpace(deref(tr.Type)))
		switch typ {
		case "DIRECT":
			return n, lineage.UseValue, nil
		case "INDIRECT":
			if kind == "" {
				kind = lineage.UseOther
				if k, ok := olIndirectKinds[strings.ToUpper(strings.TrimSpace(deref(tr.Subtype)))]; ok {
					kind = k
				}
			}
		case "":
			return n, "", lineage.FieldErrorf(fmt.Sprintf("%s.transformations[%d].type", at, k), "is required: DIRECT or INDIRECT")
		default:
			return n, "", lineage.FieldErrorf(fmt.Sprintf("%s.transformations[%d].type", at, k), "must be DIRECT or INDIRECT, got %q", typ)
		}
	}
	if kind == "" {
		kind = lineage.UseValue
	}
	return n, kind, nil
}

// hashColumns adds a job's column lineage to a content hash.
func hashColumns(h io.Writer, c lineage.JobColumns) {
	for _, r := range c.Refs {
		fmt.Fprintf(h, "cr %s %s\x00", r.ColumnName, r.Kind)
	}
	for _, f := range c.Flows {
		fmt.Fprintf(h, "cf %s", f.Target)
		for _, s := range f.Sources {
			fmt.Fprintf(h, " %s", s)
		}
		h.Write([]byte{0})
	}
	for _, d := range c.Declares {
		fmt.Fprintf(h, "cd %s %s\x00", d.Table, strings.Join(d.Columns, ","))
	}
}
