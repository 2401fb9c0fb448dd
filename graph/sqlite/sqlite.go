package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Compile-time checks that Store is a full store.
var (
	_ lineage.GraphStore    = (*Store)(nil)
	_ lineage.CampaignStore = (*Store)(nil)
	_ lineage.TicketStore   = (*Store)(nil)
)

// busyTimeout is how long one statement waits for another connection's lock
// before SQLite reports SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// writeAttempts is how often a write transaction is tried when the database
// stays busy past busyTimeout.
const writeAttempts = 3

// readConns is the size of the read pool.
const readConns = 4

// migrations are the schema steps, in order. Never edit one that has
// shipped: append a new one. PRAGMA user_version holds how many have run.
var migrations = []string{
	// 1: the graph.
	`CREATE TABLE tables (
		id   INTEGER PRIMARY KEY,
		name TEXT NOT NULL UNIQUE
	);
	CREATE TABLE owners (
		handle    TEXT PRIMARY KEY,
		email     TEXT NOT NULL DEFAULT '',
		jira_user TEXT NOT NULL DEFAULT '',
		team      TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE jobs (
		id      INTEGER PRIMARY KEY,
		name    TEXT NOT NULL UNIQUE,
		source  TEXT NOT NULL,
		path    TEXT NOT NULL,
		dialect TEXT NOT NULL,
		hash    TEXT NOT NULL,
		owner   TEXT REFERENCES owners(handle) -- NULL: no owner
	);
	CREATE INDEX jobs_source ON jobs(source, name);
	CREATE INDEX jobs_owner ON jobs(owner, name);
	-- kind: 0 reads, 1 writes.
	CREATE TABLE edges (
		job  INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
		kind INTEGER NOT NULL CHECK (kind IN (0, 1)),
		tbl  INTEGER NOT NULL REFERENCES tables(id),
		PRIMARY KEY (job, kind, tbl)
	) WITHOUT ROWID;
	CREATE INDEX edges_tbl ON edges(tbl, kind, job);`,

	// 2: campaigns, their targets, events and leases, and built-in tickets.
	// Times are Unix nanoseconds, 0 for the zero time; lists are JSON.
	`CREATE TABLE campaigns (
		id           TEXT PRIMARY KEY,
		tbl          TEXT NOT NULL,
		replacement  TEXT NOT NULL,
		title        TEXT NOT NULL,
		message      TEXT NOT NULL,
		deadline     INTEGER NOT NULL,
		reach        TEXT NOT NULL,
		state        TEXT NOT NULL,
		creator      TEXT NOT NULL,
		created_at   INTEGER NOT NULL,
		updated_at   INTEGER NOT NULL,
		completed_at INTEGER NOT NULL
	);
	CREATE INDEX campaigns_created ON campaigns(created_at, id);
	CREATE INDEX campaigns_state ON campaigns(state, created_at, id);
	CREATE TABLE targets (
		campaign      TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
		owner         TEXT NOT NULL,
		role          TEXT NOT NULL,
		hops          INTEGER NOT NULL,
		jobs          TEXT NOT NULL,
		tables        TEXT NOT NULL,
		state         TEXT NOT NULL,
		ticket_key    TEXT NOT NULL,
		ticket_url    TEXT NOT NULL,
		ticket_status TEXT NOT NULL,
		unassigned    INTEGER NOT NULL,
		verification  TEXT NOT NULL,
		detail        TEXT NOT NULL,
		last_error    TEXT NOT NULL,
		attempts      INTEGER NOT NULL,
		reminded_at   INTEGER NOT NULL,
		created_at    INTEGER NOT NULL,
		updated_at    INTEGER NOT NULL,
		PRIMARY KEY (campaign, owner)
	) WITHOUT ROWID;
	CREATE TABLE events (
		id       INTEGER PRIMARY KEY AUTOINCREMENT,
		campaign TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
		at       INTEGER NOT NULL,
		actor    TEXT NOT NULL,
		kind     TEXT NOT NULL,
		owner    TEXT NOT NULL,
		message  TEXT NOT NULL
	);
	CREATE INDEX events_campaign ON events(campaign, id);
	CREATE TABLE leases (
		campaign TEXT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
		holder   TEXT NOT NULL,
		until    INTEGER NOT NULL
	);
	-- A ticket's key is "LIN-" followed by seq.
	CREATE TABLE tickets (
		seq         INTEGER PRIMARY KEY AUTOINCREMENT,
		url         TEXT NOT NULL,
		campaign    TEXT NOT NULL,
		owner       TEXT NOT NULL,
		assignee    TEXT NOT NULL,
		unassigned  INTEGER NOT NULL,
		status      TEXT NOT NULL,
		summary     TEXT NOT NULL,
		description TEXT NOT NULL,
		due         INTEGER NOT NULL,
		comments    TEXT NOT NULL,
		created_at  INTEGER NOT NULL,
		updated_at  INTEGER NOT NULL
	);
	CREATE INDEX tickets_campaign ON tickets(campaign, owner, seq);`,

	// 3: a trigram index over every node name, so that a substring search
	// reads the few names holding the query's trigrams instead of them all.
	// rowid is id*4 plus the kind (0 table, 1 job, 2 owner); triggers keep it
	// in step with the node tables.
	`CREATE VIRTUAL TABLE names USING fts5(name, kind UNINDEXED, tokenize = 'trigram', detail = none);
	INSERT INTO names(rowid, name, kind) SELECT id * 4, name, 0 FROM tables;
	INSERT INTO names(rowid, name, kind) SELECT id * 4 + 1, name, 1 FROM jobs;
	INSERT INTO names(rowid, name, kind) SELECT rowid * 4 + 2, handle, 2 FROM owners;
	CREATE TRIGGER tables_names AFTER INSERT ON tables BEGIN
		INSERT INTO names(rowid, name, kind) VALUES (new.id * 4, new.name, 0);
	END;
	CREATE TRIGGER jobs_names AFTER INSERT ON jobs BEGIN
		INSERT INTO names(rowid, name, kind) VALUES (new.id * 4 + 1, new.name, 1);
	END;
	CREATE TRIGGER jobs_names_delete AFTER DELETE ON jobs BEGIN
		DELETE FROM names WHERE rowid = old.id * 4 + 1;
	END;
	CREATE TRIGGER owners_names AFTER INSERT ON owners BEGIN
		INSERT INTO names(rowid, name, kind) VALUES (new.rowid * 4 + 2, new.handle, 2);
	END;`,

	// 4: job script text, in a table of its own so that the jobs rows that
	// walks read stay small; a job without script text has no row.
	`CREATE TABLE job_scripts (
		job    INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
		script TEXT NOT NULL
	);`,

	// 5: how long a campaign's last ticket creation may have been under way
	// (Campaign.CreatingUntil), in Unix nanoseconds, 0 for never.
	`ALTER TABLE campaigns ADD COLUMN creating_until INTEGER NOT NULL DEFAULT 0;`,

	// 6: columns. A column is a (table, name) pair, named "*" for a star
	// over unknown columns. Jobs' uses, column flow and declared schemas
	// refer to columns and go with their job.
	`CREATE TABLE columns (
		id   INTEGER PRIMARY KEY,
		tbl  INTEGER NOT NULL REFERENCES tables(id),
		name TEXT NOT NULL,
		UNIQUE (tbl, name)
	);
	CREATE TABLE column_uses (
		job        INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
		col        INTEGER NOT NULL REFERENCES columns(id),
		kind       TEXT NOT NULL,
		line       INTEGER NOT NULL,
		unresolved INTEGER NOT NULL,
		PRIMARY KEY (job, col, kind, line, unresolved)
	) WITHOUT ROWID;
	CREATE INDEX column_uses_col ON column_uses(col, job);
	CREATE TABLE column_flows (
		job    INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
		target INTEGER NOT NULL REFERENCES columns(id),
		source INTEGER NOT NULL REFERENCES columns(id),
		PRIMARY KEY (job, target, source)
	) WITHOUT ROWID;
	CREATE INDEX column_flows_source ON column_flows(source, target, job);
	CREATE INDEX column_flows_target ON column_flows(target, source, job);
	CREATE TABLE column_decls (
		job INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
		col INTEGER NOT NULL REFERENCES columns(id),
		PRIMARY KEY (job, col)
	) WITHOUT ROWID;
	CREATE INDEX column_decls_col ON column_decls(col, job);`,

	// 7: column-scoped campaigns: the columns (JSON list) and the change.
	`ALTER TABLE campaigns ADD COLUMN columns TEXT NOT NULL DEFAULT '[]';
	ALTER TABLE campaigns ADD COLUMN change TEXT NOT NULL DEFAULT '';`,

	// 8: watchers, further owners named beside a job's owner, and the
	// watchers a campaign target's ticket names (a JSON list).
	`CREATE TABLE job_watchers (
		job     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
		watcher TEXT NOT NULL,
		PRIMARY KEY (job, watcher)
	) WITHOUT ROWID;
	ALTER TABLE targets ADD COLUMN watchers TEXT NOT NULL DEFAULT '[]';`,
}

