// CampaignColumns is the campaign page's "Columns" fact (issue 16): the
// columns a column campaign concerns, each linking to its lineage, and what
// happens to them. Nothing for a table-wide campaign.
import { CHANGE_VERB } from '../columns';
import type { CampaignSummary } from '../queries';
import { Link, paths } from '../router';
import './columns.css';

export function CampaignColumns({ c }: { c: Pick<CampaignSummary, 'table' | 'columns' | 'change'> }) {
  if (!c.columns?.length) return null;
  return (
    <>
      <dt>Columns</dt>
      <dd data-testid="campaign-columns">
        {c.columns.map((col, i) => (
          <span key={col}>
            {i > 0 && ', '}
            <Link href={paths.column(c.table.name, col)} className="name name-column" aria-label={`Lineage of column ${col}`}>
              {col}
            </Link>
          </span>
        ))}{' '}
        <span className="badge" data-testid="campaign-change">
          {CHANGE_VERB[c.change ?? 'DROP'].toLowerCase()}
        </span>
        <div className="small muted">Only owners whose jobs use {c.columns.length === 1 ? 'this column' : 'these columns'} are asked to act.</div>
      </dd>
    </>
  );
}
