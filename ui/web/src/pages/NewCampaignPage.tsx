// The campaign wizard: details → preview of the impact (a dry run) → launch.
import { useState, type FormEvent } from 'react';
import { ColumnPicker } from '../components/ColumnPicker';
import { ColumnPreview } from '../components/ColumnPreview';
import { JobLink, OwnerLink, TableLink, fmtDate } from '../components/Links';
import { TicketPreviews } from '../components/TicketPreviews';
import { SearchBox } from '../components/SearchBox';
import { Empty, InlineError } from '../components/States';
import { useTitle } from '../hooks';
import {
  PREVIEW_OWNERS,
  previewCampaign,
  previewOwners,
  startCampaign,
  type Reach,
  type StartCampaignInput,
  type StartCampaignPayload,
} from '../queries';
import { ApiError } from '../api';
import { columnTitle, type ColumnChange } from '../columns';
import { navigate, paths } from '../router';

export interface Draft {
  table: string;
  replacement: string;
  title: string;
  message: string;
  /** deadline is a yyyy-mm-dd date, "" for none. */
  deadline: string;
  reach: Reach;
  /** columns scope the campaign to some columns of table (issue 16); none or absent: table-wide. */
  columns?: string[];
  change?: ColumnChange;
}

/** toInput turns the form into the mutation's input; the deadline is the end of that day, local time. */
export function toInput(d: Draft, dryRun: boolean): StartCampaignInput {
  return {
    table: d.table.trim(),
    replacement: d.replacement.trim() || null,
    title: d.title.trim(),
    message: d.message.trim() || null,
    deadline: d.deadline ? new Date(`${d.deadline}T23:59:59`).toISOString() : null,
    reach: d.reach,
    dryRun,
    ...(d.columns?.length ? { columns: d.columns, change: d.change ?? 'DROP' } : {}),
  };
}

/** validate returns the problems with a draft, by field. */
export function validate(d: Draft, today = new Date()): Partial<Record<keyof Draft, string>> {
  const errs: Partial<Record<keyof Draft, string>> = {};
  if (!d.table.trim()) errs.table = 'Pick the table to migrate off.';
  if (!d.title.trim()) errs.title = 'Give the campaign a title; it becomes each ticket’s summary.';
  if (d.replacement.trim() && d.replacement.trim().toLowerCase() === d.table.trim().toLowerCase())
    errs.replacement = 'The replacement must differ from the table.';
  if (d.deadline) {
    const end = new Date(`${d.deadline}T23:59:59`);
    if (Number.isNaN(end.getTime())) errs.deadline = 'Use a date such as 2026-09-30.';
    else if (end.getTime() < today.getTime()) errs.deadline = 'The deadline has passed; pick a later date.';
  }
  return errs;
}

interface PreviewRow {
  owner: string;
  act: boolean;
  hops: number;
  jobs: string[];
  tables: string[];
  /** more counts the owner's jobs the preview did not fetch (a page of each owner's jobs is asked). */
  more: number;
}

/**
 * splitByHop sorts the preview's jobs into those that read the table itself
 * (hop 1: their owners must act) and those further down, shown apart even
 * when their owner must act for another job. The jobs not fetched are
 * counted on the owner's last row: jobs come fewest hops first.
 */
export function splitByHop(p: StartCampaignPayload): { direct: PreviewRow[]; downstream: PreviewRow[] } {
  const direct: PreviewRow[] = [];
  const downstream: PreviewRow[] = [];
  const roles = new Map(p.campaign.targets.map((t) => [t.owner.handle, t]));
  const owners = p.impact?.owners ?? [];
  if (owners.length === 0) {
    // No impact detail: fall back to the targets as they are.
    for (const t of p.campaign.targets) {
      const row = { owner: t.owner.handle, act: t.role === 'ACT', hops: t.hops, jobs: [], tables: [], more: 0 };
      (t.role === 'ACT' ? direct : downstream).push(row);
    }
    return { direct, downstream };
  }
  for (const o of owners) {
    const handle = o.owner.handle;
    if (!handle || !roles.has(handle)) continue; // unowned jobs get no ticket
    const act = roles.get(handle)!.role === 'ACT';
    const near = o.jobs.filter((j) => j.hops <= 1);
    const far = o.jobs.filter((j) => j.hops > 1);
    const more = Math.max(0, o.jobCount - o.jobs.length);
    if (near.length > 0) direct.push({ owner: handle, act, hops: 1, jobs: near.map((j) => j.job.id), tables: [], more: far.length > 0 ? 0 : more });
    if (far.length > 0)
      downstream.push({
        owner: handle,
        act,
        hops: Math.min(...far.map((j) => j.hops)),
        jobs: far.map((j) => j.job.id),
        tables: [...new Set(far.flatMap((j) => j.reads.map((r) => r.name)))].sort(),
        more,
      });
  }
  return { direct, downstream };
}

