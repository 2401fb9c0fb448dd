package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
	"github.com/lineagehq/lineage/parser"
)

// DefaultMaxBodyBytes bounds request bodies when HandlerConfig leaves it 0.
const DefaultMaxBodyBytes = 8 << 20

// DefaultPushSource is the source of pushed jobs that name none.
const DefaultPushSource = "push"

// HandlerConfig configures NewHandler.
type HandlerConfig struct {
	Graph lineage.GraphStore
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
}

// NewHandler returns the HTTP API through which data repositories' CI and
// OpenLineage producers feed the graph:
//
//	POST   /api/v1/jobs        push one job (PushRequest → PushResponse)
//	GET    /api/v1/jobs        list jobs with their hashes (?source=&first=&after=)
//	DELETE /api/v1/jobs/{id}   delete one job
//	POST   /api/v1/owners      create or update owners' details
//	POST   /api/v1/lineage     accept one OpenLineage RunEvent, as Marquez does
//
// Every mutation needs an actor (auth.Tokens.Middleware in front puts it in
// the request's context) and answers 401 without one. Errors are JSON:
// {"error": {"code", "message", "field", "line", "column"}}.
func NewHandler(cfg HandlerConfig) http.Handler {
	h := &handler{cfg: cfg, parsers: sync.Pool{New: func() any { return parser.New() }}}
	if h.cfg.MaxBodyBytes <= 0 {
		h.cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if h.cfg.Logger == nil {
		h.cfg.Logger = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/jobs", h.push)
	mux.HandleFunc("GET /api/v1/jobs", h.list)
	mux.HandleFunc("DELETE /api/v1/jobs/{id...}", h.delete)
	mux.HandleFunc("POST /api/v1/owners", h.owners)
	mux.HandleFunc("POST /api/v1/lineage", h.openLineage)
	return mux
}

type handler struct {
	cfg     HandlerConfig
	parsers sync.Pool // of *parser.Parser: each is used by one request at a time
}

// PushRequest is the body of POST /api/v1/jobs: one job script to parse and
// store. The job's id is SOURCE:NAME.
type PushRequest struct {
	// Source defaults to DefaultPushSource.
	Source string `json:"source,omitempty"`
	// Name defaults to Path.
	Name string `json:"name,omitempty"`
	Path string `json:"path"`
	// Owner is a handle; "" means no owner.
	Owner string `json:"owner,omitempty"`
	// OwnerInfo, if given, updates the owner's details.
	OwnerInfo lineage.Owner     `json:"ownerInfo,omitzero"`
	Dialect   string            `json:"dialect,omitempty"`
	DefaultDB string            `json:"defaultDb,omitempty"`
	Vars      map[string]string `json:"vars,omitempty"`
	Script    string            `json:"script"`
	// Reads and Writes are tables the repository's layout says the job
	// reads and writes (a dbt model's refs and relation, a path rule's
	// table), added to those of its script. A job with Writes or Reads
	// may have no script (a dbt seed).
	Reads  []string `json:"reads,omitempty"`
	Writes []string `json:"writes,omitempty"`
	// Declares are columns the repository declares for tables (a dbt
	// model's columns:, a schema file), stored with the job. A job with
	// Declares may have no script (a schema file).
	Declares []lineage.TableSchema `json:"declares,omitempty"`
	// Documented are columns a dbt model's properties list for the table
	// it writes: declared with the script's output columns when those
	// are all known (Spec.Documented).
	Documented []lineage.TableSchema `json:"documented,omitempty"`
	// Watchers are further owners named beside Owner (a bigquery-etl
	// metadata.yaml's other owners); campaign tickets name them.
	Watchers []string `json:"watchers,omitempty"`
}

// layoutOf is the part of a pushed job's hash that its layout decides;
// empty for a plain script.
func layoutOf(reads, writes, watchers []string, declares, documented []lineage.TableSchema) []string {
	var l []string
	if len(writes) > 0 {
		l = append(l, "writes="+strings.Join(writes, ","))
	}
	if len(reads) > 0 {
		l = append(l, "reads="+strings.Join(reads, ","))
	}
	if len(watchers) > 0 {
		l = append(l, "watchers="+strings.Join(watchers, ","))
	}
	return append(l, declaresLayout(declares, documented)...)
}

// PushResponse is the answer to a push: the job as stored and its lineage.
type PushResponse struct {
	Job      lineage.Job `json:"job"`
	Reads    []string    `json:"reads"`
	Writes   []string    `json:"writes"`
	Warnings []Warning   `json:"warnings"`
}

// Warning is a parser warning on a pushed script, or a note that its text
// was not kept (line and column 0).
type Warning struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// parseError is an EINVALID error at a line and column of a script.
type parseError struct {
	Err          *lineage.Error
	Line, Column int
}

func (e *parseError) Error() string {
	return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
}

func (e *parseError) Unwrap() error { return e.Err }

func (h *handler) push(w http.ResponseWriter, r *http.Request) {
	if _, err := auth.Require(r.Context()); err != nil {
		h.fail(w, err)
		return
	}
	var req PushRequest
	if err := h.decode(w, r, &req, true); err != nil {
		h.fail(w, err)
		return
	}
	put, warnings, err := h.preparePush(r.Context(), req)
	if err != nil {
		h.fail(w, err)
		return
	}
	if err := h.cfg.Graph.PutJobs(r.Context(), []lineage.JobPut{*put}); err != nil {
		h.fail(w, fmt.Errorf("ingest: push %s: %w", put.Job.ID, err))
		return
	}
	writeJSON(w, http.StatusOK, PushResponse{Job: put.Job, Reads: put.Reads, Writes: put.Writes, Warnings: warnings})
}

// preparePush validates and parses a pushed job.
func (h *handler) preparePush(ctx context.Context, req PushRequest) (*lineage.JobPut, []Warning, error) {
	source := req.Source
	if strings.TrimSpace(source) == "" {
		source = DefaultPushSource
	}
	source, err := lineage.NormalizeName("source", source, false)
	if err != nil {
		return nil, nil, err
	}
	path, err := lineage.NormalizeName("path", req.Path, false)
	if err != nil {
		return nil, nil, err
	}
	name := req.Name
	if strings.TrimSpace(name) == "" {
		name = path
	}
	if name, err = lineage.NormalizeName("name", name, false); err != nil {
		return nil, nil, err
	}
	id, err := lineage.NormalizeName("name", source+":"+name, false)
	if err != nil {
		return nil, nil, err
	}
	owner := ""
	if strings.TrimSpace(req.Owner) != "" {
		if owner, err = ownerHandle(req.Owner); err != nil {
			return nil, nil, lineage.FieldErrorf("owner", "%s", lineage.ErrorMessage(err))
		}
	}
	info := req.OwnerInfo
	if info != (lineage.Owner{}) {
		if info.Handle == "" {
			info.Handle = owner
		}
		if h, err := ownerHandle(info.Handle); err != nil || h != owner {
			return nil, nil, lineage.FieldErrorf("ownerInfo.handle", "must be the job's owner %q", owner)
		}
		info.Handle = owner
	}
	dialect := ""
	if strings.TrimSpace(req.Dialect) != "" {
		if dialect, err = checkDialect(req.Dialect); err != nil {
			return nil, nil, lineage.FieldErrorf("dialect", "%v", err)
		}
	}
	defaultDB := strings.ToLower(strings.TrimSpace(req.DefaultDB))
	hash := jobHash(path, dialect, owner, defaultDB, req.Vars, []byte(req.Script), layoutOf(req.Reads, req.Writes, req.Watchers, req.Declares, req.Documented)...)
	declared := lineage.JobColumns{Declares: req.Declares}
	if err := declared.Normalize("columns"); err != nil {
		return nil, nil, lineage.FieldErrorf(strings.TrimPrefix(lineage.ErrorField(err), "columns."), "%s", lineage.ErrorMessage(err))
	}
	documented := lineage.JobColumns{Declares: req.Documented}
	if err := documented.Normalize("documented"); err != nil {
		return nil, nil, lineage.FieldErrorf(strings.Replace(lineage.ErrorField(err), ".declares", "", 1), "%s", lineage.ErrorMessage(err))
	}
	if strings.TrimSpace(req.Script) == "" {
		if len(req.Writes) == 0 && len(req.Reads) == 0 && len(req.Declares) == 0 {
			return nil, nil, lineage.FieldErrorf("script", "must not be empty")
		}
		reads, writes, err := tableNames(req.Reads, req.Writes)
		if err != nil {
			return nil, nil, err
		}
		job := lineage.Job{ID: id, Source: source, Path: path, Dialect: dialect, Owner: owner, Hash: hash}
		return &lineage.JobPut{Job: job, Reads: reads, Writes: writes, OwnerInfo: info, Watchers: req.Watchers, Columns: declared}, []Warning{}, nil
	}

	p := h.parsers.Get().(*parser.Parser)
	res, err := safeParse(p, req.Script, parser.Options{Dialect: dialect, Vars: req.Vars, DefaultDB: defaultDB, File: path,
		Columns: true, Schema: newGraphSchema(ctx, h.cfg.Graph).lookup()})
	if !errors.Is(err, errParserPanic) {
		h.parsers.Put(p)
	}
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return nil, nil, &parseError{Err: &lineage.Error{Code: lineage.EINVALID, Field: "script", Message: pe.Message, Err: err}, Line: pe.Line, Column: pe.Column}
		}
		if lineage.ErrorCode(err) == lineage.EINVALID {
			return nil, nil, &lineage.Error{Code: lineage.EINVALID, Field: "script", Message: lineage.ErrorMessage(err), Err: err}
		}
		return nil, nil, fmt.Errorf("ingest: parse %s: %w", path, err)
	}
	reads, writes, err := tableNames(append(res.Reads, req.Reads...), append(res.Writes, req.Writes...))
	if err != nil {
		return nil, nil, lineage.FieldErrorf("script", "%s", lineage.ErrorMessage(err))
	}
	if len(req.Writes) > 0 {
		reads = slices.DeleteFunc(reads, func(r string) bool { return slices.Contains(writes, r) && slices.Contains(req.Writes, r) })
	}
	warnings := []Warning{}
	for _, wn := range res.Warnings {
		warnings = append(warnings, Warning{Line: wn.Line, Column: wn.Column, Message: wn.Message})
	}
	job := lineage.Job{ID: id, Source: source, Path: path, Dialect: dialect, Owner: owner, Hash: hash}
	text, skipped := scriptText([]byte(req.Script))
	if skipped != "" {
		warnings = append(warnings, Warning{Message: skipped})
	}
	var cols lineage.JobColumns
	if res != nil {
		var cw *parser.Warning
		into := ""
		if len(req.Writes) == 1 {
			into = strings.ToLower(strings.TrimSpace(req.Writes[0]))
		}
		if cols, cw = jobColumns(res, into); cw != nil {
			warnings = append(warnings, Warning{Line: cw.Line, Message: cw.Message})
		}
	}
	cols.Declares = append(cols.Declares, declared.Declares...)
	mergeDocumented(&cols, documented.Declares)
	if hasStar(cols) {
		job.Hash += starMark // as a local ingest marks it
	}
	return &lineage.JobPut{Job: job, Reads: reads, Writes: writes, OwnerInfo: info, Script: text, Columns: cols, Watchers: req.Watchers}, warnings, nil
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := lineage.JobFilter{Source: q.Get("source"), After: q.Get("after")}
	if s := q.Get("first"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			h.fail(w, lineage.FieldErrorf("first", "must be a number, got %q", s))
			return
		}
		f.First = n
	}
	page, err := h.cfg.Graph.Jobs(r.Context(), f)
	if err != nil {
		h.fail(w, err)
		return
	}
	if page.Jobs == nil {
		page.Jobs = []lineage.Job{}
	}
	writeJSON(w, http.StatusOK, page)
}

