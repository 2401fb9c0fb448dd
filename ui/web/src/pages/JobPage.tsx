// A job: its script with the lines that read and write highlighted, its
// owner and its tables.
import { OwnerLink, TableLink } from '../components/Links';
import { ScriptView } from '../components/ScriptView';
import { Empty, ErrorState, Loading } from '../components/States';
import { useLoad, useTitle } from '../hooks';
import { job, parse } from '../queries';
import { ApiError } from '../api';

export function JobPage({ id }: { id: string }) {
  useTitle(id);
  const res = useLoad(`job:${id}`, (signal) => job(id, signal));
  const j = res.data?.job;
  const script = j?.script || null;
  const parsed = useLoad(script ? `parse:${id}:${j?.hash}` : null, (signal) => parse(script!, j?.dialect ?? null, signal));
  // The stored script keeps its template variables (${ds}); the parser,
  // given no values here, warns about each. That is expected, not news.
  const warnings = parsed.data?.parse.warnings.filter((w) => !/^unknown template variable/.test(w.message)) ?? [];
  const templated = (parsed.data?.parse.warnings.length ?? 0) > warnings.length;

  if (res.error) {
    if (res.error instanceof ApiError && res.error.notFound)
      return (
        <section className="page">
          <h1 className="mono">{id}</h1>
          <Empty title={`No job has the id “${id}”.`}>Jobs are named by source and path; search for part of the file name above.</Empty>
        </section>
      );
    return (
      <section className="page">
        <h1 className="mono">{id}</h1>
        <ErrorState error={res.error} what={`job ${id}`} onRetry={res.reload} />
      </section>
    );
  }
  if (!j) return <Loading what={`job ${id}`} />;

  return (
    <section className="page page-job">
      <header className="page-head">
        <div>
          <p className="eyebrow">Job</p>
          <h1 className="mono">{j.id}</h1>
          <dl className="facts">
            <dt>Owner</dt>
            <dd>
              <OwnerLink handle={j.owner?.handle} />
              {j.owner?.team && <span className="muted small"> · {j.owner.team}</span>}
            </dd>
            <dt>Source</dt>
            <dd className="mono">{j.source || '—'}</dd>
            <dt>Path</dt>
            <dd className="mono">{j.path || '—'}</dd>
            <dt>Dialect</dt>
            <dd>{j.dialect || 'default'}</dd>
          </dl>
        </div>
      </header>
      <div className="job-layout">
        <div className="job-script">
          <h2>Script</h2>
          {script === null && (
            <Empty title="No script text is stored for this job.">
              Jobs known from OpenLineage events without SQL have none, and jobs stored before the server kept scripts get theirs at
              the next <code>lineage ingest</code>. The tables this job reads and writes are listed beside; the script itself is in{' '}
              <span className="mono">{j.path || j.id}</span> in source <span className="mono">{j.source}</span>.
            </Empty>
          )}
          {script !== null && parsed.error && (
            <>
              <p className="inline-error">Could not mark the lines that read and write: {parsed.error.message}</p>
              <ScriptView script={script} statements={[]} />
            </>
          )}
          {script !== null && !parsed.error && !parsed.data && <Loading what="the parsed script" />}
          {script !== null && parsed.data && (
            <>
              <p className="legend-inline small">
                <span className="tag tag-read">reads</span> lines that read a table, <span className="tag tag-write">writes</span> lines
                that write one.
                {templated && ' Template variables such as ${ds} are shown as written.'}
                {warnings.length > 0 && ` ${warnings.length} parser warning(s) below.`}
              </p>
              <ScriptView script={script} statements={parsed.data.parse.statements} />
              {warnings.length > 0 && (
                <ul className="warnings small">
                  {warnings.map((w, i) => (
                    <li key={i}>
                      line {w.line}:{w.column}: {w.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
        <aside className="side">
          <section>
            <h2>
              Reads <span className="count">{j.reads.length}</span>
            </h2>
            {j.reads.length === 0 ? (
              <p className="muted small">Reads no table.</p>
            ) : (
              <ul className="plain-list">
                {j.reads.map((t) => (
                  <li key={t.name}>
                    <TableLink name={t.name} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section>
            <h2>
              Writes <span className="count">{j.writes.length}</span>
            </h2>
            {j.writes.length === 0 ? (
              <p className="muted small">Writes no table.</p>
            ) : (
              <ul className="plain-list">
                {j.writes.map((t) => (
                  <li key={t.name}>
                    <TableLink name={t.name} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </section>
  );
}

