// A fetch stand-in for component tests: answers GraphQL operations by name,
// after checking each against the server's schema (gql/schema/*.graphqls).
import { vi } from 'vitest';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';

const schemaFiles = import.meta.glob('../../../../gql/schema/*.graphqls', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
let schema: GraphQLSchema | undefined;

/** schemaErrors returns why the server would refuse query, or nothing. */
export function schemaErrors(query: string): string[] {
  const files = Object.keys(schemaFiles).sort();
  if (files.length === 0) return ['no schema found at gql/schema/*.graphqls'];
  schema ??= buildSchema(files.map((f) => schemaFiles[f]).join('\n'));
  try {
    return validate(schema, parse(query)).map((e) => e.message);
  } catch (e) {
    return [(e as Error).message];
  }
}

/**
 * invalidOperations collects the operations the UI sent that the schema
 * refuses; setup.ts fails the test that sent one. (Throwing from fetch
 * would only show as an error state the test might not look at.)
 */
export const invalidOperations: string[] = [];

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
    for (const e of schemaErrors(body.query)) invalidOperations.push(`${op || 'anonymous operation'}: ${e}`);
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
