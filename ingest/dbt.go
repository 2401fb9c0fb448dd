package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lineagehq/lineage"
)

// dbtProjectFile marks the root of a dbt project.
const dbtProjectFile = "dbt_project.yml"

// A dbt project is read as dbt reads it, without running dbt:
//
//   - each model (a .sql file under model-paths) is a job that writes the
//     model's relation and reads what its {{ ref() }} and {{ source() }}
//     resolve to; each snapshot is a job too, and each seed (a .csv under
//     seed-paths) is a job with no SQL that writes the seed's table;
//   - a relation is DATABASE.SCHEMA.ALIAS: the alias is config alias= or
//     the file's name; the schema is the target schema (dbt: schema: in
//     lineage.yaml), or TARGET_CUSTOM when the model sets schema=CUSTOM
//     (dbt's generate_schema_name; CUSTOM alone with dbt: custom_schema:
//     replace); the database is config database= or
//     the target database. Configs come from config() in the model, then
//     its properties (*.yml), then +schema/+alias/+database/+meta of the
//     folders in dbt_project.yml;
//   - a source is DATABASE.SCHEMA.IDENTIFIER as its sources: block
//     declares it (schema defaults to the source's name, identifier to the
//     table's name);
//   - the model's text is handed to the parser with {{ ref() }},
//     {{ source() }}, {{ this }}, {{ var() }} and {{ target.schema }}
//     replaced by what they name and {{ config() }} blanked, each on its
//     own lines, so that the parser's lines are the file's lines. Jinja
//     control flow ({% if is_incremental() %}) is left to the parser;
//   - an ephemeral model is no job: who refs it reads what it reads.
//
// A compiled manifest (target/manifest.json, or dbt: manifest: in
// lineage.yaml) is used instead when there is one: see manifest.go.

// dbtProject is one dbt_project.yml.
type dbtProject struct {
	dir  string // repository-relative directory, "." at the root
	file string
	name string
	// paths, relative to dir
	modelPaths, seedPaths, snapshotPaths []string
	macroPaths                           []string
	// ownedDirs are all the directories dbt reads or writes.
	ownedDirs []string
	vars      map[string]string
	// folder configs of dbt_project.yml, by resource type
	models, seeds, snapshots yaml.Node
}

type rawDBTProject struct {
	Name          string    `yaml:"name"`
	ModelPaths    []string  `yaml:"model-paths"`
	SourcePaths   []string  `yaml:"source-paths"` // before dbt 1.0
	SeedPaths     []string  `yaml:"seed-paths"`
	DataPaths     []string  `yaml:"data-paths"` // before dbt 1.0
	SnapshotPaths []string  `yaml:"snapshot-paths"`
	MacroPaths    []string  `yaml:"macro-paths"`
	TestPaths     []string  `yaml:"test-paths"`
	AnalysisPaths []string  `yaml:"analysis-paths"`
	DocsPaths     []string  `yaml:"docs-paths"`
	TargetPath    string    `yaml:"target-path"`
	PackagesPath  string    `yaml:"packages-install-path"`
	Vars          yaml.Node `yaml:"vars"`
	Models        yaml.Node `yaml:"models"`
	Seeds         yaml.Node `yaml:"seeds"`
	Snapshots     yaml.Node `yaml:"snapshots"`
}

// dbtConfig is the part of a dbt config that names a relation or its owner.
type dbtConfig struct {
	Alias, Schema, Database string
	Materialized            string
	// TargetSchema and TargetDatabase are a snapshot's legacy configs:
	// the schema as is, no custom-schema rule.
	TargetSchema, TargetDatabase string
	Owner, OwnerFrom             string
	Group, GroupFrom             string
	Enabled                      *bool
}

// over returns c with the fields set in o replacing its own.
func (c dbtConfig) over(o dbtConfig) dbtConfig {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.Alias, o.Alias)
	set(&c.Schema, o.Schema)
	set(&c.Database, o.Database)
	set(&c.Materialized, o.Materialized)
	set(&c.TargetSchema, o.TargetSchema)
	set(&c.TargetDatabase, o.TargetDatabase)
	if o.Owner != "" {
		c.Owner, c.OwnerFrom = o.Owner, o.OwnerFrom
	}
	if o.Group != "" {
		c.Group, c.GroupFrom = o.Group, o.GroupFrom
	}
	if o.Enabled != nil {
		c.Enabled = o.Enabled
	}
	return c
}

// dbtNode is a model, seed or snapshot of a project.
type dbtNode struct {
	project  *dbtProject
	kind     string // "model", "seed", "snapshot"
	name     string
	file     string // repository-relative
	text     []byte
	config   dbtConfig
	relation string
	// An ephemeral model is no table: dbt inlines it as a CTE into the
	// models that ref it, which read what it reads.
	ephemeral        bool
	ephBusy, ephDone bool
	ephReads         []string
}

