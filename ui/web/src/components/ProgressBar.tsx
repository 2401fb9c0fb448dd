/** ProgressBar shows done out of total as a bar with its numbers. */
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} done`}
      >
        <div className={`progress-fill${done === total && total > 0 ? ' complete' : ''}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">
        {done}/{total} <span className="muted">({pct}%)</span>
      </span>
    </div>
  );
}
