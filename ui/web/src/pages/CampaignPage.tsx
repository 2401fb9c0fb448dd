// One campaign: each owner's target with its ticket, status and
// verification, the burndown, the event log, and the actions.
import { useEffect, useState, type FormEvent } from 'react';
import { Burndown } from '../components/Burndown';
import { CampaignColumns } from '../components/CampaignColumns';
import { fmtDate, fmtTime, JobLink, OwnerLink, TableLink } from '../components/Links';
import { ProgressBar } from '../components/ProgressBar';
import { Empty, ErrorState, InlineError, Loading } from '../components/States';
import { useInterval, useLoad, useTitle } from '../hooks';
import {
  campaign as loadCampaign,
  cancelCampaign,
  remindCampaign,
  setTicketStatus,
  syncCampaign,
  type CampaignDetail,
  type Target,
  type TicketStatus,
} from '../queries';
import { ApiError } from '../api';
import { doneOf, StateBadge } from './CampaignsPage';
import { Link, paths } from '../router';

const STATUS_LABEL: Record<TicketStatus, string> = { TODO: 'To do', IN_PROGRESS: 'In progress', DONE: 'Done' };

const VERIFY: Record<Target['verification'], { label: string; cls: string }> = {
  UNVERIFIED: { label: 'not checked yet', cls: 'neutral' },
  STILL_READING: { label: 'still reads the table', cls: 'bad' },
  VERIFIED: { label: 'verified: no longer reads it', cls: 'good' },
};

