// A small SVG burndown: open targets over time as a step line, with the
// deadline marked.
import { burndownSeries, type BurnEvent, type BurnTarget } from '../burndown';

const W = 560;
const H = 180;
const PAD = { l: 36, r: 16, t: 12, b: 28 };

function fmtDay(t: number): string {
  return new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
function fmtTime(t: number): string {
  return new Date(t).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function Burndown(props: { createdAt: string; deadline?: string | null; events: BurnEvent[]; targets: BurnTarget[]; now?: number }) {
  const now = props.now ?? Date.now();
  const pts = burndownSeries(props.createdAt, props.events, props.targets, now);
  const deadline = props.deadline ? Date.parse(props.deadline) : NaN;
  const t0 = pts[0].t;
  let t1 = Math.max(pts[pts.length - 1].t, Number.isNaN(deadline) ? 0 : deadline);
  if (t1 <= t0) t1 = t0 + 60_000;
  const maxOpen = Math.max(1, ...pts.map((p) => p.open), props.targets.length);
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - v / maxOpen) * (H - PAD.t - PAD.b);
  let d = `M${x(pts[0].t).toFixed(1)},${y(pts[0].open).toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) {
    d += ` H${x(pts[i].t).toFixed(1)} V${y(pts[i].open).toFixed(1)}`;
  }
  const area = `${d} V${y(0)} H${x(pts[0].t).toFixed(1)} Z`;
  const ticks = maxOpen <= 5 ? Array.from({ length: maxOpen + 1 }, (_, i) => i) : [0, Math.round(maxOpen / 2), maxOpen];
  const spanDays = (t1 - t0) / 86_400_000;
  const fmt = spanDays < 2 ? fmtTime : fmtDay;
  const last = pts[pts.length - 1];
  return (
    <figure className="burndown">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`Burndown: ${last.open} of ${props.targets.length} targets open now`}>
        {ticks.map((v) => (
          <g key={v}>
            <line className="grid" x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} />
            <text className="axis" x={PAD.l - 6} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        <path className="burn-area" d={area} />
        <path className="burn-line" d={d} />
        {pts.map((p, i) => (
          <circle key={i} className="burn-dot" cx={x(p.t)} cy={y(p.open)} r={2.5}>
            <title>{`${fmtTime(p.t)}: ${p.open} open`}</title>
          </circle>
        ))}
        {!Number.isNaN(deadline) && (
          <g>
            <line className="deadline" x1={x(deadline)} x2={x(deadline)} y1={PAD.t} y2={H - PAD.b} />
            <text className="axis deadline-label" x={x(deadline) - 4} y={PAD.t + 10} textAnchor="end">
              deadline
            </text>
          </g>
        )}
        <text className="axis" x={PAD.l} y={H - 8}>
          {fmt(t0)}
        </text>
        <text className="axis" x={W - PAD.r} y={H - 8} textAnchor="end">
          {fmt(t1)}
        </text>
      </svg>
      <figcaption className="muted small">Open targets over time (from the event log); now {last.open} open.</figcaption>
    </figure>
  );
}
