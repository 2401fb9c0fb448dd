#!/usr/bin/env bash
# Runs the graph/neo4j tests against a real Neo4j: builds the embedded
# launcher (graph/neo4j/testserver), starts it on a free loopback port,
# runs `go test ./graph/neo4j/...` with NEO4J_TEST_URI pointing at it, and
# always stops it. The fault test starts its own launcher instances through
# NEO4J_TEST_LAUNCHER. Run from the repository root: bash .ci/neo4j.sh
# Extra arguments go to `go test` (for example -run Conformance).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ts=graph/neo4j/testserver
jar="$root/$ts/target/neo4j-testserver.jar"

echo "neo4j.sh: building the launcher ($(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g'))"
start=$(date +%s)
# -o (offline) would fail on a clean machine; Maven only downloads what its
# local repository lacks, so this is quick after the first run.
(cd "$ts" && mvn -q -B package)
echo "neo4j.sh: launcher built in $(( $(date +%s) - start ))s"

log=$(mktemp -d)
pid=""
stop() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		echo "neo4j.sh: stopping the launcher (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "neo4j.sh: launcher did not stop in 30s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -rf "$log"
}
trap stop EXIT

java -Xms512m -Xmx2g -jar "$jar" --pagecache 512 >"$log/out" 2>"$log/err" &
pid=$!

uri=""
for _ in $(seq 1 240); do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "neo4j.sh: the launcher exited before it was ready:" >&2
		cat "$log/err" >&2
		exit 1
	fi
	uri=$(sed -n 's/^NEO4J_URI=//p' "$log/out" | head -n1)
	[[ -n "$uri" ]] && break
	sleep 0.5
done
if [[ -z "$uri" ]]; then
	echo "neo4j.sh: the launcher printed no URI within 120s:" >&2
	cat "$log/err" >&2
	exit 1
fi
echo "neo4j.sh: Neo4j is ready at $uri"
tail -n 1 "$log/err"

export NEO4J_TEST_URI="$uri"
export NEO4J_TEST_LAUNCHER="java -Xms256m -Xmx1g -jar $jar --pagecache 128"
unset NEO4J_TEST_USER NEO4J_TEST_PASSWORD

out="$log/test.out"
set +e
go test -count=1 -v -timeout 30m ./graph/neo4j/... "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

passed=$(grep -c -E '^\s*--- PASS' "$out" || true)
failed=$(grep -c -E '^\s*--- FAIL' "$out" || true)
skipped=$(grep -c -E '^\s*--- SKIP' "$out" || true)
if grep -q -E '^--- (PASS|FAIL): TestConformance ' "$out"; then
	echo "neo4j.sh: the conformance suite ran against Neo4j at $uri ($(grep -c -E '^    --- PASS: TestConformance/' "$out") subtests passed)"
else
	echo "neo4j.sh: the conformance suite did not run" >&2
	rc=1
fi
echo "neo4j: $passed passed, $failed failed, $skipped skipped"
exit "$rc"
