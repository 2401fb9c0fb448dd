package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/synth"
)

func TestRunJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	dir := filepath.Join(t.TempDir(), "repo")
	if err := run([]string{"-seed", "2", "-tables", "200", "-jobs", "90", "-owners", "7", "-out", dir, "-format", "json"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v (stderr %s)", err, errOut.String())
	}
	var st synth.Stats
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("output is not JSON stats: %v\n%s", err, out.String())
	}
	if st.Tables != 200 || st.Jobs != 90 || st.Owners != 7 || st.Config.Seed != 2 {
		t.Errorf("stats = %+v", st)
	}
	flows, err := filepath.Glob(filepath.Join(dir, "*", "*", "main.sch.yaml"))
	if err != nil || len(flows) != 3 { // 90 jobs, 40 per workflow
		t.Errorf("workflow files %v, %v; want 3", flows, err)
	}
	scripts, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*.sql"))
	if len(scripts) != 90 {
		t.Errorf("%d scripts, want 90", len(scripts))
	}
}

func TestRunText(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-tables", "100", "-jobs", "30"}, &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "tables 100, jobs 30") {
		t.Errorf("text output:\n%s", out.String())
	}
}

func TestRunErrors(t *testing.T) {
	cases := []struct {
		args  []string
		field string
	}{
		{[]string{"-format", "xml"}, "-format"},
		{[]string{"-layers", "1"}, "layers"},
		{[]string{"-jobs", "-3"}, "jobs"},
		{[]string{"extra"}, ""},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := run(c.args, &out, &errOut)
		if lineage.ErrorCode(err) != lineage.EINVALID || lineage.ErrorField(err) != c.field {
			t.Errorf("run(%v) = %v; want EINVALID on %q", c.args, err, c.field)
		}
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"-h"}, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "main.sch.yaml") {
		t.Errorf("-h: err %v, help:\n%s", err, errOut.String())
	}
}
