package synth_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/synth"
)

func TestDeterministic(t *testing.T) {
	cfg := synth.Config{Seed: 7, Tables: 500, Jobs: 1500, Owners: 40, Layers: 5}
	a, b := synth.Generate(cfg), synth.Generate(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two warehouses from one config differ")
	}
	cfg.Seed = 8
	if c := synth.Generate(cfg); reflect.DeepEqual(a.Jobs, c.Jobs) {
		t.Fatal("seeds 7 and 8 gave the same jobs")
	}
}

func TestShape(t *testing.T) {
	cfg := synth.Config{Seed: 1, Tables: 2000, Jobs: 6000, Owners: 100, Layers: 6}
	w := synth.Generate(cfg)
	if len(w.Tables) != cfg.Tables || len(w.Jobs) != cfg.Jobs || len(w.Owners) != cfg.Owners {
		t.Fatalf("sizes %d tables %d jobs %d owners, want %+v", len(w.Tables), len(w.Jobs), len(w.Owners), cfg)
	}
	layer := map[string]int{}
	for i, n := range w.Tables {
		if _, err := lineage.NormalizeName("table", n, true); err != nil || strings.ToLower(n) != n {
			t.Fatalf("bad table name %q: %v", n, err)
		}
		if _, dup := layer[n]; dup {
			t.Fatalf("table %q twice", n)
		}
		layer[n] = w.Layer[i]
	}
	owners := map[string]bool{}
	for _, o := range w.Owners {
		if owners[o.Handle] || strings.ToLower(o.Handle) != o.Handle {
			t.Fatalf("bad or repeated owner handle %q", o.Handle)
		}
		owners[o.Handle] = true
	}
	ids := map[string]bool{}
	written := map[string]bool{}
	for i, j := range w.Jobs {
		if ids[j.Job.ID] {
			t.Fatalf("job id %q twice", j.Job.ID)
		}
		ids[j.Job.ID] = true
		if len(j.Writes) < 1 || len(j.Writes) > 2 || len(j.Reads) < 1 {
			t.Fatalf("job %s reads %v writes %v", j.Job.ID, j.Reads, j.Writes)
		}
		l := layer[j.Writes[0]]
		for _, wt := range j.Writes {
			written[wt] = true
			if layer[wt] != l || l == 0 {
				t.Fatalf("job %s writes %v across layers or into sources", j.Job.ID, j.Writes)
			}
		}
		for _, r := range j.Reads {
			if layer[r] >= l {
				t.Fatalf("job %s in layer %d reads %s of layer %d", j.Job.ID, l, r, layer[r])
			}
		}
		if j.Job.Owner != "" && !owners[j.Job.Owner] {
			t.Fatalf("job %s has unknown owner %q", j.Job.ID, j.Job.Owner)
		}
		for _, n := range append(append([]string{}, j.Reads...), j.Writes...) {
			if !strings.Contains(w.SQL[i], n) {
				t.Fatalf("script of %s does not name %s:\n%s", j.Job.ID, n, w.SQL[i])
			}
		}
	}
	for i, n := range w.Tables {
		if w.Layer[i] > 0 && !written[n] {
			t.Errorf("non-source table %s has no writer", n)
		}
	}
	st := w.Stats()
	if st.HubReaders < 10*st.MedianReaders {
		t.Errorf("hub %s has %d readers, median %d: not heavy-tailed", st.Hub, st.HubReaders, st.MedianReaders)
	}
	if st.MaxOwnerJobs < 3*cfg.Jobs/cfg.Owners {
		t.Errorf("busiest owner has %d jobs of %d: not heavy-tailed", st.MaxOwnerJobs, cfg.Jobs)
	}
	typ := w.Typical(10)
	if len(typ) != 10 {
		t.Fatalf("Typical(10) = %v", typ)
	}
	readers := w.Readers()
	for _, n := range typ {
		for i, tn := range w.Tables {
			if tn == n && readers[i] != st.MedianReaders {
				t.Errorf("typical table %s has %d readers, median is %d", n, readers[i], st.MedianReaders)
			}
		}
	}
}

