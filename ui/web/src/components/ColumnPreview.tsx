// ColumnPreview is the wizard's preview of a column campaign (issue 16): who
// must act (their jobs use the columns, with kind and line), who may use them
// and is asked to check (SELECT * over unknown columns, ambiguous names, no
// column lineage), who is told further down, and how many owners the
// campaign spares compared with the whole table.
import { CHANGE_VERB, KIND_LABEL, ROLE_LABEL, groupByRole, type ColumnImpact, type ImpactRole } from '../columns';
import type { StartCampaignPayload } from '../queries';
import { Link, paths } from '../router';
import { JobLink, OwnerLink } from './Links';
import { TicketPreviews } from './TicketPreviews';
import './columns.css';

const ROLE_CLASS: Record<ImpactRole, string> = { MUST_ACT: 'role-must', MAY_USE: 'role-may', INFORMED: 'role-told' };

function n(k: number, one: string, many = `${one}s`) {
  return `${k} ${k === 1 ? one : many}`;
}

export function ColumnPreview({ p }: { p: StartCampaignPayload }) {
  const c = p.campaign;
  const imp = (p.impact ?? null) as (StartCampaignPayload['impact'] & ColumnImpact) | null;
  const cols = c.columns ?? imp?.columns ?? [];
  const g = groupByRole(imp?.byRole ?? []);
  const spared = imp?.spared ?? [];
  const rows = [...g.MUST_ACT, ...g.MAY_USE, ...g.INFORMED];
  const change = c.change ?? 'DROP';
  return (
    <div className="preview" data-testid="preview">
      <p className="lead" data-testid="column-lead">
        {CHANGE_VERB[change]} <span className="mono">{cols.join(', ')}</span> of <span className="mono">{c.table.name}</span>:{' '}
        <strong>{n(g.MUST_ACT.length, 'owner')}</strong> must act
        {g.MAY_USE.length > 0 && (
          <>
            , <strong>{g.MAY_USE.length}</strong> may use {cols.length === 1 ? 'it' : 'them'} and {g.MAY_USE.length === 1 ? 'is' : 'are'} asked to check
          </>
        )}
        {g.INFORMED.length > 0 && (
          <>
            , <strong>{g.INFORMED.length}</strong> more {g.INFORMED.length === 1 ? 'is' : 'are'} told
          </>
        )}
        . <strong>{n(p.ticketCount, 'ticket')}</strong> will be created in the {c.tracker === 'builtin' ? 'built-in tracker' : 'Jira project'}.
      </p>
      <p className="spared" data-testid="spared">
        {spared.length === 0 ? (
          <>This campaign spares no owner compared with the whole table: every owner whose jobs read {c.table.name} is concerned.</>
        ) : (
          <>
            This campaign spares <strong>{n(spared.length, 'owner')}</strong> (
            {spared.map((o, i) => (
              <span key={o.handle || i}>
                {i > 0 && ', '}
                {o.handle ? <Link href={paths.owner(o.handle)}>{o.handle}</Link> : 'jobs with no owner'}
              </span>
            ))}
            ) compared with the whole table: their jobs read {c.table.name} but not {cols.length === 1 ? 'this column' : 'these columns'}.
          </>
        )}
      </p>
      {imp?.truncated && <div className="banner warn">The impact walk hit its node cap: more owners may be downstream than listed here.</div>}
      {rows.length > 0 && (
        <table className="data" data-testid="preview-columns">
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Role</th>
              <th scope="col">Their jobs and how they use {cols.length === 1 ? 'the column' : 'the columns'}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o, i) => (
              <tr key={o.owner.handle || `none-${i}`} data-owner={o.owner.handle} data-role={o.role}>
                <td>
                  <OwnerLink handle={o.owner.handle} />
                  {!o.owner.handle && <div className="small muted">no ticket: the jobs have no owner</div>}
                </td>
                <td className={ROLE_CLASS[o.role]}>
                  {ROLE_LABEL[o.role]}
                  {o.role === 'INFORMED' && <span className="muted small"> ({n(o.hops, 'hop')} down)</span>}
                </td>
                <td>
                  {o.jobs.map((j) => (
                    <div key={j.job.id} className="small">
                      <JobLink id={j.job.id} />
                      {j.uses.length > 0 && (
                        <ul className="plain-list">
                          {j.uses.map((u, k) => (
                            <li key={k}>
                              <span className="mono">{u.name}</span> · {KIND_LABEL[u.kind] ?? u.kind}
                              {u.line > 0 && <> · line {u.line}</>}
                              {u.unresolved && <span className="muted"> · unresolved</span>}
                            </li>
                          ))}
                        </ul>
                      )}
                      {/* A must-act job's uses say it all; otherwise the reason says why the job is listed. */}
                      {j.reason && (j.role !== 'MUST_ACT' || j.uses.length === 0) && <div className="muted">{j.reason}</div>}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(imp?.derived?.length ?? 0) > 0 && (
        <p className="small muted">
          Columns derived from {cols.length === 1 ? 'it' : 'them'}: <span className="mono">{imp!.derived!.join(', ')}</span>
          {c.reach === 'DIRECT' && ' (their users are told only with the reach “Downstream too”)'}.
        </p>
      )}
      <TicketPreviews p={p} />
    </div>
  );
}
