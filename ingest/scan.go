package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lineagehq/lineage"
)

// Spec is one job found in a repository: which script to parse, how, and who
// owns it.
type Spec struct {
	// ID is the job's stable id: "SOURCE:PATH" for a script of its own,
	// "SOURCE:WORKFLOW/JOB" for a job of a workflow file.
	ID string `json:"id"`
	// Path is the script, relative to the repository root.
	Path    string `json:"path"`
	Dialect string `json:"dialect"`
	Owner   string `json:"owner"`
	// OwnerFrom says where the owner came from: "workflow FILE:LINE",
	// "CODEOWNERS FILE:LINE", "lineage.yaml default_owner", or "" (no owner).
	OwnerFrom string            `json:"ownerFrom"`
	Vars      map[string]string `json:"vars,omitempty"`
	DefaultDB string            `json:"defaultDb,omitempty"`
	// Workflow is the workflow file that defines the job, "" for a script
	// of its own.
	Workflow string `json:"workflow,omitempty"`
	// Line is the line of the job in its workflow file.
	Line int `json:"line,omitempty"`
	// Writes are the tables the repository's layout says the job writes
	// (a writes: rule of lineage.yaml, a workflow job's writes:, a dbt
	// model's relation), besides those its script writes itself.
	Writes []string `json:"writes,omitempty"`
	// WritesFrom says where Writes came from, such as "lineage.yaml:4"
	// or "dbt model".
	WritesFrom string `json:"writesFrom,omitempty"`
	// Reads are the tables the layout says the job reads (a dbt model's
	// refs and sources), besides those its script reads.
	Reads []string `json:"reads,omitempty"`
	// Watchers are further owners the project names for the job (the
	// owners after the first in a metadata.yaml): people a campaign ticket
	// should name besides its assignee.
	Watchers []string `json:"watchers,omitempty"`
	// Kind is "" for a script, "dbt model", "dbt snapshot", "dbt seed",
	// "dbt sources" (a properties file declaring sources' columns) or
	// "schema file" (one named by lineage.yaml's schemas:).
	Kind string `json:"kind,omitempty"`
	// Declares are the columns the repository declares for tables, stored
	// with the job (lineage.JobColumns.Declares) and taken as complete: a
	// sources block's columns:, a dbt seed's CSV header, a schema file's
	// tables. See declares.go.
	Declares []lineage.TableSchema `json:"declares,omitempty"`
	// Documented are the columns a dbt model's properties list, which
	// need not be all of them: declared with the columns the model's SQL
	// outputs when those are all known, and not otherwise.
	Documented []lineage.TableSchema `json:"documented,omitempty"`

	// text, when not nil, is what the parser reads instead of the file:
	// a dbt model with its refs, sources and configs resolved.
	text []byte
	// content, when not nil, is the job's script as already read (a dbt
	// model), or its script when it has no file of its own (a dbt
	// manifest's compiled code).
	content []byte
	// noSQL marks a job that has no SQL to parse (a dbt seed): its
	// lineage is Reads and Writes.
	noSQL bool
	// held, when set, is why the job cannot be read now: it is reported
	// as failed and its stored lineage stays.
	held *Failure
	// ownerInfo holds what the project says of the owner (an e-mail),
	// used when lineage.yaml's owners: does not name it.
	ownerInfo lineage.Owner
}

// Plan is what a repository holds: its configuration and its jobs.
type Plan struct {
	Source     string
	Config     *Config
	Codeowners *Codeowners
	// Jobs are sorted by ID.
	Jobs []Spec
	// Failures are workflow files that could not be read, workflow jobs
	// that name no script, and duplicate job ids.
	Failures []Failure
	// Warnings are things the scan could read but not fully resolve: a
	// dbt ref to a model that does not exist, a source not declared, a
	// manifest of an unknown version, a walk that found no script.
	Warnings []Failure
	// Skipped counts workflow jobs that are not SQL (shell, python, ...).
	Skipped int
	// metadata holds the owners of each directory's metadata.yaml, read
	// when a script of the directory first needs them.
	metadata map[string]dirMetadata
	// Complete is false when part of the repository could not be read (a
	// broken workflow file, an unreadable directory): jobs missing from
	// Jobs may then still exist, so nothing is removed.
	Complete bool
}

