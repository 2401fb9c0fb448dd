import { describe, expect, it } from 'vitest';
import { buildGraph, edgePath, jobLabel, layout, nodeId, shorten, tabOrder } from './graphLayout';
import { sampleLineage } from './test/graphql';

const sub = {
  tables: sampleLineage.tables,
  jobs: sampleLineage.jobs.map((j) => ({ id: j.id, owner: j.owner.handle })),
  owners: sampleLineage.owners,
  edges: sampleLineage.edges,
};

describe('buildGraph', () => {
  it('points edges the way data flows', () => {
    const { edges } = buildGraph(sub, false);
    expect(edges).toContainEqual({ from: 'TABLE:sales.orders', to: 'JOB:warehouse/etl/daily.sql', kind: 'READS' });
    expect(edges).toContainEqual({ from: 'JOB:warehouse/etl/daily.sql', to: 'TABLE:dws.daily_sales', kind: 'WRITES' });
    expect(edges.filter((e) => e.kind === 'OWNS')).toHaveLength(0);
  });
  it('adds owners and ownership edges when asked', () => {
    const { nodes, edges } = buildGraph(sub, true);
    expect(nodes.filter((n) => n.kind === 'OWNER').map((n) => n.name)).toEqual(['alice', 'bob']);
    expect(edges).toContainEqual({ from: 'OWNER:alice', to: 'JOB:warehouse/etl/daily.sql', kind: 'OWNS' });
  });
  it('keeps duplicate edges once and adds nodes an edge names', () => {
    const { nodes, edges } = buildGraph(
      { tables: [], jobs: [{ id: 'j', owner: null }], owners: [], edges: [{ job: 'j', table: 't', kind: 'READS' }, { job: 'j', table: 't', kind: 'READS' }] },
      true,
    );
    expect(edges).toHaveLength(1);
    expect(nodes.map((n) => n.id).sort()).toEqual(['JOB:j', 'TABLE:t']);
  });
});

describe('layout', () => {
  it('lays out left to right along the flow', () => {
    const { nodes, edges } = buildGraph(sub, true);
    const l = layout(nodes, edges);
    const x = (id: string) => l.nodes.find((n) => n.id === id)!.x;
    expect(x('TABLE:sales.orders')).toBeLessThan(x('JOB:warehouse/etl/daily.sql'));
    expect(x('JOB:warehouse/etl/daily.sql')).toBeLessThan(x('TABLE:dws.daily_sales'));
    expect(x('TABLE:dws.daily_sales')).toBeLessThan(x('JOB:warehouse/rpt/report.sql'));
    expect(x('JOB:warehouse/rpt/report.sql')).toBeLessThan(x('TABLE:rpt.kpi'));
    expect(l.width).toBeGreaterThan(0);
    expect(l.height).toBeGreaterThan(0);
    for (const e of l.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
  });
  it('does not overlap nodes', () => {
    const { nodes, edges } = buildGraph(sub, true);
    const l = layout(nodes, edges);
    for (const a of l.nodes)
      for (const b of l.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) * 2 >= a.width + b.width || Math.abs(a.y - b.y) * 2 >= a.height + b.height;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
  });
  it('gives the same picture for the same graph in any input order', () => {
    const a = buildGraph(sub, true);
    const b = buildGraph({ ...sub, tables: [...sub.tables].reverse(), edges: [...sub.edges].reverse(), jobs: [...sub.jobs].reverse() }, true);
    const la = layout(a.nodes, a.edges);
    const lb = layout(b.nodes, b.edges);
    const pos = (l: typeof la) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x, n.y]]));
    expect(pos(lb)).toEqual(pos(la));
  });
  it('labels jobs by file name with the owner below', () => {
    const { nodes, edges } = buildGraph(sub, false);
    const j = layout(nodes, edges).nodes.find((n) => n.id === nodeId('JOB', 'warehouse/etl/daily.sql'))!;
    expect(j.label).toBe('daily.sql');
    expect(j.sublabel).toBe('@alice');
  });
});