// ephemeralCTE is the name a ref to an ephemeral model becomes, as dbt
// names the CTE; reads of such names are dropped.
const ephemeralCTE = "__dbt__cte__"

// dbtSource is one table of a sources: block.
type dbtSource struct {
	relation  string
	owner     string
	ownerFrom string
}

// dbtGroup is one entry of a groups: block.
type dbtGroup struct {
	owner lineage.Owner
	file  string
}

// dbtScan is the state of reading the dbt projects of a repository.
type dbtScan struct {
	plan    *Plan
	fsys    fs.FS
	target  DBTConfig
	nodes   []*dbtNode
	byName  map[string][]*dbtNode // "project.name" and "name" -> models, seeds, snapshots
	sources map[string]dbtSource  // "source.table" -> relation
	groups  map[string]dbtGroup
	props   map[string]dbtConfig // "kind:name" -> config from properties
	// columns are the columns: of models, seeds and snapshots, by
	// "kind:project.name"; sourceDecls those of sources, by the
	// properties file that declares them.
	columns     map[string]dbtColumns
	sourceDecls map[string]*dbtSourceFile
	// projects are all the dbt projects of the repository; claimed are
	// the files a manifest already made jobs of.
	projects []*dbtProject
	claimed  map[string]bool
	// held are the directories of projects that could not be read.
	held []string
}

// owns reports whether a file belongs to one of the dbt projects: it sits
// in a directory dbt reads (models, seeds, snapshots, macros, tests,
// analyses) or writes (target, dbt_packages, logs), so it is not a script
// of its own. Other SQL beside a dbt project stays a script.
func (d *dbtScan) owns(file string) bool {
	if under(file, d.held) {
		return true
	}
	for _, pr := range d.projects {
		for _, dir := range pr.ownedDirs {
			if root := pr.join(dir); root == "." || strings.HasPrefix(file, root+"/") {
				return true
			}
		}
	}
	return false
}

// scanDBT reads the dbt projects whose dbt_project.yml files are given and
// returns their jobs. Problems are the plan's warnings and failures.
func (p *Plan) scanDBT(fsys fs.FS, projectFiles []string) ([]Spec, func(string) bool) {
	d := &dbtScan{plan: p, fsys: fsys, target: p.Config.DBT,
		byName: map[string][]*dbtNode{}, sources: map[string]dbtSource{}, groups: map[string]dbtGroup{}, props: map[string]dbtConfig{}, claimed: map[string]bool{},
		columns: map[string]dbtColumns{}, sourceDecls: map[string]*dbtSourceFile{}}
	var projects []*dbtProject
	for _, f := range projectFiles {
		pr, err := readDBTProject(fsys, f)
		if err != nil {
			d.hold(failureOf(f, err), path.Dir(f))
			continue
		}
		projects = append(projects, pr)
	}
	d.projects = projects
	// Manifests first: one covers its project's packages too, whose files
	// are then not read again from their templates.
	var specs []Spec
	var rest []*dbtProject
	for _, pr := range projects {
		m, err := d.manifest(pr)
		if err != nil {
			p.Warnings = append(p.Warnings, failureOf(pr.file, err))
		}
		if m == nil {
			rest = append(rest, pr)
		}
		specs = append(specs, m...)
	}
	if len(rest) > 0 && d.target.Schema == "" {
		p.Warnings = append(p.Warnings, Failure{File: ConfigFile, Message: "the dbt target schema is not set: add dbt: {schema: …, database: …} as profiles.yml sets them; until then the models' relations lack it (orders, not analytics.dbt_prod.orders) and may not meet the tables other jobs name"})
	}
	for _, pr := range rest {
		d.collect(pr)
	}
	d.resolve()
	for _, n := range d.nodes {
		if under(n.file, d.held) {
			continue
		}
		if s, ok := d.spec(n); ok {
			specs = append(specs, s)
		}
	}
	return append(specs, d.sourceSpecs()...), d.owns
}

func failureOf(file string, err error) Failure {
	var f Failure
	if errors.As(err, &f) {
		return f
	}
	return Failure{File: file, Message: err.Error()}
}

