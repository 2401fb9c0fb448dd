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
    expect(svg.querySelectorAll('.edge-reads')).toHaveLength(2);
    expect(svg.querySelectorAll('.edge-writes')).toHaveLength(2);
    expect(svg.querySelectorAll('.edge-owns')).toHaveLength(2);
    expect(svg.querySelector('.node.start')?.getAttribute('data-name')).toBe('sales.orders');
    const legend = screen.getByRole('list', { name: 'Legend' });
    for (const k of ['Table', 'Job', 'Owner', 'reads', 'writes', 'owns']) expect(legend.textContent).toContain(k);
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
