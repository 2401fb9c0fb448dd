// Command gql serves the GraphQL API of package gql over a synthetic
// warehouse (graph/synth) in a SQLite file, on loopback, for load tests
// (bench/loadtest.sh). It is what `lineage serve -graph sqlite:FILE` serves at
// /graphql, without the web UI and campaign loop, so that a load test
// measures the API alone.
//
//	go run ./bench/gql -db /tmp/synth.db -tables 10000 -jobs 30000 -addr 127.0.0.1:8090
//
// The store is filled on first use (an existing file is reused) and the
// tables a load test should query (the warehouse's typical tables, by median
// reader count) are written to -tables-out, one per line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lineagehq/lineage/auth"
	"github.com/lineagehq/lineage/gql"
	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/graph/synth"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/gql:", err)
		os.Exit(1)
	}
}

func run() error {
	db := flag.String("db", "", "SQLite file of the graph (filled if empty)")
	addr := flag.String("addr", "127.0.0.1:8090", "listen address; loopback only")
	seed := flag.Int64("seed", 1, "synthetic warehouse seed")
	tables := flag.Int("tables", 10000, "synthetic warehouse tables")
	jobs := flag.Int("jobs", 30000, "synthetic warehouse jobs")
	owners := flag.Int("owners", 1000, "synthetic warehouse owners")
	tablesOut := flag.String("tables-out", "", "write the tables to query here, one per line")
	fillOnly := flag.Bool("fill-only", false, "fill the store and write -tables-out, then exit (to serve it with `lineage serve`)")
	flag.Parse()
	if *db == "" {
		return errors.New("-db is required")
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || (host != "127.0.0.1" && host != "localhost" && host != "::1") {
		return fmt.Errorf("-addr %q: listen on loopback only (127.0.0.1:PORT)", *addr)
	}

	st, err := sqlite.Open(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	w := synth.Generate(synth.Config{Seed: *seed, Tables: *tables, Jobs: *jobs, Owners: *owners})
	c, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	if c.Jobs == 0 {
		start := time.Now()
		if err := st.PutOwners(ctx, w.Owners); err != nil {
			return err
		}
		for i := 0; i < len(w.Jobs); i += 5000 {
			if err := st.PutJobs(ctx, w.Jobs[i:min(i+5000, len(w.Jobs))]); err != nil {
				return err
			}
		}
		c, _ = st.Counts(ctx)
		fmt.Fprintf(os.Stderr, "loaded %d tables, %d jobs, %d owners, %d edges in %s\n", c.Tables, c.Jobs, c.Owners, c.Edges, time.Since(start).Round(time.Millisecond))
	} else if c.Jobs != len(w.Jobs) {
		return fmt.Errorf("%s holds %d jobs, the warehouse asked for has %d: use a fresh file", *db, c.Jobs, len(w.Jobs))
	}
	if *tablesOut != "" {
		if err := os.WriteFile(*tablesOut, []byte(strings.Join(w.Typical(64), "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}

	if *fillOnly {
		return nil
	}

	// As `lineage serve` mounts it: tokens in front, reads open.
	tokens, err := auth.Parse(strings.NewReader(os.Getenv("LINEAGE_TOKENS")), "LINEAGE_TOKENS")
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	mux := http.NewServeMux()
	mux.Handle("/graphql", tokens.Middleware(gql.NewHandler(gql.Config{Graph: st, Logger: logger}), false))
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "serving http://%s/graphql (%d tables, %d jobs)\n", ln.Addr(), c.Tables, c.Jobs)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sig
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
