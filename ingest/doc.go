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
// A job's owner comes from, in order: its workflow file, the CODEOWNERS file
// (the last matching pattern), the default owner in lineage.yaml (see
// Config), which also sets dialects, template variables and owners'
// details. A job's id is stable: SOURCE:PATH for a script of its own,
// SOURCE:WORKFLOW/JOB for a workflow's job.
//
// Ingest is incremental (Ingester.Run): each job's content hash is stored
// with it, unchanged jobs are not parsed again, jobs gone from the
// repository are removed within their source, and a script that no longer
// parses keeps its previous lineage and is reported with file, line and
// column.
//
// NewHandler serves the push endpoint (POST/DELETE /api/v1/jobs) and the
// OpenLineage endpoint (POST /api/v1/lineage, as Marquez serves it).
package ingest
