// Column lineage UI (issue 16): the helpers, the table page's columns panel,
// the column lineage view, the wizard's column picker and preview, and the
// campaign page's columns, against a mocked /graphql.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { layoutColumns } from './columnLayout';
import {
  columnTitle,
  flowEdges,
  flowNodes,
  groupByRole,
  kindsOf,
  splitColumn,
  usesByJob,
  type Column,
  type ColumnImpactOwner,
  type ColumnLineageResult,
} from './columns';
import { sortColumns } from './components/ColumnsPanel';
import { jobLabel } from './components/ColumnLineage';
import { toInput } from './pages/NewCampaignPage';
import { mockGraphQL, sampleLineage } from './test/graphql';

afterEach(() => vi.unstubAllGlobals());

function at(path: string) {
  window.history.replaceState(null, '', path);
  return render(<App />);
}

const use = (job: string, owner: string | null, kind: Column['uses'][0]['kind'], line: number, unresolved = false) => ({
  job: { id: job, owner: owner ? { handle: owner } : null },
  kind,
  line,
  unresolved,
});

// dwd.fact_orders as the sample warehouse has it, cut down.
const factOrdersColumns: Column[] = [
  { name: '*', declared: false, jobCount: 1, uses: [use('warehouse:bi_dashboards/orders_export', 'frank', 'VALUE', 4, true)], writers: [] },
  { name: 'coupon_code', declared: false, jobCount: 0, uses: [], writers: ['warehouse:dwd_core/fact_orders'] },
  {
    name: 'customer_id',
    declared: true,
    jobCount: 2,
    uses: [
      use('warehouse:dws_daily/customer_daily', 'carol', 'GROUPING', 2),
      use('warehouse:dws_daily/customer_daily', 'carol', 'VALUE', 2),
      use('warehouse:dws_daily/customer_daily', 'carol', 'JOIN', 3),
      use('warehouse:finance_close/ar_aging', 'erin', 'VALUE', 11),
    ],
    writers: ['warehouse:dwd_core/fact_orders'],
  },
  {
    name: 'status',
    declared: false,
    jobCount: 2,
    uses: [use('warehouse:dws_daily/customer_daily', 'carol', 'FILTER', 2), use('warehouse:sandbox/cohort_retention.sql', 'dan', 'FILTER', 7)],
    writers: ['warehouse:dwd_core/fact_orders'],
  },
];

const statusLineage: ColumnLineageResult = {
  start: 'dwd.fact_orders.status',
  columns: ['dwd.fact_orders.status', 'ods.orders.status', 'raw.shop_orders.status', 'reporting.orders_export.status'],
  edges: [
    { job: 'warehouse:bi_dashboards/orders_export', source: 'dwd.fact_orders.*', target: 'reporting.orders_export.*' },
    { job: 'warehouse:dwd_core/fact_orders', source: 'ods.orders.status', target: 'dwd.fact_orders.status' },
    { job: 'warehouse:ods_daily/orders', source: 'raw.shop_orders.status', target: 'ods.orders.status' },
  ],
  truncated: false,
};

