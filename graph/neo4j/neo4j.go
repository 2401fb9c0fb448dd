package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/lineagehq/lineage"
)

// Compile-time checks that Store implements the store interfaces.
var (
	_ lineage.GraphStore    = (*Store)(nil)
	_ lineage.CampaignStore = (*Store)(nil)
	_ lineage.TicketStore   = (*Store)(nil)
)

// DefaultTimeout bounds one store call whose context has no deadline, so that
// a server that stops answering yields EUNAVAILABLE instead of a hang.
const DefaultTimeout = 60 * time.Second

// Config says where the Neo4j server is and how to reach it.
type Config struct {
	// URI is the server's address: neo4j://, neo4j+s://, neo4j+ssc://,
	// bolt://, bolt+s:// or bolt+ssc://, host and optional port.
	URI string
	// User and Password are the basic-auth credentials. An empty User means
	// no authentication (a server with dbms.security.auth_enabled=false).
	User     string
	Password string
	// Database names the database; "" is the server's default database.
	Database string
	// Now is the clock used to stamp campaigns and tickets; nil means time.Now.
	Now func() time.Time
	// Timeout bounds each call whose context has no deadline; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// ConnectTimeout bounds opening one connection and waiting for one from
	// the pool; 0 means 5 seconds. Together with RetryTime it bounds how long
	// a call takes to fail with EUNAVAILABLE when the server is down.
	ConnectTimeout time.Duration
	// RetryTime is how long the driver goes on retrying a transaction that
	// failed with a retryable error (a lost connection, a deadlock, a leader
	// switch); 0 means 5 seconds.
	RetryTime time.Duration
}

// Store is a lineage store on a Neo4j server. It is safe for concurrent use.
type Store struct {
	driver  driver.DriverWithContext
	db      string
	now     func() time.Time
	timeout time.Duration
	uri     string
}

// schema creates the constraints and indexes the store relies on. Every
// statement is idempotent (IF NOT EXISTS), so Open runs them all each time.
var schema = []string{
	// Uniqueness constraints: MERGE on these keys is then safe under
	// concurrency, and each comes with the range index that lookups use.
	"CREATE CONSTRAINT lineage_table_name IF NOT EXISTS FOR (t:Table) REQUIRE t.name IS UNIQUE",
	"CREATE CONSTRAINT lineage_job_id IF NOT EXISTS FOR (j:Job) REQUIRE j.id IS UNIQUE",
	"CREATE CONSTRAINT lineage_owner_handle IF NOT EXISTS FOR (o:Owner) REQUIRE o.handle IS UNIQUE",
	"CREATE CONSTRAINT lineage_campaign_id IF NOT EXISTS FOR (c:Campaign) REQUIRE c.id IS UNIQUE",
	"CREATE CONSTRAINT lineage_target_key IF NOT EXISTS FOR (t:Target) REQUIRE (t.campaignId, t.owner) IS UNIQUE",
	"CREATE CONSTRAINT lineage_ticket_key IF NOT EXISTS FOR (t:Ticket) REQUIRE t.key IS UNIQUE",
	"CREATE CONSTRAINT lineage_counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE",
	"CREATE CONSTRAINT lineage_column_key IF NOT EXISTS FOR (c:Column) REQUIRE (c.table, c.name) IS UNIQUE",
	"CREATE CONSTRAINT lineage_graph_version IF NOT EXISTS FOR (v:GraphVersion) REQUIRE v.name IS UNIQUE",
	// Range indexes for listings in key order.
	"CREATE INDEX lineage_job_source IF NOT EXISTS FOR (j:Job) ON (j.source)",
	"CREATE INDEX lineage_derives_job IF NOT EXISTS FOR ()-[d:DERIVES]-() ON (d.job)",
	"CREATE INDEX lineage_campaign_created IF NOT EXISTS FOR (c:Campaign) ON (c.createdAt)",
	"CREATE INDEX lineage_campaign_table IF NOT EXISTS FOR (c:Campaign) ON (c.table)",
	"CREATE INDEX lineage_event_campaign IF NOT EXISTS FOR (e:Event) ON (e.campaignId)",
	"CREATE INDEX lineage_ticket_campaign IF NOT EXISTS FOR (t:Ticket) ON (t.campaignId)",
	"CREATE INDEX lineage_graph_change IF NOT EXISTS FOR (c:GraphChange) ON (c.version)",
	// Text indexes serve CONTAINS and STARTS WITH for search. Job ids keep
	// their case, so jobs are searched on a lower-cased copy, j.key.
	"CREATE TEXT INDEX lineage_table_name_text IF NOT EXISTS FOR (t:Table) ON (t.name)",
	"CREATE TEXT INDEX lineage_job_key_text IF NOT EXISTS FOR (j:Job) ON (j.key)",
	"CREATE TEXT INDEX lineage_owner_handle_text IF NOT EXISTS FOR (o:Owner) ON (o.handle)",
}

