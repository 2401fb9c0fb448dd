package lineage

import (
	"context"
	"fmt"
	"slices"
)

// Job is a job script or a workflow step that reads and writes tables.
type Job struct {
	// ID is stable across ingests: source name + repository-relative path,
	// or workflow id + job id.
	ID string `json:"id"`
	// Source names where the job came from (a repository, an OpenLineage
	// namespace, "push"). Ingest removes vanished jobs only within a source.
	Source  string `json:"source"`
	Path    string `json:"path"`
	Dialect string `json:"dialect"`
	// Hash is the content hash of the script, so unchanged jobs are skipped.
	Hash string `json:"hash"`
	// Owner is the owning handle, "" when unknown.
	Owner string `json:"owner"`
}

// Owner is a person or team who owns jobs and receives campaign tickets.
type Owner struct {
	// Handle is lower-case, such as "alice" or "team-payments".
	Handle string `json:"handle"`
	Email  string `json:"email,omitempty"`
	// JiraUser is the Jira identity: an accountId on Cloud, a username on
	// Data Center.
	JiraUser string `json:"jiraUser,omitempty"`
	Team     string `json:"team,omitempty"`
}

// EdgeKind is the kind of a job→table edge.
type EdgeKind string

// Edge kinds.
const (
	Reads  EdgeKind = "READS"
	Writes EdgeKind = "WRITES"
)

// Edge is a job→table edge.
type Edge struct {
	Job   string   `json:"job"`
	Table string   `json:"table"`
	Kind  EdgeKind `json:"kind"`
}

// JobPut is what GraphStore.PutJobs stores for one job: the job and the
// whole of its lineage, which replaces what it had before.
type JobPut struct {
	Job    Job
	Reads  []string
	Writes []string
	// OwnerInfo, when its Handle equals Job.Owner, updates that owner's details.
	OwnerInfo Owner
	// Script is the job's script text as submitted (before template
	// variables are filled in), stored as is so that the UI can show it. It
	// may be empty (a job known from OpenLineage without SQL); at most
	// MaxScriptBytes long. It is not part of Job: walks return many jobs and
	// stay light; only GraphStore.Job returns it.
	Script string
	// Watchers are further owners the job's project names beside its owner
	// (the other owners of a bigquery-etl metadata.yaml, say): campaign
	// tickets name them. Replaced with the job like Reads and Writes.
	Watchers []string
	// Columns is the job's column-level lineage (the columns it uses, the
	// column flow it computes, the schemas it declares). It replaces what
	// the job had, like Reads and Writes; empty means none known.
	Columns JobColumns
}

// JobInfo is a job with its lineage and owner.
type JobInfo struct {
	Job
	Reads  []string `json:"reads"`
	Writes []string `json:"writes"`
	// OwnerInfo is the owner's details; zero when the job has no owner.
	OwnerInfo Owner `json:"ownerInfo"`
	// Script is the script text stored by PutJobs, "" when none was given.
	Script string `json:"script,omitempty"`
	// Columns is the column-level lineage stored by PutJobs.
	Columns JobColumns `json:"columns"`
	// Watchers are the further owners stored by PutJobs, sorted.
	Watchers []string `json:"watchers,omitempty"`
}

// OwnerInfo is an owner with the ids of its jobs.
type OwnerInfo struct {
	Owner
	Jobs []string `json:"jobs"`
}

// JobFilter selects jobs to list.
type JobFilter struct {
	// Source, if set, lists only that source's jobs.
	Source string
	// First is the page size (0 means DefaultPage, at most MaxPage); After is
	// the EndCursor of the previous page.
	First int
	After string
}

// JobPage is one page of jobs.
type JobPage struct {
	Jobs      []Job  `json:"jobs"`
	EndCursor string `json:"endCursor"`
	HasNext   bool   `json:"hasNext"`
}

// NormalizeWatchers normalizes watcher handles as owner handles are,
// drops the job's owner and repeats, and sorts them. Errors: EINVALID
// naming field[i].
func NormalizeWatchers(field, owner string, watchers []string) ([]string, error) {
	var out []string
	for i, w := range watchers {
		h, err := NormalizeName(fmt.Sprintf("%s[%d]", field, i), w, true)
		if err != nil {
			return nil, err
		}
		if h != owner && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out, nil
}

// WatcherStore reads the watchers of many jobs at once, for campaigns that
// name them on tickets. Both stores implement it.
type WatcherStore interface {
	// Watchers returns the watchers of each given job that has some.
	// Unknown ids are left out. Errors: EUNAVAILABLE.
	Watchers(ctx context.Context, jobIDs []string) (map[string][]string, error)
}
