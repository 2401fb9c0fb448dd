// Package ingest feeds the lineage graph: it walks repositories of job
// scripts, accepts jobs pushed by data repositories' CI, and accepts
// OpenLineage run events.
//
// A repository holds SQL scripts (.sql, .hql) and, beside them, workflow
// definition files (*.sch.yaml) whose jobs name a script and an owner:
//
//	id: sales_daily
//	owner: team-sales
//	jobs:
//	  - {id: load_orders, type: hive, script: load_orders.hql, owner: alice}
//
// Scripts are files ending in one of ScriptSuffixes (.sql, .hql, .q, ...),
// or those lineage.yaml's include: names. A job writes the tables its
// script writes plus those its place in the repository names: a writes:
// path rule of lineage.yaml ("sql/{project}/{dataset}/{table}/query.sql":
// "{project}.{dataset}.{table}", see WriteRule), a workflow job's writes:,
// or, in a dbt project (dbt_project.yml), the model's relation: see dbt.go
// for how models, seeds, snapshots, refs and sources are resolved, and
// manifest.go for the compiled manifest, which is preferred when present.
//
// A job's owner comes from, in order: its workflow file; for a dbt model,
// meta.owner (config() in the model, its properties, +meta in
// dbt_project.yml) and then its group's owner; the owners: of a
// metadata.yaml beside the script (the first owns the job, the others are
// its watchers); the CODEOWNERS file (the last matching pattern); the
// default owner in lineage.yaml (see Config), which also sets dialects,
// template variables, the dbt target and owners' details. A job's id is
// stable: SOURCE:PATH for a script or dbt file of its own,
// SOURCE:WORKFLOW/JOB for a workflow's job.
//
// Ingest is incremental (Ingester.Run): each job's content hash is stored
// with it, unchanged jobs are not parsed again, jobs gone from the
// repository are removed within their source, and a script that no longer
// parses keeps its previous lineage and is reported with file, line and
// column.
//
// Column lineage (lineage.JobColumns) comes from the parser, from the
// columns a repository declares (dbt columns:, a seed's header, schema
// files named by lineage.yaml's schemas:; see declares.go and
// dbtcolumns.go) and from OpenLineage's schema and columnLineage facets
// (olcolumns.go). The parser's schema lookups are answered from the
// declared columns (graphSchema), so SELECT * names its columns.
//
// NewHandler serves the push endpoint (POST/DELETE /api/v1/jobs) and the
// OpenLineage endpoint (POST /api/v1/lineage, as Marquez serves it).
package ingest