// Store is the SQLite store. Create it with Open.
type Store struct {
	// Now is the clock, used for times a caller leaves zero. Open sets it to
	// time.Now; tests may replace it before use.
	Now func() time.Time

	path string
	w    *sql.DB // one connection: all writes
	r    *sql.DB // read-only pool

	stmts map[string]*sql.Stmt // hotQueries prepared on r; read-only after Open
}

// Open opens the SQLite database at path, creating the file if needed, and
// brings its schema up to date. Errors: EINVALID when the path cannot be a
// database (no such directory, not writable, not a SQLite file, written by a
// newer version), naming the path and what to do; EUNAVAILABLE when another
// process holds the file locked.
func Open(path string) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if err := checkWAL(path); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{Now: time.Now, path: path, w: w}
	if err := s.quickCheck(); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.migrate(); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	s.r = r
	if err := r.Ping(); err != nil {
		s.Close()
		return nil, s.openError(err)
	}
	if err := s.prepareHot(); err != nil {
		s.Close()
		return nil, s.openError(err)
	}
	return s, nil
}

// maxReported bounds the problems a failed check quotes.
const maxReported = 5

// quickCheck runs PRAGMA quick_check before the store serves anything: a
// damaged file would otherwise answer some reads and fail others, or lose
// writes, with no word in the log. It returns EINVALID naming what the check
// found and how to repair or restore the file (see repairAdvice).
func (s *Store) quickCheck() error {
	problems, err := check(s.w, "quick_check")
	if err != nil {
		return s.openError(err)
	}
	if len(problems) == 0 {
		return nil
	}
	shown := problems[:min(len(problems), maxReported)]
	more := ""
	if len(problems) > len(shown) {
		more = fmt.Sprintf(" (and %d more)", len(problems)-len(shown))
	}
	return lineage.Errorf(lineage.EINVALID, "The SQLite database %s is damaged: PRAGMA quick_check found %d problem(s): %s%s. lineage will not serve it. %s",
		s.path, len(problems), strings.Join(shown, "; "), more, repairAdvice(s.path))
}

