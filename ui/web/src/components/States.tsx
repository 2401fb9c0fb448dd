// Loading, empty and error states: each says what happened and what to do.
import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <div className="state-help">{children}</div>}
    </div>
  );
}

/** advice says what a person can do about an error. */
export function advice(err: Error): string {
  if (!(err instanceof ApiError)) return 'Reload the page; if it happens again, check the server log.';
  if (err.code === 'network') return 'Start the server with `lineage serve`, then retry.';
  if (err.unauthorized) return 'Enter a valid API token (ask whoever runs this server; tokens come from LINEAGE_TOKENS).';
  if (err.notFound) return 'Check the name, or search for it.';
  switch (err.code) {
    case 'invalid':
    case 'graphql_validation_failed':
    case 'bad_user_input':
      return 'Correct the input and try again.';
    case 'unavailable':
      return 'A dependency (the graph store or Jira) is unreachable. Retry in a moment.';
    case 'conflict':
      return 'Someone changed this meanwhile. Reload to see the current state.';
    default:
      return 'Retry; if it happens again, check the server log.';
  }
}

export function ErrorState({ error, what, onRetry }: { error: Error; what: string; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">Could not load {what}.</p>
      <p>{error.message}</p>
      <p className="state-help">{advice(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** InlineError shows a failed action next to its button. */
export function InlineError({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {error.message} {advice(error)}
    </p>
  );
}