describe('column helpers', () => {
  it('splitColumn splits at the last dot', () => {
    expect(splitColumn('dwd.fact_orders.status')).toEqual({ table: 'dwd.fact_orders', column: 'status' });
    expect(splitColumn('a.b.*')).toEqual({ table: 'a.b', column: '*' });
    expect(splitColumn('bare')).toEqual({ table: '', column: 'bare' });
  });
  it('kindsOf lists each kind once in a fixed order', () => {
    expect(kindsOf(factOrdersColumns[2])).toEqual(['VALUE', 'JOIN', 'GROUPING']);
  });
  it('usesByJob merges a job’s uses of a column', () => {
    expect(usesByJob(factOrdersColumns[2])).toEqual([
      { job: 'warehouse:dws_daily/customer_daily', owner: 'carol', kinds: ['VALUE', 'JOIN', 'GROUPING'], lines: [2, 3], unresolved: false },
      { job: 'warehouse:finance_close/ar_aging', owner: 'erin', kinds: ['VALUE'], lines: [11], unresolved: false },
    ]);
  });
  it('sortColumns leaves out the star and sorts by name or by use', () => {
    expect(sortColumns(factOrdersColumns, 'name').map((c) => c.name)).toEqual(['coupon_code', 'customer_id', 'status']);
    expect(sortColumns(factOrdersColumns, 'use').map((c) => c.name)).toEqual(['customer_id', 'status', 'coupon_code']);
  });
  it('flowEdges draws a SELECT * copy between the columns the walk reached', () => {
    const e = flowEdges(statusLineage);
    expect(e).toContainEqual({
      job: 'warehouse:bi_dashboards/orders_export',
      source: 'dwd.fact_orders.status',
      target: 'reporting.orders_export.status',
      star: true,
    });
    expect(e.filter((x) => x.star)).toHaveLength(1);
    expect(e.some((x) => x.source.endsWith('.*'))).toBe(false);
    expect(flowNodes(statusLineage, e)).toEqual([...statusLineage.columns].sort());
  });
  it('flowEdges keeps a star copy whose columns the walk did not reach', () => {
    const l = { ...statusLineage, columns: ['dwd.fact_orders.status'], edges: [statusLineage.edges[0]] };
    const e = flowEdges(l);
    expect(e).toEqual([{ ...statusLineage.edges[0], star: true }]);
    expect(flowNodes(l, e)).toEqual(['dwd.fact_orders.*', 'dwd.fact_orders.status', 'reporting.orders_export.*']);
  });
  it('layoutColumns is deterministic and flows left to right without overlaps', () => {
    const e = flowEdges(statusLineage);
    const n = flowNodes(statusLineage, e);
    const a = layoutColumns(n, e);
    expect(layoutColumns([...n].reverse(), [...e].reverse())).toEqual(a);
    const x = (id: string) => a.nodes.find((v) => v.id === id)!.x;
    expect(x('raw.shop_orders.status')).toBeLessThan(x('ods.orders.status'));
    expect(x('dwd.fact_orders.status')).toBeLessThan(x('reporting.orders_export.status'));
    for (const p of a.nodes)
      for (const q of a.nodes)
        if (p !== q) expect(p.x + p.w <= q.x || q.x + q.w <= p.x || p.y + p.h <= q.y || q.y + q.h <= p.y).toBe(true);
    expect(a.edges.every((v) => v.points.length >= 2)).toBe(true);
  });
  it('columnTitle names the change and the columns', () => {
    expect(columnTitle('dwd.fact_orders', ['status'], 'DROP')).toBe('Drop dwd.fact_orders.status');
    expect(columnTitle('t.x', ['a', 'b'], 'RETYPE')).toBe('Retype a, b of t.x');
    expect(columnTitle('t.x', [], 'DROP')).toBe('Migrate off t.x');
    expect(columnTitle('', [], 'DROP')).toBe('');
  });
  it('jobLabel shortens a job id for an edge label', () => {
    expect(jobLabel('warehouse:sandbox/cohort_retention.sql')).toBe('cohort_retention');
    expect(jobLabel('warehouse:dwd_core/fact_orders')).toBe('fact_orders');
  });
  it('groupByRole splits owners by role', () => {
    const o = (h: string, role: ColumnImpactOwner['role']): ColumnImpactOwner => ({ owner: { handle: h }, role, hops: 1, jobs: [] });
    const g = groupByRole([o('carol', 'MUST_ACT'), o('frank', 'MAY_USE'), o('dan', 'MUST_ACT'), o('gina', 'INFORMED')]);
    expect(g.MUST_ACT.map((x) => x.owner.handle)).toEqual(['carol', 'dan']);
    expect(g.MAY_USE.map((x) => x.owner.handle)).toEqual(['frank']);
    expect(g.INFORMED.map((x) => x.owner.handle)).toEqual(['gina']);
  });
  it('toInput sends columns and change only for a column campaign', () => {
    const d = { table: 't.x', replacement: '', title: 'x', message: '', deadline: '', reach: 'DIRECT' as const };
    expect(toInput({ ...d, columns: ['a'], change: 'RENAME' }, true)).toMatchObject({ columns: ['a'], change: 'RENAME' });
    expect(toInput({ ...d, columns: ['a'] }, true)).toMatchObject({ columns: ['a'], change: 'DROP' });
    expect('columns' in toInput({ ...d, columns: [], change: 'DROP' }, true)).toBe(false);
    expect('change' in toInput(d, true)).toBe(false);
  });
});

