// Layout of a column lineage graph (issue 16): dagre, left to right, one box
// per column (its table above its name), edges labelled with the job.
import dagre from '@dagrejs/dagre';
import { splitColumn, type FlowEdge } from './columns';

export const NODE_H = 40;
const CHAR_W = 7.4;

export interface CNode {
  id: string;
  table: string;
  column: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface CEdge extends FlowEdge {
  points: { x: number; y: number }[];
}
export interface CLayout {
  nodes: CNode[];
  edges: CEdge[];
  width: number;
  height: number;
}

/** layoutColumns places the columns and the edges between them; the output depends only on the input. */
export function layoutColumns(nodes: string[], edges: FlowEdge[]): CLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 110, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const sorted = [...nodes].sort();
  for (const id of sorted) {
    const { table, column } = splitColumn(id);
    const w = Math.max(90, Math.ceil(Math.max(table.length * 6.4, column.length * CHAR_W)) + 22);
    g.setNode(id, { width: w, height: NODE_H });
  }
  const es = [...edges].sort((a, b) => (a.source + a.target + a.job).localeCompare(b.source + b.target + b.job));
  es.forEach((e, i) => g.setEdge(e.source, e.target, {}, `e${i}`));
  dagre.layout(g);
  const out: CNode[] = sorted.map((id) => {
    const n = g.node(id);
    const { table, column } = splitColumn(id);
    return { id, table, column, x: n.x - n.width / 2, y: n.y - n.height / 2, w: n.width, h: n.height };
  });
  const cedges: CEdge[] = es.map((e, i) => {
    const ge = g.edge({ v: e.source, w: e.target, name: `e${i}` });
    return { ...e, points: ((ge?.points ?? []) as { x: number; y: number }[]).map((p) => ({ x: p.x, y: p.y })) };
  });
  const gg = g.graph();
  return { nodes: out, edges: cedges, width: Math.ceil(gg.width ?? 0), height: Math.ceil(gg.height ?? 0) };
}
