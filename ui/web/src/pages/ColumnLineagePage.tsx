// A column's lineage view (issue 16): where the column's data comes from and
// where it goes, hop by hop, with the jobs that use it beside.
import { useMemo } from 'react';
import { ColumnLineage } from '../components/ColumnLineage';
import { JobLink, OwnerLink, TableLink } from '../components/Links';
import { Empty, ErrorState, Loading } from '../components/States';
import { KIND_LABEL, columnLineage, flowEdges, flowNodes, tableColumns, usesByJob } from '../columns';
import { useLoad, useTitle } from '../hooks';
import type { Direction } from '../queries';
import { Link, navigate, paths, useLocation } from '../router';

const DEFAULT_DEPTH = 3;
const MAX_DEPTH = 20;
const DEFAULT_LIMIT = 500;

function readSettings(search: string) {
  const q = new URLSearchParams(search);
  const d = (q.get('direction') ?? 'both').toUpperCase();
  const direction: Direction = d === 'UPSTREAM' || d === 'DOWNSTREAM' ? d : 'BOTH';
  const depth = Math.min(MAX_DEPTH, Math.max(1, parseInt(q.get('depth') ?? '', 10) || DEFAULT_DEPTH));
  const limit = Math.min(100000, Math.max(1, parseInt(q.get('limit') ?? '', 10) || DEFAULT_LIMIT));
  return { direction, depth, limit };
}

/** columnHref is the column view's URL keeping its settings (defaults left out). */
export function columnHref(table: string, column: string, s: { direction: Direction; depth: number; limit: number }): string {
  const q = new URLSearchParams();
  if (s.direction !== 'BOTH') q.set('direction', s.direction.toLowerCase());
  if (s.depth !== DEFAULT_DEPTH) q.set('depth', String(s.depth));
  if (s.limit !== DEFAULT_LIMIT) q.set('limit', String(s.limit));
  const qs = q.toString();
  return paths.column(table, column) + (qs ? `?${qs}` : '');
}

