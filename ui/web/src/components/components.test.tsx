import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleLineage } from '../test/graphql';
import { mockGraphQL } from '../test/graphql';
import { Burndown } from './Burndown';
import { LineageGraph } from './LineageGraph';
import { ProgressBar } from './ProgressBar';
import { SearchBox } from './SearchBox';

afterEach(() => vi.unstubAllGlobals());

const sub = {
  tables: sampleLineage.tables,
  jobs: sampleLineage.jobs.map((j) => ({ id: j.id, owner: j.owner.handle })),
  owners: sampleLineage.owners,
  edges: sampleLineage.edges,
};

describe('LineageGraph', () => {
  it('draws tables, jobs and owners as distinct links with a legend', () => {
    render(<LineageGraph sub={sub} start="sales.orders" showOwners />);
    const svg = screen.getByTestId('lineage-svg');
    expect(svg.querySelectorAll('[data-kind="TABLE"]')).toHaveLength(3);
    expect(svg.querySelectorAll('[data-kind="JOB"]')).toHaveLength(2);
    expect(svg.querySelectorAll('[data-kind="OWNER"]')).toHaveLength(2);
    expect(svg.querySelectorAll('.react-flow__edge.edge-reads')).toHaveLength(2);
    expect(svg.querySelectorAll('.react-flow__edge.edge-writes')).toHaveLength(2);
    // Owners are boxes around their jobs, not lines to each.
    expect(svg.querySelectorAll('.edge-owns')).toHaveLength(0);
    expect(svg.querySelectorAll('.rf-owner-group')).toHaveLength(2);
    expect(svg.querySelector('.node.start')?.getAttribute('data-name')).toBe('sales.orders');
    const legend = screen.getByRole('list', { name: 'Legend' });
    for (const k of ['Table', 'Job', 'Owner', 'reads', 'writes']) expect(legend.textContent).toContain(k);
  });

  it('collapses a node (hiding what lies beyond it) and expands it again; + fetches one hop from a frontier node', async () => {
    const expand = vi.fn(async (n: { kind: string; name: string }) => ({
      tables: [{ name: n.name }, { name: 'rpt.board' }],
      jobs: [{ id: 'warehouse/rpt/board.sql', owner: 'carol' }],
      owners: [{ handle: 'carol' }],
      edges: [
        { job: 'warehouse/rpt/board.sql', table: n.name, kind: 'READS' },
        { job: 'warehouse/rpt/board.sql', table: 'rpt.board', kind: 'WRITES' },
      ],
    }));
    render(<LineageGraph sub={sub} start="sales.orders" showOwners={false} expand={expand} />);
    const svg = screen.getByTestId('lineage-svg');
    const count = () => svg.querySelectorAll('.node').length;
    expect(count()).toBe(5);
    // dws.daily_sales has report.sql and rpt.kpi beyond it.
    fireEvent.click(screen.getByRole('button', { name: 'Collapse dws.daily_sales (hides 2)' }));
    expect(count()).toBe(3);
    expect(svg.querySelector('[data-name="rpt.kpi"]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Expand dws.daily_sales again' }));
    expect(count()).toBe(5);
    // rpt.kpi is the frontier: + asks for one hop around it only.
    fireEvent.click(screen.getByRole('button', { name: 'Expand rpt.kpi one hop' }));
    await waitFor(() => expect(count()).toBe(7));
    expect(expand).toHaveBeenCalledWith({ kind: 'TABLE', name: 'rpt.kpi' });
    expect(svg.querySelector('[data-name="rpt.board"]')).not.toBeNull();
    // The keyboard does the same: - on a focused node collapses it.
    fireEvent.keyDown(screen.getByLabelText('table rpt.kpi'), { key: '-' });
    expect(count()).toBe(5);
  });

  it('highlights the path to the hovered node and filters by name or @owner', () => {
    render(<LineageGraph sub={sub} start="sales.orders" showOwners={false} />);
    const svg = screen.getByTestId('lineage-svg');
    fireEvent.mouseEnter(screen.getByLabelText('table rpt.kpi'));
    const onPath = [...svg.querySelectorAll('.node.on-path')].map((e) => e.getAttribute('data-name')).sort();
    expect(onPath).toEqual(['dws.daily_sales', 'rpt.kpi', 'sales.orders', 'warehouse/etl/daily.sql', 'warehouse/rpt/report.sql']);
    fireEvent.mouseLeave(screen.getByLabelText('table rpt.kpi'));
    fireEvent.change(screen.getByLabelText('Filter the graph by name or @owner'), { target: { value: '@bob' } });
    expect([...svg.querySelectorAll('.node.match')].map((e) => e.getAttribute('data-name'))).toEqual(['warehouse/rpt/report.sql']);
    expect(svg.querySelectorAll('.node.dim')).toHaveLength(4);
    expect(screen.getByTestId('filter-count').textContent).toBe('1 match');
  });

  it('hides owners when asked', () => {
    render(<LineageGraph sub={sub} start="sales.orders" showOwners={false} />);
    expect(screen.getByTestId('lineage-svg').querySelectorAll('[data-kind="OWNER"]')).toHaveLength(0);
  });

  it('moves to a node on click', () => {
    render(<LineageGraph sub={sub} start="sales.orders" showOwners />);
    const job = screen.getByLabelText('job warehouse/etl/daily.sql');
    expect(job.getAttribute('href')).toBe('/jobs/warehouse%2Fetl%2Fdaily.sql');
    fireEvent.click(job);
    expect(window.location.pathname).toBe('/jobs/warehouse%2Fetl%2Fdaily.sql');
    fireEvent.click(screen.getByLabelText('table rpt.kpi'));
    expect(window.location.pathname).toBe('/tables/rpt.kpi');
  });
});

