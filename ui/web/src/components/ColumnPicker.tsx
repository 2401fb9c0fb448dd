// ColumnPicker is the wizard's column choice (issue 16): tick columns of the
// table to scope the campaign to them (only owners whose jobs use them get a
// ticket), or tick none for a table-wide campaign; and say what happens to
// them (drop, rename, retype).
import { STAR, tableColumns, type ColumnChange } from '../columns';
import { useDebounced, useLoad } from '../hooks';
import './columns.css';

const CHANGES: { value: ColumnChange; label: string; help: string }[] = [
  { value: 'DROP', label: 'Drop', help: 'the columns go away' },
  { value: 'RENAME', label: 'Rename', help: 'the columns get new names' },
  { value: 'RETYPE', label: 'Retype', help: 'the columns change type' },
];

export function ColumnPicker({
  table,
  columns,
  change,
  onChange,
}: {
  table: string;
  columns: string[];
  change: ColumnChange;
  onChange: (columns: string[], change: ColumnChange) => void;
}) {
  const t = useDebounced(table.trim(), 250);
  const res = useLoad(t ? `columns:${t}` : null, (signal) => tableColumns(t, signal));
  const known = (res.data?.table?.columns ?? []).filter((c) => c.name !== STAR);
  const counts = new Map(known.map((c) => [c.name, c.jobCount]));
  // Columns named in the URL but unknown to the graph stay listed, ticked, so nothing is picked silently.
  const names = [...known.map((c) => c.name), ...columns.filter((c) => !counts.has(c))];
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...columns, name].filter((c, i, a) => a.indexOf(c) === i) : columns.filter((c) => c !== name), change);

  let list;
  if (!t) list = <p className="muted small">Pick a table first.</p>;
  else if (res.loading && !res.data) list = <p className="muted small">Loading the columns of {t}…</p>;
  else if (res.error && !res.data)
    list = (
      <p className="muted small" data-testid="picker-error">
        {'notFound' in res.error && (res.error as { notFound: boolean }).notFound
          ? `No table named ${t} is known, so it has no columns to pick.`
          : `Could not load the columns of ${t}: ${res.error.message}`}
      </p>
    );
  else if (names.length === 0) list = <p className="muted small">No column of {t} is known: the campaign can only be table-wide.</p>;
  else
    list = (
      <div className="picks" role="group" aria-label={`Columns of ${t}`}>
        {names.map((n) => (
          <label key={n}>
            <input type="checkbox" checked={columns.includes(n)} onChange={(e) => toggle(n, e.target.checked)} aria-label={`Column ${n}`} />
            <span className="mono">{n}</span>
            <span className="muted small">
              {counts.has(n) ? `${counts.get(n)} job${counts.get(n) === 1 ? '' : 's'}` : 'not known to the graph'}
            </span>
          </label>
        ))}
      </div>
    );

  return (
    <fieldset className="field column-picker" data-testid="column-picker">
      <legend>
        Columns <span className="muted">(optional)</span>
      </legend>
      <p className="muted small">
        Tick the columns that change to ticket only the owners whose jobs use them; leave all unticked to migrate the whole table.
      </p>
      {list}
      {columns.length > 0 && (
        <div className="change" role="radiogroup" aria-label="What happens to the columns">
          <span className="small">
            {columns.length} column{columns.length === 1 ? '' : 's'} picked:
          </span>
          {CHANGES.map((c) => (
            <label key={c.value} className="radio" title={c.help}>
              <input type="radio" name="column-change" value={c.value} checked={change === c.value} onChange={() => onChange(columns, c.value)} />
              {c.label}
            </label>
          ))}
          <button type="button" className="link" onClick={() => onChange([], change)}>
            Clear
          </button>
        </div>
      )}
    </fieldset>
  );
}
