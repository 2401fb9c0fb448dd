package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
)

// RunEvent is an OpenLineage run event (https://openlineage.io/spec/2-0-2/OpenLineage.json),
// the fields of it that lineage uses. Other fields and facets are accepted
// and ignored.
type RunEvent struct {
	EventType *string   `json:"eventType"`
	EventTime *string   `json:"eventTime"`
	Run       *olRun    `json:"run"`
	Job       *olJob    `json:"job"`
	Inputs    []Dataset `json:"inputs"`
	Outputs   []Dataset `json:"outputs"`
	Producer  *string   `json:"producer"`
	SchemaURL *string   `json:"schemaURL"`
}

type olRun struct {
	RunID *string `json:"runId"`
}

type olJob struct {
	Namespace *string     `json:"namespace"`
	Name      *string     `json:"name"`
	Facets    *olJobFacet `json:"facets"`
}

type olJobFacet struct {
	Ownership *olOwnership `json:"ownership"`
	SQL       *olSQL       `json:"sql"`
}

// olSQL is OpenLineage's SQLJobFacet: the query the job ran.
type olSQL struct {
	Query *string `json:"query"`
}

type olOwnership struct {
	Owners []olOwner `json:"owners"`
}

type olOwner struct {
	Name *string `json:"name"`
	Type *string `json:"type"`
}

// Dataset is an OpenLineage input or output dataset. Its name (as the
// producer writes it: "db.table", "db.schema.table") becomes the table; the
// namespace (the data source) is not part of table names, so that a table
// seen by OpenLineage and by a script is one node.
type Dataset struct {
	Namespace *string `json:"namespace"`
	Name      *string `json:"name"`
	// Facets are the dataset's schema and columnLineage facets: see
	// olcolumns.go.
	Facets *olDatasetFacets `json:"facets"`
}

