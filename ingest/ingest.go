package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/parser"
)

// DefaultBatchSize is how many jobs go to the store in one PutJobs call.
const DefaultBatchSize = 500

// Ingester loads repositories of job scripts into a lineage graph,
// incrementally: a job whose content hash is unchanged is not parsed again.
type Ingester struct {
	// Graph is the store to write to. Either Graph or Client is needed.
	Graph lineage.GraphStore
	// Client, when set, sends jobs to a lineage server's push endpoint
	// instead of writing to Graph; the server parses them.
	Client *Client
	// Workers is how many scripts are parsed at once (one parser each);
	// 0 means GOMAXPROCS.
	Workers int
	// BatchSize is how many jobs go to the store in one PutJobs call; 0
	// means DefaultBatchSize.
	BatchSize int
	// Progress, if set, is called (from one goroutine at a time) as jobs
	// are settled.
	Progress func(Progress)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Options are the settings of one ingest.
type Options struct {
	// Source names the repository; jobs vanish from the graph only within
	// their source. "" takes source: from lineage.yaml, then DefaultSource.
	Source string
	// DefaultSource is the source when neither Source nor lineage.yaml
	// names one; Run sets it to the directory's name.
	DefaultSource string
	// DryRun computes and reports the changes without making them.
	DryRun bool
	// Force parses every job again, even unchanged ones (after a parser
	// upgrade, say).
	Force bool
	// Strict fails a script when the parser could only pick the tables of
	// one of its statements from its tokens (a fallback), instead of
	// storing that lineage with a warning. Unchanged scripts are parsed
	// too (not stored again), so a low-confidence stored lineage fails.
	Strict bool
}

// Progress reports how far an ingest is.
type Progress struct {
	// Total is the number of jobs in the repository; Done those settled
	// (stored, found unchanged, or failed).
	Total, Done                       int
	Added, Updated, Unchanged, Failed int
	Removed                           int
	Elapsed                           time.Duration
}

// Summary is the outcome of an ingest.
type Summary struct {
	Source string `json:"source"`
	DryRun bool   `json:"dryRun"`
	// Jobs is how many jobs the repository holds.
	Jobs      int      `json:"jobs"`
	Added     []string `json:"added"`
	Updated   []string `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Removed   []string `json:"removed"`
	// Failed are the scripts that did not parse (their previous lineage is
	// kept) and the workflow files that could not be read.
	Failed []Failure `json:"failed"`
	// Skipped counts workflow jobs that are not SQL.
	Skipped int `json:"skipped"`
	// Warnings are the parser's warnings on the jobs parsed.
	Warnings []Failure `json:"warnings"`
	// Watchers maps a job id to the further owners its project names (the
	// owners after the first in a metadata.yaml). The graph does not keep
	// them yet: lineage.Job has no field for them.
	Watchers map[string][]string `json:"watchers,omitempty"`
	// Reparsed are jobs parsed once more at the end of the run, since the
	// columns of a table they read were declared or changed by it (their
	// script did not change, or was parsed before those columns were
	// stored). See resolveStars.
	Reparsed []string `json:"reparsed,omitempty"`
	// RemovalsSkipped explains why no vanished job was removed, if so.
	RemovalsSkipped string `json:"removalsSkipped,omitempty"`
	// Counts sums up the lists above, for CI pipelines.
	Counts  SummaryCounts `json:"counts"`
	Elapsed time.Duration `json:"elapsedNs"`
}

// SummaryCounts are the sizes of a Summary's lists.
type SummaryCounts struct {
	Jobs      int `json:"jobs"`
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	Warnings  int `json:"warnings"`
}

// Failure is a job or file that could not be ingested, with where and why.
type Failure struct {
	Job     string `json:"job,omitempty"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// Error formats the failure as FILE:LINE:COLUMN: MESSAGE.
func (f Failure) Error() string {
	pos := f.File
	if f.Line > 0 {
		pos += fmt.Sprintf(":%d", f.Line)
		if f.Column > 0 {
			pos += fmt.Sprintf(":%d", f.Column)
		}
	}
	if pos == "" {
		pos = f.Job
	}
	return pos + ": " + f.Message
}

// Run ingests the repository in dir. See RunFS.
func (in *Ingester) Run(ctx context.Context, dir string, opts Options) (*Summary, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, lineage.WrapError(lineage.EINVALID, err, "Cannot read the repository %s.", dir)
	}
	if !st.IsDir() {
		return nil, lineage.Errorf(lineage.EINVALID, "%s is not a directory.", dir)
	}
	if opts.DefaultSource == "" {
		if abs, err := filepath.Abs(dir); err == nil {
			opts.DefaultSource = filepath.Base(abs)
		}
	}
	return in.RunFS(ctx, os.DirFS(dir), opts)
}

// RunFS ingests a repository: it scans it (Scan), compares each job's
// content hash with the stored one, parses the jobs that changed in
// parallel, stores them in batches, and removes the jobs of the same source
// that the repository no longer holds. A script that fails to parse keeps
// its previous lineage and is reported in Summary.Failed. The error is for
// the run as a whole (bad lineage.yaml, store unreachable); the Summary
// returned with it, if any, says what was done before it.
//
// Each batch is atomic and each job's hash is stored with it, so a run that
// is killed part-way leaves a graph that the next run completes: every job
// is then either stored with its new hash (skipped as unchanged) or not.
func (in *Ingester) RunFS(ctx context.Context, fsys fs.FS, opts Options) (*Summary, error) {
	start := in.now()
	if in.Graph == nil && in.Client == nil {
		return nil, errors.New("ingest: Ingester needs a Graph or a Client")
	}
	source := opts.Source
	if source == "" {
		cfg, err := LoadConfig(fsys)
		if err != nil {
			return nil, err
		}
		source = cfg.Source
	}
	if source == "" {
		source = opts.DefaultSource
	}
	plan, err := Scan(fsys, source)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Source: plan.Source, DryRun: opts.DryRun, Jobs: len(plan.Jobs), Skipped: plan.Skipped,
		Added: []string{}, Updated: []string{}, Removed: []string{}, Failed: append([]Failure{}, plan.Failures...), Warnings: []Failure{}}

	stored, err := in.storedHashes(ctx, plan.Source)
	if err != nil {
		return nil, err
	}
	if !opts.DryRun && len(plan.Config.Owners) > 0 {
		if err := in.putOwners(ctx, plan.Config); err != nil {
			return nil, err
		}
	}

	sum.Warnings = append(sum.Warnings, plan.Warnings...)
	for _, s := range plan.Jobs {
		if len(s.Watchers) > 0 {
			if sum.Watchers == nil {
				sum.Watchers = map[string][]string{}
			}
			sum.Watchers[s.ID] = s.Watchers
		}
	}
	r := &run{in: in, opts: opts, plan: plan, stored: stored, sum: sum, start: start, redeclared: map[string]bool{}, changed: map[string]bool{}, schema: newGraphSchema(ctx, in.Graph).withLocal(ctx, plan.localSchema())}
	r.prog.Total = len(plan.Jobs)
	r.prog.Failed = len(plan.Failures)
	// A server parses pushed jobs with the columns it knows: the jobs that
	// declare columns go first, so that the others' stars over those
	// tables resolve in this run, as a local run's own lookups let them.
	phases := [][]Spec{plan.Jobs}
	if in.Client != nil {
		decl, rest := splitDeclaring(plan.Jobs)
		phases = [][]Spec{decl, rest}
	}
	for _, specs := range phases {
		if err := r.jobs(ctx, fsys, specs); err != nil {
			r.finish()
			return sum, err
		}
	}
	if err := r.resolveStars(ctx, fsys); err != nil {
		r.finish()
		return sum, err
	}
	if err := r.removals(ctx); err != nil {
		r.finish()
		return sum, err
	}
	r.finish()
	return sum, nil
}