describe('helpers', () => {
  it.each([
    ['short', 'short'],
    ['a'.repeat(40), '…' + 'a'.repeat(33)],
  ])('shorten(%s)', (inp, want) => expect(shorten(inp)).toBe(want));
  it.each([
    ['repo/etl/load.sql', 'load.sql'],
    ['workflow:step', 'workflow:step'],
    ['dir/', 'dir'],
  ])('jobLabel(%s)', (inp, want) => expect(jobLabel(inp)).toBe(want));
  it('draws straight and curved paths', () => {
    expect(edgePath([])).toBe('');
    expect(edgePath([{ x: 0, y: 0 }, { x: 10, y: 5 }])).toBe('M0,0L10,5');
    expect(edgePath([{ x: 0, y: 0 }, { x: 5, y: 5 }, { x: 10, y: 0 }])).toBe('M0,0Q5,5 10,0');
  });
  it('orders focus by column then row', () => {
    const n = (id: string, x: number, y: number) => ({ id, x, y, kind: 'TABLE' as const, name: id, width: 1, height: 1, label: id });
    expect(tabOrder([n('c', 100, 0), n('b', 0, 50), n('a', 0, 10)]).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('layout at scale, owners grouped', () => {
  // A depth-4 fan: 4 levels, each table read by 3 jobs of 6 owners, writing
  // one table each: 160+ nodes.
  function fan() {
    const tables = [{ name: 't.0' }];
    const jobs: { id: string; owner: string }[] = [];
    const edges: { job: string; table: string; kind: string }[] = [];
    let frontier = ['t.0'];
    for (let level = 1; level <= 4 && tables.length + jobs.length < 160; level++) {
      const next: string[] = [];
      for (const t of frontier) {
        for (let k = 0; k < 3 && tables.length + jobs.length < 170; k++) {
          const id = `etl/l${level}_${t.replace('.', '_')}_${k}.sql`;
          const out = `t.${level}_${next.length}`;
          jobs.push({ id, owner: `owner${(jobs.length % 6) + 1}` });
          tables.push({ name: out });
          edges.push({ job: id, table: t, kind: 'READS' }, { job: id, table: out, kind: 'WRITES' });
          next.push(out);
        }
      }
      frontier = next;
    }
    const owners = [...new Set(jobs.map((j) => j.owner))].map((handle) => ({ handle }));
    return { tables, jobs, owners, edges };
  }

  it('keeps 150+ nodes apart at full size, each job inside its owner box', { timeout: 60000 }, () => {
    const { nodes, edges } = buildGraph(fan(), true);
    expect(nodes.filter((n) => n.kind !== 'OWNER').length).toBeGreaterThanOrEqual(150);
    const l = layout(nodes, edges, { groupOwners: true });
    expect(l.nodes.every((n) => n.kind !== 'OWNER')).toBe(true);
    // One box per owner and column, each named by its owner.
    expect(new Set(l.groups.map((g) => g.name)).size).toBe(6);
    expect(l.edges.every((e) => e.kind !== 'OWNS')).toBe(true);
    const overlaps: string[] = [];
    for (let i = 0; i < l.nodes.length; i++)
      for (let j = i + 1; j < l.nodes.length; j++) {
        const a = l.nodes[i];
        const b = l.nodes[j];
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        if (!apart) overlaps.push(`${a.id} overlaps ${b.id}`);
      }
    expect(overlaps).toEqual([]);
    // Labels keep their full size: a 13px font stays 13px, the canvas pans.
    expect(Math.min(...l.nodes.map((n) => n.height))).toBeGreaterThanOrEqual(34);
    for (const n of l.nodes.filter((x) => x.kind === 'JOB')) {
      const g = l.groups.find((x) => x.name === n.owner && Math.abs(x.x - n.x) <= x.width / 2)!;
      expect(g, `no box of @${n.owner} holds ${n.id}`).toBeTruthy();
      expect(Math.abs(n.x - g.x) <= (g.width - n.width) / 2 + 0.5 && Math.abs(n.y - g.y) <= (g.height - n.height) / 2 + 0.5, `${n.id} outside @${n.owner}`).toBe(true);
    }
  });
});
