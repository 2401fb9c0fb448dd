// Links to the three kinds of node, so every name on every page leads on.
import { Link, paths } from '../router';

export function TableLink({ name }: { name: string }) {
  return (
    <Link href={paths.table(name)} className="name name-table" aria-label={name}>
      {breakable(name)}
    </Link>
  );
}

/** breakable lets a long id wrap after its separators rather than mid-word. */
export function breakable(s: string) {
  return s.split(/(?<=[:/._])/).flatMap((part, i) => (i > 0 ? [<wbr key={i} />, part] : [part]));
}

export function JobLink({ id }: { id: string }) {
  return (
    <Link href={paths.job(id)} className="name name-job" aria-label={id}>
      {breakable(id)}
    </Link>
  );
}

export function OwnerLink({ handle }: { handle: string | null | undefined }) {
  if (!handle) return <span className="muted">no owner</span>;
  return (
    <Link href={paths.owner(handle)} className="name name-owner">
      @{handle}
    </Link>
  );
}

/** fmtTime shows an RFC 3339 instant in the reader's locale, "—" for none. */
export function fmtTime(s: string | null | undefined): string {
  if (!s) return '—';
  const t = Date.parse(s);
  if (Number.isNaN(t)) return s;
  return new Date(t).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function fmtDate(s: string | null | undefined): string {
  if (!s) return 'none';
  const t = Date.parse(s);
  if (Number.isNaN(t)) return s;
  return new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
