// Command synth generates a synthetic data warehouse (graph/synth) and
// writes it as a repository of SQL scripts and workflow files, or prints its
// statistics.
//
//	go run ./cmd/synth -seed 1 -tables 100000 -jobs 300000 -out /tmp/repo
//	go run ./cmd/synth -tables 100000 -jobs 300000 -format json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/synth"
)

const usage = `Usage: synth [flags]

Generates a synthetic data warehouse: tables in layers (raw, stg, int, dw,
mart, ...), jobs that read lower layers and write one or two tables of their
own, and owners. Popularity is heavy-tailed: a few hub tables are read by
thousands of jobs, the median table by a handful. The same flags always give
the same warehouse.

With -out, writes a repository: each job as a SQL script (INSERT OVERWRITE
TABLE for spark/hive, INSERT INTO for mysql/postgres) and, per workflow
directory, a main.sch.yaml naming the jobs' scripts and owners:

    jobs:
      - id: j0000042
        type: sql
        script: j0000042.sql
        owner: alice.sales1

Always prints statistics (tables, jobs, edges, hub and median readers).

Examples:
    synth -seed 1 -tables 100000 -jobs 300000 -out /tmp/repo
    synth -tables 1000 -jobs 3000 -format json

Flags:
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "synth:", lineage.ErrorMessage(err))
		if lineage.ErrorCode(err) == lineage.EINTERNAL {
			fmt.Fprintln(os.Stderr, "synth:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	var cfg synth.Config
	fs.Int64Var(&cfg.Seed, "seed", synth.Defaults.Seed, "random seed; the same seed and sizes give the same warehouse")
	fs.IntVar(&cfg.Tables, "tables", synth.Defaults.Tables, "number of tables")
	fs.IntVar(&cfg.Jobs, "jobs", synth.Defaults.Jobs, "number of jobs (scripts)")
	fs.IntVar(&cfg.Owners, "owners", synth.Defaults.Owners, "number of owners (people and teams)")
	fs.IntVar(&cfg.Layers, "layers", synth.Defaults.Layers, "number of table layers, sources included (at least 2)")
	out := fs.String("out", "", "directory to write the repository into (created if missing); empty: write nothing")
	format := fs.String("format", "text", "statistics format: text or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return lineage.Errorf(lineage.EINVALID, "Unexpected argument %q; all settings are flags.", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return lineage.FieldErrorf("-format", "must be text or json, got %q", *format)
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	start := time.Now()
	w := synth.Generate(cfg)
	gen := time.Since(start)
	var wrote time.Duration
	if *out != "" {
		start = time.Now()
		if err := synth.WriteRepo(*out, w); err != nil {
			return lineage.WrapError(lineage.EINVALID, err, "Cannot write the repository to %s; check the path and free space.", *out)
		}
		wrote = time.Since(start)
	}
	st := w.Stats()
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			synth.Stats
			Out string `json:"out,omitempty"`
		}{st, *out})
	}
	fmt.Fprintf(stdout, "tables %d, jobs %d, owners %d, edges %d (%d reads, %d writes)\n",
		st.Tables, st.Jobs, st.Owners, st.Edges, st.Reads, st.Writes)
	fmt.Fprintf(stdout, "hub %s read by %d jobs; median table read by %d; %d tables unread\n",
		st.Hub, st.HubReaders, st.MedianReaders, st.UnreadTables)
	fmt.Fprintf(stdout, "busiest owner has %d jobs; %d jobs have no owner; dialects %v\n", st.MaxOwnerJobs, st.UnownedJobs, st.Dialects)
	fmt.Fprintf(stdout, "generated in %v", gen.Round(time.Millisecond))
	if *out != "" {
		fmt.Fprintf(stdout, "; wrote %s in %v", *out, wrote.Round(time.Millisecond))
	}
	fmt.Fprintln(stdout)
	return nil
}
