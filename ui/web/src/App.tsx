// The app shell: header with search and navigation, the page for the
// current route, and the token prompt.
import { useEffect, useRef, useState } from 'react';
import { getToken, tokenRefused } from './api';
import { SearchBox } from './components/SearchBox';
import { Empty } from './components/States';
import { openTokenPrompt, TokenPromptHost } from './components/TokenPrompt';
import { CampaignPage } from './pages/CampaignPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { HomePage } from './pages/HomePage';
import { JobPage } from './pages/JobPage';
import { NewCampaignPage } from './pages/NewCampaignPage';
import { OwnerPage } from './pages/OwnerPage';
import { SearchPage } from './pages/SearchPage';
import { TablePage } from './pages/TablePage';
import { TicketPage } from './pages/TicketPage';
import { Link, paths, useRoute, type Route } from './router';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'search':
      return <SearchPage q={route.q} />;
    case 'table':
      return <TablePage key={route.name} name={route.name} />;
    case 'job':
      return <JobPage key={route.id} id={route.id} />;
    case 'owner':
      return <OwnerPage key={route.handle} handle={route.handle} />;
    case 'campaigns':
      return <CampaignsPage />;
    case 'newCampaign':
      return <NewCampaignPage key={route.table} table={route.table} />;
    case 'campaign':
      return <CampaignPage key={route.id} id={route.id} />;
    case 'ticket':
      return <TicketPage key={route.key} ticketKey={route.key} />;
    default:
      return (
        <section className="page">
          <Empty title={`There is no page at ${route.path}.`}>
            Search for a table, job or owner above, or go to <Link href={paths.home()}>the start page</Link>.
          </Empty>
        </section>
      );
  }
}

function TokenButton() {
  const state = () => (!getToken() ? 'none' : tokenRefused() ? 'refused' : 'set');
  const [has, setHas] = useState(state);
  useEffect(() => {
    const on = () => setHas(state());
    window.addEventListener('lineage:token-changed', on);
    return () => window.removeEventListener('lineage:token-changed', on);
  }, []);
  return (
    <button
      type="button"
      className={`token-button${has === 'refused' ? ' refused' : ''}`}
      onClick={openTokenPrompt}
      title={
        has === 'refused'
          ? 'The server refused this token: pages still read without it; set another one for campaign actions'
          : 'The API token used for campaign actions'
      }
      data-testid="token-button"
    >
      {has === 'none' ? 'Set token' : has === 'refused' ? 'Token refused' : 'Token set'}
    </button>
  );
}

export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Move focus to the new page after in-app navigation, as a page load would.
  const key = JSON.stringify(route);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [key]);
  // "/" focuses the search box from anywhere but a text field.
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      document.getElementById('header-search')?.focus();
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
  const section = route.page === 'campaigns' || route.page === 'campaign' || route.page === 'newCampaign' || route.page === 'ticket' ? 'campaigns' : 'graph';
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href={paths.home()} className="brand" aria-label="lineage home">
          <svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">
            <rect x="1" y="7" width="7" height="8" rx="1.5" className="brand-table" />
            <path d="M10 7 H16 L19 11 L16 15 H10 L12 11 Z" className="brand-job" />
            <path d="M8 11 H12" className="brand-edge" />
          </svg>
          lineage
        </Link>
        {route.page !== 'home' && (
          <div className="header-search">
            <SearchBox inputId="header-search" label="Search tables, jobs and owners" placeholder="Search tables, jobs, owners…  ( / )" />
          </div>
        )}
        <nav aria-label="Main">
          <Link href={paths.home()} aria-current={section === 'graph' ? 'page' : undefined}>
            Lineage
          </Link>
          <Link href={paths.campaigns()} aria-current={section === 'campaigns' ? 'page' : undefined}>
            Campaigns
          </Link>
          <TokenButton />
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
      <TokenPromptHost />
    </>
  );
}
