package neo4j

import (
	"context"
	"os"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
)

// testConfig returns the configuration of the test server, or skips the test
// naming the variables to set.
func testConfig(tb testing.TB) Config {
	tb.Helper()
	uri := os.Getenv("NEO4J_TEST_URI")
	if uri == "" {
		tb.Skip("NEO4J_TEST_URI is not set: set it (and NEO4J_TEST_USER/NEO4J_TEST_PASSWORD if the server needs them) " +
			"to run the Neo4j tests, e.g. NEO4J_TEST_URI=bolt://127.0.0.1:7687; bash .ci/neo4j.sh starts a server and does that")
	}
	return Config{URI: uri, User: os.Getenv("NEO4J_TEST_USER"), Password: os.Getenv("NEO4J_TEST_PASSWORD")}
}

// MustOpen opens the test server's database, empties it, and closes the
// store when the test ends. The database is shared: the tests of this
// package do not run in parallel.
func MustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), testConfig(tb))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	MustClear(tb, s)
	return s
}

// MustClear deletes every node and relationship (constraints and indexes
// stay), in batches so that a large benchmark graph fits in memory.
func MustClear(tb testing.TB, s *Store) {
	tb.Helper()
	ctx := context.Background()
	sess := s.session(ctx, driver.AccessModeWrite)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, `MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		tb.Fatalf("clear the database: %v", err)
	}
}

func TestConformance(t *testing.T) {
	testConfig(t)
	graphtest.TestAll(t, func(tb testing.TB) graphtest.Store { return MustOpen(tb) }, graphtest.Config{})
}

func TestSchemaIsIdempotent(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	// Opening again runs every schema statement again.
	s2, err := Open(ctx, testConfig(t))
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	var names []string
	err = s.read(ctx, "list schema", func(tx driver.ManagedTransaction) error {
		names = names[:0]
		for _, q := range []string{
			`SHOW CONSTRAINTS YIELD name RETURN name`,
			`SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN name`,
		} {
			recs, err := collect(ctx, tx, q, nil)
			if err != nil {
				return err
			}
			for _, r := range recs {
				names = append(names, str(r, "name"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list schema: %v", err)
	}
	have := map[string]int{}
	for _, n := range names {
		have[n]++
	}
	for _, want := range []string{
		"lineage_table_name", "lineage_job_id", "lineage_owner_handle", "lineage_campaign_id",
		"lineage_target_key", "lineage_ticket_key", "lineage_counter_name",
		"lineage_job_source", "lineage_campaign_created", "lineage_campaign_table",
		"lineage_event_campaign", "lineage_ticket_campaign",
		"lineage_table_name_text", "lineage_job_key_text", "lineage_owner_handle_text",
		"lineage_graph_version", "lineage_graph_change",
	} {
		if have[want] == 0 {
			t.Errorf("schema object %s is missing or not online (have %v)", want, names)
		}
	}
}

func TestUniqueness(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	err := s.write(ctx, "duplicate table", func(tx driver.ManagedTransaction) error {
		return consume(ctx, tx, `CREATE (:Table {name: 'dup'}), (:Table {name: 'dup'})`, nil)
	})
	if got := lineage.ErrorCode(err); got != lineage.ECONFLICT {
		t.Errorf("two tables with one name: %v (code %q), want ECONFLICT from the constraint", err, got)
	}
}

func TestMigratesLinksLateTables(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	c := graphtest.NewCampaign("late.table", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), "ann")
	graphtest.MustCreateCampaign(t, s, c)
	count := func() int64 {
		var n int64
		err := s.read(ctx, "count", func(tx driver.ManagedTransaction) error {
			recs, err := collect(ctx, tx, `MATCH (:Campaign {id: $id})-[r:MIGRATES]->(:Table {name: 'late.table'}) RETURN count(r) AS n`, map[string]any{"id": c.ID})
			if err != nil {
				return err
			}
			n = integer(recs[0], "n")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("MIGRATES edges before the table exists: %d", n)
	}
	graphtest.MustPutJobs(t, s, graphtest.J("j", "", graphtest.L("late.table"), nil))
	graphtest.MustPutJobs(t, s, graphtest.J("j", "", graphtest.L("late.table"), nil))
	if n := count(); n != 1 {
		t.Errorf("MIGRATES edges after the table appeared (twice): %d, want 1", n)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		c    Config
		code string
	}{
		{"BadScheme", Config{URI: "http://localhost:7474"}, lineage.EINVALID},
		{"NoHost", Config{URI: "not a uri"}, lineage.EINVALID},
		{"PasswordWithoutUser", Config{URI: "bolt://127.0.0.1:1", Password: "x"}, lineage.EINVALID},
		// Port 1 on loopback refuses connections at once.
		{"Unreachable", Config{URI: "bolt://127.0.0.1:1", RetryTime: 1}, lineage.EUNAVAILABLE},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Open(ctx, c.c)
			if err == nil {
				s.Close()
			}
			if got := lineage.ErrorCode(err); got != c.code {
				t.Errorf("Open(%+v) = %v (code %q), want %q", c.c, err, got, c.code)
			}
		})
	}
}

func TestDatabaseName(t *testing.T) {
	MustOpen(t)
	ctx := context.Background()
	c := testConfig(t)
	c.Database = "neo4j"
	s, err := Open(ctx, c)
	if err != nil {
		t.Fatalf("Open with database neo4j: %v", err)
	}
	s.Close()
	c.Database = "nosuchdb"
	s, err = Open(ctx, c)
	if err == nil {
		s.Close()
	}
	if got := lineage.ErrorCode(err); got != lineage.EUNAVAILABLE {
		t.Errorf("Open with an unknown database = %v (code %q), want EUNAVAILABLE", err, got)
	}
}
