package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/parser"
)

// ConfigFile is the name of the repository's configuration file, at its root.
const ConfigFile = "lineage.yaml"

// Config is the content of lineage.yaml. Every field is optional.
//
//	source: warehouse            # the source name; default: the directory's name
//	default_owner: data-platform # owner of jobs no workflow or CODEOWNERS names
//	default_dialect: spark       # dialect of scripts no other rule names
//	default_db: dw               # database of unqualified table names
//	dialects:                    # path pattern -> dialect; the last match wins
//	  "ods/": hive
//	  "*.hql": hive
//	vars:                        # template variables, ${name} in scripts
//	  ds: "2024-06-01"
//	owners:                      # handle -> details, for campaign tickets
//	  alice: {email: alice@example.com, jira: alice.smith, team: data-platform}
//	workflows: ["**/workflow.yaml"] # more workflow files, besides *.sch.yaml
//	ignore: ["scratch/"]         # paths not to ingest
//	exclude: ["**/view.sql"]     # the same as ignore
//	include: ["sql/**/query.sql"] # which files are scripts; default: ScriptSuffixes
//	writes:                      # path rule -> the table the script writes
//	  "sql/{project}/{dataset}/{table}/query.sql": "{project}.{dataset}.{table}"
//	dbt:                         # what dbt takes from its profile (target)
//	  database: analytics
//	  schema: dbt_prod
//	  manifest: target/manifest.json # default; used when it exists
//	  vars: {start_date: "2024-01-01"}
//	  custom_schema: append       # or replace: see DBTConfig
//	schemas: [schemas/warehouse.json] # tables' columns: {"db.table": ["col", ...]}
type Config struct {
	Source         string
	DefaultOwner   string
	DefaultDialect string
	DefaultDB      string
	// Dialects are path rules in file order; the last matching rule wins.
	Dialects []PathDialect
	Vars     map[string]string
	// Owners maps a handle (lower-case) to the owner's details.
	Owners    map[string]lineage.Owner
	Workflows []string
	// Ignore holds the ignore: and exclude: patterns.
	Ignore []string
	// Include, when set, names the files that are scripts; otherwise a
	// file is a script when its name ends in one of ScriptSuffixes.
	Include []string
	// Writes are path rules in file order; the last matching rule wins.
	Writes []WriteRule
	// DBT is the dbt target: what dbt takes from profiles.yml.
	DBT DBTConfig
	// Schemas are files (relative to the root) declaring tables' columns,
	// JSON or YAML {"db.table": ["col", ...]}: see declares.go.
	Schemas []string

	workflowPats []pattern
	ignorePats   []pattern
	includePats  []pattern
}

// DBTConfig is the dbt: section of lineage.yaml: the target database and
// schema that dbt takes from the profile, so that a model's relation is
// named as the warehouse names it, and where the compiled manifest is.
type DBTConfig struct {
	Database string
	Schema   string
	// Manifest is the compiled manifest, relative to the dbt project;
	// "" means target/manifest.json when it exists.
	Manifest string
	// Vars are dbt variables, over the project's own vars:.
	Vars map[string]string
	// CustomSchema is how a model's custom schema combines with the
	// target schema: "append" (dbt's default generate_schema_name:
	// TARGET_CUSTOM) or "replace" (CUSTOM alone, as the common override
	// and generate_schema_name_for_env in production do).
	CustomSchema string
}

// PathDialect is one per-path dialect rule of lineage.yaml.
type PathDialect struct {
	Pattern string
	Dialect string
	pat     pattern
}

// rawConfig mirrors lineage.yaml for decoding; positions come along so
// errors can say where.
type rawConfig struct {
	Source         string               `yaml:"source"`
	DefaultOwner   posString            `yaml:"default_owner"`
	DefaultDialect posString            `yaml:"default_dialect"`
	DefaultDB      string               `yaml:"default_db"`
	Dialects       yaml.Node            `yaml:"dialects"`
	Vars           map[string]string    `yaml:"vars"`
	Owners         map[string]rawOwner  `yaml:"owners"`
	Workflows      []posString          `yaml:"workflows"`
	Ignore         []posString          `yaml:"ignore"`
	Exclude        []posString          `yaml:"exclude"`
	Include        []posString          `yaml:"include"`
	Writes         yaml.Node            `yaml:"writes"`
	DBT            rawDBT               `yaml:"dbt"`
	Schemas        []posString          `yaml:"schemas"`
	Extra          map[string]yaml.Node `yaml:",inline"`
}

type rawDBT struct {
	Database string            `yaml:"database"`
	Schema   string            `yaml:"schema"`
	Manifest string            `yaml:"manifest"`
	Vars     map[string]string `yaml:"vars"`
	// CustomSchema is append (default) or replace.
	CustomSchema posString `yaml:"custom_schema"`
}