const tableData = {
  table: {
    name: 'dwd.fact_orders',
    readers: [{ id: 'warehouse:dws_daily/customer_daily', owner: { handle: 'carol' } }],
    writers: [{ id: 'warehouse:dwd_core/fact_orders', owner: { handle: 'bob' } }],
    owners: [{ handle: 'bob', team: 'core', email: '' }],
  },
};

describe('ColumnsPanel on the table page', () => {
  it('lists the columns with how many jobs use each, and the SELECT * readers apart', async () => {
    const calls = mockGraphQL({
      Table: () => ({ data: tableData }),
      Lineage: () => ({ data: { lineage: sampleLineage } }),
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
    });
    at('/tables/dwd.fact_orders');
    const panel = await screen.findByTestId('columns-table');
    const row = (c: string) => panel.querySelector(`tr[data-column="${c}"]`) as HTMLElement;
    expect(row('status').textContent).toContain('2 jobs');
    expect(row('status').textContent).toContain('filter');
    expect(row('coupon_code').textContent).toContain('unused');
    expect(row('customer_id').textContent).toContain('value, join key, group by');
    expect(row('customer_id').textContent).toContain('declared');
    expect(panel.querySelector('tr[data-column="*"]')).toBeNull();
    const link = within(row('status')).getByRole('link', { name: 'Lineage of column status' });
    expect(link.getAttribute('href')).toBe('/tables/dwd.fact_orders/columns/status');
    const star = screen.getByTestId('columns-star');
    expect(star.textContent).toMatch(/1 job reads this table through SELECT \* while its columns are unknown/);
    expect(within(star).getByRole('link', { name: 'warehouse:bi_dashboards/orders_export' })).toBeTruthy();
    expect(star.textContent).toContain('line 4');
    expect(calls.find((c) => c.op === 'TableColumns')!.variables).toEqual({ name: 'dwd.fact_orders' });
    // Sorting by use puts the most used first.
    fireEvent.change(screen.getByLabelText('Sort columns'), { target: { value: 'use' } });
    const order = [...screen.getByTestId('columns-table').querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-column'));
    expect(order).toEqual(['customer_id', 'status', 'coupon_code']);
    // The link opens the column view in the app.
    mockGraphQL({
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      ColumnLineage: () => ({ data: { columnLineage: statusLineage } }),
    });
    fireEvent.click(within(screen.getByTestId('columns-table')).getByRole('link', { name: 'Lineage of column status' }));
    await screen.findByTestId('column-lineage-svg');
    expect(window.location.pathname).toBe('/tables/dwd.fact_orders/columns/status');
  });

  it('says when no column is known', async () => {
    mockGraphQL({
      Table: () => ({ data: tableData }),
      Lineage: () => ({ data: { lineage: sampleLineage } }),
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: [] } } }),
    });
    at('/tables/dwd.fact_orders');
    expect(await screen.findByText('No column of this table is known.')).toBeTruthy();
    expect(screen.queryByTestId('columns-star')).toBeNull();
  });

  it('shows a failure to load the columns with a retry', async () => {
    let fail = true;
    mockGraphQL({
      Table: () => ({ data: tableData }),
      Lineage: () => ({ data: { lineage: sampleLineage } }),
      TableColumns: () =>
        fail
          ? { errors: [{ message: 'store unavailable', extensions: { code: 'UNAVAILABLE' } }] }
          : { data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } },
    });
    at('/tables/dwd.fact_orders');
    const panel = await screen.findByTestId('columns-panel');
    await within(panel).findByText(/Could not load the columns of dwd.fact_orders/);
    fail = false;
    fireEvent.click(within(panel).getByRole('button', { name: 'Retry' }));
    await within(panel).findByTestId('columns-table');
  });
});

