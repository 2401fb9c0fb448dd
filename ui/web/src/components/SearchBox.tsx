// Search as you type: a combobox over tables, jobs and owners. Arrow keys
// move through the results, Enter opens one, Escape closes the list.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useDebounced } from '../hooks';
import { search, type Kind, type SearchHit } from '../queries';
import { navigate, paths } from '../router';
import { KindBadge } from './KindBadge';

export function hrefOf(h: SearchHit): string {
  if (h.kind === 'JOB') return paths.job(h.name);
  if (h.kind === 'OWNER') return paths.owner(h.name);
  return paths.table(h.name);
}

export interface SearchBoxProps {
  /** kinds restricts the search (the campaign wizard picks tables only). */
  kinds?: Kind[];
  /** onPick replaces opening the hit's page. */
  onPick?: (h: SearchHit) => void;
  placeholder?: string;
  label?: string;
  /** id of the input, for an outside <label>. */
  inputId?: string;
  value?: string;
  onChange?: (v: string) => void;
  autoFocus?: boolean;
  /** showAll adds a "See all results" entry that opens the search page. */
  showAll?: boolean;
}

export function SearchBox({
  kinds,
  onPick,
  placeholder = 'Search tables, jobs, owners…',
  label = 'Search',
  inputId,
  value,
  onChange,
  autoFocus,
  showAll = true,
}: SearchBoxProps) {
  const [own, setOwn] = useState('');
  const q = value ?? own;
  const setQ = (v: string) => (onChange ? onChange(v) : setOwn(v));
  const dq = useDebounced(q.trim(), 150);
  const [hits, setHits] = useState<SearchHit[]>([]);
  // The query the listed hits answer (they lag the typing by the debounce).
  const [hitsFor, setHitsFor] = useState('');
  const [more, setMore] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const genId = useId();
  const id = inputId ?? genId;
  const wrap = useRef<HTMLDivElement>(null);
  const kindsKey = kinds?.join(',') ?? '';

  useEffect(() => {
    if (!dq) {
      setHits([]);
      setErr(null);
      setLoading(false);
      return;
    }
    const ctl = new AbortController();
    setLoading(true);
    search(dq, { kinds: kindsKey ? (kindsKey.split(',') as Kind[]) : undefined, first: 12, signal: ctl.signal }).then(
      (r) => {
        setHits(r.search.hits);
        setHitsFor(dq);
        setMore(r.search.pageInfo.hasNextPage);
        setErr(null);
        setLoading(false);
        setActive(r.search.hits.length ? 0 : -1);
      },
      (e: Error) => {
        if (ctl.signal.aborted) return;
        setHits([]);
        setErr(e.message);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [dq, kindsKey]);

  useEffect(() => {
    const close = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);

  const items: ({ type: 'hit'; hit: SearchHit } | { type: 'all' })[] = hits.map((hit) => ({ type: 'hit' as const, hit }));
  if (showAll && dq && hits.length > 0) items.push({ type: 'all' });

  const pick = (i: number) => {
    const it = items[i];
    if (!it) return;
    setOpen(false);
    if (it.type === 'all') {
      navigate(paths.search(dq));
      return;
    }
    if (onPick) onPick(it.hit);
    else {
      navigate(hrefOf(it.hit));
      setQ('');
    }
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const typed = q.trim();
      if (open && active >= 0 && active < items.length && hitsFor === typed) pick(active);
      else if (typed && hitsFor !== typed) {
        // Enter before the list caught up with the typing: open the best
        // match of what is typed (the server ranks exact name, last
        // segment, prefix, then the rest), not of an older query.
        setOpen(false);
        search(typed, { kinds: kindsKey ? (kindsKey.split(',') as Kind[]) : undefined, first: 1 }).then(
          (r) => {
            const best = r.search.hits[0];
            if (best && onPick) onPick(best);
            else if (best) {
              navigate(hrefOf(best));
              setQ('');
            } else if (showAll) navigate(paths.search(typed));
          },
          () => showAll && navigate(paths.search(typed)),
        );
      } else if (dq && showAll) {
        setOpen(false);
        navigate(paths.search(dq));
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const showList = open && dq.length > 0 && q.trim().length > 0;
  return (
    <div className="searchbox" ref={wrap}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={q}
        autoFocus={autoFocus}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKey}
      />
      {showList && (
        <ul className="search-results" id={listId} role="listbox" aria-label={`${label} results`}>
          {loading && hits.length === 0 && <li className="search-note">Searching…</li>}
          {err && (
            <li className="search-note error" role="alert">
              Search failed: {err}
            </li>
          )}
          {!loading && !err && hits.length === 0 && (
            <li className="search-note">
              Nothing matches “{dq}”. Try part of a name, such as a schema (“sales”) or a file name.
            </li>
          )}
          {items.map((it, i) => (
            <li
              key={it.type === 'hit' ? `${it.hit.kind}:${it.hit.name}` : '__all'}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`search-item${i === active ? ' active' : ''}${it.type === 'all' ? ' all' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(i);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {it.type === 'hit' ? (
                <>
                  <KindBadge kind={it.hit.kind} />
                  <span className="search-name">{it.hit.name}</span>
                </>
              ) : (
                <span>See all results for “{dq}”{more ? ' (more than shown)' : ''}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
