package ingest

import (
	"encoding/csv"
	"fmt"
	"io/fs"
	"strings"

	"github.com/lineagehq/lineage"
)

// The columns: a dbt project documents are declared columns (declares.go):
// a model's, seed's or snapshot's on its own job, for its relation; a
// source's on a job of the properties file that declares it (kind "dbt
// sources"), since a source is no job of the project. Declaring a
// source's columns on the models that read it instead would lose the
// columns of a source no model reads yet, repeat them on every reader, and
// change every reader's hash when the source's documentation changes.
//
// dbt does not require columns: to be complete, and a partial list that
// answered the parser's lookups would hide the uses of the columns it
// lacks. So a model's (snapshot's) columns: are declared only together
// with the columns its SQL outputs, when the parser knows all of them
// (jobColumns, mergeDocumented); a seed's are declared with its CSV
// header. A source has neither: its columns: are taken as complete, and
// the README asks for all of them (dbt-codegen's generate_source lists
// them).

// dbtColumns are the columns: of a model, seed or snapshot.
type dbtColumns struct {
	names []string
	file  string
}

// dbtSourceFile is what one properties file declares of sources' columns.
type dbtSourceFile struct {
	tables           []lineage.TableSchema
	names            [][]string // as written, for warnings
	owner, ownerFrom string
}

// sourceColumns records the columns of one source table declared in file.
func (d *dbtScan) sourceColumns(file string, src dbtSource, cols []string) {
	sf := d.sourceDecls[file]
	if sf == nil {
		sf = &dbtSourceFile{}
		d.sourceDecls[file] = sf
	}
	if sf.owner == "" && src.owner != "" {
		sf.owner, sf.ownerFrom = src.owner, "dbt source meta.owner in "+file
	}
	sf.tables = append(sf.tables, lineage.TableSchema{Table: src.relation})
	sf.names = append(sf.names, cols)
}

// declare returns the declaration of relation's columns for job id, with a
// warning for each name the store cannot keep.
func (d *dbtScan) declare(id, file, relation string, names []string) []lineage.TableSchema {
	decl, bad, ok := declaration(relation, names)
	for _, b := range bad {
		d.plan.Warnings = append(d.plan.Warnings, Failure{Job: id, File: file, Message: fmt.Sprintf("column %q of %s is not a column name the graph can keep; it is left out", b, relation)})
	}
	if !ok {
		return nil
	}
	return []lineage.TableSchema{decl}
}

// sourceSpecs returns a job for each properties file that declares
// sources' columns.
func (d *dbtScan) sourceSpecs() []Spec {
	var specs []Spec
	for _, file := range sortedKeys(d.sourceDecls) {
		if under(file, d.held) {
			continue
		}
		sf := d.sourceDecls[file]
		p := d.plan
		// Its hash is its declarations and owner, not the file, whose
		// other contents (descriptions, tests) are none of its lineage;
		// and with a manifest the file may not be in the repository.
		s := Spec{ID: p.Source + ":" + file, Path: file, Kind: "dbt sources", noSQL: true, content: []byte{}}
		for i, t := range sf.tables {
			s.Declares = append(s.Declares, d.declare(s.ID, file, t.Table, sf.names[i])...)
		}
		if len(s.Declares) == 0 {
			continue
		}
		d.owner(dbtConfig{Owner: sf.owner, OwnerFrom: sf.ownerFrom}, &s)
		specs = append(specs, s)
	}
	return specs
}

// manifestColumns returns the names of a manifest node's columns, in the
// order of their keys (the manifest's columns is a mapping).
func manifestColumns(n manifestNode) []string {
	var out []string
	for _, k := range sortedKeys(n.Columns) {
		out = append(out, firstNonEmpty(strings.TrimSpace(n.Columns[k].Name), k))
	}
	return out
}

// nodeColumns sets what a model, snapshot or seed declares: a seed its
// CSV header and its columns:, which are complete; a model or snapshot
// documents its columns: (Spec.Documented), declared only beside the
// columns its SQL outputs.
func (d *dbtScan) nodeColumns(s *Spec, kind, relation, from string, names []string) {
	if kind != "seed" {
		if len(names) > 0 {
			s.Documented = d.declare(s.ID, from, relation, names)
		}
		return
	}
	header := seedHeader(d.fsys, s.Path)
	if len(header) == 0 && len(names) > 0 {
		// Without the header the list may be partial: not declared.
		return
	}
	s.Declares = d.declare(s.ID, firstNonEmpty(from, s.Path), relation, append(header, names...))
}

// seedHeader returns the column names of a seed's CSV header, nil when
// the file cannot be read as CSV.
func seedHeader(fsys fs.FS, file string) []string {
	f, err := fsys.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil || len(rec) == 0 {
		return nil
	}
	rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a byte order mark
	return rec
}