func (in *Ingester) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

func (in *Ingester) workers() int {
	if in.Workers > 0 {
		return in.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (in *Ingester) batchSize() int {
	if in.BatchSize > 0 {
		return in.BatchSize
	}
	return DefaultBatchSize
}

// storedHashes returns the id → hash of every stored job of source.
func (in *Ingester) storedHashes(ctx context.Context, source string) (map[string]string, error) {
	if in.Client != nil {
		return in.Client.Hashes(ctx, source)
	}
	return StoredHashes(ctx, in.Graph, source)
}

// StoredHashes returns the id → content hash of every stored job of source.
func StoredHashes(ctx context.Context, g lineage.GraphStore, source string) (map[string]string, error) {
	m := map[string]string{}
	f := lineage.JobFilter{Source: source, First: lineage.MaxPage}
	for {
		page, err := g.Jobs(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("ingest: list jobs of %s: %w", source, err)
		}
		for _, j := range page.Jobs {
			if j.Source == source {
				m[j.ID] = j.Hash
			}
		}
		if !page.HasNext || page.EndCursor == "" {
			return m, nil
		}
		f.After = page.EndCursor
	}
}

func (in *Ingester) putOwners(ctx context.Context, cfg *Config) error {
	owners := make([]lineage.Owner, 0, len(cfg.Owners))
	for _, o := range cfg.Owners {
		owners = append(owners, o)
	}
	sort.Slice(owners, func(i, j int) bool { return owners[i].Handle < owners[j].Handle })
	if in.Client != nil {
		return in.Client.PutOwners(ctx, owners)
	}
	if err := in.Graph.PutOwners(ctx, owners); err != nil {
		return fmt.Errorf("ingest: store owners of %s: %w", ConfigFile, err)
	}
	return nil
}

// run is the state of one RunFS call.
type run struct {
	in     *Ingester
	opts   Options
	plan   *Plan
	stored map[string]string
	sum    *Summary
	start  time.Time
	// schema answers the parser's column lookups from the graph; nil in
	// client mode.
	schema *graphSchema

	mu   sync.Mutex // guards sum, prog and starred once workers run
	prog Progress
	// starred are the jobs stored in this run with a star over a table of
	// unknown columns; redeclared the tables whose declaring jobs this run
	// stored; changed the ids of the jobs it added or updated; repass is
	// set while jobs are parsed once more (resolveStars).
	starred    []Spec
	redeclared map[string]bool
	changed    map[string]bool
	repass     bool
}

// outcome is what a worker made of one job.
type outcome struct {
	spec     Spec
	put      *lineage.JobPut // to store (local mode)
	added    bool
	changed  bool // added or updated (already pushed in client mode)
	failure  *Failure
	warnings []Failure
	// starred: stored with a star over a table of unknown columns.
	starred bool
}

func (r *run) jobs(ctx context.Context, fsys fs.FS, todo []Spec) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	specs := make(chan Spec)
	outcomes := make(chan outcome, 64)
	var wg sync.WaitGroup
	for range r.in.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{run: r}
			for s := range specs {
				if ctx.Err() != nil {
					continue
				}
				o, err := w.do(ctx, fsys, s)
				if err != nil {
					cancel(err)
					continue
				}
				select {
				case outcomes <- o:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() {
		defer close(specs)
		for _, s := range todo {
			select {
			case specs <- s:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(outcomes) }()

	// The writer stores batches while the workers go on parsing.
	batches := make(chan []outcome, 2)
	writeErr := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = r.write(ctx, b); err != nil {
					cancel(err)
				}
			}
		}
		writeErr <- err
	}()

	var batch []outcome
	for o := range outcomes {
		switch {
		case o.put != nil:
			batch = append(batch, o)
			if len(batch) >= r.in.batchSize() {
				batches <- batch
				batch = nil
			}
		default:
			r.settle(o)
		}
	}
	if len(batch) > 0 && ctx.Err() == nil {
		batches <- batch
	}
	close(batches)
	if err := <-writeErr; err != nil {
		return err
	}
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// write stores one batch. A batch the store refuses as invalid is retried
// job by job, so one bad job fails alone.
func (r *run) write(ctx context.Context, batch []outcome) error {
	puts := make([]lineage.JobPut, len(batch))
	for i, o := range batch {
		puts[i] = *o.put
	}
	err := r.in.Graph.PutJobs(ctx, puts)
	if err == nil {
		for _, o := range batch {
			r.settle(o)
		}
		return nil
	}
	if lineage.ErrorCode(err) != lineage.EINVALID || len(batch) == 1 {
		if lineage.ErrorCode(err) == lineage.EINVALID {
			o := batch[0]
			o.put, o.failure = nil, &Failure{Job: o.spec.ID, File: o.spec.Path, Message: "the store refused the job: " + lineage.ErrorMessage(err)}
			r.settle(o)
			return nil
		}
		return fmt.Errorf("ingest: store %d jobs: %w", len(batch), err)
	}
	for _, o := range batch {
		if err := r.write(ctx, []outcome{o}); err != nil {
			return err
		}
	}
	return nil
}

// settle records one job's outcome in the summary and reports progress.
func (r *run) settle(o outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.repass {
		if o.failure == nil && o.changed {
			r.sum.Reparsed = append(r.sum.Reparsed, o.spec.ID)
		}
		return // counted in the first pass
	}
	if o.starred || o.put != nil && strings.HasSuffix(o.put.Job.Hash, starMark) {
		r.starred = append(r.starred, o.spec)
	}
	if o.changed && o.failure == nil {
		r.changed[o.spec.ID] = true
		if o.put != nil {
			for _, d := range o.put.Columns.Declares {
				r.redeclared[d.Table] = true
			}
		}
	}
	switch {
	case o.failure != nil:
		r.sum.Failed = append(r.sum.Failed, *o.failure)
		r.prog.Failed++
	case o.changed && o.added:
		r.sum.Added = append(r.sum.Added, o.spec.ID)
		r.prog.Added++
	case o.changed:
		r.sum.Updated = append(r.sum.Updated, o.spec.ID)
		r.prog.Updated++
	default:
		r.sum.Unchanged++
		r.prog.Unchanged++
	}
	r.sum.Warnings = append(r.sum.Warnings, o.warnings...)
	r.prog.Done++
	r.report()
}

func (r *run) report() {
	if r.in.Progress != nil {
		r.prog.Elapsed = r.in.now().Sub(r.start)
		r.in.Progress(r.prog)
	}
}

// removals deletes the stored jobs of the source that the repository no
// longer holds, unless part of the repository could not be read.
func (r *run) removals(ctx context.Context) error {
	present := make(map[string]bool, len(r.plan.Jobs))
	for _, s := range r.plan.Jobs {
		present[s.ID] = true
	}
	var gone []string
	for id := range r.stored {
		if !present[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	if len(gone) > 0 && !r.plan.Complete {
		r.sum.RemovalsSkipped = fmt.Sprintf("%d stored jobs are not in the repository, but part of it could not be read (see failures), so none was removed", len(gone))
		return nil
	}
	for _, id := range gone {
		if !r.opts.DryRun {
			var err error
			if r.in.Client != nil {
				err = r.in.Client.Delete(ctx, id)
			} else {
				err = r.in.Graph.DeleteJob(ctx, id)
			}
			if err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
				return fmt.Errorf("ingest: remove %s: %w", id, err)
			}
		}
		r.mu.Lock()
		r.sum.Removed = append(r.sum.Removed, id)
		r.prog.Removed++
		r.report()
		r.mu.Unlock()
	}
	return nil
}

func (r *run) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sum
	slices.Sort(s.Added)
	slices.Sort(s.Updated)
	slices.Sort(s.Reparsed)
	sort.SliceStable(s.Failed, func(i, j int) bool { return s.Failed[i].File < s.Failed[j].File })
	sort.SliceStable(s.Warnings, func(i, j int) bool {
		a, b := s.Warnings[i], s.Warnings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	s.Counts = SummaryCounts{Jobs: s.Jobs, Added: len(s.Added), Updated: len(s.Updated), Unchanged: s.Unchanged,
		Removed: len(s.Removed), Failed: len(s.Failed), Skipped: s.Skipped, Warnings: len(s.Warnings)}
	s.Elapsed = r.in.now().Sub(r.start)
}

// worker handles jobs one at a time with its own parser, which is not safe
// for concurrent use.
type worker struct {
	run *run
	p   *parser.Parser
}

// do reads, hashes and, when it changed, parses (or pushes) one job. The
// error is for the run as a whole; a job's own trouble is in the outcome.
func (w *worker) do(ctx context.Context, fsys fs.FS, s Spec) (outcome, error) {
	r := w.run
	o := outcome{spec: s}
	if s.held != nil {
		o.failure = s.held
		return o, nil
	}
	script := s.content
	if script == nil {
		var err error
		if script, err = fs.ReadFile(fsys, s.Path); err != nil {
			o.failure = &Failure{Job: s.ID, File: s.Path, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
			return o, nil
		}
	}
	hash := jobHash(s.Path, s.Dialect, s.Owner, s.DefaultDB, s.Vars, script, s.layout()...)
	var pushText []byte
	if r.in.Client != nil {
		// The server hashes what it is sent: the text to parse.
		switch {
		case s.noSQL:
			pushText = []byte{}
		case s.text != nil:
			pushText = s.text
		default:
			pushText = script
		}
		hash = jobHash(s.Path, s.Dialect, s.Owner, s.DefaultDB, s.Vars, pushText, layoutOf(s.Reads, s.Writes, s.Watchers, s.Declares, s.Documented)...)
	}
	prev, known := r.stored[s.ID]
	if known && !r.opts.Force && !r.repass && (prev == hash || prev == hash+starMark && !r.starsResolvable(ctx, s.ID)) {
		if r.opts.Strict {
			// -strict judges the stored lineage too: an unchanged script
			// whose lineage came from the fallback fails as a changed one
			// would (its stored lineage is kept, as for any failure).
			if _, _, fail := w.parse(s, script, hash, known); fail != nil {
				o.failure = fail
			}
		}
		return o, nil
	}
	o.changed, o.added = true, !known
	if r.in.Client != nil && !r.opts.DryRun {
		res, err := r.in.Client.Push(ctx, PushRequest{
			Source: r.plan.Source, Name: strings.TrimPrefix(s.ID, r.plan.Source+":"), Path: s.Path,
			Owner: s.Owner, OwnerInfo: r.ownerInfo(s), Dialect: s.Dialect, DefaultDB: s.DefaultDB,
			Vars: s.Vars, Script: string(pushText), Reads: s.Reads, Writes: s.Writes, Watchers: s.Watchers, Declares: s.Declares, Documented: s.Documented,
		})
		if err != nil {
			var ae *APIError
			if errors.As(err, &ae) && ae.Code == lineage.EINVALID {
				o.failure = &Failure{Job: s.ID, File: s.Path, Line: ae.Line, Column: ae.Column, Message: ae.Message}
				return o, nil
			}
			return o, fmt.Errorf("ingest: push %s: %w", s.ID, err)
		}
		for _, wn := range res.Warnings {
			o.warnings = append(o.warnings, Failure{Job: s.ID, File: s.Path, Line: wn.Line, Column: wn.Column, Message: wn.Message})
		}
		o.starred = strings.HasSuffix(res.Job.Hash, starMark)
		return o, nil
	}
	put, warnings, fail := w.parse(s, script, hash, known)
	o.warnings = warnings
	if fail != nil {
		o.failure = fail
		return o, nil
	}
	if r.opts.DryRun {
		return o, nil
	}
	put.OwnerInfo = r.ownerInfo(s)
	if !s.noSQL {
		var skipped string
		put.Script, skipped = scriptText(script)
		if skipped != "" {
			o.warnings = append(o.warnings, Failure{Job: s.ID, File: s.Path, Message: skipped})
		}
	}
	o.put = put
	return o, nil
}

// ownerInfo returns the details of a job's owner: lineage.yaml's owners:
// first, then what the project says (an e-mail in metadata.yaml, a dbt
// group's owner).
func (r *run) ownerInfo(s Spec) lineage.Owner {
	if s.Owner == "" {
		return lineage.Owner{}
	}
	if o, ok := r.plan.Config.Owners[s.Owner]; ok {
		return o
	}
	if s.ownerInfo.Handle == s.Owner {
		return s.ownerInfo
	}
	return lineage.Owner{}
}

// layout returns what, besides its script, decides a job's lineage: the
// tables its layout gives and the text the parser reads. It is empty for
// a plain script, so that plain scripts keep the hashes they had.
func (s Spec) layout() []string {
	var l []string
	if len(s.Writes) > 0 {
		l = append(l, "writes="+strings.Join(s.Writes, ","))
	}
	if len(s.Reads) > 0 {
		l = append(l, "reads="+strings.Join(s.Reads, ","))
	}
	if s.text != nil {
		l = append(l, "text="+string(s.text))
	}
	if s.noSQL {
		l = append(l, "nosql")
	}
	if len(s.Watchers) > 0 {
		l = append(l, "watchers="+strings.Join(s.Watchers, ","))
	}
	return append(l, declaresLayout(s.Declares, s.Documented)...)
}

// parse parses one script into the JobPut to store, or a Failure. The
// tables the job's layout gives (Spec.Writes, Spec.Reads) are added to the
// script's own. A script that does not parse at all is a Failure, and its
// stored lineage stays; but a job not stored before whose layout names the
// table it writes is stored with that lineage and a warning, so that a
// dbt model the parser cannot read still writes its relation.
func (w *worker) parse(s Spec, script []byte, hash string, known bool) (*lineage.JobPut, []Failure, *Failure) {
	put := func(reads, writes []string) (*lineage.JobPut, error) {
		reads = append(append([]string{}, reads...), s.Reads...)
		writes = append(append([]string{}, writes...), s.Writes...)
		if s.Kind != "" {
			// A dbt model reading {{ this }} (an incremental one) does
			// not depend on itself.
			// Nor on the CTE an ephemeral model becomes.
			reads = slices.DeleteFunc(reads, func(r string) bool {
				return slices.Contains(s.Writes, r) || strings.HasPrefix(strings.ToLower(r), ephemeralCTE)
			})
		}
		reads, writes, err := tableNames(reads, writes)
		if err != nil {
			return nil, err
		}
		return &lineage.JobPut{
			Job:      lineage.Job{ID: s.ID, Source: w.run.plan.Source, Path: s.Path, Dialect: s.Dialect, Hash: hash, Owner: s.Owner},
			Reads:    reads,
			Writes:   writes,
			Watchers: s.Watchers,
			Columns:  lineage.JobColumns{Declares: slices.Clone(s.Declares)},
		}, nil
	}
	if s.noSQL {
		p, err := put(nil, nil)
		if err != nil {
			return nil, nil, &Failure{Job: s.ID, File: s.Path, Message: lineage.ErrorMessage(err)}
		}
		return p, nil, nil
	}
	if s.text != nil {
		script = s.text
	}
	if w.p == nil {
		w.p = parser.New()
	}
	res, err := safeParse(w.p, string(script), parser.Options{Dialect: s.Dialect, Vars: s.Vars, DefaultDB: s.DefaultDB, File: s.Path,
		Columns: true, Schema: w.run.schema.lookup()})
	if err != nil {
		if errors.Is(err, errParserPanic) {
			w.p = nil // a parser that panicked may be left in any state
		}
		f := parseFailure(s.ID, s.Path, err)
		if known || len(s.Writes) == 0 {
			return nil, nil, &f
		}
		p, perr := put(nil, nil)
		if perr != nil {
			return nil, nil, &f
		}
		f.Message += fmt.Sprintf("; stored with the lineage its layout gives (%s)", s.WritesFrom)
		return p, []Failure{f}, nil
	}
	var warnings []Failure
	for _, wn := range res.Warnings {
		warnings = append(warnings, Failure{Job: s.ID, File: s.Path, Line: wn.Line, Column: wn.Column, Message: wn.Message})
	}
	if w.run.opts.Strict {
		if f := strictFailure(s, res); f != nil {
			return nil, warnings, f
		}
	}
	p, err := put(res.Reads, res.Writes)
	if err != nil {
		return nil, warnings, &Failure{Job: s.ID, File: s.Path, Message: lineage.ErrorMessage(err)}
	}
	into := ""
	if len(s.Writes) == 1 {
		into = strings.ToLower(s.Writes[0])
	}
	cols, cw := jobColumns(res, into)
	if cw != nil {
		warnings = append(warnings, Failure{Job: s.ID, File: s.Path, Line: cw.Line, Message: cw.Message})
	}
	cols.Declares = append(cols.Declares, p.Columns.Declares...)
	mergeDocumented(&cols, s.Documented)
	p.Columns = cols
	if hasStar(cols) {
		// Parsed again by a later run once the star's table has
		// declared columns: see starsResolvable.
		p.Job.Hash += starMark
	}
	return p, warnings, nil
}

// strictFailure returns a Failure for the first statement of res that did
// not parse, or nil.
func strictFailure(s Spec, res *parser.Result) *Failure {
	for _, st := range res.Statements {
		if st.Confidence != parser.Fallback {
			continue
		}
		f := &Failure{Job: s.ID, File: s.Path, Line: st.Line, Message: "a statement did not parse (strict mode)"}
		for _, wn := range res.Warnings {
			if wn.Line >= st.Line {
				f.Line, f.Column, f.Message = wn.Line, wn.Column, wn.Message
				break
			}
		}
		return f
	}
	return nil
}

var errParserPanic = errors.New("the parser failed unexpectedly")

// safeParse calls the parser, turning a panic into an error so that one
// script cannot bring the ingest down.
func safeParse(p *parser.Parser, script string, opts parser.Options) (res *parser.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v", errParserPanic, v)
		}
	}()
	return p.Parse(script, opts)
}

// parseFailure turns a parse error into a Failure with file, line and column.
func parseFailure(id, file string, err error) Failure {
	f := Failure{Job: id, File: file}
	var pe *parser.Error
	if errors.As(err, &pe) {
		f.Line, f.Column, f.Message = pe.Line, pe.Column, pe.Message
		return f
	}
	f.Message = err.Error()
	return f
}

// tableNames normalises, de-duplicates and sorts the tables of a job.
func tableNames(reads, writes []string) ([]string, []string, error) {
	norm := func(field string, names []string) ([]string, error) {
		out := make([]string, 0, len(names))
		for i, n := range names {
			t, err := lineage.NormalizeName(fmt.Sprintf("%s[%d]", field, i), n, true)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	}
	r, err := norm("reads", reads)
	if err != nil {
		return nil, nil, err
	}
	w, err := norm("writes", writes)
	if err != nil {
		return nil, nil, err
	}
	return r, w, nil
}

// scriptText returns the script text to store with a job: the script as
// read, before template variables are filled in. A script the store cannot
// keep (longer than lineage.MaxScriptBytes, or not UTF-8) is left out, and
// skipped says why; the job's lineage is stored all the same.
func scriptText(script []byte) (text, skipped string) {
	switch {
	case len(script) > lineage.MaxScriptBytes:
		return "", fmt.Sprintf("the script is %d bytes long, more than the %d kept for display: its lineage is stored, its text is not", len(script), lineage.MaxScriptBytes)
	case !utf8.Valid(script):
		return "", "the script is not UTF-8 text, so it is not kept for display: its lineage is stored, its text is not"
	}
	return string(script), ""
}

// hashVersion changes when what the hash covers changes, or what a stored
// job holds, so that every job is parsed and stored again. 2: the store
// keeps the script text, which jobs stored by version 1 lack. The hash
// still covers the same inputs.
const hashVersion = "lineage-ingest-4" // 3: column lineage; 4: declared columns, a layout table's output columns

// jobHash is the content hash of a job: everything that decides its
// lineage and owner.
func jobHash(path, dialect, owner, defaultDB string, vars map[string]string, script []byte, layout ...string) string {
	h := sha256.New()
	for _, s := range []string{hashVersion, path, dialect, owner, defaultDB} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{'='})
		h.Write([]byte(vars[k]))
		h.Write([]byte{0})
	}
	h.Write(script)
	for _, l := range layout {
		h.Write([]byte{0})
		h.Write([]byte(l))
	}
	return hex.EncodeToString(h.Sum(nil))
}
