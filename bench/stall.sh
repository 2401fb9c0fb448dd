#!/bin/sh
# stall.sh: can one client stall lineage serve? Runs bench/stall against
# `lineage serve` on loopback over a 60k-job synthetic warehouse, once per
# attack, and prints the depth-1 probe's latency and /healthz statuses.
#
#   bench/stall.sh                          # 20 s per attack
#   DURATION=30s ATTACKS="aliased230 maximal" bench/stall.sh
#   LINEAGE=/path/to/old/lineage bench/stall.sh   # measure another build
#
# The probe sends a token (it is another client than the attack, which
# sends none and is known by its address). Everything it starts it stops.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${DB:=/tmp/lineage-stall/synth60k.db}"
: "${PORT:=8093}"
: "${DURATION:=20s}"
: "${CONNS:=4}"
: "${ATTACKS:=none aliased230 maximal wide cheap}"
dir=$(dirname "$DB")
mkdir -p "$dir/bin"
go build -o "$dir/bin/bench-gql" ./bench/gql
go build -o "$dir/bin/stall" ./bench/stall
if [ -z "${LINEAGE:-}" ]; then
	go build -o "$dir/bin/lineage" ./cmd/lineage
	LINEAGE=$dir/bin/lineage
fi
"$dir/bin/bench-gql" -db "$DB" -tables 20000 -jobs 60000 -owners 2000 -fill-only

probe=stall-probe-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
LINEAGE_TOKENS="probe:$probe" "$LINEAGE" serve -graph "sqlite:$DB" -addr "127.0.0.1:$PORT" -no-sample >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
i=0
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "stall: server did not start:" >&2
		cat "$dir/server.log" >&2
		exit 1
	fi
	sleep 0.2
done
for a in $ATTACKS; do
	STALL_PROBE_TOKEN=$probe "$dir/bin/stall" -url "http://127.0.0.1:$PORT" -attack "$a" -conns "$CONNS" -duration "$DURATION"
	echo
	sleep 2
done
