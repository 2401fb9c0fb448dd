package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/ingest"
)

// runIngest is `lineage ingest`: it loads a repository of job scripts into
// the store, or pushes it to a server with -server. The exit code is 0 when
// every job was ingested, 1 when some failed (the others are stored) or the
// run failed, 2 for bad usage.
func runIngest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const synopsis = `
Usage: lineage ingest [flags] DIR

Loads a repository of job scripts into the lineage graph: .sql, .hql, .q
(and .hive, .ddl, .dml, .pgsql, .psql) files, or those include: in
lineage.yaml names; the jobs of workflow files (*.sch.yaml: jobs with id,
type, script, owner and writes); and dbt projects (dbt_project.yml: models,
snapshots and seeds, or target/manifest.json when compiled). A job writes
the tables its script writes, plus the table its place names: a dbt
model's relation, or a writes: path rule of lineage.yaml such as
"sql/{project}/{dataset}/{table}/query.sql": "{project}.{dataset}.{table}".
Owners come from the workflow files, then dbt meta.owner and groups, then
a metadata.yaml beside the script (owners:), then CODEOWNERS, then
default_owner in lineage.yaml, which also sets dialects, template
variables, the dbt target (dbt: {database, schema}) and owners' details.

Ingest is incremental: jobs whose content hash is unchanged are skipped, jobs
gone from DIR are removed (only those of the same source), and scripts that
do not parse keep their previous lineage and are reported with file, line
and column. The exit code is 1 when any job failed.`
	const examples = `
  lineage ingest ./examples/warehouse
  lineage ingest -dry-run -format json ~/src/data-jobs
  lineage ingest -graph sqlite:/var/lib/lineage/lineage.db -source data-jobs .
  LINEAGE_TOKEN=... lineage ingest -server https://lineage.example.com .`
	fs := flagSet("ingest", synopsis, examples, stderr)
	graph := fs.String("graph", envString("LINEAGE_GRAPH", "sqlite:./lineage.db"), "graph store: sqlite:PATH or a Neo4j URI such as neo4j://host:7687 (LINEAGE_GRAPH)")
	var na neo4jAuth
	fs.StringVar(&na.User, "neo4j-user", envString("LINEAGE_NEO4J_USER", "neo4j"), "Neo4j user (LINEAGE_NEO4J_USER)")
	fs.StringVar(&na.Password, "neo4j-password", envString("LINEAGE_NEO4J_PASSWORD", ""), "Neo4j password (LINEAGE_NEO4J_PASSWORD; prefer the variable, flags show in ps)")
	fs.StringVar(&na.Database, "neo4j-database", envString("LINEAGE_NEO4J_DATABASE", ""), "Neo4j database name; empty for the server's default (LINEAGE_NEO4J_DATABASE)")
	source := fs.String("source", "", "source name of the repository's jobs (default: source: in lineage.yaml, else the directory's name)")
	format := fs.String("format", "text", "summary format: text or json")
	dryRun := fs.Bool("dry-run", false, "show what would change without changing anything")
	force := fs.Bool("force", false, "parse every job again, even unchanged ones (after a parser upgrade)")
	strict := fs.Bool("strict", false, "fail any script (changed or not: unchanged ones are parsed to check) whose lineage has a statement that did not parse and whose tables were only picked from its tokens")
	workers := fs.Int("workers", 0, "scripts parsed at once (default: the number of CPUs)")
	batch := fs.Int("batch", ingest.DefaultBatchSize, "jobs stored per transaction")
	server := fs.String("server", "", "push to the lineage server at this URL instead of writing to -graph")
	token := fs.String("token", envString("LINEAGE_TOKEN", ""), "bearer token for -server (LINEAGE_TOKEN; prefer the variable, flags show in ps)")
	progress := fs.String("progress", "auto", "progress report on stderr: auto (a bar on a terminal, lines otherwise), bar, lines or none")
	if code, stop := parseFlags(fs, args, stdout); stop {
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "lineage ingest: "+format+"\n", args...)
		fmt.Fprintln(stderr, "Run lineage ingest --help for usage.")
		return 2
	}
	if fs.NArg() != 1 {
		return usageErr("want one repository directory, got %d arguments", fs.NArg())
	}
	dir := fs.Arg(0)
	if *format != "text" && *format != "json" {
		return usageErr("-format must be text or json, not %q", *format)
	}
	if *workers < 0 || *batch < 1 {
		return usageErr("-workers must be 0 or more and -batch 1 or more")
	}
	switch *progress {
	case "auto", "bar", "lines", "none":
	default:
		return usageErr("-progress must be auto, bar, lines or none, not %q", *progress)
	}

	in := &ingest.Ingester{Workers: *workers, BatchSize: *batch}
	if *server != "" {
		if *token == "" && !*dryRun {
			return usageErr("-server needs a token: set LINEAGE_TOKEN or -token")
		}
		in.Client = &ingest.Client{BaseURL: *server, Token: *token}
	} else {
		st, err := openStore(ctx, *graph, na)
		if err != nil {
			fmt.Fprintf(stderr, "lineage ingest: open %s: %s\n", describeStore(*graph), errorText(err))
			return 1
		}
		defer st.Close()
		in.Graph = st
	}
	rep := newProgressReporter(*progress, stderr)
	in.Progress = rep.update

	sum, err := in.Run(ctx, dir, ingest.Options{Source: *source, DryRun: *dryRun, Force: *force, Strict: *strict})
	rep.done()
	if sum != nil {
		if *format == "json" {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(sum); err != nil {
				fmt.Fprintf(stderr, "lineage ingest: %v\n", err)
				return 1
			}
		} else {
			printSummary(stdout, dir, sum, err != nil)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "lineage ingest: %s\n", errorText(err))
		return 1
	}
	if len(sum.Failed) > 0 {
		return 1
	}
	return 0
}