function TicketCell({ t, builtin, onStatus, busy }: { t: Target; builtin: boolean; onStatus: (s: TicketStatus) => void; busy: boolean }) {
  if (!t.ticketKey) {
    return (
      <span className="muted small">
        {t.state === 'PENDING' ? (t.lastError ? 'not created yet (retrying)' : 'being created…') : 'none'}
      </span>
    );
  }
  const key = builtin ? (
    <Link href={paths.ticket(t.ticketKey)} className="mono" title="Open the built-in ticket">
      {t.ticketKey}
    </Link>
  ) : t.ticketUrl ? (
    <a href={t.ticketUrl} className="mono" target="_blank" rel="noopener noreferrer" title="Open in Jira">
      {t.ticketKey}
    </a>
  ) : (
    <span className="mono">{t.ticketKey}</span>
  );
  return (
    <div className="ticket">
      {key}{' '}
      {builtin ? (
        <label className="ticket-status">
          <span className="sr-only">Status of ticket {t.ticketKey}</span>
          <select
            value={t.ticketStatus ?? 'TODO'}
            disabled={busy || t.state === 'CANCELLED'}
            onChange={(e) => onStatus(e.target.value as TicketStatus)}
            data-ticket={t.ticketKey}
          >
            {(Object.keys(STATUS_LABEL) as TicketStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      ) : (
        t.ticketStatus && <span className={`badge ticket-${t.ticketStatus.toLowerCase()}`}>{STATUS_LABEL[t.ticketStatus]}</span>
      )}
      {t.unassigned && <div className="muted small">unassigned: no tracker user for @{t.owner.handle}</div>}
    </div>
  );
}

/**
 * Verification says where a target stands against the lineage. An informed
 * (FYI) owner's jobs never read the table, so "no longer reads it" would be
 * untrue: it says what they are told and how their part closes instead.
 */
function Verification({ t, table }: { t: Target; table: string }) {
  if (t.role === 'INFORM' && t.verification !== 'STILL_READING') {
    return (
      <div data-testid="verify-fyi">
        <span className="verify verify-neutral">FYI only: nothing to change</span>
        <div className="small muted">
          Their jobs read tables built from {table}, not {table} itself. Their part is complete when they close the ticket, or
          on its own once every owner who must act has moved off {table} (the informational ticket is then closed for them).
        </div>
      </div>
    );
  }
  return (
    <>
      <span className={`verify verify-${VERIFY[t.verification].cls}`}>{VERIFY[t.verification].label}</span>
      {t.detail && t.verification === 'STILL_READING' && <div className="small muted">{t.detail}</div>}
    </>
  );
}

/** readsText says what a must-act owner's jobs read: the table, and apart what lies downstream of it. */
/** listText joins the first names of a list of count, saying how many more there are. */
function listText(names: string[], count: number): string {
  const more = count - names.length;
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
}

/** readsText says what a target's jobs read: t.tables is the first page of t.tableCount tables. */
function readsText(t: Target, table: string): string {
  const reads = t.tables.includes(table) || (t.role === 'ACT' && t.hops === 1);
  const down = t.tables.filter((n) => n !== table);
  const downCount = t.tableCount - (reads ? 1 : 0);
  const own = reads ? `reads ${table}` : '';
  if (downCount <= 0) return own;
  return `${own ? own + '; ' : ''}downstream of it: ${listText(down, downCount)}`;
}

/** closedNotice says what happened to a ticket just closed: the sync reopens it when a job still reads the table. */
export function closedNotice(key: string, t: Target | undefined, okText: string): { text: string; tone: 'ok' | 'warn' } {
  if (t && t.verification === 'STILL_READING' && t.state !== 'COMPLETE') {
    const why = t.detail.replace(/\.$/, '');
    const reason = why.charAt(0).toLowerCase() + why.slice(1);
    if (t.ticketStatus !== 'DONE') return { text: `Reopened: ${reason}.`, tone: 'warn' };
    return { text: `${key} is closed, but the campaign is not done for @${t.owner.handle}: ${reason}.`, tone: 'warn' };
  }
  return { text: okText, tone: 'ok' };
}

function CancelDialog({ onDone }: { onDone: (reason: string | null) => void }) {
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim()) onDone(reason.trim());
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onDone(null)}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="cancel-title" onKeyDown={(e) => e.key === 'Escape' && onDone(null)}>
        <form onSubmit={submit}>
          <h2 id="cancel-title">Cancel this campaign?</h2>
          <p>Every open ticket is closed with your reason as a comment. This cannot be undone.</p>
          <label htmlFor="cancel-reason">Reason</label>
          <textarea id="cancel-reason" autoFocus rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required />
          <div className="actions">
            <button type="submit" className="danger" disabled={!reason.trim()}>
              Cancel campaign
            </button>
            <button type="button" onClick={() => onDone(null)}>
              Keep it
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

export function CampaignPage({ id }: { id: string }) {
  const res = useLoad(`campaign:${id}`, (signal) => loadCampaign(id, signal));
  const [c, setC] = useState<CampaignDetail | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionErr, setActionErr] = useState<Error | undefined>();
  const [notice, setNotice] = useState<{ text: string; tone: 'ok' | 'warn' } | null>(null);
  const [cancelling, setCancelling] = useState(false);
  useEffect(() => {
    if (res.data?.campaign) setC(res.data.campaign);
  }, [res.data]);
  useTitle(c?.title ?? `Campaign ${id}`);
  useInterval(res.reload, 10000, !!c && c.state === 'ACTIVE' && !busy);

  if (res.error && !c) {
    if (res.error instanceof ApiError && res.error.notFound)
      return (
        <section className="page">
          <h1>Campaign {id}</h1>
          <Empty title={`No campaign has the id “${id}”.`}>See all campaigns on the Campaigns page.</Empty>
        </section>
      );
    return (
      <section className="page">
        <h1>Campaign {id}</h1>
        <ErrorState error={res.error} what={`campaign ${id}`} onRetry={res.reload} />
      </section>
    );
  }
  if (!c) return <Loading what={`campaign ${id}`} />;

  const run = async (
    name: string,
    fn: () => Promise<CampaignDetail | null | undefined>,
    done: string | ((c: CampaignDetail | null | undefined) => { text: string; tone: 'ok' | 'warn' }),
  ) => {
    setBusy(name);
    setActionErr(undefined);
    setNotice(null);
    try {
      const updated = await fn();
      if (updated) setC(updated);
      else res.reload();
      setNotice(typeof done === 'string' ? { text: done, tone: 'ok' } : done(updated));
    } catch (e) {
      setActionErr(e as Error);
    } finally {
      setBusy(null);
    }
  };
  const builtin = c.tracker === 'builtin';
  const onStatus = (t: Target) => (s: TicketStatus) =>
    run(
      `ticket:${t.ticketKey}`,
      async () => {
        await setTicketStatus(t.ticketKey, s, `Set to ${STATUS_LABEL[s]} from the lineage UI.`);
        // The server verifies lineage on sync; do it now so the target moves at once.
        return (await syncCampaign(c.id)).syncCampaign;
      },
      (u) =>
        s === 'DONE'
          ? closedNotice(t.ticketKey, u?.targets.find((x) => x.ticketKey === t.ticketKey), `Ticket ${t.ticketKey} set to Done.`)
          : { text: `Ticket ${t.ticketKey} set to ${STATUS_LABEL[s]}.`, tone: 'ok' },
    );
  const { done, total } = doneOf(c.progress, c.state);
  const active = c.state === 'ACTIVE';
  const targets = [...c.targets].sort((a, b) => (a.role === b.role ? a.owner.handle.localeCompare(b.owner.handle) : a.role === 'ACT' ? -1 : 1));

  return (
    <section className="page page-campaign">
      <header className="page-head">
        <div>
          <p className="eyebrow">
            Campaign {c.id} <StateBadge state={c.state} />
          </p>
          <h1>{c.title}</h1>
          <dl className="facts">
            <dt>Table</dt>
            <dd>
              <TableLink name={c.table.name} />
              {c.replacement && (
                <>
                  {' '}
                  → <span className="mono">{c.replacement}</span>
                </>
              )}
            </dd>
            <CampaignColumns c={c} />
            <dt>Deadline</dt>
            <dd>{fmtDate(c.deadline)}</dd>
            <dt>Reach</dt>
            <dd>{c.reach === 'DIRECT' ? 'direct readers' : 'direct readers, and owners downstream told'}</dd>
            <dt>Started</dt>
            <dd>
              {fmtTime(c.createdAt)} by {c.creator || 'unknown'}
            </dd>
            <dt>Tickets</dt>
            <dd>{builtin ? 'built-in tracker' : 'Jira'}</dd>
            {c.completedAt && (
              <>
                <dt>{c.state === 'CANCELLED' ? 'Cancelled' : 'Completed'}</dt>
                <dd>{fmtTime(c.completedAt)}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="actions">
          <button type="button" onClick={() => run('sync', async () => (await syncCampaign(c.id)).syncCampaign, 'Synced: tickets and lineage checked.')} disabled={!!busy || !active}>
            {busy === 'sync' ? 'Syncing…' : 'Sync now'}
          </button>
          <button
            type="button"
            onClick={() => run('remind', async () => (await remindCampaign(c.id)).remindCampaign, 'Reminders sent to the owners of open targets.')}
            disabled={!!busy || !active || c.progress.open === 0}
          >
            {busy === 'remind' ? 'Reminding…' : 'Remind owners'}
          </button>
          <button type="button" className="danger" onClick={() => setCancelling(true)} disabled={!!busy || !active}>
            Cancel campaign
          </button>
        </div>
      </header>
      {notice && (
        <p className={`banner ${notice.tone}`} role="status">
          {notice.text}
        </p>
      )}
      <InlineError error={actionErr} />
      {c.message && <blockquote className="message">{c.message}</blockquote>}

      <div className="campaign-top">
        <section className="card">
          <h2>Progress</h2>
          <ProgressBar done={done} total={total} label="Campaign progress" />
          <p className="small muted" data-testid="progress-text">
            {c.progress.complete} complete · {c.progress.open} open · {c.progress.pending} pending
            {c.progress.cancelled > 0 && ` · ${c.progress.cancelled} cancelled`}
          </p>
        </section>
        <section className="card">
          <h2>Burndown</h2>
          <Burndown createdAt={c.createdAt} deadline={c.deadline} events={c.events} targets={c.targets.map((t) => ({ owner: t.owner.handle, state: t.state }))} />
        </section>
      </div>

      <h2>
        Owners <span className="count">{c.targets.length}</span>
      </h2>
      {c.targets.length === 0 ? (
        <Empty title="No owner reads this table.">Nobody needs to act; the campaign completes on its own.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="data targets">
            <thead>
              <tr>
                <th scope="col">Owner</th>
                <th scope="col">Jobs concerned</th>
                <th scope="col">Ticket</th>
                <th scope="col">Status</th>
                <th scope="col">Verification</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((t) => (
                <tr key={t.owner.handle} data-owner={t.owner.handle} className={`target-${t.state.toLowerCase()}`}>
                  <td>
                    <OwnerLink handle={t.owner.handle} />
                    <div className="small muted">
                      {t.role === 'ACT' ? 'must act' : `told only (${t.hops} hops down)`}
                    </div>
                  </td>
                  <td>
                    <ul className="plain-list small">
                      {t.jobs.map((j) => (
                        <li key={j}>
                          <JobLink id={j} />
                        </li>
                      ))}
                    </ul>
                    {t.jobCount > t.jobs.length && (
                      <div className="small muted" data-testid="more-target-jobs">
                        … and {t.jobCount - t.jobs.length} more jobs of <OwnerLink handle={t.owner.handle} />
                      </div>
                    )}
                    {t.tables.length > 0 && (
                      <div className="small muted">
                        {t.role === 'INFORM'
                          ? `read ${listText(t.tables, t.tableCount)}, built from ${c.table.name}`
                          : t.verification === 'VERIFIED'
                            ? `read ${c.table.name} when the campaign started`
                            : readsText(t, c.table.name)}
                      </div>
                    )}
                  </td>
                  <td>
                    <TicketCell t={t} builtin={builtin} onStatus={onStatus(t)} busy={!!busy} />
                  </td>
                  <td>
                    <StateBadge state={t.state} />
                    {t.lastError && (
                      <div className="small error-text" title={`${t.attempts} attempt(s)`}>
                        {t.lastError} ({t.attempts} attempt{t.attempts === 1 ? '' : 's'}; retrying)
                      </div>
                    )}
                    {t.remindedAt && <div className="small muted">reminded {fmtTime(t.remindedAt)}</div>}
                  </td>
                  <td>
                    <Verification t={t} table={c.table.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Event log</h2>
      {c.events.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <ol className="events" reversed>
          {[...c.events].reverse().map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{fmtTime(e.at)}</time> <span className="event-kind">{e.kind.replace(/_/g, ' ')}</span>{' '}
              {e.owner && <OwnerLink handle={e.owner} />} <span>{e.message}</span> <span className="muted small">by {e.actor}</span>
            </li>
          ))}
        </ol>
      )}
      {cancelling && (
        <CancelDialog
          onDone={(reason) => {
            setCancelling(false);
            if (reason) run('cancel', async () => (await cancelCampaign(c.id, reason)).cancelCampaign, 'Campaign cancelled; its tickets are closed.');
          }}
        />
      )}
    </section>
  );
}