func readDBTProject(fsys fs.FS, file string) (*dbtProject, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, Failure{File: file, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
	}
	var raw rawDBTProject
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, yamlFailure(file, err)
	}
	pr := &dbtProject{dir: path.Dir(file), file: file, name: strings.TrimSpace(raw.Name),
		models: raw.Models, seeds: raw.Seeds, snapshots: raw.Snapshots, vars: map[string]string{}}
	if pr.name == "" {
		return nil, Failure{File: file, Line: 1, Message: "a dbt project needs a name:"}
	}
	pick := func(v ...[]string) []string {
		for _, x := range v[:len(v)-1] {
			if len(x) > 0 {
				return x
			}
		}
		return v[len(v)-1]
	}
	pr.modelPaths = pick(raw.ModelPaths, raw.SourcePaths, []string{"models"})
	pr.seedPaths = pick(raw.SeedPaths, raw.DataPaths, []string{"seeds"})
	pr.snapshotPaths = pick(raw.SnapshotPaths, []string{"snapshots"})
	pr.macroPaths = raw.MacroPaths
	pr.ownedDirs = slices.Concat(pr.modelPaths, pr.seedPaths, pr.snapshotPaths,
		pick(raw.MacroPaths, []string{"macros"}), pick(raw.TestPaths, []string{"tests"}),
		pick(raw.AnalysisPaths, []string{"analyses", "analysis"}), raw.DocsPaths,
		[]string{firstNonEmpty(raw.TargetPath, "target"), firstNonEmpty(raw.PackagesPath, "dbt_packages"), "dbt_modules", "logs"})
	// vars: global scalars, and those scoped to this project.
	if raw.Vars.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(raw.Vars.Content); i += 2 {
			k, v := raw.Vars.Content[i], raw.Vars.Content[i+1]
			switch {
			case v.Kind == yaml.ScalarNode:
				pr.vars[k.Value] = v.Value
			case v.Kind == yaml.MappingNode && k.Value == pr.name:
				for j := 0; j+1 < len(v.Content); j += 2 {
					if v.Content[j+1].Kind == yaml.ScalarNode {
						pr.vars[v.Content[j].Value] = v.Content[j+1].Value
					}
				}
			}
		}
	}
	return pr, nil
}

func (pr *dbtProject) join(p string) string {
	return path.Join(pr.dir, strings.Trim(p, "/"))
}

// collect finds the project's models, seeds, snapshots and properties.
func (d *dbtScan) collect(pr *dbtProject) {
	walk := func(roots []string, fn func(file string)) {
		for _, r := range roots {
			root := pr.join(r)
			err := fs.WalkDir(d.fsys, root, func(name string, e fs.DirEntry, err error) error {
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) && name == root {
						return nil
					}
					d.plan.fail(Failure{File: name, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
					d.plan.Complete = false
					return nil
				}
				if e.IsDir() {
					if name != root && (strings.HasPrefix(e.Name(), ".") || d.plan.Config.ignored(name+"/")) {
						return fs.SkipDir
					}
					return nil
				}
				if e.Type().IsRegular() && !d.plan.Config.ignored(name) {
					fn(name)
				}
				return nil
			})
			if err != nil {
				d.plan.fail(Failure{File: root, Message: err.Error()})
			}
		}
	}
	var ymls []string
	add := func(kind string, roots []string, ext string) {
		walk(roots, func(f string) {
			switch e := strings.ToLower(path.Ext(f)); {
			case e == ".yml" || e == ".yaml":
				if !slices.Contains(ymls, f) {
					ymls = append(ymls, f)
				}
			case e == ext && !d.claimed[f]:
				n := &dbtNode{project: pr, kind: kind, file: f, name: strings.TrimSuffix(path.Base(f), path.Ext(f))}
				d.nodes = append(d.nodes, n)
			}
		})
	}
	macroPaths := []string{"macros"}
	if len(pr.macroPaths) > 0 {
		macroPaths = pr.macroPaths
	}
	walk(macroPaths, func(f string) {
		if strings.ToLower(path.Ext(f)) != ".sql" {
			return
		}
		data, err := fs.ReadFile(d.fsys, f)
		if err != nil {
			return
		}
		if m := namingMacro.FindSubmatchIndex(data); m != nil {
			line := 1 + strings.Count(string(data[:m[0]]), "\n")
			d.plan.Warnings = append(d.plan.Warnings, Failure{File: f, Line: line, Message: fmt.Sprintf("the project overrides dbt's %s; ingest names relations by dbt's default rules (dbt: custom_schema: replace in %s covers the common override), or commit target/manifest.json for the names dbt gives", strings.TrimSpace(string(data[m[2]:m[3]])), ConfigFile)})
		}
	})
	add("model", pr.modelPaths, ".sql")
	add("seed", pr.seedPaths, ".csv")
	add("snapshot", pr.snapshotPaths, ".sql")
	for _, y := range ymls {
		if err := d.readProperties(pr, y); err != nil {
			var dirs []string
			for _, o := range pr.ownedDirs {
				dirs = append(dirs, pr.join(o))
			}
			d.hold(failureOf(y, err), dirs...)
		}
	}
}

