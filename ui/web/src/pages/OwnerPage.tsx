// An owner: who they are and the jobs they own, with what those read and write.
import { JobLink, TableLink } from '../components/Links';
import { Empty, ErrorState, Loading } from '../components/States';
import { useLoad, useTitle } from '../hooks';
import { owner } from '../queries';
import { ApiError } from '../api';

export function OwnerPage({ handle }: { handle: string }) {
  useTitle(`@${handle}`);
  const res = useLoad(`owner:${handle}`, (signal) => owner(handle, signal));
  if (res.error) {
    if (res.error instanceof ApiError && res.error.notFound)
      return (
        <section className="page">
          <h1>@{handle}</h1>
          <Empty title={`No owner has the handle “${handle}”.`}>Handles are lower-case; search for part of it above.</Empty>
        </section>
      );
    return (
      <section className="page">
        <h1>@{handle}</h1>
        <ErrorState error={res.error} what={`owner ${handle}`} onRetry={res.reload} />
      </section>
    );
  }
  const o = res.data?.owner;
  if (!o) return <Loading what={`owner ${handle}`} />;
  return (
    <section className="page">
      <header className="page-head">
        <div>
          <p className="eyebrow">Owner</p>
          <h1>@{o.handle}</h1>
          <dl className="facts">
            <dt>Team</dt>
            <dd>{o.team || '—'}</dd>
            <dt>Email</dt>
            <dd>{o.email ? <a href={`mailto:${o.email}`}>{o.email}</a> : '—'}</dd>
            <dt>Jira user</dt>
            <dd className="mono">{o.jiraUser || '— (tickets will be unassigned)'}</dd>
          </dl>
        </div>
      </header>
      <h2>
        Jobs <span className="count">{o.jobs.length}</span>
      </h2>
      {o.jobs.length === 0 ? (
        <Empty title={`@${o.handle} owns no job.`} />
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Reads</th>
              <th scope="col">Writes</th>
            </tr>
          </thead>
          <tbody>
            {o.jobs.map((j) => (
              <tr key={j.id}>
                <td>
                  <JobLink id={j.id} />
                </td>
                <td>
                  {j.reads.map((t) => (
                    <div key={t.name}>
                      <TableLink name={t.name} />
                    </div>
                  ))}
                </td>
                <td>
                  {j.writes.map((t) => (
                    <div key={t.name}>
                      <TableLink name={t.name} />
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
