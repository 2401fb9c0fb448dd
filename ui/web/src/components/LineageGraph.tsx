// The lineage explorer: dagre's layered layout drawn with React Flow
// (@xyflow/react): pan by dragging, zoom with the wheel or the buttons, a
// minimap, Fit (both axes), and per-node expand (+: one more hop from that
// node, fetched on its own) and collapse (−: hide what lies beyond it).
// Tables, jobs and owners differ in shape and colour (see the legend); owners
// are boxes around their jobs. Hovering or focusing a node highlights the
// path between it and the start table; the filter dims what does not match.
// Every node is a link (click or Enter) to its own page; + and − on a focused
// node expand and collapse it.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import {
  Background,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  getViewportForBounds,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { buildGraph, layout, nodeId, tabOrder, type LaidGroup, type LaidNode, type SubgraphInput } from '../graphLayout';
import { edgeKey, hiddenBy, matchesFilter, mergeSubgraphs, pathBetween, visibleIds } from '../explorer';
import { navigate, paths } from '../router';

/** MIN_READABLE is the smallest zoom at which 13px labels stay legible. */
export const MIN_READABLE = 0.7;

export interface LineageGraphProps {
  sub: SubgraphInput;
  /** start is the table the walk started from, drawn emphasised. */
  start: string;
  showOwners: boolean;
  /** hrefFor overrides where a node links (the table page keeps depth and direction). */
  hrefFor?: (n: { kind: string; name: string }) => string;
  /** expand fetches one hop around a table or job; without it nodes only collapse. */
  expand?: (n: { kind: 'TABLE' | 'JOB'; name: string }) => Promise<SubgraphInput>;
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
      return <rect className="shape" x={x} y={y} width={w} height={h} rx={h / 2} />;
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

type Toggle = 'expand' | 'collapse' | 'reopen' | null;

interface LineageNodeData extends Record<string, unknown> {
  n: LaidNode;
  href: string;
  start: boolean;
  cls: string;
  toggle: Toggle;
  hides: number;
  busy: boolean;
  onToggle: (id: string) => void;
  onHover: (id: string | null) => void;
}
interface GroupNodeData extends Record<string, unknown> {
  g: LaidGroup;
  href: string;
  cls: string;
  onHover: (id: string | null) => void;
}
type LNode = Node<LineageNodeData, 'lineage'>;
type GNode = Node<GroupNodeData, 'owner'>;

const go = (e: MouseEvent, href: string) => {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  navigate(href);
};

function LineageNode({ data }: NodeProps<LNode>) {
  const { n, href, start, cls, toggle, hides, busy, onToggle, onHover } = data;
  const kindWord = n.kind === 'TABLE' ? 'Table' : n.kind === 'JOB' ? 'Job' : 'Owner';
  const onKey = (e: KeyboardEvent) => {
    if ((e.key === '+' || e.key === '=') && (toggle === 'expand' || toggle === 'reopen')) {
      e.preventDefault();
      onToggle(n.id);
    } else if (e.key === '-' && toggle === 'collapse') {
      e.preventDefault();
      onToggle(n.id);
    }
  };
  const label =
    toggle === 'collapse'
      ? `Collapse ${n.name} (hides ${hides})`
      : toggle === 'reopen'
        ? `Expand ${n.name} again`
        : `Expand ${n.name} one hop`;
  return (
    <div className="rf-lineage-node" style={{ width: n.width, height: n.height }}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <svg width={n.width} height={n.height} viewBox={`${-n.width / 2} ${-n.height / 2} ${n.width} ${n.height}`} overflow="visible">
        <a
          href={href}
          className={cls}
          onClick={(e) => go(e, href)}
          onKeyDown={onKey}
          onMouseEnter={() => onHover(n.id)}
          onMouseLeave={() => onHover(null)}
          onFocus={() => onHover(n.id)}
          onBlur={() => onHover(null)}
          aria-label={`${n.kind.toLowerCase()} ${n.name}${start ? ' (this table)' : ''}`}
          data-kind={n.kind}
          data-name={n.name}
        >
          <title>{`${kindWord} ${n.name}${n.owner ? ` (owner @${n.owner})` : ''}`}</title>
          <NodeShape n={n} start={start} />
          <text className="label" x={n.kind === 'JOB' ? -n.width / 2 + 16 : -n.width / 2 + 28} y={n.sublabel ? -3 : 4.5}>
            {n.label}
          </text>
          {n.sublabel && (
            <text className="sublabel" x={-n.width / 2 + 16} y={13}>
              {n.sublabel}
            </text>
          )}
        </a>
      </svg>
      {toggle && (
        <button
          type="button"
          className={`node-toggle nodrag nopan toggle-${toggle}`}
          aria-label={label}
          title={label}
          disabled={busy}
          data-toggle={toggle}
          data-for={n.name}
          onClick={() => onToggle(n.id)}
        >
          {busy ? '…' : toggle === 'collapse' ? '−' : '+'}
        </button>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function OwnerGroup({ data }: NodeProps<GNode>) {
  const { g, href, cls, onHover } = data;
  return (
    <div className="rf-owner-group" style={{ width: g.width, height: g.height }}>
      <a
        href={href}
        className={cls}
        onClick={(e) => go(e, href)}
        onMouseEnter={() => onHover(g.id)}
        onMouseLeave={() => onHover(null)}
        onFocus={() => onHover(g.id)}
        onBlur={() => onHover(null)}
        aria-label={`owner ${g.name}`}
        data-kind="OWNER"
        data-name={g.name}
        title={`Owner @${g.name}: the box holds their jobs`}
      >
        @{g.name}
      </a>
    </div>
  );
}

const nodeTypes = { lineage: LineageNode, owner: OwnerGroup };

/** LineageGraph lays out and draws a subgraph as an explorable canvas. */
export function LineageGraph(props: LineageGraphProps) {
  return (
    <ReactFlowProvider>
      <Explorer {...props} />
    </ReactFlowProvider>
  );
}

function Explorer({ sub, start, showOwners, hrefFor = defaultHref, expand }: LineageGraphProps) {
  const rf = useReactFlow();
  const box = useRef<HTMLDivElement>(null);
  const [extra, setExtra] = useState<Map<string, SubgraphInput>>(new Map());
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [zoom, setZoom] = useState(1);
  // A new walk (other table, depth or direction) starts over.
  useEffect(() => {
    setExtra(new Map());
    setCollapsed(new Set());
  }, [sub]);

  const startId = nodeId('TABLE', start);
  const graph = useMemo(() => buildGraph(mergeSubgraphs(sub, extra.values()), showOwners), [sub, extra, showOwners]);
  const visible = useMemo(() => visibleIds(graph.nodes, graph.edges, startId, collapsed), [graph, startId, collapsed]);
  const laid = useMemo(() => {
    const nodes = graph.nodes.filter((n) => visible.has(n.id));
    const edges = graph.edges.filter((e) => visible.has(e.from) && visible.has(e.to));
    return layout(nodes, edges, { groupOwners: showOwners });
  }, [graph, visible, showOwners]);
  const laidEdges = useMemo(() => laid.edges, [laid]);

  // What + and − do on each node: collapse when something lies beyond it,
  // expand again when collapsed, else fetch one more hop (once).
  const toggles = useMemo(() => {
    const t = new Map<string, { toggle: Toggle; hides: number }>();
    for (const n of laid.nodes) {
      if (n.id === startId || n.kind === 'OWNER') continue;
      if (collapsed.has(n.id)) {
        t.set(n.id, { toggle: 'reopen', hides: 0 });
        continue;
      }
      const hides = hiddenBy(graph.nodes, graph.edges, startId, collapsed, n.id).size;
      if (hides > 0) t.set(n.id, { toggle: 'collapse', hides });
      else if (expand && !extra.has(n.id)) t.set(n.id, { toggle: 'expand', hides: 0 });
    }
    return t;
  }, [laid, graph, startId, collapsed, extra, expand]);

  const onToggle = useCallback(
    (id: string) => {
      const what = toggles.get(id)?.toggle;
      if (what === 'collapse') setCollapsed((c) => new Set([...c, id]));
      else if (what === 'reopen')
        setCollapsed((c) => {
          const next = new Set(c);
          next.delete(id);
          return next;
        });
      else if (what === 'expand' && expand) {
        const n = graph.nodes.find((x) => x.id === id);
        if (!n || (n.kind !== 'TABLE' && n.kind !== 'JOB')) return;
        setBusy(id);
        setFailed(null);
        expand({ kind: n.kind, name: n.name }).then(
          (s) => {
            setExtra((m) => new Map(m).set(id, s));
            setBusy(null);
          },
          (e: Error) => {
            setFailed(`Could not expand ${n.name}: ${e.message}`);
            setBusy(null);
          },
        );
      }
    },
    [toggles, expand, graph],
  );

  const path = useMemo(() => (hover && hover !== startId && !hover.startsWith('GROUP:') ? pathBetween(laidEdges, startId, hover) : null), [hover, laidEdges, startId]);
  const f = filter.trim();
  const matchCount = useMemo(() => (f ? laid.nodes.filter((n) => matchesFilter(n, f)).length + laid.groups.filter((g) => matchesFilter({ id: g.id, kind: 'OWNER', name: g.name }, f)).length : 0), [laid, f]);

  const nodes = useMemo(() => {
    const out: (LNode | GNode)[] = [];
    for (const g0 of laid.groups) {
      // Room for the owner's name above the first job.
      const g = { ...g0, y: g0.y - 9, height: g0.height + 18 };
      const hit = f && matchesFilter({ id: g.id, kind: 'OWNER', name: g.name }, f);
      out.push({
        id: g.id,
        type: 'owner',
        position: { x: g.x - g.width / 2, y: g.y - g.height / 2 },
        width: g.width,
        height: g.height,
        zIndex: -1,
        selectable: false,
        draggable: false,
        focusable: false,
        data: {
          g,
          href: hrefFor({ kind: 'OWNER', name: g.name }),
          cls: `node node-owner owner-group${hit ? ' match' : ''}${(f && !hit) || (path && !hover?.startsWith('GROUP:')) ? ' dim' : ''}`,
          onHover: setHover,
        },
      });
    }
    for (const n of tabOrder(laid.nodes)) {
      const isStart = n.id === startId;
      const hit = !!f && matchesFilter(n, f);
      const dim = (f && !hit) || (path && !path.nodes.has(n.id));
      const t = toggles.get(n.id);
      out.push({
        id: n.id,
        type: 'lineage',
        position: { x: n.x - n.width / 2, y: n.y - n.height / 2 },
        width: n.width,
        height: n.height,
        selectable: false,
        draggable: false,
        focusable: false,
        handles: [
          { type: 'target', position: Position.Left, x: 0, y: n.height / 2, width: 1, height: 1 },
          { type: 'source', position: Position.Right, x: n.width, y: n.height / 2, width: 1, height: 1 },
        ],
        data: {
          n,
          href: hrefFor(n),
          start: isStart,
          cls: `node node-${n.kind.toLowerCase()}${isStart ? ' start' : ''}${dim ? ' dim' : ''}${hit ? ' match' : ''}${path?.nodes.has(n.id) ? ' on-path' : ''}${collapsed.has(n.id) ? ' collapsed' : ''}`,
          toggle: t?.toggle ?? null,
          hides: t?.hides ?? 0,
          busy: busy === n.id,
          onToggle,
          onHover: setHover,
        },
      });
    }
    return out;
  }, [laid, startId, f, path, hover, toggles, hrefFor, busy, onToggle, collapsed]);

  const edges = useMemo<Edge[]>(
    () =>
      laidEdges.map((e) => {
        const k = edgeKey(e);
        const dim = (path && !path.edges.has(k)) || (f && !(matchesFilter(graph.nodes.find((n) => n.id === e.from)!, f) || matchesFilter(graph.nodes.find((n) => n.id === e.to)!, f)));
        return {
          id: k,
          source: e.from,
          target: e.to,
          type: 'default',
          focusable: false,
          selectable: false,
          className: `edge edge-${e.kind.toLowerCase()}${dim ? ' dim' : ''}${path?.edges.has(k) ? ' on-path' : ''}`,
          markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: e.kind === 'WRITES' ? '#33404f' : '#6b7a8f' },
          ariaLabel: e.kind === 'READS' ? `${e.to.slice(4)} reads ${e.from.slice(6)}` : `${e.from.slice(4)} writes ${e.to.slice(6)}`,
        };
      }),
    [laidEdges, path, f, graph],
  );

  // fit shows every node, from the positions and sizes the layout gave
  // them. Not React Flow's fitView: since 12.5 it waits for a node change
  // to flush a queue, and with nodes that do not change it sometimes never
  // ran (the e2e story's Fit failed about one run in five).
  const fit = useCallback(
    (padding: number, minZoom: number, maxZoom: number) => {
      const el = box.current;
      if (!el || nodes.length === 0) return;
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const n of nodes) {
        x0 = Math.min(x0, n.position.x);
        y0 = Math.min(y0, n.position.y);
        x1 = Math.max(x1, n.position.x + (n.width ?? 0));
        y1 = Math.max(y1, n.position.y + (n.height ?? 0));
      }
      const bounds = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
      void rf.setViewport(getViewportForBounds(bounds, el.clientWidth, el.clientHeight, minZoom, maxZoom, padding), { duration: 0 });
    },
    [nodes, rf],
  );

  // The first view: the whole graph when it fits readably, else the start
  // table at a readable zoom (pan, zoom or Fit for the rest).
  const height = Math.max(280, Math.min(laid.height + 60, 720));
  const firstView = useCallback(() => {
    const el = box.current;
    const s = laid.nodes.find((n) => n.id === startId);
    if (!el || !s) return;
    const scale = Math.min(el.clientWidth / (laid.width + 40), el.clientHeight / (laid.height + 40));
    if (scale >= MIN_READABLE || !Number.isFinite(scale)) fit(0.06, 0.05, 1);
    else void rf.setCenter(s.x, s.y, { zoom: MIN_READABLE, duration: 0 });
  }, [laid, startId, rf, fit]);
  // Once React Flow is ready, and again for each new walk; never over a
  // view the user already chose (Fit, zoom or a drag before React Flow was
  // ready). The canvas says data-viewed="yes" once the walk has its view.
  const [ready, setReady] = useState(false);
  const [viewed, setViewed] = useState<unknown>(null);
  const userMoved = useRef<unknown>(null);
  const byUser = () => {
    userMoved.current = sub;
  };
  useEffect(() => {
    if (!ready || laid.nodes.length === 0 || viewed === sub) return;
    setViewed(sub);
    if (userMoved.current !== sub) firstView();
  }, [ready, laid, sub, viewed, firstView]);

  return (
    <figure className="graph" aria-label={`Lineage graph of ${start}`}>
      <div className="graph-toolbar">
        <Legend showOwners={showOwners} />
        <label className="graph-filter">
          <span className="sr-only">Filter the graph by name or @owner</span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter: name or @owner"
            aria-label="Filter the graph by name or @owner"
          />
          {f && (
            <span className="muted small" aria-live="polite" data-testid="filter-count">
              {matchCount} match{matchCount === 1 ? '' : 'es'}
            </span>
          )}
        </label>
        <div className="zoom" role="group" aria-label="Zoom">
          <button
            type="button"
            onClick={() => {
              byUser();
              void rf.zoomOut({ duration: 0 });
            }}
            aria-label="Zoom out"
          >
            −
          </button>
          <button
            type="button"
            onClick={() => {
              byUser();
              fit(0.04, 0.05, 2);
            }}
            title="Show the whole graph (both axes)"
          >
            Fit
          </button>
          <button
            type="button"
            onClick={() => {
              byUser();
              void rf.zoomTo(1, { duration: 0 });
            }}
            aria-pressed={Math.abs(zoom - 1) < 0.01}
          >
            100%
          </button>
          <button
            type="button"
            onClick={() => {
              byUser();
              void rf.zoomIn({ duration: 0 });
            }}
            aria-label="Zoom in"
          >
            +
          </button>
          <span className="muted small zoom-level" data-testid="zoom-level">
            {Math.round(zoom * 100)}%
          </span>
        </div>
      </div>
      {failed && (
        <p className="banner warn small" role="status">
          {failed}
        </p>
      )}
      <div className="graph-canvas" ref={box} style={{ height: `min(${height}px, 72vh)` }} data-testid="lineage-svg" data-viewed={viewed === sub ? 'yes' : 'no'} role="group" aria-label={`${laid.nodes.length} nodes, ${laid.edges.length} edges. Drag to pan, wheel to zoom; + and − on a node expand and collapse it.`}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          minZoom={0.05}
          maxZoom={2.5}
          onlyRenderVisibleElements={false}
          proOptions={{ hideAttribution: true }}
          onMove={(_, vp) => setZoom(vp.zoom)}
          onMoveStart={(e) => e && byUser()}
          onInit={() => setReady(true)}
          zoomOnDoubleClick={false}
        >
          <Background gap={24} size={1} color="#e3e7ee" />
          <MiniMap
            pannable
            zoomable
            ariaLabel="Minimap of the lineage graph"
            nodeColor={(n) => (n.type === 'owner' ? 'rgba(21,128,61,0.12)' : n.id.startsWith('JOB:') ? '#f5b869' : n.id === startId ? '#1f63c6' : '#9cc1ee')}
            nodeStrokeWidth={2}
            style={{ width: 168, height: 104 }}
          />
        </ReactFlow>
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
          <span className="legend-group" aria-hidden="true" />
          Owner: a box around their jobs
        </li>
      ) : (
        <li>
          <span className="legend-owner">@owner</span> under each job
        </li>
      )}
      <li>
        <svg width="30" height="10" aria-hidden="true">
          <path className="legend-edge edge-reads" d="M1,5 H29" />
        </svg>
        reads
      </li>
      <li>
        <svg width="30" height="10" aria-hidden="true">
          <path className="legend-edge edge-writes" d="M1,5 H29" />
        </svg>
        writes
      </li>
    </ul>
  );
}