// hold keeps a project whose files could not all be read from changing:
// none of its jobs is ingested (their stored lineage stays), no file under
// it becomes a script of its own, and nothing is removed in this run.
func (d *dbtScan) hold(f Failure, dirs ...string) {
	f.Message += "; the dbt project's jobs are left as they are"
	d.plan.fail(f)
	d.plan.Complete = false
	d.held = append(d.held, dirs...)
}

// rawProperties is a dbt properties file (schema.yml and the like).
type rawProperties struct {
	Models    []rawDBTResource `yaml:"models"`
	Seeds     []rawDBTResource `yaml:"seeds"`
	Snapshots []rawDBTResource `yaml:"snapshots"`
	Sources   []struct {
		Name     string           `yaml:"name"`
		Database string           `yaml:"database"`
		Schema   string           `yaml:"schema"`
		Meta     map[string]any   `yaml:"meta"`
		Config   map[string]any   `yaml:"config"`
		Tables   []rawDBTResource `yaml:"tables"`
	} `yaml:"sources"`
	Groups []struct {
		Name  string `yaml:"name"`
		Owner struct {
			Name  string `yaml:"name"`
			Email string `yaml:"email"`
		} `yaml:"owner"`
	} `yaml:"groups"`
}

type rawDBTResource struct {
	Name       string         `yaml:"name"`
	Identifier string         `yaml:"identifier"`
	Meta       map[string]any `yaml:"meta"`
	Group      string         `yaml:"group"`
	Config     map[string]any `yaml:"config"`
	// Columns are the resource's documented columns: declared columns
	// of its relation (see declares.go).
	Columns []struct {
		Name string `yaml:"name"`
	} `yaml:"columns"`
}

// columnNames returns the names of a resource's columns: entries.
func (r rawDBTResource) columnNames() []string {
	var out []string
	for _, c := range r.Columns {
		out = append(out, c.Name)
	}
	return out
}

