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
mvnlog=$(mktemp)
if ! (cd "$ts" && mvn -q -B -Dstyle.color=never package) >"$mvnlog" 2>&1; then
	cat "$mvnlog" >&2
	echo "neo4j.sh: building the launcher failed" >&2
	exit 1
fi
rm -f "$mvnlog"
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

# The Dockerfile's build steps, run verbatim here (see its header), with its
# ENV: CI builds the binary exactly as the image does.
echo "neo4j.sh: running the Dockerfile's build steps"
rc=0
rm -f /tmp/lineage-build/lineage
(
	# Only the build stage: from "FROM golang" to the next FROM.
	stage=$(sed -n '/^FROM golang/,/^FROM /p' Dockerfile | sed '$d')
	eval "export $(sed -n 's/^ENV \(CGO_ENABLED=.*\)$/\1/p' <<<"$stage")"
	grep -E '^RUN (go|mkdir) ' <<<"$stage" | sed 's/^RUN //' | while IFS= read -r cmd; do
		echo "+ $cmd"
		bash -c "$cmd"
	done
) || { echo "neo4j.sh: a Dockerfile build step failed" >&2; rc=1; }

# docker-compose.yml must at least parse and wire what the README says (no
# Docker engine here to run it).
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - <<'PY' || { echo "neo4j.sh: docker-compose.yml check failed" >&2; rc=1; }
import yaml
c = yaml.safe_load(open("docker-compose.yml"))
neo, app = c["services"]["neo4j"], c["services"]["lineage"]
assert neo["image"].startswith("neo4j:5"), neo["image"]
assert neo["environment"]["NEO4J_AUTH"].startswith("neo4j/"), "NEO4J_AUTH"
assert any(v.endswith(":/data") for v in neo["volumes"]), "a volume on /data"
assert neo["healthcheck"]["test"] and app["healthcheck"]["test"], "healthchecks"
assert app["build"]["dockerfile"] == "Dockerfile"
assert app["environment"]["LINEAGE_GRAPH"] == "neo4j://neo4j:7687"
assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
print("neo4j.sh: docker-compose.yml parses and wires lineage to a healthy neo4j")
PY
else
	echo "neo4j.sh: python3 has no yaml module; docker-compose.yml not checked"
fi

# lineage serve on Neo4j must answer as on the embedded store: serve the
# sample warehouse from both and compare GraphQL answers. This runs before
# the tests, while the database is still empty, so serve loads the sample.
bin=/tmp/lineage-build/lineage
if [[ -x "$bin" ]]; then
	ports=$(python3 -c 'import socket
ps=[]
for _ in range(2):
    s=socket.socket(); s.bind(("127.0.0.1",0)); ps.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ps))')
	read -r p1 p2 <<<"$ports"
	"$bin" serve -addr "127.0.0.1:$p1" -graph "sqlite:$log/e2e.db" -sync-every 1h >"$log/serve-sqlite.log" 2>&1 &
	spid1=$!
	"$bin" serve -addr "127.0.0.1:$p2" -graph "$uri" -sync-every 1h >"$log/serve-neo4j.log" 2>&1 &
	spid2=$!
	if python3 "$root/graph/neo4j/testserver/compare.py" "http://127.0.0.1:$p1" "http://127.0.0.1:$p2"; then
		echo "neo4j.sh: lineage serve on Neo4j answers as on SQLite"
	else
		echo "neo4j.sh: lineage serve on Neo4j and on SQLite answer differently" >&2
		tail -n 20 "$log/serve-sqlite.log" "$log/serve-neo4j.log" >&2
		rc=1
	fi
	kill "$spid1" "$spid2" 2>/dev/null || true
	wait "$spid1" "$spid2" 2>/dev/null || true
fi

out="$log/test.out"
set +e
go test -count=1 -v -timeout 30m ./graph/neo4j/... "$@" 2>&1 | tee "$out"
trc=${PIPESTATUS[0]}
set -e
[[ $trc -eq 0 ]] || rc=$trc

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
