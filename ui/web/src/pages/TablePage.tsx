// A table: its lineage graph (upstream, downstream or both, to a chosen
// depth) with its writers, readers and owners beside it.
import { useMemo } from 'react';
import { LineageGraph } from '../components/LineageGraph';
import { JobLink, OwnerLink } from '../components/Links';
import { Empty, ErrorState, Loading } from '../components/States';
import { useLoad, useTitle } from '../hooks';
import { job, lineage, subgraphInput, table, type Direction, type JobRef } from '../queries';
import type { SubgraphInput } from '../graphLayout';
import { Link, navigate, paths, useLocation } from '../router';

export const DEFAULT_LIMIT = 200;
/** DEFAULT_DEPTH is one hop each way: the neighbours, readable at a glance; + shows more. */
export const DEFAULT_DEPTH = 1;
const MAX_DEPTH = 50;

/** tableHref builds a table page URL keeping the graph settings. */
export function tableHref(name: string, s: { direction: Direction; depth: number; limit: number; owners: boolean }): string {
  const q = new URLSearchParams();
  if (s.direction !== 'BOTH') q.set('direction', s.direction.toLowerCase());
  if (s.depth !== DEFAULT_DEPTH) q.set('depth', String(s.depth));
  if (s.limit !== DEFAULT_LIMIT) q.set('limit', String(s.limit));
  if (s.owners) q.set('owners', 'on');
  const qs = q.toString();
  return paths.table(name) + (qs ? `?${qs}` : '');
}

function readSettings(search: string) {
  const q = new URLSearchParams(search);
  const d = (q.get('direction') ?? 'both').toUpperCase();
  const direction: Direction = d === 'UPSTREAM' || d === 'DOWNSTREAM' ? d : 'BOTH';
  const depth = Math.min(MAX_DEPTH, Math.max(1, parseInt(q.get('depth') ?? String(DEFAULT_DEPTH), 10) || DEFAULT_DEPTH));
  const limit = Math.min(100000, Math.max(1, parseInt(q.get('limit') ?? String(DEFAULT_LIMIT), 10) || DEFAULT_LIMIT));
  const owners = q.get('owners') === 'on';
  return { direction, depth, limit, owners };
}

function JobList({ jobs, empty }: { jobs: JobRef[]; empty: string }) {
  if (jobs.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <ul className="plain-list">
      {jobs.map((j) => (
        <li key={j.id}>
          <JobLink id={j.id} />
          <div className="small">
            <OwnerLink handle={j.owner?.handle} />
          </div>
        </li>
      ))}
    </ul>
  );
}

/**
 * expandOne fetches the graph one hop around a node, for the explorer's +: a
 * table's readers and writers (a walk of depth 1 both ways), or a job's
 * tables. Only that node's neighbourhood is asked for, not the whole depth.
 */
export async function expandOne(n: { kind: 'TABLE' | 'JOB'; name: string }): Promise<SubgraphInput> {
  if (n.kind === 'TABLE') {
    const r = await lineage({ table: n.name, direction: 'BOTH', depth: 1, limit: DEFAULT_LIMIT });
    if (!r.lineage) throw new Error(`no table ${n.name}`);
    return subgraphInput(r.lineage);
  }
  const r = await job(n.name);
  const j = r.job;
  if (!j) throw new Error(`no job ${n.name}`);
  return {
    tables: [...j.reads, ...j.writes].map((t) => ({ name: t.name })),
    jobs: [{ id: j.id, owner: j.owner?.handle ?? null }],
    owners: j.owner ? [{ handle: j.owner.handle }] : [],
    edges: [
      ...j.reads.map((t) => ({ job: j.id, table: t.name, kind: 'READS' })),
      ...j.writes.map((t) => ({ job: j.id, table: t.name, kind: 'WRITES' })),
    ],
  };
}