// Open connects to the Neo4j server named by c.URI, checks that it answers,
// and creates the schema (constraints and indexes) if it is missing.
// Errors: EINVALID (bad URI or config), EUNAVAILABLE (server unreachable or
// credentials refused).
func Open(ctx context.Context, c Config) (*Store, error) {
	if err := checkURI(c.URI); err != nil {
		return nil, err
	}
	auth := driver.NoAuth()
	if c.User != "" {
		auth = driver.BasicAuth(c.User, c.Password, "")
	} else if c.Password != "" {
		return nil, lineage.FieldErrorf("user", "must be set when a Neo4j password is given")
	}
	connect := c.ConnectTimeout
	if connect <= 0 {
		connect = 5 * time.Second
	}
	retry := c.RetryTime
	if retry <= 0 {
		retry = 5 * time.Second
	}
	d, err := driver.NewDriverWithContext(c.URI, auth, func(cfg *config.Config) {
		cfg.SocketConnectTimeout = connect
		cfg.ConnectionAcquisitionTimeout = connect
		cfg.MaxTransactionRetryTime = retry
		cfg.SocketKeepalive = true
		// Check pooled connections that sat idle, so that the first call
		// after a server restart does not fail on a dead socket.
		cfg.ConnectionLivenessCheckTimeout = 30 * time.Second
		cfg.MaxConnectionPoolSize = 50
	})
	if err != nil {
		return nil, lineage.WrapError(lineage.EINVALID, err, "The Neo4j URI %q cannot be used.", redact(c.URI))
	}
	s := &Store{driver: d, db: c.Database, now: c.Now, timeout: c.Timeout, uri: redact(c.URI)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if err := s.Ping(ctx); err != nil {
		d.Close(context.Background())
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		d.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// checkURI rejects URIs the driver would misread, with a message saying which
// schemes work.
func checkURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return lineage.FieldErrorf("graph", "%q is not a Neo4j URI such as neo4j://host:7687", redact(uri))
	}
	switch u.Scheme {
	case "neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc":
		return nil
	}
	return lineage.FieldErrorf("graph", "scheme %q is not one of neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s, bolt+ssc", u.Scheme)
}

// redact drops any user info from a URI so it can be shown.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	u.User = nil
	return u.String()
}

// migrate creates the schema and waits for the indexes to come online.
func (s *Store) migrate(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	sess := s.session(ctx, driver.AccessModeWrite)
	defer sess.Close(context.Background())
	for _, q := range schema {
		// Schema changes cannot share a transaction with other statements,
		// and auto-commit is the documented way to run them.
		res, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return translate("create schema", err)
		}
	}
	res, err := sess.Run(ctx, "CALL db.awaitIndexes(300)", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return translate("await indexes", err)
}

// Close releases the driver's connections.
func (s *Store) Close() error {
	return s.driver.Close(context.Background())
}

// Ping reports whether the server answers.
// Errors: EUNAVAILABLE.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return translate("ping", err)
	}
	return s.read(ctx, "ping", func(tx driver.ManagedTransaction) error {
		_, err := collect(ctx, tx, "RETURN 1", nil)
		return err
	})
}

// String names the store for logs, without credentials.
func (s *Store) String() string { return "neo4j " + s.uri }

// bound gives ctx the store's timeout when it has no deadline.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.timeout)
}