function MoreJobs({ n }: { n: number }) {
  return n > 0 ? (
    <div className="small muted" data-testid="more-jobs">
      … and {n} more job{n === 1 ? '' : 's'} of theirs
    </div>
  ) : null;
}

interface MoreOwners {
  /** load fetches the next page of owners; loading is set while it runs. */
  load: () => void;
  loading: boolean;
}

function Preview({ p, more }: { p: StartCampaignPayload; more: MoreOwners }) {
  if (p.campaign.columns?.length) return <ColumnPreview p={p} />;
  const c = p.campaign;
  const act = c.targets.filter((t) => t.role === 'ACT');
  const inform = c.targets.filter((t) => t.role === 'INFORM');
  const imp = p.impact;
  const { direct, downstream } = splitByHop(p);
  const shown = imp?.owners?.length ?? imp?.totals.owners ?? 0;
  return (
    <div className="preview" data-testid="preview">
      <p className="lead">
        <strong>{act.length}</strong> owner{act.length === 1 ? '' : 's'} must act
        {inform.length > 0 && (
          <>
            , <strong>{inform.length}</strong> more will be told
          </>
        )}
        {imp && (
          <>
            {' '}
            · {imp.totals.jobs} job{imp.totals.jobs === 1 ? '' : 's'} · {imp.totals.tables} downstream table{imp.totals.tables === 1 ? '' : 's'}
          </>
        )}
        . <strong>{p.ticketCount}</strong> ticket{p.ticketCount === 1 ? '' : 's'} will be created in the {c.tracker === 'builtin' ? 'built-in tracker' : 'Jira project'}.
      </p>
      {imp?.truncated && (
        <div className="banner warn">The impact walk hit its node cap: more owners may be downstream than listed here.</div>
      )}
      <h3>Must act: jobs that read {c.table.name}</h3>
      {direct.length === 0 ? (
        <p className="muted">No job reads {c.table.name} itself.</p>
      ) : (
        <table className="data" data-testid="preview-act">
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Their jobs that read {c.table.name}</th>
            </tr>
          </thead>
          <tbody>
            {direct.map((r) => (
              <tr key={r.owner} data-owner={r.owner}>
                <td>
                  <OwnerLink handle={r.owner} />
                </td>
                <td>
                  {r.jobs.map((j) => (
                    <div key={j}>
                      <JobLink id={j} />
                    </div>
                  ))}
                  <MoreJobs n={r.more} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {downstream.length > 0 && (
        <>
          <h3>Downstream: jobs that read tables built from {c.table.name}</h3>
          <p className="muted small">
            They do not read {c.table.name} and have nothing to change; their owners are told
            {c.reach === 'DIRECT' ? ' only with the reach “Downstream too”' : ' in an informational ticket'}.
          </p>
          <table className="data" data-testid="preview-downstream">
            <thead>
              <tr>
                <th scope="col">Owner</th>
                <th scope="col">Jobs downstream</th>
                <th scope="col">Tables they read</th>
              </tr>
            </thead>
            <tbody>
              {downstream.map((r) => (
                <tr key={r.owner} data-owner={r.owner}>
                  <td>
                    <OwnerLink handle={r.owner} />
                    <div className="small muted">{r.act ? 'also must act (above)' : `told (${r.hops} hops down)`}</div>
                  </td>
                  <td>
                    {r.jobs.map((j) => (
                      <div key={j}>
                        <JobLink id={j} />
                      </div>
                    ))}
                    <MoreJobs n={r.more} />
                  </td>
                  <td>
                    {r.tables.map((n) => (
                      <div key={n}>
                        <TableLink name={n} />
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {imp && shown < imp.totals.owners && (
        <p className="more-owners" data-testid="more-owners">
          <span className="muted small">
            Showing {shown} of {imp.totals.owners} owners, nearest first.{' '}
          </span>
          <button type="button" onClick={more.load} disabled={more.loading}>
            {more.loading ? 'Loading…' : `Show ${Math.min(PREVIEW_OWNERS, imp.totals.owners - shown)} more owners`}
          </button>
        </p>
      )}
      <TicketPreviews p={p} />
    </div>
  );
}

export function NewCampaignPage({ table, columns }: { table: string; columns?: string[] }) {
  useTitle('Start a campaign');
  const [d, setD] = useState<Draft>({
    table,
    replacement: '',
    title: columnTitle(table, columns ?? [], 'DROP'),
    message: '',
    deadline: '',
    reach: 'DIRECT',
    columns: columns ?? [],
    change: 'DROP',
  });
  const [titleTouched, setTitleTouched] = useState(false);
  const [step, setStep] = useState<'edit' | 'preview'>('edit');
  const [shown, setShown] = useState<Partial<Record<keyof Draft, string>>>({});
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<Error | undefined>();
  const [preview, setPreview] = useState<StartCampaignPayload | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const update = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const setTable = (t: string) => update({ table: t, columns: [], ...(titleTouched ? {} : { title: t ? `Migrate off ${t}` : '' }) });
  const setColumns = (cols: string[], change: ColumnChange) =>
    update({ columns: cols, change, ...(titleTouched ? {} : { title: columnTitle(d.table.trim(), cols, change) }) });

  const doPreview = async (e: FormEvent) => {
    e.preventDefault();
    const errs = validate(d);
    setShown(errs);
    if (Object.keys(errs).length) {
      document.getElementById(`f-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setErr(undefined);
    try {
      const r = await previewCampaign(toInput(d, true));
      if (!r.campaignPreview) throw new ApiError('The server returned no preview.', 'http', 200);
      setPreview(r.campaignPreview);
      setStep('preview');
    } catch (e) {
      const ae = e as ApiError;
      if (ae.field) {
        const f = ae.field.replace(/^input\./, '') as keyof Draft;
        setShown({ [f]: ae.message });
      }
      setErr(ae);
    } finally {
      setBusy(false);
    }
  };

  // The next page of a table-wide preview's owners, asked with the same
  // input as the preview (a dry run is the same answer each time).
  const loadMore = async () => {
    if (!preview?.impact?.owners) return;
    const have = preview.impact.owners;
    setLoadingMore(true);
    setErr(undefined);
    try {
      const r = await previewOwners(toInput(d, true), have.length);
      const page = r.campaignPreview?.impact?.owners ?? [];
      setPreview((p) => (p && p.impact ? { ...p, impact: { ...p.impact, owners: [...have, ...page] } } : p));
    } catch (e) {
      setErr(e as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  const launch = async () => {
    setBusy(true);
    setErr(undefined);
    try {
      const r = await startCampaign(toInput(d, false));
      const c = r.startCampaign?.campaign;
      if (!c) throw new ApiError('The server did not return the campaign.', 'http', 200);
      navigate(paths.campaign(c.id));
    } catch (e) {
      setErr(e as Error);
      setBusy(false);
    }
  };

  const fieldErr = (k: keyof Draft) =>
    shown[k] ? (
      <p className="field-error" id={`e-${k}`}>
        {shown[k]}
      </p>
    ) : null;
  const describedBy = (k: keyof Draft) => (shown[k] ? `e-${k}` : undefined);

  return (
    <section className="page page-wizard">
      <h1>Start a migration campaign</h1>
      <ol className="steps" aria-label="Steps">
        <li className={step === 'edit' ? 'current' : 'done'} aria-current={step === 'edit' ? 'step' : undefined}>
          1. What and why
        </li>
        <li className={step === 'preview' ? 'current' : ''} aria-current={step === 'preview' ? 'step' : undefined}>
          2. Preview the impact
        </li>
        <li>3. Launch</li>
      </ol>

      {step === 'edit' && (
        <form className="wizard-form" onSubmit={doPreview} noValidate>
          <div className="field">
            <label htmlFor="f-table">Table to migrate off</label>
            <SearchBox
              inputId="f-table"
              label="Table to migrate off"
              kinds={['TABLE']}
              value={d.table}
              onChange={setTable}
              onPick={(h) => setTable(h.name)}
              placeholder="sales.orders"
              showAll={false}
              autoFocus={!table}
            />
            {fieldErr('table')}
          </div>
          <ColumnPicker table={d.table} columns={d.columns ?? []} change={d.change ?? 'DROP'} onChange={setColumns} />
          <div className="field">
            <label htmlFor="f-replacement">
              Replacement <span className="muted">(optional)</span>
            </label>
            <input
              id="f-replacement"
              value={d.replacement}
              onChange={(e) => update({ replacement: e.target.value })}
              placeholder="sales.orders_v2"
              aria-describedby={describedBy('replacement')}
              spellCheck={false}
            />
            {fieldErr('replacement')}
          </div>
          <div className="field">
            <label htmlFor="f-title">Title</label>
            <input
              id="f-title"
              value={d.title}
              onChange={(e) => {
                setTitleTouched(true);
                update({ title: e.target.value });
              }}
              aria-describedby={describedBy('title')}
              required
            />
            {fieldErr('title')}
          </div>
          <div className="field">
            <label htmlFor="f-message">Message to the owners</label>
            <textarea
              id="f-message"
              rows={4}
              value={d.message}
              onChange={(e) => update({ message: e.target.value })}
              placeholder="What changes, why, and what to do: e.g. read sales.orders_v2 instead; columns are the same."
            />
          </div>
          <div className="field">
            <label htmlFor="f-deadline">
              Deadline <span className="muted">(optional)</span>
            </label>
            <input
              id="f-deadline"
              type="date"
              value={d.deadline}
              onChange={(e) => update({ deadline: e.target.value })}
              aria-describedby={describedBy('deadline')}
            />
            {fieldErr('deadline')}
          </div>
          <fieldset className="field">
            <legend>Reach</legend>
            <label className="radio">
              <input type="radio" name="reach" value="DIRECT" checked={d.reach === 'DIRECT'} onChange={() => update({ reach: 'DIRECT' })} />
              <span>
                <strong>Direct readers</strong> — owners whose jobs read the table get a ticket to act.
              </span>
            </label>
            <label className="radio">
              <input
                type="radio"
                name="reach"
                value="TRANSITIVE"
                checked={d.reach === 'TRANSITIVE'}
                onChange={() => update({ reach: 'TRANSITIVE' })}
              />
              <span>
                <strong>Downstream too</strong> — owners further downstream also get a ticket telling them (no action asked).
              </span>
            </label>
          </fieldset>
          <InlineError error={err} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Working out the impact…' : 'Preview impact'}
            </button>
            <span className="muted small">Nothing is stored and no ticket is created until you launch.</span>
          </div>
        </form>
      )}

      {step === 'preview' && preview && (
        <div>
          <p>
            Campaign <strong>{d.title}</strong> on <TableLink name={d.table} />
            {d.replacement && <> → {d.replacement}</>}
            {d.deadline && <>, due {fmtDate(toInput(d, true).deadline)}</>}.
          </p>
          {preview.campaign.targets.length === 0 && !preview.campaign.columns?.length ? (
            <Empty title="No owner reads this table.">A campaign would have nobody to ask. Go back and pick another table.</Empty>
          ) : (
            <Preview p={preview} more={{ load: loadMore, loading: loadingMore }} />
          )}
          <InlineError error={err} />
          <div className="actions">
            <button type="button" onClick={() => setStep('edit')} disabled={busy}>
              ← Back to edit
            </button>
            <button type="button" className="primary" onClick={launch} disabled={busy || preview.campaign.targets.length === 0}>
              {busy ? 'Launching…' : `Launch campaign (${preview.ticketCount} ticket${preview.ticketCount === 1 ? '' : 's'})`}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
