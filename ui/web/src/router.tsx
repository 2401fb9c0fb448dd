// A small history-API router: the app has a handful of routes, and the Go
// handler serves index.html for every path that is not a file, so deep links
// and reloads work.
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Route is a parsed location. */
export type Route =
  | { page: 'home' }
  | { page: 'search'; q: string }
  | { page: 'table'; name: string }
  | { page: 'column'; table: string; column: string }
  | { page: 'job'; id: string }
  | { page: 'owner'; handle: string }
  | { page: 'campaigns' }
  | { page: 'newCampaign'; table: string; columns?: string[] }
  | { page: 'campaign'; id: string }
  | { page: 'ticket'; key: string }
  | { page: 'notFound'; path: string };

const NAV_EVENT = 'lineage:navigate';

/** paths builds the URL of each page; names are URI-encoded as one segment. */
export const paths = {
  home: () => '/',
  search: (q: string) => `/search?q=${encodeURIComponent(q)}`,
  table: (name: string) => `/tables/${encodeURIComponent(name)}`,
  /** column is a column's lineage view (issue 16). */
  column: (table: string, column: string) => `/tables/${encodeURIComponent(table)}/columns/${encodeURIComponent(column)}`,
  job: (id: string) => `/jobs/${encodeURIComponent(id)}`,
  owner: (handle: string) => `/owners/${encodeURIComponent(handle)}`,
  campaigns: () => '/campaigns',
  newCampaign: (table?: string, columns?: string[]) =>
    (table ? `/campaigns/new?table=${encodeURIComponent(table)}` : '/campaigns/new') +
    (table && columns?.length ? columns.map((c) => `&columns=${encodeURIComponent(c)}`).join('') : ''),
  campaign: (id: string) => `/campaigns/${encodeURIComponent(id)}`,
  /** ticket is where the built-in tracker's ticket links point (its URL is BASE/tickets/KEY). */
  ticket: (key: string) => `/tickets/${encodeURIComponent(key)}`,
};

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** parseRoute maps a pathname and query string to a Route. */
export function parseRoute(pathname: string, search: string): Route {
  const q = new URLSearchParams(search);
  const p = pathname.replace(/\/+$/, '') || '/';
  if (p === '/') return { page: 'home' };
  if (p === '/search') return { page: 'search', q: q.get('q') ?? '' };
  if (p === '/campaigns') return { page: 'campaigns' };
  if (p === '/campaigns/new') {
    const cols = q.getAll('columns').filter((c) => c.trim());
    return { page: 'newCampaign', table: q.get('table') ?? '', ...(cols.length ? { columns: cols } : {}) };
  }
  const col = /^\/tables\/([^/]+)\/columns\/([^/]+)$/.exec(p);
  if (col) return { page: 'column', table: decode(col[1]), column: decode(col[2]) };
  const m = /^\/(tables|jobs|owners|campaigns|tickets)\/(.+)$/.exec(p);
  if (m) {
    const v = decode(m[2]);
    switch (m[1]) {
      case 'tables':
        return { page: 'table', name: v };
      case 'jobs':
        return { page: 'job', id: v };
      case 'owners':
        return { page: 'owner', handle: v };
      case 'campaigns':
        return { page: 'campaign', id: v };
      case 'tickets':
        return { page: 'ticket', key: v };
    }
  }
  return { page: 'notFound', path: pathname };
}

/** navigate moves to a URL within the app without reloading. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAV_EVENT));
  if (!opts.replace) window.scrollTo?.(0, 0);
}

/** useLocation returns the current path and query string, updated on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: window.location.pathname, search: window.location.search });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () => setLoc(read());
    window.addEventListener('popstate', on);
    window.addEventListener(NAV_EVENT, on);
    return () => {
      window.removeEventListener('popstate', on);
      window.removeEventListener(NAV_EVENT, on);
    };
  }, []);
  return loc;
}

/** useRoute returns the parsed current route. */
export function useRoute(): Route {
  const loc = useLocation();
  return parseRoute(loc.pathname, loc.search);
}

/** Link is an anchor that navigates within the app; modified clicks open new tabs as usual. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