describe('ColumnLineagePage', () => {
  it('draws the column flow with the start marked and lists the jobs using it', async () => {
    const calls = mockGraphQL({
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      ColumnLineage: () => ({ data: { columnLineage: statusLineage } }),
    });
    at('/tables/dwd.fact_orders/columns/status');
    const svg = await screen.findByTestId('column-lineage-svg');
    const nodes = [...svg.querySelectorAll('.cnode')].map((n) => n.getAttribute('data-column'));
    expect(nodes.sort()).toEqual([...statusLineage.columns].sort());
    expect(svg.querySelector('.cnode.start')!.getAttribute('data-column')).toBe('dwd.fact_orders.status');
    expect(svg.querySelectorAll('.cedge.star')).toHaveLength(1);
    expect(svg.querySelector('.cedge.star')!.getAttribute('data-target')).toBe('reporting.orders_export.status');
    expect(calls.find((c) => c.op === 'ColumnLineage')!.variables).toEqual({
      table: 'dwd.fact_orders',
      column: 'status',
      direction: 'BOTH',
      depth: 3,
      limit: 500,
    });
    const uses = await screen.findByTestId('column-uses');
    expect(uses.querySelector('[data-job="warehouse:dws_daily/customer_daily"]')!.textContent).toContain('@carol · filter · line 2');
    expect(uses.querySelector('[data-job="warehouse:sandbox/cohort_retention.sql"]')!.textContent).toContain('@dan · filter · line 7');
    expect(screen.getByRole('link', { name: 'Start a campaign on this column' }).getAttribute('href')).toBe(
      '/campaigns/new?table=dwd.fact_orders&columns=status',
    );
    // Another direction and depth go to the server and into the URL.
    fireEvent.click(screen.getByLabelText('Goes to →'));
    await waitFor(() => expect(calls.filter((c) => c.op === 'ColumnLineage').at(-1)!.variables.direction).toBe('DOWNSTREAM'));
    fireEvent.click(screen.getByRole('button', { name: 'More depth' }));
    await waitFor(() => expect(calls.filter((c) => c.op === 'ColumnLineage').at(-1)!.variables.depth).toBe(4));
    expect(window.location.search).toBe('?direction=downstream&depth=4');
  });

  it('says when the walk is cut short and when no flow is known', async () => {
    const calls = mockGraphQL({
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      ColumnLineage: (v) =>
        v.limit === 500
          ? { data: { columnLineage: { ...statusLineage, truncated: true } } }
          : { data: { columnLineage: { start: 'dwd.fact_orders.status', columns: ['dwd.fact_orders.status'], edges: [], truncated: false } } },
    });
    at('/tables/dwd.fact_orders/columns/status');
    const banner = await screen.findByTestId('column-truncated');
    fireEvent.click(within(banner).getByRole('button', { name: /Show up to 1000 steps/ }));
    await waitFor(() => expect(calls.filter((c) => c.op === 'ColumnLineage').at(-1)!.variables.limit).toBe(1000));
    expect(await screen.findByText(/No column flow into or out of dwd.fact_orders.status is known/)).toBeTruthy();
  });

  it('says when no job uses the column, and when the table is unknown', async () => {
    mockGraphQL({
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      ColumnLineage: () => ({ data: { columnLineage: { start: 'dwd.fact_orders.nope', columns: ['dwd.fact_orders.nope'], edges: [], truncated: false } } }),
    });
    at('/tables/dwd.fact_orders/columns/nope');
    expect((await screen.findByTestId('column-unknown')).textContent).toContain('No job is known to use dwd.fact_orders.nope');
    mockGraphQL({
      TableColumns: () => ({ errors: [{ message: 'no table', extensions: { code: 'NOT_FOUND' } }] }),
      ColumnLineage: () => ({ errors: [{ message: 'no table', extensions: { code: 'NOT_FOUND' } }] }),
    });
    at('/tables/no.such/columns/x');
    expect(await screen.findByText(/No job reads or writes a table named “no.such”/)).toBeTruthy();
  });
});