type rawOwner struct {
	Email    string `yaml:"email"`
	Jira     string `yaml:"jira"`
	JiraUser string `yaml:"jira_user"`
	Team     string `yaml:"team"`
}

// posString is a YAML scalar with its position.
type posString struct {
	Value        string
	Line, Column int
}

func (p *posString) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a string", n.Line)
	}
	*p = posString{Value: n.Value, Line: n.Line, Column: n.Column}
	return nil
}

// configError is an EINVALID error naming file, line and column.
func configError(file string, line, col int, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	pos := file
	if line > 0 {
		pos = fmt.Sprintf("%s:%d:%d", file, line, col)
	}
	return &lineage.Error{Code: lineage.EINVALID, Field: field, Message: pos + ": " + msg}
}

// yamlError turns a yaml.v3 error into an EINVALID error naming the file;
// yaml.v3 already names the line.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	return lineage.WrapError(lineage.EINVALID, err, "%s: %s", file, msg)
}

// decodeYAML decodes one YAML document strictly: unknown fields are errors.
// An empty document leaves v alone.
func decodeYAML(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// LoadConfig reads lineage.yaml from the root of fsys. A repository without
// one gets the zero Config. Errors (EINVALID) name the file, line and column.
func LoadConfig(fsys fs.FS) (*Config, error) {
	data, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: read %s: %w", ConfigFile, err)
	}
	return ParseConfig(data)
}

// ParseConfig parses the content of a lineage.yaml file.
func ParseConfig(data []byte) (*Config, error) {
	const file = ConfigFile
	var raw rawConfig
	if err := decodeYAML(data, &raw); err != nil {
		return nil, yamlError(file, err)
	}
	for k, n := range raw.Extra {
		return nil, configError(file, n.Line, n.Column, k, "unknown setting %q; known: source, default_owner, default_dialect, default_db, dialects, vars, owners, workflows, ignore, exclude, include, writes, dbt, schemas", k)
	}
	c := &Config{
		Source:    strings.TrimSpace(raw.Source),
		DefaultDB: strings.ToLower(strings.TrimSpace(raw.DefaultDB)),
		Vars:      raw.Vars,
		Owners:    map[string]lineage.Owner{},
	}
	if raw.DefaultOwner.Value != "" {
		h, err := ownerHandle(raw.DefaultOwner.Value)
		if err != nil {
			return nil, configError(file, raw.DefaultOwner.Line, raw.DefaultOwner.Column, "default_owner", "%s", lineage.ErrorMessage(err))
		}
		c.DefaultOwner = h
	}
	if raw.DefaultDialect.Value != "" {
		d, err := checkDialect(raw.DefaultDialect.Value)
		if err != nil {
			return nil, configError(file, raw.DefaultDialect.Line, raw.DefaultDialect.Column, "default_dialect", "%v", err)
		}
		c.DefaultDialect = d
	}
	switch raw.Dialects.Kind {
	case 0:
	case yaml.MappingNode:
		for i := 0; i+1 < len(raw.Dialects.Content); i += 2 {
			k, v := raw.Dialects.Content[i], raw.Dialects.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, configError(file, v.Line, v.Column, "dialects", "the dialect of %q must be a name such as hive", k.Value)
			}
			p, err := compilePattern(k.Value)
			if err != nil {
				return nil, configError(file, k.Line, k.Column, "dialects", "%v", err)
			}
			d, err := checkDialect(v.Value)
			if err != nil {
				return nil, configError(file, v.Line, v.Column, "dialects", "%v", err)
			}
			c.Dialects = append(c.Dialects, PathDialect{Pattern: k.Value, Dialect: d, pat: p})
		}
	default:
		return nil, configError(file, raw.Dialects.Line, raw.Dialects.Column, "dialects", "want a mapping from path pattern to dialect, such as \"ods/\": hive")
	}
	for h, o := range raw.Owners {
		handle, err := ownerHandle(h)
		if err != nil {
			return nil, configError(file, 0, 0, "owners", "owner %q: %s", h, lineage.ErrorMessage(err))
		}
		jira := o.Jira
		if jira == "" {
			jira = o.JiraUser
		}
		c.Owners[handle] = lineage.Owner{Handle: handle, Email: strings.TrimSpace(o.Email), JiraUser: strings.TrimSpace(jira), Team: strings.TrimSpace(o.Team)}
	}
	for _, w := range raw.Workflows {
		p, err := compilePattern(w.Value)
		if err != nil {
			return nil, configError(file, w.Line, w.Column, "workflows", "%v", err)
		}
		c.Workflows = append(c.Workflows, w.Value)
		c.workflowPats = append(c.workflowPats, p)
	}
	for i, list := range [][]posString{raw.Ignore, raw.Exclude} {
		field := []string{"ignore", "exclude"}[i]
		for _, w := range list {
			p, err := compilePattern(w.Value)
			if err != nil {
				return nil, configError(file, w.Line, w.Column, field, "%v", err)
			}
			c.Ignore = append(c.Ignore, w.Value)
			c.ignorePats = append(c.ignorePats, p)
		}
	}
	for _, w := range raw.Include {
		p, err := compilePattern(w.Value)
		if err != nil {
			return nil, configError(file, w.Line, w.Column, "include", "%v", err)
		}
		c.Include = append(c.Include, w.Value)
		c.includePats = append(c.includePats, p)
	}
	rules, err := parseWriteRules(file, &raw.Writes)
	if err != nil {
		return nil, err
	}
	c.Writes = rules
	for _, sf := range raw.Schemas {
		f := path.Clean(strings.TrimPrefix(strings.TrimSpace(sf.Value), "/"))
		switch e := strings.ToLower(path.Ext(f)); {
		case f == "." || strings.HasPrefix(f, "../"):
			return nil, configError(file, sf.Line, sf.Column, "schemas", "a schema file is a path inside the repository, not %q", sf.Value)
		case e != ".json" && e != ".yaml" && e != ".yml":
			return nil, configError(file, sf.Line, sf.Column, "schemas", "a schema file is .json, .yaml or .yml, not %q", sf.Value)
		case slices.Contains(c.Schemas, f):
			return nil, configError(file, sf.Line, sf.Column, "schemas", "%s is listed twice", f)
		}
		c.Schemas = append(c.Schemas, f)
	}
	c.DBT = DBTConfig{
		Database: strings.ToLower(strings.TrimSpace(raw.DBT.Database)),
		Schema:   strings.ToLower(strings.TrimSpace(raw.DBT.Schema)),
		Manifest: strings.TrimSpace(raw.DBT.Manifest),
		Vars:     raw.DBT.Vars,
	}
	switch cs := strings.ToLower(strings.TrimSpace(raw.DBT.CustomSchema.Value)); cs {
	case "", "append":
		c.DBT.CustomSchema = "append"
	case "replace":
		c.DBT.CustomSchema = cs
	default:
		return nil, configError(file, raw.DBT.CustomSchema.Line, raw.DBT.CustomSchema.Column, "dbt.custom_schema", "custom_schema is append (TARGET_CUSTOM, dbt's default) or replace (CUSTOM alone), not %q", raw.DBT.CustomSchema.Value)
	}
	return c, nil
}

