import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { mockGraphQL, sampleLineage } from '../test/graphql';
import { forgetSchema } from '../queries';
import { splitByHop, toInput, validate, type Draft } from './NewCampaignPage';

afterEach(() => vi.unstubAllGlobals());

function at(path: string) {
  window.history.replaceState(null, '', path);
  return render(<App />);
}

const tableData = {
  table: {
    name: 'sales.orders',
    readers: [{ id: 'warehouse/etl/daily.sql', owner: { handle: 'alice' } }],
    writers: [{ id: 'warehouse/ods/load.sql', owner: null }],
    owners: [],
  },
};

describe('TablePage', () => {
  it('shows the graph with readers, writers and owners beside it', async () => {
    const calls = mockGraphQL({
      Table: () => ({ data: tableData }),
      Lineage: () => ({ data: { lineage: sampleLineage } }),
      Search: () => ({ data: { search: { hits: [], pageInfo: { hasNextPage: false, endCursor: null } } } }),
    });
    at('/tables/sales.orders');
    await screen.findByTestId('lineage-svg');
    const side = screen.getByRole('complementary', { name: /readers, writers/i });
    expect(within(side).getByRole('link', { name: 'warehouse/etl/daily.sql' })).toBeTruthy();
    expect(within(side).getByRole('link', { name: 'warehouse/ods/load.sql' })).toBeTruthy();
    expect(within(side).getByText('No known owner.')).toBeTruthy();
    const lin = calls.find((c) => c.op === 'Lineage')!;
    expect(lin.variables).toMatchObject({ table: 'sales.orders', direction: 'BOTH', depth: 1 });
    expect(screen.queryByTestId('truncated')).toBeNull();
  });

  it('asks for more depth and another direction', async () => {
    const calls = mockGraphQL({
      Table: () => ({ data: tableData }),
      Lineage: () => ({ data: { lineage: sampleLineage } }),
    });
    at('/tables/sales.orders');
    await screen.findByTestId('lineage-svg');
    fireEvent.click(screen.getByRole('button', { name: 'More depth' }));
    await waitFor(() => expect(calls.filter((c) => c.op === 'Lineage').at(-1)!.variables.depth).toBe(2));
    fireEvent.click(screen.getByLabelText('Downstream →'));
    await waitFor(() => expect(calls.filter((c) => c.op === 'Lineage').at(-1)!.variables.direction).toBe('DOWNSTREAM'));
    expect(window.location.search).toBe('?direction=downstream&depth=2');
  });

  it('says when the graph is cut short and offers more', async () => {
    const calls = mockGraphQL({
      Table: () => ({ data: tableData }),
      Lineage: () => ({ data: { lineage: { ...sampleLineage, truncated: true } } }),
    });
    at('/tables/sales.orders?limit=5');
    const banner = await screen.findByTestId('truncated');
    expect(banner.textContent).toContain('stopped at 5 tables and jobs');
    fireEvent.click(within(banner).getByRole('button', { name: /show up to 10 nodes/ }));
    await waitFor(() => expect(calls.filter((c) => c.op === 'Lineage').at(-1)!.variables.limit).toBe(10));
  });

  it('explains an unknown table', async () => {
    mockGraphQL({
      Table: () => ({ errors: [{ message: 'No table named nope.', extensions: { code: 'NOT_FOUND' } }] }),
      Lineage: () => ({ errors: [{ message: 'No table named nope.', extensions: { code: 'NOT_FOUND' } }] }),
    });
    at('/tables/nope');
    expect(await screen.findByText(/No job reads or writes a table named “nope”/)).toBeTruthy();
  });

  it('explains a server that cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    at('/tables/sales.orders');
    const alert = (await screen.findAllByRole('alert'))[0];
    expect(alert.textContent).toMatch(/could not be reached/);
    expect(alert.textContent).toMatch(/lineage serve/);
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});

const campaign = (over: Record<string, unknown> = {}) => ({
  id: 'c1',
  title: 'Migrate off sales.orders',
  table: { name: 'sales.orders' },
  replacement: 'sales.orders_v2',
  state: 'ACTIVE',
  deadline: null,
  createdAt: '2026-03-01T00:00:00Z',
  creator: 'e2e',
  progress: { total: 2, complete: 0, open: 2, pending: 0, cancelled: 0 },
  message: 'Move to v2.',
  reach: 'DIRECT',
  updatedAt: '2026-03-01T00:00:00Z',
  completedAt: null,
  tracker: 'builtin',
  targets: ['alice', 'bob'].map((h, i) => ({
    owner: { handle: h, email: '' },
    role: 'ACT',
    hops: 1,
    jobs: [`etl/${h}.sql`],
    jobCount: 1,
    tables: ['sales.orders'],
    tableCount: 1,
    state: 'OPEN',
    ticketKey: `LIN-${i + 1}`,
    ticketUrl: '',
    ticketStatus: 'TODO',
    unassigned: false,
    verification: 'STILL_READING',
    detail: `etl/${h}.sql still reads sales.orders`,
    lastError: '',
    attempts: 1,
    remindedAt: null,
  })),
  events: [{ id: 1, at: '2026-03-01T00:00:00Z', actor: 'e2e', kind: 'created', owner: '', message: 'Campaign started.' }],
  ...over,
});

describe('NewCampaignPage', () => {
  const draft: Draft = { table: 'sales.orders', replacement: '', title: 't', message: '', deadline: '', reach: 'DIRECT' };
  it.each([
    ['NoTable', { table: ' ' }, 'table'],
    ['NoTitle', { title: '' }, 'title'],
    ['SameReplacement', { replacement: 'Sales.Orders' }, 'replacement'],
    ['PastDeadline', { deadline: '2020-01-01' }, 'deadline'],
  ])('validate %s', (_n, patch, field) => {
    expect(Object.keys(validate({ ...draft, ...patch }))).toEqual([field]);
  });
  it('validate accepts a good draft', () => expect(validate({ ...draft, deadline: '2999-01-01' })).toEqual({}));
  it('toInput trims and drops empty fields', () => {
    expect(toInput({ ...draft, replacement: ' ', message: ' hi ' }, true)).toEqual({
      table: 'sales.orders',
      replacement: null,
      title: 't',
      message: 'hi',
      deadline: null,
      reach: 'DIRECT',
      dryRun: true,
    });
  });

  it('previews the impact without a token (a query), asks for one at launch, then launches', async () => {
    const payload = (dryRun: boolean) => ({
      dryRun,
      campaign: campaign({ id: dryRun ? '' : 'c1' }),
      impact: { totals: { owners: 2, mustAct: 2, informed: 0, jobs: 2, tables: 1 }, truncated: false, owners: [] },
      tickets: [
        { owner: { handle: 'alice', email: '' }, summary: 'Migrate off sales.orders', description: 'Move to v2.', due: null },
        { owner: { handle: 'bob', email: '' }, summary: 'Migrate off sales.orders', description: 'Move to v2.', due: null },
      ],
      ticketCount: 2,
    });
    const calls = mockGraphQL({
      CampaignPreview: () => ({ data: { campaignPreview: payload(true) } }),
      StartCampaign: (_v, call) => {
        if (call.headers.Authorization !== 'Bearer tok-123')
          return {
            errors: [
              {
                message: 'This needs a token. This server made a local token on its first run: it is the content of /home/me/lineage.db-token.',
                extensions: { code: 'UNAUTHENTICATED' },
              },
            ],
          };
        return { data: { startCampaign: payload(false) } };
      },
      Campaign: () => ({ data: { campaign: campaign() } }),
    });
    at('/campaigns/new?table=sales.orders');
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Migrate off sales.orders');
    fireEvent.change(screen.getByLabelText(/Replacement/), { target: { value: 'sales.orders_v2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview impact' }));
    const preview = await screen.findByTestId('preview');
    expect(preview.textContent).toContain('2 owners must act');
    expect(preview.textContent).toContain('2 tickets will be created in the built-in tracker');
    const asked = calls.filter((c) => c.op === 'CampaignPreview');
    expect(asked).toHaveLength(1);
    expect(asked[0].headers.Authorization).toBeUndefined();
    expect(asked[0].variables.input).toMatchObject({ table: 'sales.orders', replacement: 'sales.orders_v2' });
    fireEvent.click(screen.getByRole('button', { name: 'Launch campaign (2 tickets)' }));
    // The prompt says where the server keeps its token.
    const dialog = await screen.findByRole('dialog', { name: 'API token' });
    expect(dialog.textContent).toContain('/home/me/lineage.db-token');
    fireEvent.change(within(dialog).getByLabelText('Token'), { target: { value: 'tok-123' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use token' }));
    await waitFor(() => expect(window.location.pathname).toBe('/campaigns/c1'));
    expect(calls.filter((c) => c.op === 'StartCampaign').at(-1)!.variables.input).toMatchObject({ dryRun: false });
    expect(sessionStorage.getItem('lineage.token')).toBe('tok-123');
  });

  it('splitByHop: must act lists only jobs that read the table itself; the rest are downstream', () => {
    const c = campaign({
      reach: 'TRANSITIVE',
      targets: [
        { ...campaign().targets[0], role: 'ACT', jobs: ['etl/a1.sql', 'etl/a2.sql'] },
        { ...campaign().targets[1], role: 'INFORM', hops: 2, jobs: ['etl/b.sql'] },
      ],
    });
    const job = (id: string, hops: number, reads: string[]) => ({ job: { id }, hops, reads: reads.map((name) => ({ name })), writes: [] });
    const { direct, downstream } = splitByHop({
      dryRun: true,
      campaign: c as unknown as Parameters<typeof splitByHop>[0]['campaign'],
      tickets: [],
      ticketCount: 0,
      impact: {
        totals: { owners: 2, mustAct: 1, informed: 1, jobs: 3, tables: 2 },
        truncated: false,
        owners: [
          { owner: { handle: 'alice', team: '' }, hops: 1, direct: true, jobCount: 2, jobs: [job('etl/a1.sql', 1, ['sales.orders']), job('etl/a2.sql', 2, ['dws.daily'])] },
          { owner: { handle: 'bob', team: '' }, hops: 2, direct: false, jobCount: 5, jobs: [job('etl/b.sql', 2, ['dws.daily'])] },
        ],
      },
    });
    expect(direct).toEqual([{ owner: 'alice', act: true, hops: 1, jobs: ['etl/a1.sql'], tables: [], more: 0 }]);
    // bob has 5 jobs, of which the preview fetched 1: the other 4 are counted.
    expect(downstream).toEqual([
      { owner: 'alice', act: true, hops: 2, jobs: ['etl/a2.sql'], tables: ['dws.daily'], more: 0 },
      { owner: 'bob', act: false, hops: 2, jobs: ['etl/b.sql'], tables: ['dws.daily'], more: 4 },
    ]);
  });

  it('pages a large preview: first owners and tickets at once, more owners on request', async () => {
    // 60 owners must act, 40 jobs each: the first page holds 50 owners with 20 jobs each.
    const handles = Array.from({ length: 60 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    const owner = (h: string) => ({
      owner: { handle: h, team: '' },
      hops: 1,
      direct: true,
      jobCount: 40,
      jobs: Array.from({ length: 20 }, (_, k) => ({ job: { id: `etl/${h}/${k}.sql` }, hops: 1, reads: [{ name: 'sales.orders' }], writes: [] })),
    });
    const targets = handles.map((h) => ({ owner: { handle: h, email: '' }, role: 'ACT', hops: 1 }));
    const tickets = handles.slice(0, 20).map((h) => ({ owner: { handle: h, email: '' }, summary: 'Migrate off sales.orders', description: 'x', due: null }));
    const calls = mockGraphQL({
      CampaignPreview: (v) => ({
        data: {
          campaignPreview: {
            dryRun: true,
            campaign: campaign({ id: '', targets }),
            impact: {
              totals: { owners: 60, mustAct: 60, informed: 0, jobs: 2400, tables: 1 },
              truncated: false,
              owners: handles.slice(v.offset as number, (v.offset as number) + (v.first as number)).map(owner),
            },
            tickets,
            ticketCount: 60,
          },
        },
      }),
      CampaignPreviewOwners: (v) => ({
        data: { campaignPreview: { impact: { owners: handles.slice(v.offset as number, (v.offset as number) + (v.first as number)).map(owner) } } },
      }),
    });
    at('/campaigns/new?table=sales.orders');
    fireEvent.click(screen.getByRole('button', { name: 'Preview impact' }));
    const preview = await screen.findByTestId('preview');
    const asked = calls.find((c) => c.op === 'CampaignPreview')!.variables;
    expect(asked).toMatchObject({ scoped: false, first: 50, offset: 0, jobs: 20, tickets: 20 });
    expect(within(screen.getByTestId('preview-act')).getAllByRole('row')).toHaveLength(51);
    expect(screen.getAllByTestId('more-jobs')[0].textContent).toContain('20 more jobs of theirs');
    expect(screen.getByTestId('more-tickets').textContent).toContain('40 more tickets');
    expect(preview.textContent).toContain('60 tickets will be created');
    expect(screen.getByRole('button', { name: 'Launch campaign (60 tickets)' })).toBeTruthy();
    fireEvent.click(within(screen.getByTestId('more-owners')).getByRole('button', { name: 'Show 10 more owners' }));
    await waitFor(() => expect(within(screen.getByTestId('preview-act')).getAllByRole('row')).toHaveLength(61));
    expect(calls.find((c) => c.op === 'CampaignPreviewOwners')!.variables).toMatchObject({ first: 50, offset: 50, jobs: 20 });
    expect(screen.queryByTestId('more-owners')).toBeNull();
  });

  it('shows what is missing instead of sending', async () => {
    const calls = mockGraphQL({});
    at('/campaigns/new');
    fireEvent.click(screen.getByRole('button', { name: 'Preview impact' }));
    expect(await screen.findByText('Pick the table to migrate off.')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});

describe('CampaignPage', () => {
  it('shows the first jobs and tables of a large target and counts the rest', async () => {
    const big = {
      ...campaign().targets[0],
      role: 'INFORM',
      hops: 2,
      jobs: Array.from({ length: 20 }, (_, i) => `etl/a${i}.sql`),
      jobCount: 45,
      tables: ['dws.a', 'dws.b'],
      tableCount: 30,
    };
    const act = { ...campaign().targets[1], jobs: ['etl/b.sql'], jobCount: 1, tables: ['dws.x', 'sales.orders'], tableCount: 3 };
    mockGraphQL({ Campaign: () => ({ data: { campaign: campaign({ targets: [big, act] }) } }) });
    at('/campaigns/c1');
    const row = await screen.findByText((_, el) => el?.getAttribute('data-owner') === 'alice');
    expect(within(row).getAllByRole('listitem')).toHaveLength(20);
    expect(within(row).getByTestId('more-target-jobs').textContent).toBe('… and 25 more jobs of @alice');
    expect(row.textContent).toContain('read dws.a, dws.b and 28 more, built from sales.orders');
    const bob = screen.getByText((_, el) => el?.getAttribute('data-owner') === 'bob');
    expect(within(bob).queryByTestId('more-target-jobs')).toBeNull();
    expect(bob.textContent).toContain('reads sales.orders; downstream of it: dws.x and 1 more');
  });

  it('shows targets, progress and the log, and closes a built-in ticket', async () => {
    let closed = false;
    const calls = mockGraphQL({
      Campaign: () => ({ data: { campaign: campaign() } }),
      SetTicketStatus: (v) => {
        closed = v.status === 'DONE';
        return { data: { setTicketStatus: { key: v.key, status: v.status } } };
      },
      Sync: () => ({
        data: {
          syncCampaign: campaign({
            progress: { total: 2, complete: closed ? 1 : 0, open: closed ? 1 : 2, pending: 0, cancelled: 0 },
            targets: campaign().targets.map((t) =>
              t.owner.handle === 'alice' && closed ? { ...t, state: 'COMPLETE', ticketStatus: 'DONE', verification: 'VERIFIED' } : t,
            ),
          }),
        },
      }),
    });
    sessionStorage.setItem('lineage.token', 'tok');
    at('/campaigns/c1');
    await screen.findByRole('heading', { name: 'Migrate off sales.orders' });
    expect(screen.getByRole('progressbar', { name: 'Campaign progress' }).getAttribute('aria-valuenow')).toBe('0');
    expect(screen.getByText('Campaign started.')).toBeTruthy();
    const row = document.querySelector('[data-owner="alice"]') as HTMLElement;
    expect(row.textContent).toContain('still reads the table');
    fireEvent.change(within(row).getByLabelText('Status of ticket LIN-1'), { target: { value: 'DONE' } });
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Campaign progress' }).getAttribute('aria-valuenow')).toBe('1'));
    expect(calls.map((c) => c.op)).toEqual(['Campaign', 'SetTicketStatus', 'Sync']);
    expect((document.querySelector('[data-owner="alice"]') as HTMLElement).textContent).toContain('verified');
  });

  it('says "Reopened: …" when the sync reopens a ticket just closed, not that it moved to Done', async () => {
    mockGraphQL({
      Campaign: () => ({ data: { campaign: campaign() } }),
      SetTicketStatus: (v) => ({ data: { setTicketStatus: { key: v.key, status: v.status } } }),
      Sync: () => ({
        data: {
          syncCampaign: campaign({
            targets: campaign().targets.map((t) =>
              t.owner.handle === 'alice' ? { ...t, detail: 'Job etl/alice.sql still reads sales.orders.', ticketStatus: 'TODO' } : t,
            ),
          }),
        },
      }),
    });
    sessionStorage.setItem('lineage.token', 'tok');
    at('/campaigns/c1');
    await screen.findByRole('heading', { name: 'Migrate off sales.orders' });
    const row = document.querySelector('[data-owner="alice"]') as HTMLElement;
    fireEvent.change(within(row).getByLabelText('Status of ticket LIN-1'), { target: { value: 'DONE' } });
    const notice = await screen.findByText(/^Reopened:/);
    expect(notice.textContent).toBe('Reopened: job etl/alice.sql still reads sales.orders.');
    expect(notice.className).toContain('warn');
    expect(screen.queryByText(/moved to Done/i)).toBeNull();
  });

  it('after a migration the row no longer says "reads T"; informed owners are FYI, never "verified"', async () => {
    const base = campaign().targets;
    mockGraphQL({
      Campaign: () => ({
        data: {
          campaign: campaign({
            targets: [
              { ...base[0], state: 'COMPLETE', ticketStatus: 'DONE', verification: 'VERIFIED', detail: 'No job of alice reads sales.orders.' },
              {
                ...base[1],
                role: 'INFORM',
                hops: 2,
                tables: ['dws.daily'],
                verification: 'VERIFIED',
                detail: 'Informed only: bob\'s jobs read tables downstream of sales.orders, not sales.orders itself.',
              },
            ],
          }),
        },
      }),
    });
    at('/campaigns/c1');
    await screen.findByRole('heading', { name: 'Migrate off sales.orders' });
    const alice = (document.querySelector('[data-owner="alice"]') as HTMLElement).textContent!;
    expect(alice).toContain('verified: no longer reads it');
    expect(alice).not.toMatch(/\breads sales\.orders/);
    expect(alice).toContain('read sales.orders when the campaign started');
    const bob = (document.querySelector('[data-owner="bob"]') as HTMLElement).textContent!;
    expect(bob).not.toContain('verified');
    expect(bob).toContain('FYI only: nothing to change');
    expect(bob).toMatch(/complete when they close the ticket, or on its own once every owner who must act has moved off sales\.orders/);
  });

  it('cancels with a reason', async () => {
    const calls = mockGraphQL({
      Campaign: () => ({ data: { campaign: campaign() } }),
      Cancel: () => ({ data: { cancelCampaign: campaign({ state: 'CANCELLED' }) } }),
    });
    sessionStorage.setItem('lineage.token', 'tok');
    at('/campaigns/c1');
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel campaign' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'Plans changed' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel campaign' }));
    await screen.findByText(/Campaign cancelled/);
    expect(calls.at(-1)!.variables).toEqual({ id: 'c1', reason: 'Plans changed' });
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('explains an unknown campaign', async () => {
    mockGraphQL({ Campaign: () => ({ errors: [{ message: 'No campaign c9.', extensions: { code: 'NOT_FOUND' } }] }) });
    at('/campaigns/c9');
    expect(await screen.findByText(/No campaign has the id “c9”/)).toBeTruthy();
  });
});

describe('CampaignsPage', () => {
  it('lists campaigns with progress bars', async () => {
    mockGraphQL({
      Campaigns: () => ({
        data: {
          campaigns: {
            nodes: [campaign({ progress: { total: 4, complete: 3, open: 1, pending: 0, cancelled: 0 } })],
            pageInfo: { endCursor: null, hasNextPage: false },
          },
        },
      }),
    });
    at('/campaigns');
    const bar = await screen.findByRole('progressbar', { name: 'Progress of Migrate off sales.orders' });
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(bar.getAttribute('aria-valuemax')).toBe('4');
  });
  it('says when there is none and how to start one', async () => {
    mockGraphQL({ Campaigns: () => ({ data: { campaigns: { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } } } }) });
    at('/campaigns');
    expect(await screen.findByText('No campaign yet.')).toBeTruthy();
  });
});

describe('App', () => {
  it('shows a page for unknown paths', () => {
    mockGraphQL({});
    at('/no/such/page');
    expect(screen.getByText('There is no page at /no/such/page.')).toBeTruthy();
  });
});

describe('TicketPage', () => {
  const tk = (status: string) => ({
    key: 'LIN-2',
    url: 'http://x/tickets/LIN-2',
    campaignId: 'c1',
    owner: 'carol',
    assignee: 'carol',
    unassigned: false,
    status,
    summary: 'Move off sales.orders',
    description: 'Please move.',
    due: null,
    comments: [],
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
  });
  it('finds the ticket through the campaigns and closes it', async () => {
    let status = 'TODO';
    const calls = mockGraphQL({
      TypeFields: () => ({ data: { __type: { fields: [{ name: 'table' }, { name: 'campaigns' }] } } }),
      TicketScan: () => ({
        data: {
          campaigns: {
            nodes: [{ id: 'c1', title: 'Move off sales.orders', tracker: 'builtin', targets: [{ ticketKey: 'LIN-1' }, { ticketKey: 'LIN-2' }] }],
            pageInfo: { endCursor: null, hasNextPage: false },
          },
        },
      }),
      TicketOf: () => ({ data: { campaign: { targets: [{ ticketKey: 'LIN-2', ticket: tk(status) }] } } }),
      SetTicketStatus: (v) => {
        status = String(v.status);
        return { data: { setTicketStatus: { key: 'LIN-2', status, campaignId: 'c1' } } };
      },
      Sync: () => ({ data: { syncCampaign: null } }),
    });
    sessionStorage.setItem('lineage.token', 'tok');
    at('/tickets/LIN-2');
    await screen.findByText('Please move.');
    fireEvent.change(screen.getByLabelText(/Comment/), { target: { value: 'done, reads v2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close ticket (Done)' }));
    await screen.findByText('Moved to Done.');
    const set = calls.find((c) => c.op === 'SetTicketStatus')!;
    expect(set.variables).toEqual({ key: 'LIN-2', status: 'DONE', comment: 'done, reads v2' });
    expect(calls.some((c) => c.op === 'Sync' && c.variables.id === 'c1')).toBe(true);
    await waitFor(() => expect((screen.getByRole('button', { name: 'Close ticket (Done)' }) as HTMLButtonElement).disabled).toBe(true));
  });
  it('loads the ticket with the ticket query when the server has it', async () => {
    const calls = mockGraphQL({
      TypeFields: () => ({ data: { __type: { fields: [{ name: 'campaigns' }, { name: 'ticket' }] } } }),
      Ticket: (v) => ({ data: { ticket: { ...tk('IN_PROGRESS'), key: String(v.key) } } }),
      TicketCampaign: () => ({ data: { campaign: { id: 'c1', title: 'Move off sales.orders', tracker: 'builtin' } } }),
    });
    at('/tickets/LIN-2');
    await screen.findByText('Please move.');
    expect(calls.some((c) => c.op === 'TicketScan')).toBe(false);
    expect(calls.find((c) => c.op === 'TicketCampaign')!.variables).toEqual({ id: 'c1' });
  });
  it('says when the ticket query finds no ticket', async () => {
    mockGraphQL({
      TypeFields: () => ({ data: { __type: { fields: [{ name: 'ticket' }] } } }),
      Ticket: () => ({ errors: [{ message: 'Ticket "LIN-99" not found.', extensions: { code: 'NOT_FOUND' } }] }),
    });
    at('/tickets/LIN-99');
    expect(await screen.findByText(/No built-in ticket has the key “LIN-99”/)).toBeTruthy();
  });
  it('says when no ticket has the key', async () => {
    mockGraphQL({
      TypeFields: () => ({ data: { __type: { fields: [] } } }),
      TicketScan: () => ({ data: { campaigns: { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } } } }),
    });
    at('/tickets/LIN-99');
    expect(await screen.findByText(/No built-in ticket has the key “LIN-99”/)).toBeTruthy();
  });
});

describe('JobPage', () => {
  const jobData = (script?: string) => ({
    job: {
      id: 'warehouse:dwd/daily',
      source: 'warehouse',
      path: 'dwd/daily.sql',
      dialect: 'spark',
      hash: 'h1',
      owner: { handle: 'alice', team: 'Data Platform', email: '' },
      reads: [{ name: 'ods.orders' }],
      writes: [{ name: 'dws.daily' }],
      script: script ?? null,
    },
  });
  afterEach(() => forgetSchema());

  it('highlights the lines that read and write when the server sends the script', async () => {
    const script = "INSERT INTO dws.daily\nSELECT day, count(*)\nFROM ods.orders\nWHERE dt = '${ds}'\nGROUP BY day;";
    const calls = mockGraphQL({
      Job: () => ({ data: jobData(script) }),
      Parse: () => ({
        data: {
          parse: {
            reads: ['ods.orders'],
            writes: ['dws.daily'],
            statements: [{ line: 1, kind: 'insert', reads: ['ods.orders'], writes: ['dws.daily'], confidence: 'high' }],
            warnings: [
              { line: 4, column: 13, message: 'unknown template variable ${ds}' },
              { line: 5, column: 1, message: 'GROUP BY guessed' },
            ],
          },
        },
      }),
    });
    at('/jobs/warehouse%3Adwd%2Fdaily');
    await screen.findByRole('region', { name: 'Script' });
    expect(calls.find((c) => c.op === 'Parse')!.variables).toEqual({ sql: script, dialect: 'spark' });
    expect(document.querySelector('tr[data-line="1"]')!.className).toBe('line-w');
    expect(document.querySelector('tr[data-line="2"]')!.className).toBe('');
    expect(document.querySelector('tr[data-line="3"]')!.className).toBe('line-r');
    expect(document.querySelector('tr[data-line="3"]')!.textContent).toContain('reads ods.orders');
    expect(screen.getByRole('link', { name: '@alice' })).toBeTruthy();
    // Template variables are expected in stored scripts: noted once, not listed as warnings.
    expect(screen.getByText(/Template variables such as \$\{ds\} are shown as written/)).toBeTruthy();
    expect(screen.getByText(/1 parser warning\(s\) below/)).toBeTruthy();
    expect(screen.getByText('line 5:1: GROUP BY guessed')).toBeTruthy();
    expect(screen.queryByText(/unknown template variable/)).toBeNull();
  });

  it('shows the script unmarked when parsing it fails', async () => {
    mockGraphQL({
      Job: () => ({ data: jobData('SELEC oops') }),
      Parse: () => ({ errors: [{ message: 'line 1, column 1: syntax error', extensions: { code: 'BAD_USER_INPUT' } }] }),
    });
    at('/jobs/warehouse%3Adwd%2Fdaily');
    expect(await screen.findByText(/Could not mark the lines that read and write/)).toBeTruthy();
    expect(document.querySelector('tr[data-line="1"]')!.textContent).toContain('SELEC oops');
  });

  it('lists the tables and says when no script text is stored', async () => {
    const calls = mockGraphQL({
      Job: () => ({ data: jobData() }),
    });
    at('/jobs/warehouse%3Adwd%2Fdaily');
    expect(await screen.findByText('No script text is stored for this job.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'ods.orders' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'dws.daily' })).toBeTruthy();
    expect(calls.some((c) => c.op === 'Parse')).toBe(false);
  });
});
