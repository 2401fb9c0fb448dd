// The start page: search, the size of the graph, active campaigns.
import { SearchBox } from '../components/SearchBox';
import { ErrorState } from '../components/States';
import { useLoad, useTitle } from '../hooks';
import { campaigns, counts } from '../queries';
import { Link, paths } from '../router';
import { CampaignRows } from './CampaignsPage';

export function HomePage() {
  useTitle('');
  const c = useLoad('counts', (signal) => counts(signal));
  const active = useLoad('campaigns:ACTIVE:home', (signal) => campaigns({ state: 'ACTIVE', first: 5 }, signal));
  return (
    <section className="page page-home">
      <div className="hero">
        <h1>Where does this data come from, and who reads it?</h1>
        <p className="muted">Search a table to see its lineage, or a job or owner to see what they touch.</p>
        <div className="hero-search">
          <SearchBox inputId="home-search" label="Search tables, jobs and owners" autoFocus />
        </div>
        {c.data && (
          <p className="muted small" data-testid="counts">
            {c.data.counts.tables} tables · {c.data.counts.jobs} jobs · {c.data.counts.owners} owners · {c.data.counts.edges} edges
          </p>
        )}
        {c.data && c.data.counts.jobs === 0 && (
          <div className="banner">
            The graph is empty. Load job scripts with <code>lineage ingest DIR</code>, or start the server without{' '}
            <code>-no-sample</code> to load the sample warehouse.
          </div>
        )}
        {c.error && <ErrorState error={c.error} what="the graph's size" onRetry={c.reload} />}
      </div>
      <section>
        <div className="section-head">
          <h2>Active campaigns</h2>
          <Link href={paths.campaigns()}>All campaigns</Link>
          <Link className="button" href={paths.newCampaign()}>
            Start a campaign
          </Link>
        </div>
        {active.error && <ErrorState error={active.error} what="campaigns" onRetry={active.reload} />}
        {active.data && active.data.campaigns.nodes.length === 0 && (
          <p className="muted">No active campaign. Open a table and choose “Start a migration campaign” to ask its readers to move.</p>
        )}
        {active.data && active.data.campaigns.nodes.length > 0 && <CampaignRows rows={active.data.campaigns.nodes} />}
      </section>
    </section>
  );
}