func TestWriteRepo(t *testing.T) {
	w := synth.Generate(synth.Config{Seed: 3, Tables: 200, Jobs: 100, Owners: 10, Layers: 4})
	dir := t.TempDir()
	if err := synth.WriteRepo(dir, w); err != nil {
		t.Fatal(err)
	}
	flows := map[string]string{}
	for i, j := range w.Jobs {
		b, err := os.ReadFile(filepath.Join(dir, j.Job.Path))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != w.SQL[i] {
			t.Fatalf("%s differs from the warehouse's SQL", j.Job.Path)
		}
		wf := filepath.Join(dir, filepath.Dir(j.Job.Path), "main.sch.yaml")
		if _, ok := flows[wf]; !ok {
			y, err := os.ReadFile(wf)
			if err != nil {
				t.Fatal(err)
			}
			flows[wf] = string(y)
		}
		base := filepath.Base(j.Job.Path)
		entry := fmt.Sprintf("  - id: %s\n    type: sql\n    script: %s\n", strings.TrimSuffix(base, ".sql"), base)
		if j.Job.Owner != "" {
			entry += "    owner: " + j.Job.Owner + "\n"
		}
		if !strings.Contains(flows[wf], entry) {
			t.Fatalf("%s lacks the entry\n%s", wf, entry)
		}
	}
	if len(flows) != 3 { // 100 jobs, 40 per workflow
		t.Errorf("%d workflow files, want 3", len(flows))
	}
	for _, dialect := range []string{"INSERT OVERWRITE TABLE", "INSERT INTO"} {
		found := false
		for _, s := range w.SQL {
			found = found || strings.Contains(s, dialect)
		}
		if !found {
			t.Errorf("no script uses %s", dialect)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		cfg   synth.Config
		field string
	}{
		{synth.Config{Tables: -1}, "tables"},
		{synth.Config{Jobs: -5}, "jobs"},
		{synth.Config{Layers: 1}, "layers"},
	} {
		if err := c.cfg.Check(); lineage.ErrorField(err) != c.field {
			t.Errorf("Check(%+v) = %v, want an error on %s", c.cfg, err, c.field)
		}
	}
	if err := synth.Defaults.Check(); err != nil {
		t.Errorf("Defaults.Check() = %v", err)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		synth.Generate(synth.Config{Seed: 1, Tables: 10000, Jobs: 30000})
	}
}

// TestColumnsKeepTables checks that asking for columns adds column lineage
// and changes nothing of the table-level warehouse.
func TestColumnsKeepTables(t *testing.T) {
	plain := synth.Generate(synth.Config{Seed: 3, Tables: 500, Jobs: 1500})
	cols := synth.Generate(synth.Config{Seed: 3, Tables: 500, Jobs: 1500, Columns: 20})
	for i := range plain.Jobs {
		p, c := plain.Jobs[i], cols.Jobs[i]
		if p.Job != c.Job || !slices.Equal(p.Reads, c.Reads) || !slices.Equal(p.Writes, c.Writes) || !p.Columns.Empty() {
			t.Fatalf("job %d differs: %+v vs %+v", i, p, c)
		}
	}
	refs, flows := cols.ColumnStats()
	if refs < 3*len(cols.Jobs) || flows < len(cols.Jobs) {
		t.Fatalf("%d refs and %d flow edges for %d jobs: too few", refs, flows, len(cols.Jobs))
	}
	if n := len(cols.TableColumns(0)); n != 20 {
		t.Fatalf("table 0 has %d columns, want 20", n)
	}
	for _, j := range cols.Jobs {
		jc := j.Columns
		if err := jc.Normalize("columns"); err != nil {
			t.Fatalf("job %s: %v", j.Job.ID, err)
		}
	}
}
