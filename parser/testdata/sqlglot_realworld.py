"""Parse ../shared/corpus/realworld with sqlglot, for BENCHMARKS.md.

Not a project dependency: run it with a sqlglot installed outside the
project, e.g. python3 -m venv /tmp/sg && /tmp/sg/bin/pip install sqlglot
(pure Python) or 'sqlglot[rs]' (the compiled build), then
/tmp/sg/bin/python parser/testdata/sqlglot_realworld.py ../shared/corpus/realworld

Prints, per corpus, the files parsed without error (sqlglot.parse with the
file's dialect, errors raised) and the throughput (MB/s of SQL parsed, all
files, errors included, wall time), then the total, also by process CPU
time (cpu-MB/s, which a loaded machine disturbs less).
"""
import glob
import json
import logging
import os
import sys
import time

import sqlglot

DIALECTS = {"hive": "hive", "spark": "spark", "bigquery": "bigquery", "trino": "trino"}


def expand(sql, vars):
    for k, v in (vars or {}).items():
        sql = sql.replace("${%s}" % k, v)
    return sql


def main(root):
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its "falling back to Command" notes
    files = []
    for path in sorted(glob.glob(os.path.join(root, "*.jsonl"))):
        with open(path) as fh:
            for line in fh:
                if line.strip():
                    files.append(json.loads(line))
    per = {}
    total_bytes, total_time, total_cpu = 0, 0.0, 0.0
    for f in files:
        sql = expand(f["sql"], f.get("vars"))
        t0, c0 = time.perf_counter(), time.process_time()
        ok = True
        try:
            sqlglot.parse(sql, read=DIALECTS.get(f["dialect"], f["dialect"]))
        except Exception:
            ok = False
        dt = time.perf_counter() - t0
        total_cpu += time.process_time() - c0
        c = per.setdefault(f["corpus"], [0, 0, 0, 0.0])
        c[0] += 1
        c[1] += ok
        c[2] += len(sql.encode())
        c[3] += dt
        total_bytes += len(sql.encode())
        total_time += dt
    print("sqlglot", sqlglot.__version__, "compiled" if is_compiled() else "pure")
    for name in sorted(per):
        n, ok, b, t = per[name]
        print("%-16s %4d/%4d clean (%5.1f%%)  %7.3f MB/s" % (name, ok, n, 100.0 * ok / n, b / t / 1e6))
    print("%-16s %21s  %7.3f MB/s (%.1f s), %.3f cpu-MB/s" % ("all", "", total_bytes / total_time / 1e6, total_time, total_bytes / total_cpu / 1e6))


def is_compiled():
    import sqlglot.parser as p
    return p.__file__.endswith(".so")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/realworld")