// dialectFor returns the dialect the per-path rules give path, or "".
func (c *Config) dialectFor(path string) string {
	d := ""
	for _, r := range c.Dialects {
		if r.pat.match(path) {
			d = r.Dialect
		}
	}
	return d
}

func (c *Config) ignored(path string) bool {
	for _, p := range c.ignorePats {
		if p.match(path) {
			return true
		}
	}
	return false
}

// isScript reports whether a file is a job script: it matches include:
// when lineage.yaml sets it, else its name ends in one of ScriptSuffixes.
func (c *Config) isScript(path string) bool {
	if len(c.includePats) > 0 {
		for _, p := range c.includePats {
			if p.match(path) {
				return true
			}
		}
		return false
	}
	return isScript(path)
}

func (c *Config) isWorkflow(path string) bool {
	if strings.HasSuffix(path, ".sch.yaml") || strings.HasSuffix(path, ".sch.yml") {
		return true
	}
	for _, p := range c.workflowPats {
		if p.match(path) {
			return true
		}
	}
	return false
}

// dialectAliases maps names people write to the parser's dialect names.
var dialectAliases = map[string]string{
	"sparksql":   "spark",
	"spark-sql":  "spark",
	"spark_sql":  "spark",
	"hql":        "hive",
	"hiveql":     "hive",
	"postgresql": "postgres",
	"pg":         "postgres",
	"psql":       "postgres",
	"mariadb":    "mysql",
	"tidb":       "mysql",
}

// checkDialect returns the parser's name for a dialect, or an error listing
// the dialects there are.
func checkDialect(name string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(name))
	if a, ok := dialectAliases[d]; ok {
		d = a
	}
	known := parser.Dialects()
	if slices.Contains(known, d) {
		return d, nil
	}
	return "", fmt.Errorf("unknown dialect %q; known: %s", name, strings.Join(known, ", "))
}

// ownerHandle normalises an owner as CODEOWNERS, workflows and OpenLineage
// write it ("@Alice", "user:alice") to a handle ("alice").
func ownerHandle(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "@")
	for _, p := range []string{"user:", "team:", "group:"} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
			break
		}
	}
	return lineage.NormalizeName("owner", s, true)
}
