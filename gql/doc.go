// Package gql serves the lineage graph and migration campaigns over GraphQL,
// with gqlgen.
//
// The schema is in schema/*.graphqls; gqlgen (configured by gqlgen.yml at the
// repository root, pinned in go.mod) writes the executor to generated/, the
// GraphQL-only inputs and payloads to model/, and resolver stubs to
// *.resolvers.go, whose bodies survive regeneration. Domain types are bound
// directly: a GraphQL Table is a lineage.Table. Regenerate with
// `go generate ./gql`; check-generate.sh fails when the checked-in code is
// stale.
//
// NewHandler serves the API. Fields of list items that need another read
// (a table's readers, a job's owner) are batch resolvers fed by a
// per-request cache (loader.go), so a list costs one store call per distinct
// object rather than one per item and field. Limits on depth, complexity,
// body size, objects read and time keep any one request small; walks are
// charged by what they may visit, share a per-request node budget and pass a
// per-client and server-wide throttle (throttle.go), so that one client
// cannot stall the others. Errors carry
// extensions.code (errors.go); internal ones are logged once and shown as
// "Internal error.". Mutations need a bearer token (auth.Require); reads are
// open unless Config.RequireTokenForReads.
//
// The commonest read, one lineage walk whose selections are plain fields of
// its tables, jobs, owners and edges (what the web UI's table page and most
// playground queries ask), is executed by direct.go: after gqlgen has
// parsed, validated and limited the operation, direct calls the same
// resolvers and writes the answer itself, byte for byte what gqlgen's
// executor would write, at a fifth of its CPU. Every other operation, and
// every error, goes through gqlgen's executor.
//
// The GraphQL playground is a page of the web UI (ui/web/src/playground), so
// it works offline; its example queries are tested here against the schema.
package gql