// repairAdvice says how to get a usable store back from a damaged file.
// It names no in-place repair: REINDEX, VACUUM INTO and .dump all read
// through the damaged pages (a WITHOUT ROWID table is read through its
// covering index), and the sqlite3 3.40 shell's .recover fails on any
// file. The lineage graph itself is derived from repositories and can be
// rebuilt by ingest; campaigns and tickets come only from a backup.
func repairAdvice(path string) string {
	return fmt.Sprintf("Stop lineage, keep a copy of %[1]s and %[1]s-wal for inspection, then either restore %[1]s from a backup, or move it aside (mv %[1]s %[1]s.damaged; mv %[1]s-wal %[1]s.damaged-wal) and rebuild the graph with lineage ingest -graph sqlite:%[1]s DIR for each repository (campaigns and tickets kept in the damaged file are not rebuilt).", path)
}

// check runs an integrity pragma (quick_check or integrity_check) on db
// and returns the problems it reports, none when it says "ok".
func check(db *sql.DB, pragma string) ([]string, error) {
	rows, err := db.Query("PRAGMA " + pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, rows.Err()
}

// checkPath rejects paths that cannot hold a database, with a message
// saying why and what to do.
func checkPath(path string) error {
	switch {
	case strings.TrimSpace(path) == "":
		return lineage.Errorf(lineage.EINVALID, "The SQLite database path is empty; give a file path such as lineage.db.")
	case strings.ContainsAny(path, "?\x00"):
		return lineage.Errorf(lineage.EINVALID, "The SQLite database path %q contains '?' or NUL; choose a plain file path.", path)
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return lineage.Errorf(lineage.EINVALID, "The SQLite database path %q is not a file path; the store needs a file (its durability is the point).", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return lineage.WrapError(lineage.EINVALID, err, "Cannot create the SQLite database %s: directory %s does not exist or cannot be read; create it or choose another path.", path, dir)
	case !fi.IsDir():
		return lineage.Errorf(lineage.EINVALID, "Cannot create the SQLite database %s: %s is not a directory.", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return lineage.Errorf(lineage.EINVALID, "The SQLite database path %s is a directory; give a file path inside it, such as %s.", path, filepath.Join(path, "lineage.db"))
	}
	return nil
}

// dsn returns the data source name for path: WAL, foreign keys, FULL
// synchronous commits, a busy timeout, and BEGIN IMMEDIATE for writers so
// that two writers never both hold a read lock and wait on each other.
func dsn(path string, readOnly bool) string {
	q := []string{
		"_pragma=busy_timeout(" + strconv.Itoa(int(busyTimeout/time.Millisecond)) + ")",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(FULL)",
		"_pragma=cache_size(-32768)", // 32 MiB per connection
		"_pragma=temp_store(MEMORY)",
	}
	if readOnly {
		q = append(q, "_pragma=query_only(1)")
	} else {
		q = append(q, "_pragma=journal_mode(WAL)", "_txlock=immediate")
	}
	return path + "?" + strings.Join(q, "&")
}

// migrate runs the migrations the file lacks, each in its own transaction
// together with the user_version bump, so a crash leaves a whole step or none.
func (s *Store) migrate() error {
	ctx := context.Background()
	var version int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.openError(err)
	}
	if version > len(migrations) {
		return lineage.Errorf(lineage.EINVALID, "The SQLite database %s has schema version %d, newer than this program knows (%d); upgrade lineage or choose another path.", s.path, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		err := s.write(ctx, "migrate", func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		})
		if err != nil {
			return s.openError(err)
		}
	}
	return nil
}

// openError turns a failure to open or migrate into an error naming the
// path and the fix.
func (s *Store) openError(err error) error {
	if lineage.ErrorCode(err) != lineage.EINTERNAL {
		var e *lineage.Error
		if errors.As(err, &e) && e.Code == lineage.EUNAVAILABLE {
			return lineage.WrapError(lineage.EUNAVAILABLE, err, "The SQLite database %s is locked by another process; stop it or choose another path.", s.path)
		}
		return err
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_AUTH:
		return lineage.WrapError(lineage.EINVALID, err, "Cannot open the SQLite database %s for writing; check the permissions of the file and its directory, or choose another path.", s.path)
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return lineage.WrapError(lineage.EINVALID, err, "%s is not a SQLite database or is damaged; choose another path, or, if it is lineage's store: %s", s.path, repairAdvice(s.path))
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return lineage.WrapError(lineage.EUNAVAILABLE, err, "The SQLite database %s is locked by another process; stop it or choose another path.", s.path)
	case sqlite3.SQLITE_FULL:
		return lineage.WrapError(lineage.EUNAVAILABLE, err, "The disk holding the SQLite database %s is full.", s.path)
	}
	return fmt.Errorf("sqlite: open %s: %w", s.path, err)
}

// Close closes the database. A store must not be used after Close.
func (s *Store) Close() error {
	var errs []error
	for _, st := range s.stmts {
		errs = append(errs, st.Close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		// Fold the WAL back into the main file so that it can be copied alone.
		_, _ = s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.read(ctx, "ping", func(tx queryer) error {
		var n int
		return tx.QueryRowContext(ctx, "SELECT 1").Scan(&n)
	})
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error listing
// the problems it reports, if any.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return s.translate("integrity check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return s.translate("integrity check", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return s.translate("integrity check", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: integrity check of %s: %s", s.path, strings.Join(problems, "; "))
	}
	return nil
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on the single write
// connection), retrying when the database stays busy.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tryWrite(ctx, fn)
		if err == nil {
			return nil
		}
		if !isBusy(err) || attempt == writeAttempts {
			return s.translate(op, err)
		}
		select {
		case <-ctx.Done():
			return s.translate(op, ctx.Err())
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
}

func (s *Store) tryWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs fn in a read transaction on the read pool, so that the queries
// of one call see one snapshot.
func (s *Store) read(ctx context.Context, op string, fn func(tx queryer) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.translate(op, err)
	}
	defer tx.Rollback()
	if err := fn(&readTx{tx: tx, s: s}); err != nil {
		return s.translate(op, err)
	}
	return nil
}

// queryer is what read helpers need: a *sql.Tx, or a readTx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readTx is a read transaction that runs the hot queries through
// statements prepared once per connection of the read pool: compiling a
// query costs as much as running a small one.
type readTx struct {
	tx *sql.Tx
	s  *Store
}

// QueryContext runs a query in the transaction, prepared if it is hot.
func (r *readTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := r.s.stmts[query]; ok {
		return r.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return r.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query returning one row in the transaction,
// prepared if it is hot.
func (r *readTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := r.s.stmts[query]; ok {
		return r.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return r.tx.QueryRowContext(ctx, query, args...)
}

// hotQueries are the read queries Open prepares. They are prepared up front
// rather than on first use because preparing needs a connection of the
// read pool, and a reader that holds one while waiting for another could
// wait forever when all are taken.
var hotQueries []string

// hot registers q as a hot read query and returns it.
func hot(q string) string {
	hotQueries = append(hotQueries, q)
	return q
}

// prepareHot prepares the hot queries on the read pool.
func (s *Store) prepareHot() error {
	s.stmts = make(map[string]*sql.Stmt, len(hotQueries))
	for _, q := range hotQueries {
		st, err := s.r.Prepare(q)
		if err != nil {
			return fmt.Errorf("sqlite: prepare %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// translate turns a driver error into an application error at the store's
// boundary; application errors pass unchanged.
func (s *Store) translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *lineage.Error
	if errors.As(err, &e) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("sqlite: %s: %w", op, err), "The request was cancelled or timed out.")
	case errors.Is(err, sql.ErrNoRows):
		return lineage.WrapError(lineage.ENOTFOUND, fmt.Errorf("sqlite: %s: %w", op, err), "Not found.")
	case isBusy(err):
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("sqlite: %s: %w", op, err), "The database is busy; retry later.")
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_FULL:
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("sqlite: %s: %w", op, err), "The disk holding the database is full.")
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR:
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("sqlite: %s: %w", op, err), "The database file %s cannot be written.", s.path)
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// sqliteCode returns the primary SQLite result code in err's chain, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() & 0xff
	}
	return 0
}

func isBusy(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

func isConstraint(err error) bool { return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT }

// nanos and fromNanos store times as Unix nanoseconds, 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// now returns the store's clock reading.
func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Cursors are base64 of a kind letter, ':' and the position; the letter
// keeps one listing's cursor from being taken for another's.
func encodeCursor(kind byte, pos string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{kind, ':'}, pos...))
}

func decodeCursor(kind byte, cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) < 2 || b[0] != kind || b[1] != ':' {
		return "", lineage.FieldErrorf("after", "is not a cursor of this listing; pass the endCursor of the previous page")
	}
	return string(b[2:]), nil
}

// idList returns ids as a JSON array for json_each, sorted so that the
// lookups it drives walk each index in order.
func idList(ids []int64) string {
	if !slices.IsSorted(ids) {
		ids = slices.Clone(ids)
		slices.Sort(ids)
	}
	b := make([]byte, 0, len(ids)*7+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}
