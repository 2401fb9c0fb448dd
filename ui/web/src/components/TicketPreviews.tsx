// TicketPreviews lists the tickets a campaign preview would create: the
// first page of them, each folded, and how many more there are.
import type { StartCampaignPayload } from '../queries';
import { fmtDate } from './Links';

export function TicketPreviews({ p }: { p: Pick<StartCampaignPayload, 'tickets' | 'ticketCount'> }) {
  const more = p.ticketCount - p.tickets.length;
  if (p.ticketCount === 0) return null;
  return (
    <>
      <h3>Tickets that will be created</h3>
      <ul className="ticket-previews" data-testid="ticket-previews">
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
      {more > 0 && (
        <p className="muted small" data-testid="more-tickets">
          … and {more} more ticket{more === 1 ? '' : 's'} like these, one per owner.
        </p>
      )}
    </>
  );
}
