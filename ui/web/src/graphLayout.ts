// Turns a lineage subgraph into positioned shapes: dagre's layered layout,
// left to right in the direction data flows (table → job that reads it →
// table it writes), with owners beside the jobs they own.
import dagre from '@dagrejs/dagre';

export type NodeKind = 'TABLE' | 'JOB' | 'OWNER';
export type EdgeKind = 'READS' | 'WRITES' | 'OWNS';

/** GraphNode is one node: a table, a job or an owner. */
export interface GraphNode {
  /** id is unique across kinds: "TABLE:sales.orders". */
  id: string;
  kind: NodeKind;
  /** name is the table name, job id or owner handle. */
  name: string;
  /** owner is a job's owner handle. */
  owner?: string;
}

/** GraphEdge points the way data flows; OWNS goes owner → job. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

/** Subgraph is what the lineage query returns, in the shape the layout needs. */
export interface SubgraphInput {
  tables: { name: string }[];
  jobs: { id: string; owner?: string | null }[];
  owners: { handle: string }[];
  /** edges are job→table edges as stored: READS means the job reads the table. */
  edges: { job: string; table: string; kind: string }[];
}

export interface LaidNode extends GraphNode {
  x: number; // centre
  y: number;
  width: number;
  height: number;
  label: string;
  sublabel?: string;
}

export interface LaidEdge extends GraphEdge {
  points: { x: number; y: number }[];
}

/** LaidGroup is an owner drawn as a box around the jobs they own. */
export interface LaidGroup {
  id: string;
  /** name is the owner's handle. */
  name: string;
  x: number; // centre
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  /** groups are owners as boxes (layout with groupOwners); their OWNS edges are not drawn. */
  groups: LaidGroup[];
  width: number;
  height: number;
}

export const nodeId = (kind: NodeKind, name: string) => `${kind}:${name}`;

/**
 * buildGraph converts a subgraph to nodes and edges. With showOwners, each
 * owner is a node linked to its jobs; without, owners show only as a job's
 * second line.
 */
export function buildGraph(sub: SubgraphInput, showOwners: boolean): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  const add = (n: GraphNode) => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  for (const t of sub.tables) add({ id: nodeId('TABLE', t.name), kind: 'TABLE', name: t.name });
  for (const j of sub.jobs) add({ id: nodeId('JOB', j.id), kind: 'JOB', name: j.id, owner: j.owner || undefined });
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const push = (e: GraphEdge) => {
    const k = `${e.from}|${e.to}|${e.kind}`;
    if (seen.has(k) || !nodes.has(e.from) || !nodes.has(e.to)) return;
    seen.add(k);
    edges.push(e);
  };
  for (const e of sub.edges) {
    const job = nodeId('JOB', e.job);
    const table = nodeId('TABLE', e.table);
    // Edges may name a node the walk cut off; add it so the edge shows
    // where the graph continues.
    if (!nodes.has(table)) add({ id: table, kind: 'TABLE', name: e.table });
    if (!nodes.has(job)) add({ id: job, kind: 'JOB', name: e.job });
    if (e.kind.toUpperCase() === 'READS') push({ from: table, to: job, kind: 'READS' });
    else push({ from: job, to: table, kind: 'WRITES' });
  }
  if (showOwners) {
    const handles = new Set(sub.owners.map((o) => o.handle));
    for (const j of sub.jobs) if (j.owner) handles.add(j.owner);
    for (const h of [...handles].sort()) add({ id: nodeId('OWNER', h), kind: 'OWNER', name: h });
    for (const j of sub.jobs) if (j.owner) push({ from: nodeId('OWNER', j.owner), to: nodeId('JOB', j.id), kind: 'OWNS' });
  }
  return { nodes: [...nodes.values()], edges };
}

const CHAR_W = 8; // glyph width of a 13px monospace font (0.6em), rounded up
const MAX_CHARS = 34;

/** shorten keeps the end of a long name, where tables and scripts differ. */
export function shorten(s: string, max = MAX_CHARS): string {
  return s.length <= max ? s : '…' + s.slice(s.length - max + 1);
}

/** jobLabel is a job's file name without its directories. */
export function jobLabel(id: string): string {
  const base = id.split('/').filter(Boolean).pop() ?? id;
  return base || id;
}

function labels(n: GraphNode): { label: string; sublabel?: string } {
  switch (n.kind) {
    case 'JOB':
      return { label: shorten(jobLabel(n.name)), sublabel: n.owner ? `@${n.owner}` : 'no owner' };
    case 'OWNER':
      return { label: shorten(`@${n.name}`) };
    default:
      return { label: shorten(n.name) };
  }
}

/**
 * layout positions nodes with dagre, ranks left to right. With groupOwners,
 * an owner is not a node linked to each job (many crossing lines) but a box
 * around their jobs (a dagre cluster), so owners never tangle the flow.
 */
