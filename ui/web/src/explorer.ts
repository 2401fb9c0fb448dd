// The lineage explorer's logic, apart from drawing: merging what per-node
// expansion fetched into the walked subgraph, which nodes a collapse hides,
// the path between two nodes, and the name/owner filter.
import type { GraphEdge, GraphNode, SubgraphInput } from './graphLayout';

/** mergeSubgraphs joins subgraphs, each table, job, owner and edge once. */
export function mergeSubgraphs(base: SubgraphInput, extra: Iterable<SubgraphInput>): SubgraphInput {
  const tables = new Map(base.tables.map((t) => [t.name, t]));
  const jobs = new Map(base.jobs.map((j) => [j.id, j]));
  const owners = new Map(base.owners.map((o) => [o.handle, o]));
  const edges = new Map(base.edges.map((e) => [`${e.job}|${e.table}|${e.kind}`, e]));
  for (const s of extra) {
    for (const t of s.tables) if (!tables.has(t.name)) tables.set(t.name, t);
    for (const j of s.jobs) if (!jobs.has(j.id) || (!jobs.get(j.id)!.owner && j.owner)) jobs.set(j.id, j);
    for (const o of s.owners) if (!owners.has(o.handle)) owners.set(o.handle, o);
    for (const e of s.edges) {
      const k = `${e.job}|${e.table}|${e.kind}`;
      if (!edges.has(k)) edges.set(k, e);
    }
  }
  return { tables: [...tables.values()], jobs: [...jobs.values()], owners: [...owners.values()], edges: [...edges.values()] };
}

/** adjacency lists data-flow neighbours (READS and WRITES edges, both ways). */
function adjacency(edges: GraphEdge[]): Map<string, string[]> {
  const adj = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    const l = adj.get(a);
    if (l) l.push(b);
    else adj.set(a, [b]);
  };
  for (const e of edges) {
    if (e.kind === 'OWNS') continue;
    add(e.from, e.to);
    add(e.to, e.from);
  }
  return adj;
}

/**
 * visibleIds returns the nodes left in view: those reached from start
 * without walking past a collapsed node (a collapsed node itself stays, as
 * the handle to expand it again). Owners stay when one of their jobs does.
 */
export function visibleIds(nodes: GraphNode[], edges: GraphEdge[], start: string, collapsed: ReadonlySet<string>): Set<string> {
  const adj = adjacency(edges);
  const seen = new Set<string>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (byId.has(start)) {
    seen.add(start);
    const queue = [start];
    while (queue.length) {
      const id = queue.shift()!;
      if (id !== start && collapsed.has(id)) continue;
      for (const next of adj.get(id) ?? []) {
        if (!seen.has(next) && byId.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
  }
  // A node the walk never connected to start (an edge cut off by the limit)
  // stays unless a collapse is what cut it off.
  if (collapsed.size === 0) for (const n of nodes) if (n.kind !== 'OWNER') seen.add(n.id);
  for (const e of edges) if (e.kind === 'OWNS' && seen.has(e.to)) seen.add(e.from);
  return seen;
}

/**
 * hiddenBy returns the nodes collapsing id would hide, given what is
 * collapsed already: empty when id has nothing beyond it.
 */
export function hiddenBy(nodes: GraphNode[], edges: GraphEdge[], start: string, collapsed: ReadonlySet<string>, id: string): Set<string> {
  if (id === start || collapsed.has(id)) return new Set();
  const now = visibleIds(nodes, edges, start, collapsed);
  const after = visibleIds(nodes, edges, start, new Set([...collapsed, id]));
  return new Set([...now].filter((n) => !after.has(n)));
}

function reach(edges: GraphEdge[], from: string, forward: boolean): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind === 'OWNS') continue;
    const [a, b] = forward ? [e.from, e.to] : [e.to, e.from];
    const l = next.get(a);
    if (l) l.push(b);
    else next.set(a, [b]);
  }
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    for (const n of next.get(queue.shift()!) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/**
 * pathBetween returns the nodes and edges on every data-flow path between a
 * and b, in whichever direction data flows between them; when there is none,
 * b and its direct neighbours.
 */
export function pathBetween(edges: GraphEdge[], a: string, b: string): { nodes: Set<string>; edges: Set<string> } {
  const onPath = (src: string, dst: string) => {
    const down = reach(edges, src, true);
    if (!down.has(dst)) return null;
    const up = reach(edges, dst, false);
    return new Set([...down].filter((n) => up.has(n)));
  };
  let nodes = onPath(a, b) ?? onPath(b, a);
  if (!nodes) {
    nodes = new Set([b]);
    for (const e of edges) {
      if (e.from === b) nodes.add(e.to);
      if (e.to === b) nodes.add(e.from);
    }
    return { nodes, edges: new Set(edges.filter((e) => e.from === b || e.to === b).map(edgeKey)) };
  }
  const set = nodes;
  return { nodes: set, edges: new Set(edges.filter((e) => e.kind !== 'OWNS' && set.has(e.from) && set.has(e.to)).map(edgeKey)) };
}

export const edgeKey = (e: GraphEdge) => `${e.from}|${e.to}|${e.kind}`;

/**
 * matchesFilter reports whether a node answers the explorer's filter: a name
 * containing the text, or, for "@text", a job owned by (or the group of) an
 * owner whose handle contains it. Case-insensitive; "" matches everything.
 */
export function matchesFilter(n: GraphNode, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  if (f.startsWith('@')) {
    const h = f.slice(1);
    if (n.kind === 'OWNER') return n.name.toLowerCase().includes(h);
    return n.kind === 'JOB' && !!n.owner && n.owner.toLowerCase().includes(h);
  }
  return n.name.toLowerCase().includes(f) || (n.kind === 'JOB' && !!n.owner && n.owner.toLowerCase().includes(f));
}