func (h *handler) delete(w http.ResponseWriter, r *http.Request) {
	if _, err := auth.Require(r.Context()); err != nil {
		h.fail(w, err)
		return
	}
	id, err := lineage.NormalizeName("id", r.PathValue("id"), false)
	if err != nil {
		h.fail(w, err)
		return
	}
	if err := h.cfg.Graph.DeleteJob(r.Context(), id); err != nil {
		if lineage.ErrorCode(err) == lineage.ENOTFOUND {
			err = &lineage.Error{Code: lineage.ENOTFOUND, Field: "id", Message: fmt.Sprintf("There is no job %q.", id), Err: err}
		}
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"deleted": id})
}

func (h *handler) owners(w http.ResponseWriter, r *http.Request) {
	if _, err := auth.Require(r.Context()); err != nil {
		h.fail(w, err)
		return
	}
	var owners []lineage.Owner
	if err := h.decode(w, r, &owners, true); err != nil {
		h.fail(w, err)
		return
	}
	for i := range owners {
		hd, err := ownerHandle(owners[i].Handle)
		if err != nil {
			h.fail(w, lineage.FieldErrorf(fmt.Sprintf("[%d].handle", i), "%s", lineage.ErrorMessage(err)))
			return
		}
		owners[i].Handle = hd
	}
	if err := h.cfg.Graph.PutOwners(r.Context(), owners); err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"owners": len(owners)})
}