export function TablePage({ name }: { name: string }) {
  useTitle(name);
  const loc = useLocation();
  const s = readSettings(loc.search);
  const set = (patch: Partial<typeof s>) => navigate(tableHref(name, { ...s, ...patch }), { replace: true });

  const info = useLoad(`table:${name}`, (signal) => table(name, signal));
  const graphKey = `lineage:${name}:${s.direction}:${s.depth}:${s.limit}`;
  const graph = useLoad(graphKey, (signal) => lineage({ table: name, direction: s.direction, depth: s.depth, limit: s.limit }, signal));
  const sub = useMemo(() => (graph.data?.lineage ? subgraphInput(graph.data.lineage) : null), [graph.data]);

  if (info.error && !info.data) {
    const notFound = 'notFound' in info.error && (info.error as { notFound: boolean }).notFound;
    if (notFound)
      return (
        <section className="page">
          <h1>Table {name}</h1>
          <Empty title={`No job reads or writes a table named “${name}”.`}>
            Check the spelling (names are schema-qualified, such as <code>sales.orders</code>), or search for part of the name above.
          </Empty>
        </section>
      );
    return (
      <section className="page">
        <h1>Table {name}</h1>
        <ErrorState error={info.error} what={`table ${name}`} onRetry={info.reload} />
      </section>
    );
  }

  const t = info.data?.table;
  const l = graph.data?.lineage;
  const counts = l ? `${l.tables.length} tables, ${l.jobs.length} jobs${s.owners ? `, ${l.owners.length} owners` : ''}` : '';

  return (
    <section className="page page-table">
      <header className="page-head">
        <div>
          <p className="eyebrow">Table</p>
          <h1 className="mono">{name}</h1>
        </div>
        <div className="actions">
          <Link className="button primary" href={paths.newCampaign(name)}>
            Start a migration campaign
          </Link>
        </div>
      </header>

      <div className="table-layout">
        <div className="graph-panel">
          <form className="graph-controls" onSubmit={(e) => e.preventDefault()} aria-label="Graph settings">
            <fieldset className="segmented">
              <legend className="sr-only">Direction</legend>
              {(['UPSTREAM', 'BOTH', 'DOWNSTREAM'] as Direction[]).map((d) => (
                <label key={d} className={s.direction === d ? 'on' : ''}>
                  <input type="radio" name="direction" value={d} checked={s.direction === d} onChange={() => set({ direction: d })} />
                  {d === 'UPSTREAM' ? '← Upstream' : d === 'DOWNSTREAM' ? 'Downstream →' : 'Both'}
                </label>
              ))}
            </fieldset>
            <label className="depth">
              Depth
              <button type="button" aria-label="Less depth" disabled={s.depth <= 1} onClick={() => set({ depth: s.depth - 1 })}>
                −
              </button>
              <input
                type="number"
                min={1}
                max={MAX_DEPTH}
                value={s.depth}
                aria-label="Depth in table hops"
                onChange={(e) => {
                  const v = parseInt(e.target.value, 10);
                  if (v >= 1 && v <= MAX_DEPTH) set({ depth: v });
                }}
              />
              <button type="button" aria-label="More depth" disabled={s.depth >= MAX_DEPTH} onClick={() => set({ depth: s.depth + 1 })}>
                +
              </button>
            </label>
            <label className="check">
              <input type="checkbox" checked={s.owners} onChange={(e) => set({ owners: e.target.checked })} />
              Owners as nodes
            </label>
            <span className="muted small" aria-live="polite">
              {graph.loading ? 'Loading…' : counts}
            </span>
          </form>

          {l?.truncated && (
            <div className="banner warn" role="status" data-testid="truncated">
              <strong>The graph is cut short.</strong> The walk stopped at {s.limit} tables and jobs, so some lineage beyond the edge is
              not drawn. Lower the depth, pick one direction, or{' '}
              <button type="button" className="link" onClick={() => set({ limit: Math.min(100000, s.limit * 2) })}>
                show up to {Math.min(100000, s.limit * 2)} nodes
              </button>
              .
            </div>
          )}
          {graph.error && <ErrorState error={graph.error} what="the lineage graph" onRetry={graph.reload} />}
          {!graph.error && !l && <Loading what="the lineage graph" />}
          {l && sub && l.edges.length === 0 && (
            <Empty title={`No ${s.direction === 'BOTH' ? '' : s.direction.toLowerCase() + ' '}lineage within ${s.depth} hop${s.depth > 1 ? 's' : ''}.`}>
              {s.direction === 'UPSTREAM'
                ? 'No job writes this table. Try Downstream to see who reads it.'
                : s.direction === 'DOWNSTREAM'
                  ? 'No job reads this table. Try Upstream to see where it comes from.'
                  : 'No job reads or writes this table any more.'}
            </Empty>
          )}
          {l && sub && l.edges.length > 0 && (
            <LineageGraph
              sub={sub}
              start={name}
              showOwners={s.owners}
              expand={expandOne}
              hrefFor={(n) =>
                n.kind === 'TABLE' ? tableHref(n.name, s) : n.kind === 'JOB' ? paths.job(n.name) : paths.owner(n.name)
              }
            />
          )}
        </div>

        <aside className="side" aria-label="Readers, writers and owners">
          {!t && !info.error && <Loading what="readers and writers" />}
          {t && (
            <>
              <section>
                <h2>
                  Written by <span className="count">{t.writers.length}</span>
                </h2>
                <JobList jobs={t.writers} empty="No job writes this table: it is a source." />
              </section>
              <section>
                <h2>
                  Read by <span className="count">{t.readers.length}</span>
                </h2>
                <JobList jobs={t.readers} empty="No job reads this table." />
              </section>
              <section>
                <h2>
                  Owners <span className="count">{t.owners.length}</span>
                </h2>
                <p className="muted small">Owners of the jobs that write it: whom to ask about it.</p>
                {t.owners.length === 0 ? (
                  <p className="muted small">No known owner.</p>
                ) : (
                  <ul className="plain-list">
                    {t.owners.map((o) => (
                      <li key={o.handle}>
                        <OwnerLink handle={o.handle} /> {o.team && <span className="muted small">{o.team}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
