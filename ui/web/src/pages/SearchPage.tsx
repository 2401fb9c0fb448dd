// All results for a search, by kind, with paging.
import { useState } from 'react';
import { KindBadge } from '../components/KindBadge';
import { hrefOf } from '../components/SearchBox';
import { Empty, ErrorState, Loading } from '../components/States';
import { useLoad, useTitle } from '../hooks';
import { search, type Kind, type SearchHit } from '../queries';
import { Link, navigate, paths } from '../router';

const KINDS: { k: Kind | ''; label: string }[] = [
  { k: '', label: 'All' },
  { k: 'TABLE', label: 'Tables' },
  { k: 'JOB', label: 'Jobs' },
  { k: 'OWNER', label: 'Owners' },
];

export function SearchPage({ q }: { q: string }) {
  useTitle(q ? `Search “${q}”` : 'Search');
  const [kind, setKind] = useState<Kind | ''>('');
  const [pages, setPages] = useState<SearchHit[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreErr, setMoreErr] = useState<Error | null>(null);
  const first = useLoad(q.trim() ? `search:${q}:${kind}` : null, async (signal) => {
    const r = await search(q.trim(), { kinds: kind ? [kind] : undefined, first: 50, signal });
    setPages([]);
    setCursor(r.search.pageInfo.hasNextPage ? r.search.pageInfo.endCursor : null);
    return r;
  });
  const more = async () => {
    if (!cursor) return;
    try {
      const r = await search(q.trim(), { kinds: kind ? [kind] : undefined, first: 50, after: cursor });
      setPages((p) => [...p, r.search.hits]);
      setCursor(r.search.pageInfo.hasNextPage ? r.search.pageInfo.endCursor : null);
      setMoreErr(null);
    } catch (e) {
      setMoreErr(e as Error);
    }
  };
  const hits = [...(first.data?.search.hits ?? []), ...pages.flat()];
  return (
    <section className="page">
      <h1>Search</h1>
      <form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          const v = new FormData(e.currentTarget).get('q') as string;
          navigate(paths.search(v), { replace: true });
        }}
      >
        <label htmlFor="search-page-q" className="sr-only">
          Search
        </label>
        <input id="search-page-q" name="q" type="search" defaultValue={q} key={q} placeholder="Part of a table, job or owner name" />
        <button type="submit">Search</button>
      </form>
      <div className="tabs" role="group" aria-label="Kind">
        {KINDS.map(({ k, label }) => (
          <button key={label} type="button" aria-pressed={kind === k} className={kind === k ? 'on' : ''} onClick={() => setKind(k)}>
            {label}
          </button>
        ))}
      </div>
      {!q.trim() && <Empty title="Type part of a name to search.">Table names are schema-qualified (sales.orders); jobs are named by path.</Empty>}
      {first.loading && !first.data && <Loading what="results" />}
      {first.error && <ErrorState error={first.error} what="search results" onRetry={first.reload} />}
      {first.data && hits.length === 0 && (
        <Empty title={`Nothing matches “${q}”.`}>Search looks for the text anywhere in names; try a shorter part.</Empty>
      )}
      {hits.length > 0 && (
        <ul className="result-list">
          {hits.map((h) => (
            <li key={`${h.kind}:${h.name}`}>
              <KindBadge kind={h.kind} /> <Link href={hrefOf(h)}>{h.name}</Link>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={more}>
          More results
        </button>
      )}
      {moreErr && <p className="inline-error">{moreErr.message}</p>}
    </section>
  );
}
