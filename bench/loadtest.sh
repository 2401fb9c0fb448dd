#!/bin/sh
# loadtest.sh: GraphQL lineage queries per second and latency, on loopback.
#
# Fills a SQLite store with the synthetic warehouse (graph/synth; reused if
# the file exists), serves it on 127.0.0.1 and runs wrk (apt-get install -y
# wrk) against /graphql with bench/gql/lineage.lua, which POSTs a downstream
# lineage query per request, rotating over the warehouse's typical tables.
#
#   bench/loadtest.sh                      # lineage serve, 30 s per shape
#   SERVER=bench DURATION=10s bench/loadtest.sh
#
# SERVER=serve (default) runs `lineage serve -graph sqlite:DB`; SERVER=bench
# runs bench/gql, the same GraphQL handler without the UI and campaign loop.
# SHAPES lists "depth:limit" walks to measure; SERVE_FLAGS are added to
# lineage serve's flags (SERVE_FLAGS=-no-index: without the graph index).
# Everything it starts it stops.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${DB:=/tmp/lineage-loadtest/synth.db}"
: "${PORT:=8091}"
: "${DURATION:=30s}"
: "${THREADS:=1}"
: "${CONNS:=8}"
: "${SHAPES:=1:500 2:100 3:500}"
: "${SERVER:=serve}"
: "${SERVE_FLAGS:=}"
: "${TABLES_N:=10000}"
: "${JOBS_N:=30000}"
command -v wrk >/dev/null || { echo "loadtest: wrk not found: apt-get install -y wrk" >&2; exit 1; }
dir=$(dirname "$DB")
mkdir -p "$dir"
bin=$dir/bin
mkdir -p "$bin"
go build -o "$bin/bench-gql" ./bench/gql
go build -o "$bin/lineage" ./cmd/lineage
"$bin/bench-gql" -db "$DB" -tables "$TABLES_N" -jobs "$JOBS_N" -tables-out "$dir/tables.txt" -fill-only

case $SERVER in
serve) "$bin/lineage" serve -graph "sqlite:$DB" -addr "127.0.0.1:$PORT" -no-sample $SERVE_FLAGS >"$dir/server.log" 2>&1 & ;;
bench) "$bin/bench-gql" -db "$DB" -tables "$TABLES_N" -jobs "$JOBS_N" -addr "127.0.0.1:$PORT" >"$dir/server.log" 2>&1 & ;;
*) echo "loadtest: SERVER must be serve or bench" >&2; exit 2 ;;
esac
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT INT TERM

url=http://127.0.0.1:$PORT
t=$(head -1 "$dir/tables.txt")
i=0
until curl -sf -H 'Content-Type: application/json' \
	--data "{\"query\":\"{ lineage(table: \\\"$t\\\", depth: 1) { truncated } }\"}" "$url/graphql" >/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "loadtest: server did not answer on $url/graphql:" >&2
		cat "$dir/server.log" >&2
		exit 1
	fi
	sleep 0.2
done

echo "server=$SERVER $SERVE_FLAGS db=$DB cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) wrk -t$THREADS -c$CONNS -d$DURATION"
for shape in $SHAPES; do
	depth=${shape%%:*}
	limit=${shape#*:}
	echo "== lineage(direction: DOWNSTREAM, depth: $depth, limit: $limit)"
	TABLES=$dir/tables.txt DEPTH=$depth LIMIT=$limit \
		wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/gql/lineage.lua "$url" |
		grep -E 'Requests/sec|  50%|  99%|errors'
done
