// A fetch stand-in for component tests: answers GraphQL operations by name.
import { vi } from 'vitest';

export interface Call {
  op: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

type Answer = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[]; status?: number };
export type Handler = (variables: Record<string, unknown>, call: Call) => Answer | Promise<Answer>;

/** mockGraphQL replaces fetch; unknown operations fail the test loudly. */
export function mockGraphQL(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    if (url !== '/graphql') throw new Error(`unexpected fetch of ${url}`);
    const body = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
    const m = /^\s*(query|mutation)\s+(\w+)/.exec(body.query);
    const op = m ? m[2] : '';
    const call: Call = { op, variables: body.variables, headers: (init.headers ?? {}) as Record<string, string> };
    calls.push(call);
    const h = handlers[op];
    if (!h) throw new Error(`no mock for operation ${op}`);
    const a = await h(body.variables, call);
    return new Response(JSON.stringify({ data: a.data ?? null, errors: a.errors }), {
      status: a.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

/** sampleLineage is orders → (etl/daily.sql by alice) → daily_sales → (report.sql by bob) → kpi. */
export const sampleLineage = {
  root: { name: 'sales.orders' },
  direction: 'BOTH',
  depth: 2,
  tables: [{ name: 'sales.orders' }, { name: 'dws.daily_sales' }, { name: 'rpt.kpi' }],
  jobs: [
    { id: 'warehouse/etl/daily.sql', owner: { handle: 'alice' } },
    { id: 'warehouse/rpt/report.sql', owner: { handle: 'bob' } },
  ],
  owners: [{ handle: 'alice' }, { handle: 'bob' }],
  edges: [
    { job: 'warehouse/etl/daily.sql', table: 'sales.orders', kind: 'READS' },
    { job: 'warehouse/etl/daily.sql', table: 'dws.daily_sales', kind: 'WRITES' },
    { job: 'warehouse/rpt/report.sql', table: 'dws.daily_sales', kind: 'READS' },
    { job: 'warehouse/rpt/report.sql', table: 'rpt.kpi', kind: 'WRITES' },
  ],
  truncated: false,
};
