// Command lineage reads SQL job scripts into a table-level lineage graph,
// serves it over GraphQL and a web UI, and runs migration campaigns.
//
//	lineage serve            run the service (embedded store, sample warehouse, UI, GraphQL)
//	lineage parse FILE...    print the lineage of SQL scripts
//	lineage ingest DIR       load a repository of job scripts into the store
//	lineage version          print the version
//
// Run `lineage COMMAND --help` for each command's flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand: it gets its arguments (without its own name)
// and returns the process exit code.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands lists the subcommands. Each lives in its own file.
var commands = map[string]command{
	"serve":   {"run the service: GraphQL API, playground, web UI, campaigns", runServe},
	"parse":   {"print the lineage (tables read and written) of SQL scripts", runParse},
	"ingest":  {"load a repository of job scripts into the lineage store", runIngest},
	"version": {"print the version", runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand; it is main without the process around it,
// so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(ctx, []string{"--help"}, stdin, stdout, stderr)
			}
		}
		usage(stdout)
		return 0
	case "-version", "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "lineage: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `lineage reads SQL job scripts into a table-level lineage graph, serves it over
GraphQL and a web UI, and runs migration campaigns that open one ticket per
downstream owner and track them until every consumer has moved.

Usage:
  lineage COMMAND [flags] [arguments]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'lineage COMMAND --help' for a command's flags.

Start here:
  go run ./cmd/lineage serve      # then open http://localhost:8080/
`)
}

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
			fmt.Fprintln(stdout, "Usage: lineage version\n\nPrints the version of this binary.")
			return 0
		}
		fmt.Fprintf(stderr, "lineage version: takes no arguments, got %q\n", args[0])
		return 2
	}
	fmt.Fprintf(stdout, "lineage %s\n", version)
	return 0
}