// errorText is an error for the operator: the user-safe message, or the
// whole chain when the error is internal (this is a command line: nobody
// else reads it).
func errorText(err error) string {
	if lineage.ErrorCode(err) == lineage.EINTERNAL {
		return err.Error()
	}
	if msg := lineage.ErrorMessage(err); msg != "" {
		return msg
	}
	return err.Error()
}

// printSummary writes the text summary of an ingest.
func printSummary(w io.Writer, dir string, s *ingest.Summary, partial bool) {
	verb := "Ingested"
	switch {
	case s.DryRun:
		verb = "Dry run of"
	case partial:
		verb = "Stopped ingesting"
	}
	fmt.Fprintf(w, "%s %s (source %s) in %s\n", verb, dir, s.Source, s.Elapsed.Round(time.Millisecond))
	would := ""
	if s.DryRun {
		would = " (would be)"
	}
	rows := []struct {
		name string
		n    int
	}{
		{"jobs", s.Jobs}, {"added" + would, len(s.Added)}, {"updated" + would, len(s.Updated)},
		{"unchanged", s.Unchanged}, {"removed" + would, len(s.Removed)}, {"failed", len(s.Failed)},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-20s %7d\n", r.name, r.n)
	}
	if s.Skipped > 0 {
		fmt.Fprintf(w, "  %-20s %7d\n", "skipped (not SQL)", s.Skipped)
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "  %-20s %7d\n", "warnings", len(s.Warnings))
	}
	// Lists: all of them on a dry run, short ones otherwise.
	list := func(title string, ids []string) {
		if len(ids) == 0 || (!s.DryRun && len(ids) > 20) {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for _, id := range ids {
			fmt.Fprintf(w, "  %s\n", id)
		}
	}
	if s.DryRun {
		list("Would add", s.Added)
		list("Would update", s.Updated)
		list("Would remove", s.Removed)
	} else {
		list("Added", s.Added)
		list("Updated", s.Updated)
		list("Removed", s.Removed)
		list("Parsed again (columns of a table they read were declared or changed)", s.Reparsed)
	}
	if s.RemovalsSkipped != "" {
		fmt.Fprintf(w, "Removals skipped: %s.\n", s.RemovalsSkipped)
	}
	if len(s.Failed) > 0 {
		fmt.Fprintln(w, "Failed (jobs that were stored before keep their previous lineage):")
		for _, f := range s.Failed {
			job := ""
			if f.Job != "" {
				job = " [" + f.Job + "]"
			}
			fmt.Fprintf(w, "  %s%s\n", f.Error(), job)
		}
	}
	if n := len(s.Warnings); n > 0 {
		fmt.Fprintln(w, "Warnings:")
		for i, f := range s.Warnings {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more (-format json lists them all)\n", n-20)
				break
			}
			fmt.Fprintf(w, "  %s\n", f.Error())
		}
	}
}

// progressReporter shows an ingest's progress on stderr: a bar on a
// terminal, otherwise a line every tenth of the way for repositories of 100
// jobs or more (the summary says enough for smaller ones).
type progressReporter struct {
	w     io.Writer
	mode  string // "bar", "lines" or "none"
	bar   *progressbar.ProgressBar
	tenth int // last tenth reported in lines mode
}

func newProgressReporter(mode string, stderr io.Writer) *progressReporter {
	if mode == "auto" {
		mode = "lines"
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	return &progressReporter{w: stderr, mode: mode}
}

// update is the Ingester's Progress callback; the Ingester calls it from
// one goroutine at a time.
func (r *progressReporter) update(p ingest.Progress) {
	switch r.mode {
	case "bar":
		if r.bar == nil {
			r.bar = progressbar.NewOptions(p.Total,
				progressbar.OptionSetWriter(r.w),
				progressbar.OptionSetDescription("ingest"),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString("jobs"),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
		}
		_ = r.bar.Set(p.Done) // writes to stderr; nothing to do if that fails
	case "lines":
		if p.Total < 100 {
			return
		}
		tenth := p.Done * 10 / p.Total
		if tenth > r.tenth && p.Done < p.Total || p.Done == p.Total && r.tenth < 10 {
			r.tenth = tenth
			fmt.Fprintf(r.w, "ingest: %d/%d jobs (%d%%): %d added, %d updated, %d unchanged, %d failed, %s\n",
				p.Done, p.Total, p.Done*100/p.Total, p.Added, p.Updated, p.Unchanged, p.Failed, p.Elapsed.Round(time.Millisecond))
		}
	}
}

func (r *progressReporter) done() {
	if r.bar != nil {
		_ = r.bar.Finish()
	}
}