export function ColumnLineagePage({ table, column }: { table: string; column: string }) {
  const full = `${table}.${column}`;
  useTitle(full);
  const loc = useLocation();
  const s = readSettings(loc.search);
  const set = (patch: Partial<typeof s>) => navigate(columnHref(table, column, { ...s, ...patch }), { replace: true });

  const cols = useLoad(`columns:${table}`, (signal) => tableColumns(table, signal));
  const flow = useLoad(`columnLineage:${full}:${s.direction}:${s.depth}:${s.limit}`, (signal) =>
    columnLineage({ table, column, direction: s.direction, depth: s.depth, limit: s.limit }, signal),
  );
  const l = flow.data?.columnLineage;
  const edges = useMemo(() => (l ? flowEdges(l) : []), [l]);
  const nodes = useMemo(() => (l ? flowNodes(l, edges) : []), [l, edges]);
  const info = cols.data?.table?.columns.find((c) => c.name === column);

  if (cols.error && 'notFound' in cols.error && (cols.error as { notFound: boolean }).notFound) {
    return (
      <section className="page">
        <h1 className="mono">{full}</h1>
        <Empty title={`No job reads or writes a table named “${table}”.`}>
          Check the spelling, or search for part of the name above.
        </Empty>
      </section>
    );
  }

  return (
    <section className="page page-column">
      <header className="page-head">
        <div>
          <p className="eyebrow">
            Column of <TableLink name={table} />
          </p>
          <h1 className="mono">
            {table}.<strong>{column}</strong>
          </h1>
        </div>
        <div className="actions">
          <Link className="button" href={paths.table(table)}>
            ← All columns of {table}
          </Link>
          <Link className="button primary" href={paths.newCampaign(table, [column])}>
            Start a campaign on this column
          </Link>
        </div>
      </header>

      <div className="column-layout">
        <div>
          <form className="graph-controls" onSubmit={(e) => e.preventDefault()} aria-label="Column lineage settings">
            <fieldset className="segmented">
              <legend className="sr-only">Direction</legend>
              {(['UPSTREAM', 'BOTH', 'DOWNSTREAM'] as Direction[]).map((d) => (
                <label key={d} className={s.direction === d ? 'on' : ''}>
                  <input type="radio" name="col-direction" value={d} checked={s.direction === d} onChange={() => set({ direction: d })} />
                  {d === 'UPSTREAM' ? '← Comes from' : d === 'DOWNSTREAM' ? 'Goes to →' : 'Both'}
                </label>
              ))}
            </fieldset>
            <label className="depth">
              Depth
              <button type="button" aria-label="Less depth" disabled={s.depth <= 1} onClick={() => set({ depth: s.depth - 1 })}>
                −
              </button>
              <output aria-label="Depth in job hops">{s.depth}</output>
              <button type="button" aria-label="More depth" disabled={s.depth >= MAX_DEPTH} onClick={() => set({ depth: s.depth + 1 })}>
                +
              </button>
            </label>
            <span className="muted small" aria-live="polite">
              {flow.loading ? 'Loading…' : l ? `${nodes.length} columns, ${edges.length} steps` : ''}
            </span>
          </form>
          {l?.truncated && (
            <div className="banner warn" role="status" data-testid="column-truncated">
              <strong>The column graph is cut short.</strong> The walk stopped at {s.limit} steps.{' '}
              <button type="button" className="link" onClick={() => set({ limit: Math.min(100000, s.limit * 2) })}>
                Show up to {Math.min(100000, s.limit * 2)} steps
              </button>
              .
            </div>
          )}
          {flow.error && <ErrorState error={flow.error} what="the column lineage" onRetry={flow.reload} />}
          {!flow.error && !l && <Loading what="the column lineage" />}
          {l && edges.length === 0 && (
            <Empty title={`No column flow ${s.direction === 'UPSTREAM' ? 'into' : s.direction === 'DOWNSTREAM' ? 'out of' : 'into or out of'} ${full} is known.`}>
              No job computes another column from it{s.direction !== 'DOWNSTREAM' ? ', and no job’s column flow writes it' : ''}. Jobs may still read it: see beside.
            </Empty>
          )}
          {l && edges.length > 0 && (
            <>
              <ColumnLineage nodes={nodes} edges={edges} start={l.start} />
              <details className="column-steps">
                <summary>The {edges.length} steps as a list</summary>
                <table className="data" data-testid="column-steps">
                  <thead>
                    <tr>
                      <th scope="col">From</th>
                      <th scope="col">To</th>
                      <th scope="col">Job</th>
                    </tr>
                  </thead>
                  <tbody>
                    {edges.map((e) => (
                      <tr key={`${e.job}|${e.source}|${e.target}`}>
                        <td className="mono small">{e.source}</td>
                        <td className="mono small">{e.target}</td>
                        <td>
                          <JobLink id={e.job} />
                          {e.star && <span className="muted small"> (SELECT *)</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          )}
        </div>

        <aside className="side" aria-label="Jobs using the column">
          {cols.error && !cols.data && <ErrorState error={cols.error} what={`the columns of ${table}`} onRetry={cols.reload} />}
          {!cols.data && !cols.error && <Loading what="the jobs using it" />}
          {cols.data && !info && (
            <p className="muted small" data-testid="column-unknown">
              No job is known to use {full}, and nothing declares it.
            </p>
          )}
          {info && (
            <>
              <h2>
                Used by <span className="count">{info.jobCount}</span>
              </h2>
              {info.declared && <p className="small">Declared by the table’s schema.</p>}
              {info.jobCount === 0 ? (
                <p className="muted small">No job uses it.</p>
              ) : (
                <ul className="plain-list" data-testid="column-uses">
                  {usesByJob(info).map((u) => (
                    <li key={u.job} data-job={u.job}>
                      <JobLink id={u.job} />
                      <div className="small">
                        <OwnerLink handle={u.owner} /> · {u.kinds.map((k) => KIND_LABEL[k]).join(', ')}
                        {u.lines.length > 0 && <> · line {u.lines.join(', ')}</>}
                        {u.unresolved && <span className="muted"> · may use (unresolved)</span>}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
              <h2>
                Written by <span className="count">{info.writers.length}</span>
              </h2>
              {info.writers.length === 0 ? (
                <p className="muted small">No job’s column flow writes it.</p>
              ) : (
                <ul className="plain-list">
                  {info.writers.map((w) => (
                    <li key={w}>
                      <JobLink id={w} />
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