export function layout(allNodes: GraphNode[], allEdges: GraphEdge[], opts: { groupOwners?: boolean } = {}): Layout {
  if (!opts.groupOwners || !allNodes.some((n) => n.kind === 'OWNER')) return layoutWith(allNodes, allEdges, null);
  const nodes = allNodes.filter((n) => n.kind !== 'OWNER');
  const edges = allEdges.filter((e) => e.kind !== 'OWNS');
  // An owner's box holds their jobs of one column (rank): a box spanning
  // columns would have to hold the tables between them too. The columns come
  // from a first layout without boxes.
  const flat = layoutWith(nodes, edges, null);
  const cols = [...new Set(flat.nodes.map((n) => Math.round(n.x)))].sort((a, b) => a - b);
  const groupOf = new Map<string, { id: string; name: string }>();
  for (const n of flat.nodes) {
    if (n.kind !== 'JOB' || !n.owner) continue;
    const col = cols.indexOf(Math.round(n.x));
    groupOf.set(n.id, { id: `GROUP:${n.owner}@${col}`, name: n.owner });
  }
  try {
    return layoutWith(nodes, edges, groupOf);
  } catch {
    // dagre's cluster layout fails on some shapes: owners as nodes then.
    return layoutWith(allNodes, allEdges, null);
  }
}

function layoutWith(nodes: GraphNode[], edges: GraphEdge[], groupOf: Map<string, { id: string; name: string }> | null): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true, compound: !!groupOf && groupOf.size > 0 });
  // With owner boxes, more room between nodes leaves space for the boxes' names.
  const boxed = !!groupOf && groupOf.size > 0;
  g.setGraph({ rankdir: 'LR', nodesep: boxed ? 34 : 14, ranksep: 56, edgesep: 10, marginx: 16, marginy: boxed ? 28 : 16, ranker: 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  const meta = new Map<string, { label: string; sublabel?: string }>();
  // Insert in a fixed order so the same graph always gets the same picture.
  const sorted = [...nodes].sort((a, b) => a.id.localeCompare(b.id));
  for (const n of sorted) {
    const l = labels(n);
    meta.set(n.id, l);
    const chars = Math.max(l.label.length, l.sublabel?.length ?? 0);
    const width = Math.round(Math.min(300, Math.max(96, chars * CHAR_W + 40)));
    const height = n.kind === 'JOB' ? 44 : n.kind === 'OWNER' ? 30 : 34;
    g.setNode(n.id, { width, height });
  }
  const groupNames = new Map<string, string>();
  if (groupOf) {
    for (const { id, name } of [...groupOf.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      if (groupNames.has(id)) continue;
      g.setNode(id, { paddingTop: 26, paddingLeft: 10, paddingRight: 10, paddingBottom: 10 });
      groupNames.set(id, name);
    }
    for (const n of sorted) if (groupOf.has(n.id)) g.setParent(n.id, groupOf.get(n.id)!.id);
  }
  const sortedEdges = [...edges].sort((a, b) => `${a.from}|${a.to}`.localeCompare(`${b.from}|${b.to}`));
  for (const e of sortedEdges) {
    // Ownership should not pull the flow apart: low weight, and the owner
    // sits one rank before its job.
    g.setEdge(e.from, e.to, { weight: e.kind === 'OWNS' ? 1 : 3, minlen: 1 }, `${e.kind}`);
  }
  dagre.layout(g);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const laidNodes: LaidNode[] = sorted.map((n) => {
    const p = g.node(n.id);
    return { ...byId.get(n.id)!, ...meta.get(n.id)!, x: p.x, y: p.y, width: p.width, height: p.height };
  });
  const laidEdges: LaidEdge[] = sortedEdges.map((e) => {
    const le = g.edge({ v: e.from, w: e.to, name: e.kind });
    return { ...e, points: (le?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) };
  });
  const groups: LaidGroup[] = [];
  for (const [gid, name] of groupNames) {
    const p = g.node(gid);
    if (p && p.width > 0) groups.push({ id: gid, name, x: p.x, y: p.y, width: p.width, height: p.height });
  }
  const gl = g.graph();
  return { nodes: laidNodes, edges: laidEdges, groups, width: Math.ceil(gl.width ?? 0), height: Math.ceil(gl.height ?? 0) };
}

/** edgePath draws a smooth curve through dagre's points. */
export function edgePath(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const f = (n: number) => Math.round(n * 10) / 10;
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  if (points.length === 2) return d + `L${f(points[1].x)},${f(points[1].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    const mx = i === points.length - 2 ? next.x : (p.x + next.x) / 2;
    const my = i === points.length - 2 ? next.y : (p.y + next.y) / 2;
    d += `Q${f(p.x)},${f(p.y)} ${f(mx)},${f(my)}`;
  }
  return d;
}

/** tabOrder sorts nodes for keyboard focus: by column, then top to bottom. */
export function tabOrder(nodes: LaidNode[]): LaidNode[] {
  return [...nodes].sort((a, b) => Math.round(a.x - b.x) || a.y - b.y);
}
