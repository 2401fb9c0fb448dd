// The campaign wizard: details → preview of the impact (a dry run) → launch.
import { useState, type FormEvent } from 'react';
import { JobLink, OwnerLink, TableLink, fmtDate } from '../components/Links';
import { SearchBox } from '../components/SearchBox';
import { Empty, InlineError } from '../components/States';
import { useTitle } from '../hooks';
import { previewCampaign, startCampaign, type Reach, type StartCampaignInput, type StartCampaignPayload } from '../queries';
import { ApiError } from '../api';
import { navigate, paths } from '../router';

export interface Draft {
  table: string;
  replacement: string;
  title: string;
  message: string;
  /** deadline is a yyyy-mm-dd date, "" for none. */
  deadline: string;
  reach: Reach;
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
}

/**
 * splitByHop sorts the preview's jobs into those that read the table itself
 * (hop 1: their owners must act) and those further down, shown apart even
 * when their owner must act for another job.
 */
export function splitByHop(p: StartCampaignPayload): { direct: PreviewRow[]; downstream: PreviewRow[] } {
  const direct: PreviewRow[] = [];
  const downstream: PreviewRow[] = [];
  const roles = new Map(p.campaign.targets.map((t) => [t.owner.handle, t]));
  const owners = p.impact?.owners ?? [];
  if (owners.length === 0) {
    // No impact detail: fall back to the targets as they are.
    for (const t of p.campaign.targets) {
      const row = { owner: t.owner.handle, act: t.role === 'ACT', hops: t.hops, jobs: t.jobs, tables: t.tables };
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
    if (near.length > 0) direct.push({ owner: handle, act, hops: 1, jobs: near.map((j) => j.job.id), tables: [] });
    if (far.length > 0)
      downstream.push({
        owner: handle,
        act,
        hops: Math.min(...far.map((j) => j.hops)),
        jobs: far.map((j) => j.job.id),
        tables: [...new Set(far.flatMap((j) => j.reads.map((r) => r.name)))].sort(),
      });
  }
  return { direct, downstream };
}

function Preview({ p }: { p: StartCampaignPayload }) {
  const c = p.campaign;
  const act = c.targets.filter((t) => t.role === 'ACT');
  const inform = c.targets.filter((t) => t.role === 'INFORM');
  const imp = p.impact;
  const { direct, downstream } = splitByHop(p);
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
        . <strong>{p.tickets.length}</strong> ticket{p.tickets.length === 1 ? '' : 's'} will be created in the {c.tracker === 'builtin' ? 'built-in tracker' : 'Jira project'}.
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
      <h3>Tickets that will be created</h3>
      <ul className="ticket-previews">
        {p.tickets.map((t) => (
          <li key={t.owner.handle}>
            <details>
              <summary>
                <strong>{t.summary}</strong> → @{t.owner.handle}
                {t.due && <span className="muted small"> · due {fmtDate(t.due)}</span>}
              </summary>
              <pre className="ticket-body">{t.description}</pre>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function NewCampaignPage({ table }: { table: string }) {
  useTitle('Start a campaign');
  const [d, setD] = useState<Draft>({
    table,
    replacement: '',
    title: table ? `Migrate off ${table}` : '',
    message: '',
    deadline: '',
    reach: 'DIRECT',
  });
  const [titleTouched, setTitleTouched] = useState(false);
  const [step, setStep] = useState<'edit' | 'preview'>('edit');
  const [shown, setShown] = useState<Partial<Record<keyof Draft, string>>>({});
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<Error | undefined>();
  const [preview, setPreview] = useState<StartCampaignPayload | null>(null);

  const update = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const setTable = (t: string) => update({ table: t, ...(titleTouched ? {} : { title: t ? `Migrate off ${t}` : '' }) });

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
          {preview.campaign.targets.length === 0 ? (
            <Empty title="No owner reads this table.">A campaign would have nobody to ask. Go back and pick another table.</Empty>
          ) : (
            <Preview p={preview} />
          )}
          <InlineError error={err} />
          <div className="actions">
            <button type="button" onClick={() => setStep('edit')} disabled={busy}>
              ← Back to edit
            </button>
            <button type="button" className="primary" onClick={launch} disabled={busy || preview.campaign.targets.length === 0}>
              {busy ? 'Launching…' : `Launch campaign (${preview.tickets.length} ticket${preview.tickets.length === 1 ? '' : 's'})`}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
