// The lineage graph: dagre's layered layout drawn as SVG. Tables, jobs and
// owners differ in shape and colour (see the legend); every node is a link
// (click or Enter) to its own page.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { buildGraph, edgePath, layout, nodeId, tabOrder, type LaidNode, type SubgraphInput } from '../graphLayout';
import { navigate, paths } from '../router';

/** MIN_READABLE is the smallest zoom at which 13px labels stay legible. */
export const MIN_READABLE = 0.8;

export interface LineageGraphProps {
  sub: SubgraphInput;
  /** start is the table the walk started from, drawn emphasised. */
  start: string;
  showOwners: boolean;
  /** hrefFor overrides where a node links (the table page keeps depth and direction). */
  hrefFor?: (n: { kind: string; name: string }) => string;
}

export function defaultHref(n: { kind: string; name: string }): string {
  if (n.kind === 'JOB') return paths.job(n.name);
  if (n.kind === 'OWNER') return paths.owner(n.name);
  return paths.table(n.name);
}

function NodeShape({ n, start }: { n: LaidNode; start: boolean }) {
  const x = -n.width / 2;
  const y = -n.height / 2;
  const w = n.width;
  const h = n.height;
  switch (n.kind) {
    case 'JOB': {
      // A chevron-ended box: a step that moves data along.
      const k = 10;
      const d = `M${x},${y} H${x + w - k} L${x + w},0 L${x + w - k},${y + h} H${x} L${x + k},0 Z`;
      return <path className="shape" d={d} />;
    }
    case 'OWNER':
      return (
        <>
          <rect className="shape" x={x} y={y} width={w} height={h} rx={h / 2} />
          <circle className="glyph" cx={x + 14} cy={-3} r={4} />
          <path className="glyph" d={`M${x + 7},${7} a7,6 0 0 1 14,0 Z`} />
        </>
      );
    default:
      return (
        <>
          <rect className="shape" x={x} y={y} width={w} height={h} rx={3} strokeWidth={start ? 3 : undefined} />
          {/* A table glyph: a header band and rows. */}
          <rect className="glyph-bg" x={x + 8} y={-7} width={14} height={14} rx={1.5} />
          <path className="glyph-line" d={`M${x + 8},-2.5 H${x + 22} M${x + 8},2 H${x + 22} M${x + 15},-2.5 V7`} />
        </>
      );
  }
}

