// ColumnsPanel lists a table's columns on its page (issue 16): how many jobs
// use each and how, who writes it, and a link to its lineage. Reads through
// `SELECT *` over unknown columns are listed apart: those jobs may use any
// column.
import { useState } from 'react';
import { KIND_LABEL, STAR, kindsOf, tableColumns, usesByJob, type Column } from '../columns';
import { useLoad } from '../hooks';
import { Link, paths } from '../router';
import { JobLink, OwnerLink } from './Links';
import { Empty, ErrorState, Loading } from './States';
import './columns.css';

type Sort = 'name' | 'use';

/** sortColumns orders columns by name, or by how many jobs use them (most first, then by name). */
export function sortColumns(cols: Column[], by: Sort): Column[] {
  const named = cols.filter((c) => c.name !== STAR);
  return [...named].sort((a, b) => (by === 'use' && a.jobCount !== b.jobCount ? b.jobCount - a.jobCount : a.name.localeCompare(b.name)));
}

function Plural({ n, one, many }: { n: number; one: string; many?: string }) {
  return (
    <>
      {n} {n === 1 ? one : (many ?? `${one}s`)}
    </>
  );
}

export function ColumnsPanel({ table }: { table: string }) {
  const res = useLoad(`columns:${table}`, (signal) => tableColumns(table, signal));
  const [sort, setSort] = useState<Sort>('name');
  const cols = res.data?.table?.columns;

  let body;
  if (res.error && !res.data) {
    // The table page says it when the table is unknown; say nothing twice.
    if ('notFound' in res.error && (res.error as { notFound: boolean }).notFound) return null;
    body = <ErrorState error={res.error} what={`the columns of ${table}`} onRetry={res.reload} />;
  } else if (!cols) {
    body = <Loading what="the columns" />;
  } else {
    const star = cols.find((c) => c.name === STAR);
    const named = sortColumns(cols, sort);
    body = (
      <>
        {named.length === 0 ? (
          <Empty title="No column of this table is known.">
            No job names its columns, and no <code>CREATE TABLE</code>, dbt <code>columns:</code>, OpenLineage schema or schema file
            declares them.
          </Empty>
        ) : (
          <table className="data columns-table" data-testid="columns-table">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col" aria-sort={sort === 'use' ? 'descending' : 'none'}>
                  Jobs using it
                </th>
                <th scope="col">How</th>
                <th scope="col">Written by</th>
              </tr>
            </thead>
            <tbody>
              {named.map((c) => (
                <tr key={c.name} data-column={c.name}>
                  <th scope="row">
                    <Link href={paths.column(table, c.name)} className="name name-column mono" aria-label={`Lineage of column ${c.name}`}>
                      {c.name}
                    </Link>
                    {c.declared && (
                      <span className="badge col-declared" title="Declared by DDL, dbt columns:, an OpenLineage schema or a schema file">
                        declared
                      </span>
                    )}
                  </th>
                  <td className="num" data-testid="job-count">
                    {c.jobCount === 0 ? <span className="muted">unused</span> : <Plural n={c.jobCount} one="job" />}
                  </td>
                  <td className="small">
                    {kindsOf(c)
                      .map((k) => KIND_LABEL[k])
                      .join(', ') || <span className="muted">—</span>}
                    {c.uses.some((u) => u.unresolved) && <span className="muted"> (some unresolved)</span>}
                  </td>
                  <td className="small">
                    {c.writers.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      c.writers.map((w) => (
                        <div key={w}>
                          <JobLink id={w} />
                        </div>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {star && star.jobCount > 0 && (
          <div className="banner warn col-star" data-testid="columns-star">
            <strong>
              <Plural n={star.jobCount} one="job reads" many="jobs read" />
            </strong>{' '}
            this table through <code>SELECT *</code> while its columns are unknown, so {star.jobCount === 1 ? 'it' : 'they'} may use any
            column: a column campaign asks {star.jobCount === 1 ? 'its owner' : 'their owners'} to check.
            <ul className="plain-list">
              {usesByJob(star).map((u) => (
                <li key={u.job}>
                  <JobLink id={u.job} /> <OwnerLink handle={u.owner} />
                  {u.lines.length > 0 && <span className="muted small"> · line {u.lines.join(', ')}</span>}
                </li>
              ))}
            </ul>
          </div>
        )}
      </>
    );
  }

  const named = cols ? cols.filter((c) => c.name !== STAR).length : 0;
  return (
    <section className="columns-panel card" aria-label="Columns" data-testid="columns-panel">
      <div className="columns-head">
        <h2>
          Columns {cols && <span className="count">{named}</span>}
        </h2>
        <p className="muted small">
          Open a column for its lineage: where its data comes from, where it goes, and which jobs use it.
        </p>
        {cols && named > 1 && (
          <label className="small">
            Sort{' '}
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} aria-label="Sort columns">
              <option value="name">by name</option>
              <option value="use">by jobs using it</option>
            </select>
          </label>
        )}
      </div>
      {body}
    </section>
  );
}