// The dry run of dropping dwd.fact_orders.status, as the server answers it.
const statusPreview = (dryRun: boolean, targets: string[] = ['carol', 'dan', 'frank']) => ({
  dryRun,
  campaign: {
    id: dryRun ? '' : 'c7',
    title: 'Drop dwd.fact_orders.status',
    table: { name: 'dwd.fact_orders' },
    replacement: '',
    state: 'ACTIVE',
    deadline: null,
    createdAt: '2026-03-01T00:00:00Z',
    creator: 'e2e',
    progress: { total: targets.length, complete: 0, open: 0, pending: targets.length, cancelled: 0 },
    columns: ['status'],
    change: 'DROP',
    message: '',
    reach: 'DIRECT',
    updatedAt: '2026-03-01T00:00:00Z',
    completedAt: null,
    tracker: 'builtin',
    targets: targets.map((h) => ({
      owner: { handle: h, email: '' },
      role: 'ACT',
      hops: 1,
      jobs: [],
      tables: ['dwd.fact_orders'],
      state: 'PENDING',
      ticketKey: '',
      ticketUrl: '',
      ticketStatus: null,
      unassigned: false,
      verification: 'UNVERIFIED',
      detail: '',
      lastError: '',
      attempts: 0,
      remindedAt: null,
    })),
  },
  impact: {
    totals: { owners: 3, mustAct: 2, informed: 0, jobs: 3, tables: 0 },
    truncated: false,
    owners: [],
    columns: ['status'],
    derived: [],
    spared: [{ handle: 'bob' }, { handle: 'erin' }, { handle: 'grace' }],
    byRole: [
      {
        owner: { handle: 'carol' },
        role: 'MUST_ACT',
        hops: 1,
        jobs: [
          {
            job: { id: 'warehouse:dws_daily/customer_daily' },
            role: 'MUST_ACT',
            hops: 1,
            reason: 'uses dwd.fact_orders.status (filter)',
            uses: [{ name: 'dwd.fact_orders.status', kind: 'FILTER', line: 2, unresolved: false }],
          },
        ],
      },
      {
        owner: { handle: 'dan' },
        role: 'MUST_ACT',
        hops: 1,
        jobs: [
          {
            job: { id: 'warehouse:sandbox/cohort_retention.sql' },
            role: 'MUST_ACT',
            hops: 1,
            reason: 'uses dwd.fact_orders.status (filter)',
            uses: [{ name: 'dwd.fact_orders.status', kind: 'FILTER', line: 7, unresolved: false }],
          },
        ],
      },
      {
        owner: { handle: 'frank' },
        role: 'MAY_USE',
        hops: 1,
        jobs: [
          {
            job: { id: 'warehouse:bi_dashboards/orders_export' },
            role: 'MAY_USE',
            hops: 1,
            reason: 'may use status: it reads dwd.fact_orders.* and the table’s columns are unknown',
            uses: [{ name: 'dwd.fact_orders.*', kind: 'VALUE', line: 4, unresolved: true }],
          },
        ],
      },
    ],
  },
  tickets: targets.map((h) => ({ owner: { handle: h, email: '' }, summary: 'Drop dwd.fact_orders.status', description: 'Columns change.', due: null })),
  ticketCount: targets.length,
});