// decode reads a JSON body of at most MaxBodyBytes into v. Errors name the
// field at fault.
func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any, strict bool) error {
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &lineage.Error{Code: lineage.EINVALID, Field: "body", Message: fmt.Sprintf("The body is larger than the limit of %d bytes.", h.cfg.MaxBodyBytes), Err: errTooLarge}
		}
		return lineage.WrapError(lineage.EINVALID, err, "Cannot read the body.")
	}
	return decodeJSON(data, v, strict)
}

var errTooLarge = errors.New("body too large")

// decodeJSON decodes one JSON value, naming the field at fault on error.
func decodeJSON(data []byte, v any, strict bool) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return lineage.FieldErrorf("body", "must hold one JSON value; there is more after it")
		}
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return lineage.FieldErrorf("body", "must not be empty")
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		return &lineage.Error{Code: lineage.EINVALID, Field: "body", Message: fmt.Sprintf("is not valid JSON at line %d, column %d: %s", line, col, se.Error()), Err: err}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return &lineage.Error{Code: lineage.EINVALID, Field: field, Message: fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value), Err: err}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &lineage.Error{Code: lineage.EINVALID, Field: name, Message: "is not a known field", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &lineage.Error{Code: lineage.EINVALID, Field: "body", Message: "is not valid JSON: it ends too early", Err: err}
	}
	return &lineage.Error{Code: lineage.EINVALID, Field: "body", Message: "is not valid JSON: " + err.Error(), Err: err}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error apiErrorJSON `json:"error"`
}

type apiErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// fail answers with err as JSON. Internal errors are logged here, once, and
// reach the client as a generic message.
func (h *handler) fail(w http.ResponseWriter, err error) {
	code := lineage.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case lineage.EINVALID:
		status = http.StatusBadRequest
		if errors.Is(err, errTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
	case lineage.EUNAUTHORIZED:
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="lineage"`)
	case lineage.ENOTFOUND:
		status = http.StatusNotFound
	case lineage.ECONFLICT:
		status = http.StatusConflict
	case lineage.EUNAVAILABLE:
		status = http.StatusServiceUnavailable
	default:
		code = lineage.EINTERNAL
		h.cfg.Logger.Error("ingest: request failed", "err", err)
	}
	body := apiErrorJSON{Code: code, Field: lineage.ErrorField(err), Message: lineage.ErrorMessage(err)}
	var pe *parseError
	if errors.As(err, &pe) {
		body.Line, body.Column = pe.Line, pe.Column
	}
	writeJSON(w, status, errorBody{Error: body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client may be gone; nothing to do about it
}
