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
