package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/lineagehq/lineage"
)

// DefaultManifest is where dbt writes its compiled manifest, relative to
// the project.
const DefaultManifest = "target/manifest.json"

// Manifest schema versions ingest reads: dbt 0.19 (v1) to dbt 1.8+ (v12).
const (
	minManifestVersion = 1
	maxManifestVersion = 12
)

// A compiled manifest (dbt compile, dbt build, dbt docs generate) is what
// dbt itself resolved, so it is authoritative: each model, snapshot and
// seed node is a job writing its relation_name and reading the relations
// of its depends_on.nodes; compiled_code (compiled_sql before v7) is what
// the parser reads, for tables the SQL names without ref(); owners come
// from config.meta.owner, meta.owner and the group's owner.

type rawManifest struct {
	Metadata struct {
		SchemaVersion string `json:"dbt_schema_version"`
		ProjectName   string `json:"project_name"`
	} `json:"metadata"`
	Nodes   map[string]manifestNode `json:"nodes"`
	Sources map[string]manifestNode `json:"sources"`
	Groups  map[string]struct {
		Name  string `json:"name"`
		Owner struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"owner"`
	} `json:"groups"`
}

type manifestNode struct {
	ResourceType     string         `json:"resource_type"`
	Name             string         `json:"name"`
	PackageName      string         `json:"package_name"`
	OriginalFilePath string         `json:"original_file_path"`
	Database         string         `json:"database"`
	Schema           string         `json:"schema"`
	Alias            string         `json:"alias"`
	Identifier       string         `json:"identifier"`
	RelationName     string         `json:"relation_name"`
	CompiledCode     string         `json:"compiled_code"`
	CompiledSQL      string         `json:"compiled_sql"`
	Meta             map[string]any `json:"meta"`
	Group            string         `json:"group"`
	Config           map[string]any `json:"config"`
	DependsOn        struct {
		Nodes []string `json:"nodes"`
	} `json:"depends_on"`
	// Columns are the node's documented columns (its columns: in yml).
	Columns map[string]struct {
		Name string `json:"name"`
	} `json:"columns"`
}

var manifestVersionRE = regexp.MustCompile(`/manifest/v(\d+)\.json$`)

// manifest returns the jobs of a project's compiled manifest, or nil when
// it has none. An error (a warning of the scan: the project is then read
// from its templates) names the file and what is wrong.
func (d *dbtScan) manifest(pr *dbtProject) ([]Spec, error) {
	file := pr.join(DefaultManifest)
	if d.target.Manifest != "" {
		file = pr.join(d.target.Manifest)
	}
	data, err := fs.ReadFile(d.fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		if d.target.Manifest != "" {
			return nil, Failure{File: ConfigFile, Message: fmt.Sprintf("dbt: manifest: %s does not exist; the models are read from their templates", file)}
		}
		return nil, nil
	}
	if err != nil {
		return nil, Failure{File: file, Message: fmt.Sprintf("cannot read: %v; the models are read from their templates", unwrapPathError(err))}
	}
	var m rawManifest
	if err := json.Unmarshal(data, &m); err != nil {
		f := Failure{File: file, Message: fmt.Sprintf("not a dbt manifest: %v; the models are read from their templates", err)}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			f.Line = 1 + strings.Count(string(data[:min(int(se.Offset), len(data))]), "\n")
		}
		return nil, f
	}
	v := 0
	if mm := manifestVersionRE.FindStringSubmatch(m.Metadata.SchemaVersion); mm != nil {
		v, _ = strconv.Atoi(mm[1])
	}
	if v < minManifestVersion || v > maxManifestVersion {
		return nil, Failure{File: file, Message: fmt.Sprintf("metadata.dbt_schema_version %q is not a manifest version ingest reads (v%d to v%d); the models are read from their templates instead", m.Metadata.SchemaVersion, minManifestVersion, maxManifestVersion)}
	}

	relations := map[string]string{}
	ephemeral := map[string][]string{} // ephemeral model -> its depends_on
	for id, n := range m.Nodes {
		if n.ResourceType == "model" && mapOf(n.Config)["materialized"] == "ephemeral" {
			ephemeral[id] = n.DependsOn.Nodes
			continue
		}
		relations[id] = manifestRelation(n)
	}
	// deps expands the ephemeral models among ids into what they read.
	var deps func(ids []string, seen map[string]bool) []string
	deps = func(ids []string, seen map[string]bool) []string {
		var out []string
		for _, id := range ids {
			if e, ok := ephemeral[id]; ok {
				if !seen[id] {
					seen[id] = true
					out = append(out, deps(e, seen)...)
				}
				continue
			}
			out = append(out, id)
		}
		return out
	}
	for _, id := range sortedKeys(m.Sources) {
		n := m.Sources[id]
		relations[id] = manifestRelation(n)
		if cols := manifestColumns(n); len(cols) > 0 && relations[id] != "" && n.OriginalFilePath != "" {
			src := dbtSource{relation: relations[id]}
			if o := firstNonEmpty(metaOwner(mapOf(n.Config["meta"])), metaOwner(n.Meta)); o != "" {
				src.owner = o
			}
			d.sourceColumns(d.nodeFile(pr, n), src, cols)
		}
	}
	groups := map[string]lineage.Owner{}
	for _, g := range m.Groups {
		o := lineage.Owner{Email: strings.TrimSpace(g.Owner.Email), Team: g.Name}
		if h, err := ownerHandle(firstNonEmpty(o.Email, g.Owner.Name)); err == nil {
			o.Handle = h
			groups[g.Name] = o
		}
	}
	p := d.plan
	var specs []Spec
	for _, id := range sortedKeys(m.Nodes) {
		n := m.Nodes[id]
		kind := n.ResourceType
		if kind != "model" && kind != "seed" && kind != "snapshot" {
			continue
		}
		if _, ok := ephemeral[id]; ok {
			continue // inlined into the models that ref it: not a table
		}
		rel := relations[id]
		if rel == "" {
			p.Warnings = append(p.Warnings, Failure{File: file, Message: fmt.Sprintf("node %s names no relation (relation_name, or database, schema and alias); it is left out", id)})
			continue
		}
		if n.OriginalFilePath == "" {
			p.Warnings = append(p.Warnings, Failure{File: file, Message: fmt.Sprintf("node %s has no original_file_path; it is left out", id)})
			continue
		}
		fp := d.nodeFile(pr, n)
		s := Spec{ID: p.Source + ":" + fp, Path: fp, Kind: "dbt " + kind, Vars: p.Config.Vars, DefaultDB: p.Config.DefaultDB,
			Writes: []string{rel}, WritesFrom: "dbt manifest " + file}
		s.Dialect = p.dialect(fp, "")
		d.nodeColumns(&s, kind, rel, file, manifestColumns(n))
		for _, dep := range deps(n.DependsOn.Nodes, map[string]bool{}) {
			r, ok := relations[dep]
			switch {
			case !ok:
				p.Warnings = append(p.Warnings, Failure{Job: s.ID, File: file, Message: fmt.Sprintf("node %s depends on %s, which the manifest does not hold", id, dep)})
			case r != "" && r != rel:
				s.Reads = appendNew(s.Reads, r)
			}
		}
		code := firstNonEmpty(n.CompiledCode, n.CompiledSQL)
		switch {
		case kind == "seed":
			s.noSQL = true
		case code != "":
			s.text, s.content = []byte(code), []byte(code)
		default:
			// A manifest from dbt parse has no compiled code: the
			// lineage is what depends_on says.
			s.noSQL = true
		}
		var c dbtConfig
		if o := metaOwner(mapOf(n.Config["meta"])); o != "" {
			c.Owner, c.OwnerFrom = o, "dbt config.meta.owner in "+file
		} else if o := metaOwner(n.Meta); o != "" {
			c.Owner, c.OwnerFrom = o, "dbt meta.owner in "+file
		}
		g := n.Group
		if cg, ok := n.Config["group"].(string); ok && cg != "" {
			g = cg
		}
		if c.Owner == "" && g != "" {
			if o, ok := groups[g]; ok {
				s.Owner, s.OwnerFrom, s.ownerInfo = o.Handle, "dbt group "+g+" owner in "+file, o
				d.claimed[fp] = true
				specs = append(specs, s)
				continue
			}
		}
		d.owner(c, &s)
		d.claimed[fp] = true
		specs = append(specs, s)
	}
	return specs, nil
}

// nodeFile is a manifest node's file, relative to the repository: its
// original_file_path is relative to its package's project.
func (d *dbtScan) nodeFile(root *dbtProject, n manifestNode) string {
	dir := root.dir
	if n.PackageName != "" && n.PackageName != root.name {
		dir = path.Join(root.dir, "dbt_packages", n.PackageName)
		for _, pr := range d.projects {
			if pr.name == n.PackageName {
				dir = pr.dir
			}
		}
	}
	return path.Join(dir, n.OriginalFilePath)
}

// manifestRelation names a node's relation: its relation_name without
// quotes, else database.schema.alias (or identifier, for sources).
func manifestRelation(n manifestNode) string {
	if n.RelationName != "" {
		return relationName(splitQuoted(n.RelationName)...)
	}
	return relationName(n.Database, n.Schema, firstNonEmpty(n.Alias, n.Identifier, n.Name))
}

// splitQuoted splits "db"."schema"."t" (or `db`.`schema`.`t`) at the dots
// outside quotes.
func splitQuoted(s string) []string {
	var parts []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '`' || c == '[':
			quote = c
			if c == '[' {
				quote = ']'
			}
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return slices.DeleteFunc(append(parts, cur.String()), func(p string) bool { return strings.TrimSpace(p) == "" })
}