/** LineageGraph lays out and draws a subgraph, with zoom controls. */
export function LineageGraph({ sub, start, showOwners, hrefFor = defaultHref }: LineageGraphProps) {
  const laid = useMemo(() => {
    const { nodes, edges } = buildGraph(sub, showOwners);
    return layout(nodes, edges);
  }, [sub, showOwners]);
  const box = useRef<HTMLDivElement>(null);
  // auto: fit the box, but never below MIN_READABLE (the graph scrolls
  // instead); fit: the whole graph whatever its size; a number: that zoom.
  const [zoom, setZoom] = useState<number | 'auto' | 'fit'>('auto');
  const [fit, setFit] = useState(1);
  const [hover, setHover] = useState<string | null>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => {
      const avail = el.clientWidth - 2;
      setFit(avail > 0 && laid.width > avail ? Math.max(0.1, avail / laid.width) : 1);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [laid.width]);
  useEffect(() => setZoom('auto'), [sub]);

  const scale = zoom === 'auto' ? Math.max(fit, MIN_READABLE) : zoom === 'fit' ? fit : zoom;
  const startNode = laid.nodes.find((n) => n.id === nodeId('TABLE', start));
  // Keep the start table in view when the graph is wider than the box.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !startNode) return;
    el.scrollLeft = Math.max(0, startNode.x * scale - el.clientWidth / 2);
    el.scrollTop = Math.max(0, startNode.y * scale - el.clientHeight / 2);
  }, [startNode, scale]);

  const startId = nodeId('TABLE', start);
  const near = useMemo(() => {
    if (!hover) return null;
    const s = new Set([hover]);
    for (const e of laid.edges) {
      if (e.from === hover) s.add(e.to);
      if (e.to === hover) s.add(e.from);
    }
    return s;
  }, [hover, laid.edges]);

  const go = (e: MouseEvent, href: string) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(href);
  };

  return (
    <figure className="graph" aria-label={`Lineage graph of ${start}`}>
      <div className="graph-toolbar">
        <Legend showOwners={showOwners} />
        <div className="zoom" role="group" aria-label="Zoom">
          <button type="button" onClick={() => setZoom(Math.max(0.1, +(scale - 0.15).toFixed(2)))} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => setZoom('fit')} aria-pressed={zoom === 'fit'} title="Show the whole graph">
            Fit
          </button>
          <button type="button" onClick={() => setZoom(1)} aria-pressed={zoom === 1}>
            100%
          </button>
          <button type="button" onClick={() => setZoom(Math.min(2.5, +(scale + 0.15).toFixed(2)))} aria-label="Zoom in">
            +
          </button>
        </div>
      </div>
      <div className="graph-canvas" ref={box}>
        <svg
          width={Math.max(1, laid.width * scale)}
          height={Math.max(1, laid.height * scale)}
          viewBox={`0 0 ${laid.width} ${laid.height}`}
          role="img"
          aria-label={`${laid.nodes.length} nodes, ${laid.edges.length} edges`}
          data-testid="lineage-svg"
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="arrowhead" />
            </marker>
          </defs>
          <g className="edges">
            {laid.edges.map((e) => (
              <path
                key={`${e.from}|${e.to}|${e.kind}`}
                className={`edge edge-${e.kind.toLowerCase()}${near && !(near.has(e.from) && near.has(e.to) && (e.from === hover || e.to === hover)) ? ' dim' : ''}`}
                d={edgePath(e.points)}
                markerEnd={e.kind === 'OWNS' ? undefined : 'url(#arrow)'}
              >
                <title>{`${e.kind === 'OWNS' ? e.from.slice(6) + ' owns ' + e.to.slice(4) : e.kind === 'READS' ? e.to.slice(4) + ' reads ' + e.from.slice(6) : e.from.slice(4) + ' writes ' + e.to.slice(6)}`}</title>
              </path>
            ))}
          </g>
          <g className="nodes">
            {tabOrder(laid.nodes).map((n) => {
              const href = hrefFor(n);
              const isStart = n.id === startId;
              return (
                <a
                  key={n.id}
                  href={href}
                  className={`node node-${n.kind.toLowerCase()}${isStart ? ' start' : ''}${near && !near.has(n.id) ? ' dim' : ''}`}
                  onClick={(e) => go(e, href)}
                  onMouseEnter={() => setHover(n.id)}
                  onMouseLeave={() => setHover(null)}
                  onFocus={() => setHover(n.id)}
                  onBlur={() => setHover(null)}
                  aria-label={`${n.kind.toLowerCase()} ${n.name}${isStart ? ' (this table)' : ''}`}
                  data-kind={n.kind}
                  data-name={n.name}
                >
                  <g transform={`translate(${n.x},${n.y})`}>
                  <title>{`${n.kind === 'TABLE' ? 'Table' : n.kind === 'JOB' ? 'Job' : 'Owner'} ${n.name}${n.owner ? ` (owner @${n.owner})` : ''}`}</title>
                  <NodeShape n={n} start={isStart} />
                  <text className="label" x={n.kind === 'JOB' ? -n.width / 2 + 16 : -n.width / 2 + 28} y={n.sublabel ? -3 : 4.5}>
                    {n.label}
                  </text>
                  {n.sublabel && (
                    <text className="sublabel" x={-n.width / 2 + 16} y={13}>
                      {n.sublabel}
                    </text>
                  )}
                  </g>
                </a>
              );
            })}
          </g>
        </svg>
      </div>
    </figure>
  );
}

/** Legend shows each node kind's shape and colour and each edge kind. */
export function Legend({ showOwners }: { showOwners: boolean }) {
  return (
    <ul className="legend" aria-label="Legend">
      <li>
        <svg width="26" height="16" aria-hidden="true" className="node-table">
          <rect className="shape" x="1" y="1" width="24" height="14" rx="2" />
        </svg>
        Table
      </li>
      <li>
        <svg width="28" height="16" aria-hidden="true" className="node-job">
          <path className="shape" d="M1,1 H21 L27,8 L21,15 H1 L7,8 Z" />
        </svg>
        Job
      </li>
      {showOwners ? (
        <li>
          <svg width="28" height="16" aria-hidden="true" className="node-owner">
            <rect className="shape" x="1" y="1" width="26" height="14" rx="7" />
          </svg>
          Owner
        </li>
      ) : (
        <li>
          <span className="legend-owner">@owner</span> under each job
        </li>
      )}
      <li>
        <svg width="30" height="10" aria-hidden="true">
          <path className="edge edge-reads" d="M1,5 H29" />
        </svg>
        reads
      </li>
      <li>
        <svg width="30" height="10" aria-hidden="true">
          <path className="edge edge-writes" d="M1,5 H29" />
        </svg>
        writes
      </li>
      {showOwners && (
        <li>
          <svg width="30" height="10" aria-hidden="true">
            <path className="edge edge-owns" d="M1,5 H29" />
          </svg>
          owns
        </li>
      )}
    </ul>
  );
}
