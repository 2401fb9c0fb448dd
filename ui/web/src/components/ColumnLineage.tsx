// ColumnLineage draws a column's flow (issue 16): one box per column, an
// arrow per step labelled with the job that computes it. `SELECT *` copies
// are dashed. Boxes link to the column's own view, labels to the job.
import { useMemo, type MouseEvent } from 'react';
import { layoutColumns } from '../columnLayout';
import { STAR, splitColumn, type FlowEdge } from '../columns';
import { navigate, paths } from '../router';
import './columns.css';

/** jobLabel shortens a job id to its last segment for an edge label. */
export function jobLabel(id: string): string {
  const s = id.split(/[:/]/).filter(Boolean);
  return (s.at(-1) ?? id).replace(/\.(sql|hql)$/, '');
}

function go(e: MouseEvent, href: string) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(href);
}

export function ColumnLineage({ nodes, edges, start }: { nodes: string[]; edges: FlowEdge[]; start: string }) {
  const l = useMemo(() => layoutColumns(nodes, edges), [nodes, edges]);
  return (
    <div className="column-flow">
      <svg
        width={l.width}
        height={l.height}
        viewBox={`0 0 ${l.width} ${l.height}`}
        role="img"
        aria-label={`Column lineage of ${start}: ${nodes.length} columns, ${edges.length} steps`}
        data-testid="column-lineage-svg"
      >
        <defs>
          <marker id="col-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#8b93a1" />
          </marker>
        </defs>
        {l.edges.map((e) => {
          const d = e.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
          const mid = e.points[Math.floor(e.points.length / 2)] ?? { x: 0, y: 0 };
          return (
            <g key={`${e.job}|${e.source}|${e.target}`} className={`cedge${e.star ? ' star' : ''}`} data-source={e.source} data-target={e.target}>
              <path d={d} markerEnd="url(#col-arrow)" />
              <a href={paths.job(e.job)} onClick={(ev) => go(ev, paths.job(e.job))}>
                <title>{`${e.job}${e.star ? ' (SELECT *)' : ''}`}</title>
                <text x={mid.x} y={mid.y - 4} textAnchor="middle">
                  {jobLabel(e.job)}
                  {e.star ? ' *' : ''}
                </text>
              </a>
            </g>
          );
        })}
        {l.nodes.map((n) => {
          const star = n.column === STAR;
          const cls = `cnode${n.id === start ? ' start' : ''}${star ? ' star' : ''}`;
          const inner = (
            <>
              <title>{star ? `${n.table}.* — every column, through SELECT *` : n.id}</title>
              <rect x={n.x} y={n.y} width={n.w} height={n.h} rx={6} />
              <text className="ctable" x={n.x + 10} y={n.y + 15}>
                {n.table}
              </text>
              <text className="ccol" x={n.x + 10} y={n.y + 31}>
                {n.column}
              </text>
            </>
          );
          if (star) return <g key={n.id} className={cls} data-column={n.id}>{inner}</g>;
          const href = paths.column(splitColumn(n.id).table, splitColumn(n.id).column);
          return (
            <g key={n.id} className={cls} data-column={n.id}>
              <a href={href} onClick={(ev) => go(ev, href)} aria-label={`Column ${n.id}`}>
                {inner}
              </a>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