// readProperties reads a properties file. A file that cannot be read or
// is not YAML is an error: without it the project's names and owners may
// be wrong, so the project is held. A field of an unexpected type is a
// warning, and the rest of the file is used.
func (d *dbtScan) readProperties(pr *dbtProject, file string) error {
	data, err := fs.ReadFile(d.fsys, file)
	if err != nil {
		return Failure{File: file, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
	}
	var raw rawProperties
	if err := yaml.Unmarshal(data, &raw); err != nil {
		f := yamlFailure(file, err)
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return f
		}
		f.Message += "; the rest of the file is used"
		d.plan.Warnings = append(d.plan.Warnings, f)
	}
	for kind, list := range map[string][]rawDBTResource{"model": raw.Models, "seed": raw.Seeds, "snapshot": raw.Snapshots} {
		for _, r := range list {
			c := configFromMap(r.Config, file)
			if o := metaOwner(r.Meta); o != "" && c.Owner == "" {
				c.Owner, c.OwnerFrom = o, "dbt meta.owner in "+file
			}
			if r.Group != "" && c.Group == "" {
				c.Group, c.GroupFrom = r.Group, file
			}
			key := kind + ":" + pr.name + "." + r.Name
			d.props[key] = d.props[key].over(c)
			if len(r.Columns) > 0 {
				d.columns[key] = dbtColumns{names: r.columnNames(), file: file}
			}
		}
	}
	for _, s := range raw.Sources {
		srcOwner := metaOwner(s.Meta)
		if o := metaOwner(mapOf(s.Config["meta"])); o != "" {
			srcOwner = o
		}
		for _, t := range s.Tables {
			schema := s.Schema
			if schema == "" {
				schema = s.Name
			}
			db := s.Database
			if db == "" {
				db = d.target.Database
			}
			id := t.Identifier
			if id == "" {
				id = t.Name
			}
			src := dbtSource{relation: relationName(db, schema, id), owner: srcOwner, ownerFrom: file}
			if o := metaOwner(t.Meta); o != "" {
				src.owner = o
			}
			d.sources[pr.name+"."+strings.ToLower(s.Name)+"."+strings.ToLower(t.Name)] = src
			d.sources[strings.ToLower(s.Name)+"."+strings.ToLower(t.Name)] = src
			if len(t.Columns) > 0 {
				d.sourceColumns(file, src, t.columnNames())
			}
		}
	}
	for _, g := range raw.Groups {
		o := lineage.Owner{Email: strings.TrimSpace(g.Owner.Email), Team: g.Name}
		h := o.Email
		if h == "" {
			h = g.Owner.Name
		}
		if h, err := ownerHandle(h); err == nil {
			o.Handle = h
		}
		d.groups[g.Name] = dbtGroup{owner: o, file: file}
	}
	return nil
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func metaOwner(meta map[string]any) string {
	switch o := meta["owner"].(type) {
	case string:
		return strings.TrimSpace(o)
	case []any:
		if len(o) > 0 {
			if s, ok := o[0].(string); ok {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// configFromMap reads the configs that matter here from a config: block.
func configFromMap(m map[string]any, from string) dbtConfig {
	var c dbtConfig
	str := func(k string) string {
		if v, ok := m[k]; ok && v != nil {
			return strings.TrimSpace(fmt.Sprint(v))
		}
		return ""
	}
	c.Alias, c.Schema, c.Database = str("alias"), str("schema"), str("database")
	c.Materialized = str("materialized")
	c.TargetSchema, c.TargetDatabase = str("target_schema"), str("target_database")
	if o := metaOwner(mapOf(m["meta"])); o != "" {
		c.Owner, c.OwnerFrom = o, "dbt meta.owner in "+from
	}
	if g := str("group"); g != "" {
		c.Group, c.GroupFrom = g, from
	}
	if b, ok := m["enabled"].(bool); ok {
		c.Enabled = &b
	}
	return c
}

// folderConfig returns the dbt_project.yml configs that apply to a node:
// those of each folder from the project down to the node, deeper ones
// winning.
func folderConfig(pr *dbtProject, n *dbtNode) dbtConfig {
	tree := pr.models
	roots := pr.modelPaths
	switch n.kind {
	case "seed":
		tree, roots = pr.seeds, pr.seedPaths
	case "snapshot":
		tree, roots = pr.snapshots, pr.snapshotPaths
	}
	rel := n.file
	for _, r := range roots {
		if root := pr.join(r); strings.HasPrefix(n.file, root+"/") {
			rel = strings.TrimPrefix(n.file, root+"/")
			break
		}
	}
	segs := append([]string{pr.name}, strings.Split(strings.TrimSuffix(rel, path.Ext(rel)), "/")...)
	var c dbtConfig
	node := &tree
	for _, seg := range segs {
		if node.Kind != yaml.MappingNode {
			break
		}
		var next *yaml.Node
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, v := node.Content[i], node.Content[i+1]
			key := strings.TrimPrefix(k.Value, "+")
			if k.Value == seg && v.Kind == yaml.MappingNode && !strings.HasPrefix(k.Value, "+") {
				next = v
				continue
			}
			if !strings.HasPrefix(k.Value, "+") && !dbtConfigKeys[key] {
				continue
			}
			c = c.over(configFromNode(key, v, fmt.Sprintf("%s:%d", pr.file, k.Line)))
		}
		if next == nil {
			break
		}
		node = next
	}
	return c
}

// dbtConfigKeys are the configs dbt_project.yml may set without a "+".
var dbtConfigKeys = map[string]bool{"materialized": true, "schema": true, "alias": true, "database": true, "meta": true, "group": true, "enabled": true, "target_schema": true, "target_database": true}

func configFromNode(key string, v *yaml.Node, from string) dbtConfig {
	var val any
	if err := v.Decode(&val); err != nil {
		return dbtConfig{}
	}
	return configFromMap(map[string]any{key: val}, from)
}

// relationName joins the non-empty parts of a relation, lower-cased.
func relationName(parts ...string) string {
	var out []string
	for _, p := range parts {
		p = strings.Trim(strings.TrimSpace(p), "`\"[]")
		if p != "" {
			out = append(out, strings.ToLower(p))
		}
	}
	return strings.Join(out, ".")
}

var namingMacro = regexp.MustCompile(`\{%-?\s*macro\s+(generate_(?:schema|alias|database)_name)\s*\(`)

var snapshotTag = regexp.MustCompile(`\{%-?\s*snapshot\s+(\w+)\s*-?%\}`)

// resolve reads each node's config and names its relation.
func (d *dbtScan) resolve() {
	kept := d.nodes[:0]
	for _, n := range d.nodes {
		c := folderConfig(n.project, n)
		if n.kind != "seed" {
			data, err := fs.ReadFile(d.fsys, n.file)
			if err != nil {
				d.plan.fail(Failure{File: n.file, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
				d.plan.Complete = false
				continue
			}
			n.text = data
			if n.kind == "snapshot" {
				m := snapshotTag.FindSubmatch(data)
				if m == nil {
					continue // a .sql file of snapshot-paths without a snapshot block
				}
				n.name = string(m[1])
			}
		}
		c = c.over(d.props[n.kind+":"+n.project.name+"."+n.name])
		if n.text != nil {
			inline, warnings := inlineConfig(n.text, n.file)
			c = c.over(inline)
			d.plan.Warnings = append(d.plan.Warnings, warnings...)
		}
		if c.Enabled != nil && !*c.Enabled {
			continue
		}
		n.config = c
		n.relation = d.relation(n)
		n.ephemeral = n.kind == "model" && strings.EqualFold(c.Materialized, "ephemeral")
		kept = append(kept, n)
		if prev := d.byName[n.project.name+"."+n.name]; len(prev) > 0 {
			d.plan.Warnings = append(d.plan.Warnings, Failure{File: n.file, Message: fmt.Sprintf("%s %s of project %s is also defined in %s, and dbt refuses two nodes of one name; refs to it go to %s", n.kind, n.name, n.project.name, prev[0].file, prev[0].file)})
		}
		d.byName[n.project.name+"."+n.name] = append(d.byName[n.project.name+"."+n.name], n)
		d.byName[n.name] = append(d.byName[n.name], n)
	}
	d.nodes = kept
}

// relation names a node's relation as dbt's default generate_schema_name,
// generate_alias_name and generate_database_name do.
func (d *dbtScan) relation(n *dbtNode) string {
	c := n.config
	db := firstNonEmpty(c.Database, d.target.Database)
	schema := d.target.Schema
	if c.Schema != "" {
		if schema != "" && d.target.CustomSchema != "replace" {
			schema += "_" + c.Schema
		} else {
			schema = c.Schema
		}
	}
	if n.kind == "snapshot" && (c.TargetSchema != "" || c.TargetDatabase != "") {
		schema = firstNonEmpty(c.TargetSchema, schema)
		db = firstNonEmpty(c.TargetDatabase, db)
	}
	return relationName(db, schema, firstNonEmpty(c.Alias, n.name))
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// inlineConfig reads {{ config(...) }} calls in a model's text.
// A value that is an expression rather than a literal (schema=var('s'))
// cannot be known without dbt: it is a warning, and the config is not set.
func inlineConfig(text []byte, file string) (dbtConfig, []Failure) {
	var c dbtConfig
	var warnings []Failure
	forEachExpr(string(text), func(start, end int, expr string, _ bool) {
		name, args, kwargs, ok := parseCall(expr)
		if !ok || name != "config" || len(args) > 0 {
			return
		}
		line := 1 + strings.Count(string(text[:start]), "\n")
		m := map[string]any{}
		for k, v := range kwargs {
			switch {
			case k == "enabled":
				m[k] = strings.EqualFold(v, "true")
			case k == "meta":
				if o := dictValue(v, "owner"); o != "" {
					m["meta"] = map[string]any{"owner": o}
				}
			case isQuoted(v):
				m[k] = unquote(v)
			case k == "alias" || k == "schema" || k == "database" || k == "target_schema" || k == "target_database" || k == "materialized" || k == "group":
				warnings = append(warnings, Failure{File: file, Line: line, Message: fmt.Sprintf("config(%s=%s) is an expression ingest cannot evaluate; %s is taken from the project's other configs", k, v, k)})
			}
		}
		c = c.over(configFromMap(m, fmt.Sprintf("%s:%d", file, line)))
		if c.Owner != "" && strings.HasPrefix(c.OwnerFrom, "dbt meta.owner in ") {
			c.OwnerFrom = fmt.Sprintf("dbt config(meta) %s:%d", file, line)
		}
	})
	return c, warnings
}

// dictValue finds key's string value in a Jinja dict literal.
func dictValue(dict, key string) string {
	re := regexp.MustCompile(`['"]` + regexp.QuoteMeta(key) + `['"]\s*:\s*['"]([^'"]*)['"]`)
	if m := re.FindStringSubmatch(dict); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// forEachExpr calls fn for each {{ expression }} of text (inner says
// whether it is one, false for a ref() inside a {% statement %}), skipping
// {# comments #}. start and end are the byte offsets of the whole tag.
func forEachExpr(text string, fn func(start, end int, expr string, inner bool)) {
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '{' {
			continue
		}
		var closeTok string
		switch text[i+1] {
		case '{':
			closeTok = "}}"
		case '%':
			closeTok = "%}"
		case '#':
			closeTok = "#}"
		default:
			continue
		}
		e := strings.Index(text[i+2:], closeTok)
		if e < 0 {
			return
		}
		end := i + 2 + e + 2
		inner := strings.Trim(text[i+2:i+2+e], "-+ \t\r\n")
		switch text[i+1] {
		case '{':
			fn(i, end, inner, true)
		case '%':
			fn(i, end, inner, false)
		}
		i = end - 1
	}
}

// parseCall reads a call such as ref('a', 'b', v=2) into its name, its
// positional string arguments and its keyword arguments (as written). ok
// is false for anything else.
func parseCall(expr string) (name string, args []string, kwargs map[string]string, ok bool) {
	open := strings.IndexByte(expr, '(')
	if open <= 0 || !strings.HasSuffix(expr, ")") {
		return "", nil, nil, false
	}
	name = strings.TrimSpace(expr[:open])
	if !isPartName(strings.ReplaceAll(name, ".", "_")) {
		return "", nil, nil, false
	}
	kwargs = map[string]string{}
	for _, a := range splitTopLevel(expr[open+1 : len(expr)-1]) {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if eq := strings.IndexByte(a, '='); eq > 0 && isPartName(strings.TrimSpace(a[:eq])) && (eq+1 >= len(a) || a[eq+1] != '=') {
			kwargs[strings.TrimSpace(a[:eq])] = strings.TrimSpace(a[eq+1:]) // as written
			continue
		}
		if !isQuoted(a) {
			args = append(args, "\x00"+a) // not a string literal
			continue
		}
		args = append(args, unquote(a))
	}
	return name, args, kwargs, true
}

func isQuoted(s string) bool {
	return len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0]
}

func unquote(s string) string {
	if isQuoted(s) {
		if u, err := strconv.Unquote(`"` + strings.ReplaceAll(s[1:len(s)-1], `"`, `\"`) + `"`); err == nil {
			return u
		}
		return s[1 : len(s)-1]
	}
	return s
}

// splitTopLevel splits a list of arguments at the commas outside brackets
// and quotes.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// lookup finds the node a ref names: in the given package, else in the
// referring node's project, else anywhere when only one has that name.
func (d *dbtScan) lookup(from *dbtNode, pkg, name string) *dbtNode {
	if pkg != "" {
		if ns := d.byName[pkg+"."+name]; len(ns) > 0 {
			return ns[0]
		}
		return nil
	}
	if ns := d.byName[from.project.name+"."+name]; len(ns) > 0 {
		return ns[0]
	}
	if ns := d.byName[name]; len(ns) == 1 {
		return ns[0]
	}
	return nil
}

// render resolves a node's refs, sources, this, vars and configs in its
// text. Each replaced expression keeps its line breaks after the new text,
// so that the lines of the result are the lines of the file.
func (d *dbtScan) render(n *dbtNode) (text []byte, reads []string, warnings []Failure) {
	src := string(n.text)
	var b strings.Builder
	b.Grow(len(src))
	pos := 0
	warn := func(off int, format string, args ...any) {
		warnings = append(warnings, Failure{File: n.file, Line: 1 + strings.Count(src[:off], "\n"), Message: fmt.Sprintf(format, args...)})
	}
	vars := merge(n.project.vars, d.target.Vars)
	resolveCall := func(off int, name string, args []string, kwargs map[string]string, tag string) (string, bool) {
		for _, a := range args {
			if strings.HasPrefix(a, "\x00") {
				warn(off, "%s names a model by an expression, not a string: its table is not known", tag)
				return "", false
			}
		}
		switch name {
		case "ref":
			var pkg, model string
			switch len(args) {
			case 1:
				model = args[0]
			case 2:
				pkg, model = args[0], args[1]
			default:
				warn(off, "%s: ref takes a model name, or a package and a model name", tag)
				return "", false
			}
			if t := d.lookup(n, pkg, model); t != nil {
				if t.ephemeral {
					reads = appendNew(reads, d.ephemeralReads(t)...)
					return ephemeralCTE + t.name, true
				}
				reads = appendNew(reads, t.relation)
				return t.relation, true
			}
			where := "in this repository"
			if pkg != "" {
				where = "in package " + pkg
			}
			rel := relationName(d.target.Database, d.target.Schema, model)
			warn(off, "%s: no model, seed or snapshot named %s %s; read as %s", tag, model, where, rel)
			reads = appendNew(reads, rel)
			return rel, true
		case "source":
			if len(args) != 2 {
				warn(off, "%s: source takes a source name and a table name", tag)
				return "", false
			}
			key := strings.ToLower(args[0] + "." + args[1])
			s, ok := d.sources[n.project.name+"."+key]
			if !ok {
				s, ok = d.sources[key]
			}
			if !ok {
				rel := relationName(d.target.Database, args[0], args[1])
				warn(off, "%s: source %s.%s is not declared in a sources: block of the project's .yml files; read as %s", tag, args[0], args[1], rel)
				reads = appendNew(reads, rel)
				return rel, true
			}
			reads = appendNew(reads, s.relation)
			return s.relation, true
		case "var":
			if len(args) == 0 {
				return "", false
			}
			if v, ok := vars[args[0]]; ok {
				return v, true
			}
			if len(args) > 1 {
				return args[1], true
			}
			warn(off, "%s: dbt variable %s is not set in dbt_project.yml vars: nor in dbt: vars: of %s", tag, args[0], ConfigFile)
			return args[0], true
		case "config":
			return "", true
		}
		return "", false
	}
	forEachExpr(src, func(start, end int, expr string, inner bool) {
		tag := strings.TrimSpace(src[start:end])
		if !inner {
			// Statements stay for the parser, but the refs they hold
			// are dependencies, as dbt counts them. Snapshot blocks are
			// blanked: they only name the snapshot.
			if snapshotTag.MatchString(tag) || strings.HasPrefix(expr, "endsnapshot") {
				b.WriteString(src[pos:start])
				b.WriteString(strings.Repeat("\n", strings.Count(tag, "\n")))
				pos = end
				return
			}
			for _, m := range refInStatement.FindAllStringIndex(expr, -1) {
				call := expr[m[0]:]
				if c := closingParen(call); c > 0 {
					if name, args, kwargs, ok := parseCall(call[:c+1]); ok {
						resolveCall(start, name, args, kwargs, tag)
					}
				}
			}
			return
		}
		var val string
		ok := true
		switch expr {
		case "this":
			val = n.relation
		case "target.schema":
			val = d.target.Schema
		case "target.database":
			val = d.target.Database
		default:
			name, args, kwargs, isCall := parseCall(expr)
			if !isCall {
				return
			}
			val, ok = resolveCall(start, name, args, kwargs, tag)
		}
		if !ok {
			return
		}
		b.WriteString(src[pos:start])
		b.WriteString(val)
		b.WriteString(strings.Repeat("\n", strings.Count(src[start:end], "\n")))
		pos = end
	})
	b.WriteString(src[pos:])
	return []byte(b.String()), reads, warnings
}

var refInStatement = regexp.MustCompile(`\b(ref|source)\s*\(`)

// closingParen returns the offset of the parenthesis that closes the
// first one in s, or -1.
func closingParen(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// ephemeralReads returns what an ephemeral model reads, through the
// ephemeral models it refs in turn. Its warnings are reported once.
func (d *dbtScan) ephemeralReads(n *dbtNode) []string {
	if n.ephDone || n.ephBusy {
		return n.ephReads // a cycle of ephemeral models reads nothing more
	}
	n.ephBusy = true
	_, reads, warnings := d.render(n)
	d.plan.Warnings = append(d.plan.Warnings, warnings...)
	n.ephReads, n.ephBusy, n.ephDone = reads, false, true
	return reads
}

// spec turns a node into the job to ingest; an ephemeral model is none.
func (d *dbtScan) spec(n *dbtNode) (Spec, bool) {
	if n.ephemeral {
		return Spec{}, false
	}
	p := d.plan
	s := Spec{ID: p.Source + ":" + n.file, Path: n.file, Kind: "dbt " + n.kind, Vars: p.Config.Vars, DefaultDB: p.Config.DefaultDB,
		Writes: []string{n.relation}, WritesFrom: "dbt " + n.kind + " " + n.project.name + "." + n.name}
	s.Dialect = p.dialect(n.file, "")
	if n.kind == "seed" {
		s.noSQL = true
	} else {
		text, reads, warnings := d.render(n)
		s.text, s.Reads = text, slices.DeleteFunc(reads, func(r string) bool { return r == n.relation })
		s.content = n.text // read once, here
		for i := range warnings {
			warnings[i].Job = s.ID
		}
		p.Warnings = append(p.Warnings, warnings...)
	}
	c := d.columns[n.kind+":"+n.project.name+"."+n.name]
	d.nodeColumns(&s, n.kind, n.relation, c.file, c.names)
	d.owner(n.config, &s)
	return s, true
}

// owner sets a dbt job's owner: meta.owner (config() in the model, then
// its properties, then +meta in dbt_project.yml), then the owner of its
// group, then CODEOWNERS and default_owner.
func (d *dbtScan) owner(c dbtConfig, s *Spec) {
	if c.Owner != "" {
		if h, err := ownerHandle(c.Owner); err == nil {
			s.Owner, s.OwnerFrom = h, c.OwnerFrom
			if strings.Contains(h, "@") {
				s.ownerInfo = lineage.Owner{Handle: h, Email: h}
			}
			return
		}
		d.plan.Warnings = append(d.plan.Warnings, Failure{Job: s.ID, File: s.Path, Message: fmt.Sprintf("meta owner %q (%s) is not a usable owner handle", c.Owner, c.OwnerFrom)})
	}
	if c.Group != "" {
		g, ok := d.groups[c.Group]
		switch {
		case ok && g.owner.Handle != "":
			s.Owner, s.OwnerFrom, s.ownerInfo = g.owner.Handle, fmt.Sprintf("dbt group %s owner in %s", c.Group, g.file), g.owner
			return
		case !ok:
			d.plan.Warnings = append(d.plan.Warnings, Failure{Job: s.ID, File: s.Path, Message: fmt.Sprintf("group %s (%s) is not declared in a groups: block", c.Group, c.GroupFrom)})
		}
	}
	s.Owner, s.OwnerFrom = d.plan.owner(s.Path)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
