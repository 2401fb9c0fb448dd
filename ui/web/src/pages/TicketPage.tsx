// A built-in ticket: what the owner was asked, its comments, and the status
// buttons that stand in for a Jira workflow.
import { useState } from 'react';
import { fmtDate, fmtTime, OwnerLink } from '../components/Links';
import { Empty, ErrorState, InlineError, Loading } from '../components/States';
import { useLoad, useTitle } from '../hooks';
import { setTicketStatus, syncCampaign, ticket, type TicketStatus } from '../queries';
import { Link, paths } from '../router';
import { closedNotice } from './CampaignPage';

const LABEL: Record<TicketStatus, string> = { TODO: 'To do', IN_PROGRESS: 'In progress', DONE: 'Done' };

export function TicketPage({ ticketKey }: { ticketKey: string }) {
  useTitle(ticketKey);
  const res = useLoad(`ticket:${ticketKey}`, (signal) => ticket(ticketKey, signal));
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<TicketStatus | null>(null);
  const [err, setErr] = useState<Error | undefined>();
  const [notice, setNotice] = useState<{ text: string; tone: 'ok' | 'warn' } | null>(null);

  if (res.error) return <ErrorState error={res.error} what={`ticket ${ticketKey}`} onRetry={res.reload} />;
  if (!res.data) return <Loading what={`ticket ${ticketKey}`} />;
  const t = res.data.ticket;
  const c = res.data.campaign;
  if (!t)
    return (
      <section className="page">
        <h1 className="mono">{ticketKey}</h1>
        <Empty title={`No built-in ticket has the key “${ticketKey}”.`}>
          Tickets belong to campaigns: open the <Link href={paths.campaigns()}>campaigns</Link> to find it.
        </Empty>
      </section>
    );

  const move = async (s: TicketStatus) => {
    setBusy(s);
    setErr(undefined);
    setNotice(null);
    try {
      await setTicketStatus(t.key, s, comment.trim() || undefined);
      // Verify now rather than at the next background sync, so the campaign shows the change.
      const synced = await syncCampaign(t.campaignId);
      setComment('');
      // The sync reopens a closed ticket whose owner still reads the
      // table: say so rather than "Moved to Done".
      const target = synced.syncCampaign?.targets.find((x) => x.ticketKey === t.key);
      setNotice(s === 'DONE' ? closedNotice(t.key, target, 'Moved to Done.') : { text: `Moved to ${LABEL[s]}.`, tone: 'ok' });
      res.reload();
    } catch (e) {
      setErr(e as Error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="page page-ticket">
      <header className="page-head">
        <div>
          <p className="eyebrow">
            Built-in ticket <span className={`badge ticket-${t.status.toLowerCase()}`}>{LABEL[t.status]}</span>
          </p>
          <h1>
            <span className="mono">{t.key}</span> {t.summary}
          </h1>
          <dl className="facts">
            <dt>Campaign</dt>
            <dd>{c ? <Link href={paths.campaign(c.id)}>{c.title}</Link> : t.campaignId}</dd>
            <dt>Owner</dt>
            <dd>
              <OwnerLink handle={t.owner} />
            </dd>
            <dt>Assignee</dt>
            <dd>{t.unassigned || !t.assignee ? <span className="muted">unassigned</span> : t.assignee}</dd>
            <dt>Due</dt>
            <dd>{fmtDate(t.due)}</dd>
            <dt>Updated</dt>
            <dd>{fmtTime(t.updatedAt)}</dd>
          </dl>
        </div>
      </header>
      {notice && (
        <p className={`banner ${notice.tone}`} role="status" data-testid="ticket-notice">
          {notice.text}
        </p>
      )}
      <pre className="ticket-body">{t.description}</pre>
      <h2>Comments</h2>
      {t.comments.length === 0 ? (
        <p className="muted">No comments.</p>
      ) : (
        <ol className="events">
          {t.comments.map((cm, i) => (
            <li key={i}>
              <time dateTime={cm.at}>{fmtTime(cm.at)}</time> <strong>{cm.author}</strong>: <span className="pre-wrap">{cm.body}</span>
            </li>
          ))}
        </ol>
      )}
      <h2>Move the ticket</h2>
      <div className="wizard-form">
        <label htmlFor="ticket-comment" className="field-label">
          Comment <span className="muted">(optional)</span>
        </label>
        <textarea id="ticket-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What was done" />
        <div className="actions">
          {(Object.keys(LABEL) as TicketStatus[]).map((s) => (
            <button
              key={s}
              type="button"
              className={s === 'DONE' ? 'primary' : undefined}
              disabled={!!busy || s === t.status}
              onClick={() => move(s)}
            >
              {busy === s ? 'Saving…' : s === 'DONE' ? 'Close ticket (Done)' : `Move to ${LABEL[s]}`}
            </button>
          ))}
        </div>
        <p className="muted small">
          Closing a ticket does not finish the owner’s part on its own: the campaign checks the lineage, and reopens the ticket if a
          job of theirs still reads the table.
        </p>
        <InlineError error={err} />
      </div>
    </section>
  );
}
