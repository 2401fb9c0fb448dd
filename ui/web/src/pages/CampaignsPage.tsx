// The campaigns dashboard: every campaign with its progress.
import { useState } from 'react';
import { fmtDate, TableLink } from '../components/Links';
import { ProgressBar } from '../components/ProgressBar';
import { Empty, ErrorState, Loading } from '../components/States';
import { useInterval, useLoad, useTitle } from '../hooks';
import { campaigns, type CampaignState, type CampaignSummary, type Progress } from '../queries';
import { Link, paths } from '../router';

/** doneOf gives a campaign's progress as done of total, leaving out cancelled targets while it runs. */
export function doneOf(p: Progress, state: CampaignState): { done: number; total: number } {
  if (state === 'CANCELLED') return { done: p.complete, total: p.total };
  return { done: p.complete, total: p.total - p.cancelled };
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{state.toLowerCase().replace('_', ' ')}</span>;
}

function overdue(c: CampaignSummary): boolean {
  return c.state === 'ACTIVE' && !!c.deadline && Date.parse(c.deadline) < Date.now();
}

export function CampaignRows({ rows }: { rows: CampaignSummary[] }) {
  return (
    <table className="data campaigns">
      <thead>
        <tr>
          <th scope="col">Campaign</th>
          <th scope="col">Table</th>
          <th scope="col">State</th>
          <th scope="col" className="col-progress">
            Progress
          </th>
          <th scope="col">Deadline</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => {
          const { done, total } = doneOf(c.progress, c.state);
          return (
            <tr key={c.id} data-campaign={c.id}>
              <td>
                <Link href={paths.campaign(c.id)} className="strong">
                  {c.title}
                </Link>
                <div className="muted small">
                  {c.id} · by {c.creator || 'unknown'}
                </div>
              </td>
              <td>
                <TableLink name={c.table.name} />
                {c.replacement && <div className="muted small">→ {c.replacement}</div>}
              </td>
              <td>
                <StateBadge state={c.state} />
              </td>
              <td>
                <ProgressBar done={done} total={total} label={`Progress of ${c.title}`} />
                {c.progress.pending > 0 && <div className="muted small">{c.progress.pending} waiting for a ticket</div>}
              </td>
              <td className={overdue(c) ? 'overdue' : ''}>
                {fmtDate(c.deadline)}
                {overdue(c) && <div className="small">overdue</div>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const FILTERS: { s: CampaignState | null; label: string }[] = [
  { s: null, label: 'All' },
  { s: 'ACTIVE', label: 'Active' },
  { s: 'COMPLETE', label: 'Complete' },
  { s: 'CANCELLED', label: 'Cancelled' },
];

export function CampaignsPage() {
  useTitle('Campaigns');
  const [state, setState] = useState<CampaignState | null>(null);
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after[after.length - 1] ?? null;
  const res = useLoad(`campaigns:${state}:${cursor}`, (signal) => campaigns({ state, first: 25, after: cursor }, signal));
  // Progress moves as owners close tickets: refresh while the tab is open.
  useInterval(res.reload, 15000, !res.error);
  const rows = res.data?.campaigns.nodes;
  return (
    <section className="page">
      <header className="page-head">
        <div>
          <h1>Migration campaigns</h1>
          <p className="muted">One ticket per owner who reads the table, tracked until lineage shows they moved.</p>
        </div>
        <div className="actions">
          <Link className="button primary" href={paths.newCampaign()}>
            Start a campaign
          </Link>
        </div>
      </header>
      <div className="tabs" role="group" aria-label="State">
        {FILTERS.map((f) => (
          <button
            key={f.label}
            type="button"
            aria-pressed={state === f.s}
            className={state === f.s ? 'on' : ''}
            onClick={() => {
              setState(f.s);
              setAfter([]);
            }}
          >
            {f.label}
          </button>
        ))}
      </div>
      {res.error && <ErrorState error={res.error} what="campaigns" onRetry={res.reload} />}
      {!res.error && !rows && <Loading what="campaigns" />}
      {rows && rows.length === 0 && (
        <Empty title={state ? `No ${state.toLowerCase()} campaign.` : 'No campaign yet.'}>
          Open a table and choose “Start a migration campaign”, or <Link href={paths.newCampaign()}>start one here</Link>.
        </Empty>
      )}
      {rows && rows.length > 0 && <CampaignRows rows={rows} />}
      <div className="pager">
        {after.length > 0 && (
          <button type="button" onClick={() => setAfter((a) => a.slice(0, -1))}>
            ← Newer
          </button>
        )}
        {res.data?.campaigns.pageInfo.hasNextPage && (
          <button type="button" onClick={() => setAfter((a) => [...a, res.data!.campaigns.pageInfo.endCursor!])}>
            Older →
          </button>
        )}
      </div>
    </section>
  );
}