// Scan walks a repository and returns its jobs. source names the repository
// ("" takes source: from lineage.yaml). Errors in lineage.yaml or CODEOWNERS
// fail the scan (EINVALID, naming file, line and column); a broken workflow
// file is a Failure of the plan and keeps the plan from removing jobs.
func Scan(fsys fs.FS, source string) (*Plan, error) {
	cfg, err := LoadConfig(fsys)
	if err != nil {
		return nil, err
	}
	owners, err := LoadCodeowners(fsys)
	if err != nil {
		return nil, err
	}
	if source == "" {
		source = cfg.Source
	}
	if source, err = lineage.NormalizeName("source", source, false); err != nil {
		return nil, lineage.FieldErrorf("source", "a source name is needed: pass one or set source: in %s", ConfigFile)
	}
	p := &Plan{Source: source, Config: cfg, Codeowners: owners, Complete: true, metadata: map[string]dirMetadata{}}

	var workflows, scripts, dbtProjects []string
	suffixes := map[string]int{} // suffix -> files, for the no-script message
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			p.fail(Failure{File: name, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			p.Complete = false
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if name == "." {
			return nil
		}
		base := d.Name()
		if d.IsDir() {
			if strings.HasPrefix(base, ".") || base == "node_modules" || cfg.ignored(name+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || cfg.ignored(name) {
			return nil
		}
		switch {
		case base == dbtProjectFile:
			dbtProjects = append(dbtProjects, name)
		case base == MetadataFile:
			p.metadata[path.Dir(name)] = dirMetadata{unread: true}
		case cfg.isWorkflow(name):
			workflows = append(workflows, name)
		case cfg.isScript(name):
			scripts = append(scripts, name)
		default:
			suffixes[strings.ToLower(path.Ext(base))]++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: walk repository: %w", err)
	}

	// dbt projects claim their files: models, snapshots and seeds are
	// jobs of their own kind; macros, tests and analyses are not jobs.
	var dbtJobs []Spec
	if len(dbtProjects) > 0 {
		var dbtOwns func(string) bool
		dbtJobs, dbtOwns = p.scanDBT(fsys, dbtProjects)
		scripts = slices.DeleteFunc(scripts, dbtOwns)
	}

	isFile := make(map[string]bool, len(scripts))
	for _, s := range scripts {
		isFile[s] = true
	}
	seen := map[string]string{} // id -> where defined
	add := func(s Spec, where string) {
		if prev, dup := seen[s.ID]; dup {
			p.fail(Failure{Job: s.ID, File: s.Workflow, Line: s.Line, Message: fmt.Sprintf("job id %s is defined twice; the first is %s", s.ID, prev)})
			return
		}
		seen[s.ID] = where
		p.Jobs = append(p.Jobs, s)
	}
	referenced := map[string]bool{}
	var heldDirs []string // directories of broken workflow files
	for _, wf := range workflows {
		jobs, skipped, err := p.readWorkflow(fsys, wf, isFile)
		p.Skipped += skipped
		if err != nil {
			var f Failure
			if !errors.As(err, &f) {
				f = Failure{File: wf, Message: err.Error()}
			}
			p.fail(f)
			p.Complete = false
			heldDirs = append(heldDirs, path.Dir(wf))
			continue
		}
		for _, j := range jobs {
			referenced[j.Path] = true
			add(j, fmt.Sprintf("%s:%d", j.Workflow, j.Line))
		}
	}
	for _, s := range scripts {
		if referenced[s] || under(s, heldDirs) {
			// A script beside a broken workflow file is probably one of its
			// jobs: it is neither added as a script of its own nor removed.
			continue
		}
		spec := Spec{ID: source + ":" + s, Path: s, Vars: cfg.Vars, DefaultDB: cfg.DefaultDB}
		spec.Dialect = p.dialect(s, "")
		p.layoutWrites(&spec)
		p.scriptOwner(fsys, &spec)
		add(spec, s)
	}
	for _, s := range dbtJobs {
		add(s, s.Path)
	}
	for _, s := range p.schemaFiles(fsys) {
		add(s, ConfigFile+" schemas:")
	}
	if len(p.Jobs) == 0 && len(workflows) == 0 && len(dbtProjects) == 0 {
		p.Warnings = append(p.Warnings, Failure{File: ".", Message: p.noScriptMessage(suffixes)})
	}
	sort.Slice(p.Jobs, func(i, j int) bool { return p.Jobs[i].ID < p.Jobs[j].ID })
	return p, nil
}

// dirMetadata is what a directory's metadata.yaml says of owners.
type dirMetadata struct {
	unread   bool // the file is there, not read yet
	owner    string
	watchers []string
	line     int
	err      error
}

// layoutWrites adds the table lineage.yaml's writes: rules give a script.
func (p *Plan) layoutWrites(s *Spec) {
	if t, line := p.Config.writesFor(s.Path); t != "" {
		s.Writes = appendNew(s.Writes, strings.ToLower(t))
		s.WritesFrom = fmt.Sprintf("%s:%d", ConfigFile, line)
	}
}

// scriptOwner sets the owner of a job that no workflow gives one: the
// owners: of a metadata.yaml beside the script (the first owns the job,
// the others watch it), then CODEOWNERS, then lineage.yaml's default.
func (p *Plan) scriptOwner(fsys fs.FS, s *Spec) {
	dir := path.Dir(s.Path)
	md := p.metadata[dir] // zero: the walk saw no metadata.yaml there
	if md.unread {
		md = dirMetadata{}
		md.owner, md.watchers, md.line, md.err = metadataOwners(fsys, dir)
		p.metadata[dir] = md // scripts of one directory share it
	}
	owner, watchers, line, err := md.owner, md.watchers, md.line, md.err
	if err != nil {
		// Without its metadata the job's owner is not known: it is left
		// as stored (held), not given another owner.
		var f Failure
		if !errors.As(err, &f) {
			f = Failure{File: path.Join(path.Dir(s.Path), MetadataFile), Message: err.Error()}
		}
		f.Job = s.ID
		f.Message += "; the job is left as it is"
		s.held = &f
	}
	if owner != "" {
		s.Owner, s.Watchers = owner, watchers
		s.OwnerFrom = fmt.Sprintf("%s:%d", path.Join(path.Dir(s.Path), MetadataFile), line)
		if strings.Contains(owner, "@") {
			s.ownerInfo = lineage.Owner{Handle: owner, Email: owner}
		}
		return
	}
	s.Owner, s.OwnerFrom = p.owner(s.Path)
}

// noScriptMessage says what a walk that found no job looked for, and how
// to make it find the repository's scripts.
func (p *Plan) noScriptMessage(suffixes map[string]int) string {
	looked := "files ending in " + strings.Join(ScriptSuffixes, ", ")
	if len(p.Config.Include) > 0 {
		looked = "files matching include: " + strings.Join(p.Config.Include, ", ") + " of " + ConfigFile
	}
	msg := "no job found: looked for " + looked + ", workflow files (*.sch.yaml, *.sch.yml, workflows: of " + ConfigFile + ") and dbt projects (" + dbtProjectFile + ")"
	if len(p.Config.Ignore) > 0 {
		msg += ", skipping ignore:/exclude: " + strings.Join(p.Config.Ignore, ", ")
	}
	type n struct {
		ext   string
		count int
	}
	var top []n
	example := ""
	for e, c := range suffixes {
		if e != "" && e != ".yaml" && e != ".yml" && e != ".md" {
			top = append(top, n{e, c})
		}
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].count != top[j].count {
			return top[i].count > top[j].count
		}
		return top[i].ext < top[j].ext
	})
	if len(top) > 0 {
		var parts []string
		for i, t := range top {
			if i == 5 {
				break
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", t.ext, t.count))
		}
		msg += "; the files here end in " + strings.Join(parts, ", ")
		for _, t := range top {
			if !notSQLSuffixes[t.ext] {
				example = `"**/*` + t.ext + `"`
				break
			}
		}
	}
	if example == "" {
		example = `"sql/**/*"`
	}
	return msg + `. To name your scripts, set include: in ` + ConfigFile + `, such as include: [` + example + `]`
}

// notSQLSuffixes are suffixes of files that are surely not SQL scripts,
// not to be suggested for include:.
var notSQLSuffixes = map[string]bool{".py": true, ".sh": true, ".json": true, ".csv": true, ".txt": true, ".java": true,
	".scala": true, ".go": true, ".js": true, ".ts": true, ".xml": true, ".toml": true, ".cfg": true, ".ini": true,
	".lock": true, ".png": true, ".jpg": true, ".svg": true, ".html": true, ".css": true, ".r": true, ".ipynb": true}

// appendNew appends the names of add that list lacks.
func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		if a != "" && !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list
}

func under(name string, dirs []string) bool {
	for _, d := range dirs {
		if d == "." || strings.HasPrefix(name, d+"/") {
			return true
		}
	}
	return false
}

func (p *Plan) fail(f Failure) { p.Failures = append(p.Failures, f) }

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ScriptSuffixes are the file name endings of job scripts, when
// lineage.yaml sets no include:. Hive scripts are .hql, .q and .hive.
var ScriptSuffixes = []string{".sql", ".hql", ".q", ".hive", ".ddl", ".dml", ".pgsql", ".psql"}

// suffixDialects are the suffixes that name a dialect.
var suffixDialects = map[string]string{".hql": "hive", ".q": "hive", ".hive": "hive", ".pgsql": "postgres", ".psql": "postgres"}

func isScript(name string) bool {
	return slices.Contains(ScriptSuffixes, strings.ToLower(path.Ext(name)))
}

// dialect resolves a script's dialect: the explicit one (from a workflow),
// then lineage.yaml's per-path rules, then the extension (.hql is Hive),
// then lineage.yaml's default.
func (p *Plan) dialect(script, explicit string) string {
	if explicit != "" {
		return explicit
	}
	if d := p.Config.dialectFor(script); d != "" {
		return d
	}
	if name, ok := suffixDialects[strings.ToLower(path.Ext(script))]; ok {
		if d, err := checkDialect(name); err == nil {
			return d
		}
	}
	return p.Config.DefaultDialect
}

// owner resolves the owner of a script that no workflow gives one: the
// CODEOWNERS rule, then lineage.yaml's default owner.
func (p *Plan) owner(script string) (string, string) {
	if o, line := p.Codeowners.Owner(script); line > 0 && o != "" {
		return o, fmt.Sprintf("CODEOWNERS %s:%d", p.Codeowners.File, line)
	}
	if p.Config.DefaultOwner != "" {
		return p.Config.DefaultOwner, ConfigFile + " default_owner"
	}
	return "", ""
}

// rawWorkflow is a workflow definition file. Schedulers put more in these
// files (schedules, retries, dependencies); those fields are ignored.
type rawWorkflow struct {
	ID        string            `yaml:"id"`
	Name      string            `yaml:"name"`
	Owner     posString         `yaml:"owner"`
	Dialect   posString         `yaml:"dialect"`
	DefaultDB string            `yaml:"default_db"`
	Vars      map[string]string `yaml:"vars"`
	Jobs      []rawWorkflowJob  `yaml:"jobs"`
}

type rawWorkflowJob struct {
	ID        posString         `yaml:"id"`
	Type      posString         `yaml:"type"`
	Script    posString         `yaml:"script"`
	Owner     posString         `yaml:"owner"`
	Dialect   posString         `yaml:"dialect"`
	DefaultDB string            `yaml:"default_db"`
	Vars      map[string]string `yaml:"vars"`
	Writes    stringList        `yaml:"writes"`
	Line      int               `yaml:"-"`
	Column    int               `yaml:"-"`
}

func (j *rawWorkflowJob) UnmarshalYAML(n *yaml.Node) error {
	type plain rawWorkflowJob
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*j = rawWorkflowJob(v)
	j.Line, j.Column = n.Line, n.Column
	return nil
}

// sqlTypes are workflow job types that run SQL; a type that names a dialect
// sets the job's dialect.
var sqlTypes = map[string]bool{"sql": true, "query": true, "hive": true, "hql": true, "spark": true, "spark-sql": true, "sparksql": true, "spark_sql": true, "mysql": true, "postgres": true, "postgresql": true}

// readWorkflow reads one workflow file. A job whose type is not SQL is
// skipped; a job with no id or a missing script makes the file fail, so
// that nothing it defined is removed.
func (p *Plan) readWorkflow(fsys fs.FS, file string, isFile map[string]bool) ([]Spec, int, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, 0, Failure{File: file, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
	}
	var wf rawWorkflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		return nil, 0, yamlFailure(file, err)
	}
	dir := path.Dir(file)
	wfID := strings.TrimSpace(wf.ID)
	if wfID == "" {
		wfID = strings.TrimSpace(wf.Name)
	}
	if wfID == "" {
		base := path.Base(file)
		for _, ext := range []string{".sch.yaml", ".sch.yml", ".yaml", ".yml"} {
			if strings.HasSuffix(base, ext) {
				base = strings.TrimSuffix(base, ext)
				break
			}
		}
		switch {
		case dir == ".":
			wfID = base
		case base == "main":
			wfID = dir
		default:
			wfID = dir + "/" + base
		}
	}
	wfOwner, wfDialect := "", ""
	if wf.Owner.Value != "" {
		if wfOwner, err = ownerHandle(wf.Owner.Value); err != nil {
			return nil, 0, Failure{File: file, Line: wf.Owner.Line, Column: wf.Owner.Column, Message: "owner: " + lineage.ErrorMessage(err)}
		}
	}
	if wf.Dialect.Value != "" {
		if wfDialect, err = checkDialect(wf.Dialect.Value); err != nil {
			return nil, 0, Failure{File: file, Line: wf.Dialect.Line, Column: wf.Dialect.Column, Message: "dialect: " + err.Error()}
		}
	}
	vars := merge(p.Config.Vars, wf.Vars)
	defaultDB := p.Config.DefaultDB
	if wf.DefaultDB != "" {
		defaultDB = strings.ToLower(strings.TrimSpace(wf.DefaultDB))
	}

	var specs []Spec
	skipped := 0
	for _, j := range wf.Jobs {
		bad := func(ps posString, format string, args ...any) error {
			line, col := ps.Line, ps.Column
			if line == 0 {
				line, col = j.Line, j.Column
			}
			return Failure{File: file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
		}
		typ := strings.ToLower(strings.TrimSpace(j.Type.Value))
		script := strings.TrimSpace(j.Script.Value)
		if !sqlTypes[typ] && !(isScript(script) && (typ == "" || dialectAliases[typ] != "")) {
			skipped++
			continue
		}
		id := strings.TrimSpace(j.ID.Value)
		if id == "" {
			return nil, skipped, bad(j.ID, "a job needs an id")
		}
		if script == "" {
			return nil, skipped, bad(j.Script, "job %s needs a script: path", id)
		}
		rel, ok := resolveScript(dir, script, isFile)
		if !ok {
			return nil, skipped, bad(j.Script, "job %s: script %s does not exist (paths are relative to the workflow file, or to the repository root when they start with /)", id, script)
		}
		s := Spec{
			ID:        p.Source + ":" + wfID + "/" + id,
			Path:      rel,
			Vars:      merge(vars, j.Vars),
			DefaultDB: defaultDB,
			Workflow:  file,
			Line:      j.Line,
		}
		explicit := wfDialect
		if typ != "" && typ != "sql" && typ != "query" {
			if d, err := checkDialect(typ); err == nil {
				explicit = d
			}
		}
		if j.Dialect.Value != "" {
			d, err := checkDialect(j.Dialect.Value)
			if err != nil {
				return nil, skipped, bad(j.Dialect, "job %s: %v", id, err)
			}
			explicit = d
		}
		s.Dialect = p.dialect(rel, explicit)
		p.layoutWrites(&s)
		for _, w := range j.Writes.Values {
			t, err := lineage.NormalizeName("writes", w, true)
			if err != nil {
				return nil, skipped, bad(posString{Line: j.Writes.Line, Column: j.Writes.Column}, "job %s: writes: %s", id, lineage.ErrorMessage(err))
			}
			s.Writes = appendNew(s.Writes, t)
			s.WritesFrom = fmt.Sprintf("workflow %s:%d", file, j.Writes.Line)
		}
		if j.DefaultDB != "" {
			s.DefaultDB = strings.ToLower(strings.TrimSpace(j.DefaultDB))
		}
		switch {
		case j.Owner.Value != "":
			h, err := ownerHandle(j.Owner.Value)
			if err != nil {
				return nil, skipped, bad(j.Owner, "job %s: owner: %s", id, lineage.ErrorMessage(err))
			}
			s.Owner, s.OwnerFrom = h, fmt.Sprintf("workflow %s:%d", file, j.Owner.Line)
		case wfOwner != "":
			s.Owner, s.OwnerFrom = wfOwner, fmt.Sprintf("workflow %s:%d", file, wf.Owner.Line)
		default:
			p.scriptOwner(fsys, &s)
		}
		specs = append(specs, s)
	}
	return specs, skipped, nil
}

// stringList is a YAML string or list of strings, with its position.
type stringList struct {
	Values       []string
	Line, Column int
}

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	l.Line, l.Column = n.Line, n.Column
	switch n.Kind {
	case yaml.ScalarNode:
		l.Values = []string{n.Value}
		return nil
	case yaml.SequenceNode:
		return n.Decode(&l.Values)
	}
	return fmt.Errorf("line %d: want a table name or a list of them", n.Line)
}

// resolveScript finds a workflow's script: relative to the workflow file's
// directory, else to the repository root; a leading / means the root.
func resolveScript(dir, script string, isFile map[string]bool) (string, bool) {
	if strings.HasPrefix(script, "/") {
		rel := path.Clean(strings.TrimLeft(script, "/"))
		return rel, isFile[rel]
	}
	if rel := path.Join(dir, script); isFile[rel] {
		return rel, true
	}
	rel := path.Clean(script)
	return rel, isFile[rel]
}

func merge(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	m := make(map[string]string, len(a)+len(b))
	maps.Copy(m, a)
	maps.Copy(m, b)
	return m
}

// yamlFailure turns a yaml.v3 error into a Failure naming the line.
func yamlFailure(file string, err error) Failure {
	f := Failure{File: file, Message: strings.TrimPrefix(err.Error(), "yaml: ")}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		f.Message = strings.Join(te.Errors, "; ")
	}
	// yaml.v3 writes "line N: ..."; lift N into Line.
	var line int
	if _, scanErr := fmt.Sscanf(f.Message, "line %d:", &line); scanErr == nil {
		f.Line = line
		f.Message = strings.TrimSpace(strings.TrimPrefix(f.Message, fmt.Sprintf("line %d:", line)))
	}
	return f
}