describe('SearchBox', () => {
  it('searches as you type and opens a hit with the keyboard', async () => {
    const calls = mockGraphQL({
      Search: (v) => ({
        data: {
          search: {
            hits: String(v.query).startsWith('ord')
              ? [
                  { kind: 'TABLE', name: 'ods.orders' },
                  { kind: 'JOB', name: 'etl/orders.sql' },
                ]
              : [],
            pageInfo: { endCursor: null, hasNextPage: false },
          },
        },
      }),
    });
    render(<SearchBox inputId="s" />);
    const input = screen.getByRole('combobox');
    fireEvent.change(input, { target: { value: 'ord' } });
    await screen.findByText('ods.orders');
    expect(calls[0].variables.query).toBe('ord');
    expect(screen.getAllByRole('option')[0].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(window.location.pathname).toBe('/jobs/etl%2Forders.sql');
  });

  it('Enter before the list caught up opens the best match of what is typed', async () => {
    const calls = mockGraphQL({
      Search: (v) => ({
        data: {
          search: {
            hits:
              v.query === 'orders'
                ? [
                    { kind: 'TABLE', name: 'ods.orders' },
                    { kind: 'TABLE', name: 'dwd.fact_orders' },
                  ]
                : [{ kind: 'TABLE', name: 'dwd.fact_orders' }],
            pageInfo: { endCursor: null, hasNextPage: false },
          },
        },
      }),
    });
    render(<SearchBox inputId="s" />);
    const input = screen.getByRole('combobox');
    fireEvent.change(input, { target: { value: 'fact' } });
    await screen.findByText('dwd.fact_orders');
    // Typed on, Enter at once: the list still shows the hits of "fact".
    fireEvent.change(input, { target: { value: 'orders' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(window.location.pathname).toBe('/tables/ods.orders'));
    expect(calls.some((c) => c.variables.query === 'orders' && c.variables.first === 1)).toBe(true);
  });

  it('says when nothing matches and what to try', async () => {
    mockGraphQL({ Search: () => ({ data: { search: { hits: [], pageInfo: { endCursor: null, hasNextPage: false } } } }) });
    render(<SearchBox />);
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'zzz' } });
    expect(await screen.findByText(/Nothing matches “zzz”/)).toBeTruthy();
  });

  it('shows a failed search', async () => {
    mockGraphQL({ Search: () => ({ errors: [{ message: 'The graph store is unavailable.', extensions: { code: 'UNAVAILABLE' } }] }) });
    render(<SearchBox />);
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'x' } });
    expect((await screen.findByRole('alert')).textContent).toContain('unavailable');
  });

  it('restricts kinds and hands the pick to onPick', async () => {
    const calls = mockGraphQL({
      Search: () => ({ data: { search: { hits: [{ kind: 'TABLE', name: 'a.b' }], pageInfo: { endCursor: null, hasNextPage: false } } } }),
    });
    const onPick = vi.fn();
    render(<SearchBox kinds={['TABLE']} onPick={onPick} showAll={false} />);
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'a' } });
    fireEvent.mouseDown(await screen.findByText('a.b'));
    expect(onPick).toHaveBeenCalledWith({ kind: 'TABLE', name: 'a.b' });
    expect(calls[0].variables.kinds).toEqual(['TABLE']);
  });
});

describe('ProgressBar', () => {
  it('reports done of total', () => {
    render(<ProgressBar done={1} total={4} label="p" />);
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('1');
    expect(bar.getAttribute('aria-valuemax')).toBe('4');
    expect(screen.getByText(/1\/4/)).toBeTruthy();
  });
});

describe('Burndown', () => {
  it('draws the open count from the log and ends at the current count', async () => {
    await act(async () => {
      render(
        <Burndown
          createdAt="2026-03-01T00:00:00Z"
          deadline="2026-03-10T00:00:00Z"
          events={[{ at: '2026-03-02T00:00:00Z', kind: 'target_complete', owner: 'a' }]}
          targets={[
            { owner: 'a', state: 'COMPLETE' },
            { owner: 'b', state: 'OPEN' },
          ]}
          now={Date.parse('2026-03-03T00:00:00Z')}
        />,
      );
    });
    const img = screen.getByRole('img');
    expect(img.getAttribute('aria-label')).toBe('Burndown: 1 of 2 targets open now');
    expect(img.querySelectorAll('.burn-dot')).toHaveLength(3);
    await waitFor(() => expect(img.querySelector('.deadline')).toBeTruthy());
  });
});