func (s *Store) session(ctx context.Context, mode driver.AccessMode) driver.SessionWithContext {
	return s.driver.NewSession(ctx, driver.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// read runs work in a managed read transaction, which the driver retries on
// retryable errors. work may run more than once, so it must reset whatever it
// accumulates. Errors come back translated.
func (s *Store) read(ctx context.Context, op string, work func(tx driver.ManagedTransaction) error) error {
	return s.exec(ctx, driver.AccessModeRead, op, work)
}

// write is read for a write transaction.
func (s *Store) write(ctx context.Context, op string, work func(tx driver.ManagedTransaction) error) error {
	return s.exec(ctx, driver.AccessModeWrite, op, work)
}

func (s *Store) exec(ctx context.Context, mode driver.AccessMode, op string, work func(tx driver.ManagedTransaction) error) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	sess := s.session(ctx, mode)
	defer sess.Close(context.Background())
	fn := func(tx driver.ManagedTransaction) (any, error) { return nil, work(tx) }
	// The driver retries retryable errors for RetryTime, which is short so
	// that a dead server fails fast. Lock contention (a deadlock between
	// writers on a hub table) says the server is alive and busy, so it gets
	// more rounds of the driver's retries, until the call's deadline.
	for {
		var err error
		if mode == driver.AccessModeRead {
			_, err = sess.ExecuteRead(ctx, fn)
		} else {
			_, err = sess.ExecuteWrite(ctx, fn)
		}
		if err == nil || !contended(err) || ctx.Err() != nil {
			return translate(op, err)
		}
	}
}

// contended reports whether err is, or ends retries that ended on, a
// transient transaction error such as a deadlock: the server answered.
func contended(err error) bool {
	for _, e := range chain(err) {
		if ne, ok := e.(*driver.Neo4jError); ok && strings.HasPrefix(ne.Code, "Neo.TransientError.Transaction.") {
			return true
		}
	}
	return false
}

// collect runs one statement and returns all its records.
func collect(ctx context.Context, tx driver.ManagedTransaction, q string, params map[string]any) ([]*driver.Record, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// consume runs one statement and discards its records.
func consume(ctx context.Context, tx driver.ManagedTransaction, q string, params map[string]any) error {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// translate maps a driver error to an application error (STYLE §4): errors
// that say the server cannot be reached or should be retried become
// EUNAVAILABLE, constraint violations ECONFLICT; application errors pass
// through; anything else stays untranslated and so counts as EINTERNAL.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var le *lineage.Error
	if errors.As(err, &le) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("neo4j: %s: %w", op, err),
			"The request was cancelled before Neo4j answered.")
	case errors.Is(err, context.DeadlineExceeded):
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("neo4j: %s: %w", op, err),
			"Neo4j did not answer in time; retry later.")
	}
	var ne *driver.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case ne.IsAuthenticationFailed() || ne.HasSecurityCode():
			return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("neo4j: %s: %w", op, err),
				"Neo4j refused the configured credentials.")
		case ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return lineage.WrapError(lineage.ECONFLICT, fmt.Errorf("neo4j: %s: %w", op, err),
				"The object exists already.")
		case ne.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("neo4j: %s: %w", op, err),
				"The configured Neo4j database does not exist.")
		}
	}
	if unavailable(err) {
		return lineage.WrapError(lineage.EUNAVAILABLE, fmt.Errorf("neo4j: %s: %w", op, err),
			"Neo4j is unavailable; retry later.")
	}
	return fmt.Errorf("neo4j: %s: %w", op, err)
}

// unavailable reports whether err says the server cannot be reached now:
// a connectivity error, a retryable error, exhausted retries, or a network
// error anywhere in the chain.
func unavailable(err error) bool {
	for _, e := range chain(err) {
		if driver.IsRetryable(e) || driver.IsConnectivityError(e) || driver.IsTransactionExecutionLimit(e) {
			return true
		}
		if ne, ok := e.(*driver.Neo4jError); ok {
			if strings.HasPrefix(ne.Code, "Neo.TransientError.") ||
				ne.Code == "Neo.DatabaseError.Database.DatabaseUnavailable" ||
				ne.Code == "Neo.ClientError.Database.DatabaseUnavailable" {
				return true
			}
		}
		var nerr net.Error
		if errors.As(e, &nerr) {
			return true
		}
		if errors.Is(e, io.EOF) || errors.Is(e, io.ErrUnexpectedEOF) || errors.Is(e, syscall.ECONNREFUSED) ||
			errors.Is(e, syscall.ECONNRESET) || errors.Is(e, syscall.EPIPE) || errors.Is(e, net.ErrClosed) {
			return true
		}
	}
	// The pool's own errors are internal types; recognise them by name.
	msg := err.Error()
	for _, s := range []string{"ConnectivityError", "Timeout while waiting for connection", "PoolTimeout", "pool is full", "Pool closed", "connection refused"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// chain lists err and its causes, following Unwrap and the driver's wrapper
// types that do not implement it.
func chain(err error) []error {
	var out []error
	queue := []error{err}
	for len(queue) > 0 && len(out) < 64 {
		e := queue[0]
		queue = queue[1:]
		if e == nil {
			continue
		}
		out = append(out, e)
		switch x := e.(type) {
		case *driver.ConnectivityError:
			queue = append(queue, x.Inner)
		case *driver.TransactionExecutionLimit:
			queue = append(queue, x.Errors...)
		case interface{ Unwrap() []error }:
			queue = append(queue, x.Unwrap()...)
		case interface{ Unwrap() error }:
			queue = append(queue, x.Unwrap())
		}
	}
	return out
}
