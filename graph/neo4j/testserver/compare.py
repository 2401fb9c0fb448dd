#!/usr/bin/env python3
"""Compare the GraphQL answers of two `lineage serve` instances.

Usage: compare.py URL_A URL_B

.ci/neo4j.sh serves the sample warehouse from the embedded SQLite store (A)
and from Neo4j (B) and runs this: every answer below must be identical,
except for the opaque paging cursors. Exits non-zero on any difference.
Standard library only.
"""

import json
import sys
import time
import urllib.error
import urllib.request

JOB = "id source path dialect hash owner { handle email jiraUser team }"
LINEAGE = """root { name } direction depth truncated
  tables { name } jobs { %s } owners { handle email jiraUser team }
  edges { job table kind }""" % JOB
IMPACT = """table { name } depth truncated
  totals { owners mustAct informed jobs tables }
  owners { owner { handle } hops direct tables { name }
    jobs { hops job { id } reads { name } writes { name } } }"""


def wait_healthy(url, deadline):
    last = None
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError) as e:
            last = e
        time.sleep(0.5)
    raise SystemExit("compare: %s is not healthy after the wait: %s" % (url, last))


def query(url, q, variables=None):
    body = json.dumps({"query": q, "variables": variables or {}}).encode()
    req = urllib.request.Request(url + "/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def strip_cursors(v):
    if isinstance(v, dict):
        return {k: strip_cursors(x) for k, x in v.items() if k != "endCursor"}
    if isinstance(v, list):
        return [strip_cursors(x) for x in v]
    return v


def main():
    a, b = sys.argv[1], sys.argv[2]
    deadline = time.time() + 180
    wait_healthy(a, deadline)
    wait_healthy(b, deadline)

    checks = [("counts", "{ counts { tables jobs owners edges } }", None)]
    names = query(a, '{ search(query: ".", kinds: [TABLE], first: 1000) { hits { name } } }')
    tables = [h["name"] for h in names["data"]["search"]["hits"]]
    if not tables:
        raise SystemExit("compare: the sample warehouse has no tables on %s" % a)
    step = max(1, len(tables) // 40)
    picked = tables[::step]
    for t in picked:
        for d in ("DOWNSTREAM", "UPSTREAM", "BOTH"):
            checks.append(("lineage %s %s" % (d, t),
                           "query($t: String!, $d: Direction!) { lineage(table: $t, direction: $d, depth: 5, limit: 60) { %s } }" % LINEAGE,
                           {"t": t, "d": d}))
        checks.append(("impact %s" % t, "query($t: String!) { impact(table: $t, depth: 4) { %s } }" % IMPACT, {"t": t}))
        checks.append(("table %s" % t,
                       "query($t: String!) { table(name: $t) { name readers { %s } writers { %s } owners { handle } } }" % (JOB, JOB),
                       {"t": t}))
    # Column lineage: every column of the picked tables, each column's
    # lineage both ways, and the impact of changing it.
    col_impact = """columns derived totals { owners mustAct informed jobs tables }
      owners { owner { handle } role hops jobs { job { id } role hops reason uses { name kind line unresolved } } }
      spared { handle }"""
    ncols = 0
    for t in picked:
        checks.append(("columns %s" % t,
                       "query($t: String!) { table(name: $t) { columns { name declared jobCount writers "
                       "uses { job { id } kind line unresolved } } } }", {"t": t}))
        cols = query(a, "query($t: String!) { table(name: $t) { columns { name } } }", {"t": t})
        for c in [c["name"] for c in cols["data"]["table"]["columns"] if c["name"] != "*"][:4]:
            ncols += 1
            checks.append(("columnLineage %s.%s" % (t, c),
                           "query($t: String!, $c: String!) { columnLineage(table: $t, column: $c, direction: BOTH, depth: 4) "
                           "{ start columns truncated edges { job source target } } }", {"t": t, "c": c}))
            checks.append(("column impact %s.%s" % (t, c),
                           "query($t: String!, $c: String!) { impact(table: $t, columns: [$c], depth: 4) { %s } }" % col_impact,
                           {"t": t, "c": c}))
    if ncols == 0:
        raise SystemExit("compare: no table of the sample has column lineage on %s" % a)
    for q in ("a", "ods", "_", "Sales", "zzz-none"):
        checks.append(("search %s" % q,
                       "query($q: String!) { search(query: $q, first: 7) { hits { kind name } pageInfo { hasNextPage } } }",
                       {"q": q}))
    checks.append(("unknown table", '{ impact(table: "no.such.table") { depth } }', None))
    checks.append(("bad depth", '{ lineage(table: "x", depth: 99) { depth } }', None))

    diffs = 0
    for name, q, v in checks:
        ra, rb = strip_cursors(query(a, q, v)), strip_cursors(query(b, q, v))
        if ra != rb:
            diffs += 1
            if diffs <= 5:
                print("compare: %s differs:\n  A: %s\n  B: %s" % (name, json.dumps(ra)[:800], json.dumps(rb)[:800]))
    print("compare: %d queries over %d of %d tables, %d differ" % (len(checks), len(picked), len(tables), diffs))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