// eventTypes are OpenLineage's run states.
var eventTypes = []string{"START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// OpenLineageResult is the answer to POST /api/v1/lineage.
type OpenLineageResult struct {
	// Stored says whether the event changed lineage: only COMPLETE events
	// with datasets do.
	Stored  bool     `json:"stored"`
	Job     string   `json:"job"`
	Reads   []string `json:"reads,omitempty"`
	Writes  []string `json:"writes,omitempty"`
	Owner   string   `json:"owner,omitempty"`
	Message string   `json:"message,omitempty"`
}

// openLineage accepts one OpenLineage RunEvent. The event is validated as a
// whole first, so a malformed one stores nothing.
func (h *handler) openLineage(w http.ResponseWriter, r *http.Request) {
	if _, err := auth.Require(r.Context()); err != nil {
		h.fail(w, err)
		return
	}
	var ev RunEvent
	if err := h.decode(w, r, &ev, false); err != nil {
		h.fail(w, err)
		return
	}
	put, err := ev.jobPut()
	if err != nil {
		h.fail(w, err)
		return
	}
	if put.Columns, err = ev.columns(); err != nil {
		h.fail(w, err)
		return
	}
	if err := put.Columns.Normalize("columns"); err != nil {
		h.fail(w, err)
		return
	}
	put.Reads = readsOfColumns(put)
	res := OpenLineageResult{Job: put.Job.ID}
	switch typ := deref(ev.EventType); {
	case typ != "COMPLETE":
		if typ == "" {
			typ = "untyped"
		}
		res.Message = fmt.Sprintf("Only COMPLETE events change lineage; this %s event was accepted and left it as it was.", typ)
		writeJSON(w, http.StatusOK, res)
		return
	case len(put.Reads) == 0 && len(put.Writes) == 0:
		res.Message = "The event names no input or output dataset; lineage was left as it was."
		writeJSON(w, http.StatusOK, res)
		return
	}
	query := ev.sqlQuery()
	if put.Job.Owner == "" || query == nil {
		// No ownership facet, or no sql facet: keep the owner, or the SQL,
		// the job has.
		prev, err := h.cfg.Graph.Job(r.Context(), put.Job.ID)
		switch {
		case err == nil:
			if put.Job.Owner == "" {
				put.Job.Owner = prev.Owner
			}
			if query == nil {
				put.Script = prev.Script
			}
		case lineage.ErrorCode(err) != lineage.ENOTFOUND:
			h.fail(w, fmt.Errorf("ingest: openlineage: job %s: %w", put.Job.ID, err))
			return
		}
	}
	if query != nil {
		var skipped string
		if put.Script, skipped = scriptText([]byte(*query)); skipped != "" {
			res.Message = "job.facets.sql.query: " + skipped + "."
		}
	}
	put.Job.Hash = lineageHash(put)
	if err := h.cfg.Graph.PutJobs(r.Context(), []lineage.JobPut{*put}); err != nil {
		h.fail(w, fmt.Errorf("ingest: openlineage: store %s: %w", put.Job.ID, err))
		return
	}
	res.Stored, res.Reads, res.Writes, res.Owner = true, put.Reads, put.Writes, put.Job.Owner
	writeJSON(w, http.StatusCreated, res)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// required returns the trimmed value of a required string field.
func required(field string, s *string) (string, error) {
	if s == nil {
		return "", lineage.FieldErrorf(field, "is required")
	}
	v := strings.TrimSpace(*s)
	if v == "" {
		return "", lineage.FieldErrorf(field, "must not be empty")
	}
	return v, nil
}

// jobPut validates the event and returns the job it describes. Errors are
// EINVALID and name the field at fault, as in "inputs[1].name".
func (ev *RunEvent) jobPut() (*lineage.JobPut, error) {
	if ev.EventType != nil && !slices.Contains(eventTypes, *ev.EventType) {
		return nil, lineage.FieldErrorf("eventType", "must be one of %s, got %q", strings.Join(eventTypes, ", "), *ev.EventType)
	}
	t, err := required("eventTime", ev.EventTime)
	if err != nil {
		return nil, err
	}
	if _, err := time.Parse(time.RFC3339Nano, t); err != nil {
		return nil, lineage.FieldErrorf("eventTime", "must be an ISO 8601 date-time with a time zone, such as 2024-06-01T02:00:00Z; got %q", t)
	}
	if _, err := required("producer", ev.Producer); err != nil {
		return nil, err
	}
	if ev.Run == nil {
		return nil, lineage.FieldErrorf("run", "is required")
	}
	runID, err := required("run.runId", ev.Run.RunID)
	if err != nil {
		return nil, err
	}
	if !uuidRE.MatchString(runID) {
		return nil, lineage.FieldErrorf("run.runId", "must be a UUID, got %q", runID)
	}
	if ev.Job == nil {
		return nil, lineage.FieldErrorf("job", "is required")
	}
	ns, err := required("job.namespace", ev.Job.Namespace)
	if err != nil {
		return nil, err
	}
	name, err := required("job.name", ev.Job.Name)
	if err != nil {
		return nil, err
	}
	if ns, err = lineage.NormalizeName("job.namespace", ns, false); err != nil {
		return nil, err
	}
	id, err := lineage.NormalizeName("job.name", ns+":"+name, false)
	if err != nil {
		return nil, err
	}
	owner := ""
	if f := ev.Job.Facets; f != nil && f.Ownership != nil {
		for i, o := range f.Ownership.Owners {
			field := fmt.Sprintf("job.facets.ownership.owners[%d].name", i)
			n, err := required(field, o.Name)
			if err != nil {
				return nil, err
			}
			hd, err := ownerHandle(n)
			if err != nil {
				return nil, lineage.FieldErrorf(field, "%s", lineage.ErrorMessage(err))
			}
			if owner == "" {
				owner = hd
			}
		}
	}
	tables := func(field string, ds []Dataset) ([]string, error) {
		out := make([]string, 0, len(ds))
		for i, d := range ds {
			if _, err := required(fmt.Sprintf("%s[%d].namespace", field, i), d.Namespace); err != nil {
				return nil, err
			}
			n, err := required(fmt.Sprintf("%s[%d].name", field, i), d.Name)
			if err != nil {
				return nil, err
			}
			t, err := lineage.NormalizeName(fmt.Sprintf("%s[%d].name", field, i), n, true)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	}
	reads, err := tables("inputs", ev.Inputs)
	if err != nil {
		return nil, err
	}
	writes, err := tables("outputs", ev.Outputs)
	if err != nil {
		return nil, err
	}
	return &lineage.JobPut{
		Job:    lineage.Job{ID: id, Source: ns, Path: name, Owner: owner},
		Reads:  reads,
		Writes: writes,
	}, nil
}

// sqlQuery returns the query of the event's SQL job facet, nil when the
// event has none.
func (ev *RunEvent) sqlQuery() *string {
	if ev.Job == nil || ev.Job.Facets == nil || ev.Job.Facets.SQL == nil {
		return nil
	}
	return ev.Job.Facets.SQL.Query
}

// lineageHash is the content hash of a job known from OpenLineage: its
// lineage and owner. The SQL of a sql facet, stored for display only, is
// not part of it.
func lineageHash(p *lineage.JobPut) string {
	h := sha256.New()
	fmt.Fprintf(h, "openlineage\x00%s\x00%s\x00", p.Job.ID, p.Job.Owner)
	for _, t := range p.Reads {
		fmt.Fprintf(h, "r %s\x00", t)
	}
	for _, t := range p.Writes {
		fmt.Fprintf(h, "w %s\x00", t)
	}
	hashColumns(h, p.Columns)
	return hex.EncodeToString(h.Sum(nil))
}