describe('the wizard with columns', () => {
  it('picks a column, previews must act / may use / spared, and launches a column campaign', async () => {
    sessionStorage.setItem('lineage.token', 'tok');
    const calls = mockGraphQL({
      Search: () => ({ data: { search: { hits: [], pageInfo: { hasNextPage: false, endCursor: null } } } }),
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      CampaignPreview: () => ({ data: { campaignPreview: statusPreview(true) } }),
      StartCampaign: (v) => ({ data: { startCampaign: statusPreview((v.input as { dryRun: boolean }).dryRun) } }),
      Campaign: () => ({ data: { campaign: { ...statusPreview(false).campaign, events: [] } } }),
    });
    at('/campaigns/new?table=dwd.fact_orders');
    const picker = screen.getByTestId('column-picker');
    const box = (await within(picker).findByLabelText('Column status')) as HTMLInputElement;
    expect(box.closest('label')!.textContent).toBe('status2 jobs');
    expect(within(picker).queryByLabelText('Column *')).toBeNull();
    fireEvent.click(box);
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Drop dwd.fact_orders.status');
    expect((within(picker).getByLabelText('Drop') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Preview impact' }));
    const preview = await screen.findByTestId('preview');
    const asked = calls.filter((c) => c.op === 'CampaignPreview').at(-1)!.variables;
    expect(asked.input).toMatchObject({ table: 'dwd.fact_orders', columns: ['status'], change: 'DROP', dryRun: true });
    // A column preview asks for every owner by role (byRole), not the table-wide pages.
    expect(asked.scoped).toBe(true);
    const roles = [...preview.querySelectorAll('tr[data-owner]')].map((r) => `${r.getAttribute('data-owner')}:${r.getAttribute('data-role')}`);
    expect(roles).toEqual(['carol:MUST_ACT', 'dan:MUST_ACT', 'frank:MAY_USE']);
    const lead = within(preview).getByTestId('column-lead').textContent!.replace(/\s+/g, ' ');
    expect(lead).toContain('2 owners must act, 1 may use it and is asked to check');
    expect(lead).toContain('3 tickets will be created in the built-in tracker');
    const spared = within(preview).getByTestId('spared');
    expect(spared.textContent!.replace(/\s+/g, ' ')).toContain('spares 3 owners (bob, erin, grace) compared with the whole table');
    expect(within(spared).getByRole('link', { name: 'erin' }).getAttribute('href')).toBe('/owners/erin');
    const carol = preview.querySelector('tr[data-owner="carol"]')!;
    expect(carol.textContent).toContain('dwd.fact_orders.status · filter · line 2');
    // A must-act job's use says why; a may-use job's reason is shown.
    expect(carol.textContent).not.toContain('uses dwd.fact_orders.status (filter)');
    expect(preview.querySelector('tr[data-owner="frank"]')!.textContent).toContain('reads dwd.fact_orders.* and the table’s columns are unknown');
    fireEvent.click(screen.getByRole('button', { name: 'Launch campaign (3 tickets)' }));
    await waitFor(() => expect(window.location.pathname).toBe('/campaigns/c7'));
    expect(calls.filter((c) => c.op === 'StartCampaign').at(-1)!.variables.input).toMatchObject({ columns: ['status'], change: 'DROP', dryRun: false });
    // The campaign page names the columns and the change.
    const facts = await screen.findByTestId('campaign-columns');
    expect(within(facts).getByRole('link', { name: 'Lineage of column status' }).getAttribute('href')).toBe('/tables/dwd.fact_orders/columns/status');
    expect(screen.getByTestId('campaign-change').textContent).toBe('drop');
  });

  it('takes columns from the URL, sends another change, and goes table-wide when all are unticked', async () => {
    sessionStorage.setItem('lineage.token', 'tok');
    const calls = mockGraphQL({
      Search: () => ({ data: { search: { hits: [], pageInfo: { hasNextPage: false, endCursor: null } } } }),
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      CampaignPreview: () => ({ data: { campaignPreview: { ...statusPreview(true), campaign: { ...statusPreview(true).campaign, columns: [], change: null } } } }),
    });
    at('/campaigns/new?table=dwd.fact_orders&columns=status&columns=gone');
    const picker = screen.getByTestId('column-picker');
    expect(((await within(picker).findByLabelText('Column status')) as HTMLInputElement).checked).toBe(true);
    // A column the graph does not know stays listed, ticked, and says so.
    expect((within(picker).getByLabelText('Column gone') as HTMLInputElement).checked).toBe(true);
    expect(picker.textContent).toContain('not known to the graph');
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Drop status, gone of dwd.fact_orders');
    fireEvent.click(within(picker).getByLabelText('Rename'));
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Rename status, gone of dwd.fact_orders');
    fireEvent.click(within(picker).getByRole('button', { name: 'Clear' }));
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Migrate off dwd.fact_orders');
    fireEvent.click(screen.getByRole('button', { name: 'Preview impact' }));
    await screen.findByTestId('preview');
    const input = calls.filter((c) => c.op === 'CampaignPreview').at(-1)!.variables.input as Record<string, unknown>;
    expect('columns' in input).toBe(false);
    expect(screen.queryByTestId('spared')).toBeNull();
  });

  it('says a column campaign spares nobody when every reader uses the column', async () => {
    sessionStorage.setItem('lineage.token', 'tok');
    const p = statusPreview(true);
    mockGraphQL({
      Search: () => ({ data: { search: { hits: [], pageInfo: { hasNextPage: false, endCursor: null } } } }),
      TableColumns: () => ({ data: { table: { name: 'dwd.fact_orders', columns: factOrdersColumns } } }),
      CampaignPreview: () => ({ data: { campaignPreview: { ...p, impact: { ...p.impact, spared: [] } } } }),
    });
    at('/campaigns/new?table=dwd.fact_orders&columns=status');
    await within(screen.getByTestId('column-picker')).findByLabelText('Column status');
    fireEvent.click(screen.getByRole('button', { name: 'Preview impact' }));
    expect((await screen.findByTestId('spared')).textContent).toContain('spares no owner compared with the whole table');
  });

  it('says when the table has no known columns', async () => {
    mockGraphQL({
      Search: () => ({ data: { search: { hits: [], pageInfo: { hasNextPage: false, endCursor: null } } } }),
      TableColumns: () => ({ errors: [{ message: 'no table', extensions: { code: 'NOT_FOUND' } }] }),
    });
    at('/campaigns/new?table=no.such');
    expect((await screen.findByTestId('picker-error')).textContent).toContain('No table named no.such is known');
  });
});
